"""Startups, their teams, the programs they apply to, and their applications.

State changes are owned by services: an application's status only by
`startups.workflow.application_transition` (through the services in
`startups.services`), a team only by the membership services, a
program's status only by `programs.services.program_set_status`.
"""

from startups.models.application import (
    PITCH_MAX_LENGTH,
    PUBLICATION_EDITABLE,
    TEXT_SECTIONS,
    Application,
    ApplicationQuerySet,
    ApplicationStatusChange,
    pitch_deck_path,
)
from startups.models.program import (
    Criterion,
    Program,
    ProgramQuerySet,
    default_countries,
    program_name_for_mail,
)
from startups.models.startup import (
    INVITATION_LIFETIME,
    Invitation,
    Membership,
    Startup,
    StartupQuerySet,
)

__all__ = [
    "INVITATION_LIFETIME",
    "PITCH_MAX_LENGTH",
    "PUBLICATION_EDITABLE",
    "TEXT_SECTIONS",
    "Application",
    "ApplicationQuerySet",
    "ApplicationStatusChange",
    "Criterion",
    "Invitation",
    "Membership",
    "Program",
    "ProgramQuerySet",
    "Startup",
    "program_name_for_mail",
    "StartupQuerySet",
    "default_countries",
    "pitch_deck_path",
]
