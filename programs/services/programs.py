"""A program's own status: draft → open → reviewing → decided → closed.

`program_set_status` is the only writer of `Program.status` (the admin form
does not offer the field; the admin actions call this service). The table
is `programs.states.PROGRAM_TRANSITIONS`; the move is locked and audited by
`portal.transitions.transition`.
"""

from django.utils.translation import gettext_lazy as _

from portal.audit import Actor
from portal.exceptions import permission_require
from portal.models import User
from portal.transitions import transition
from programs.public_pages import public_pages_invalidate
from programs.rules import MANAGE_PROGRAMS
from programs.states import PROGRAM_MACHINE
from startups.enums import ProgramStatus
from startups.models import Program


def program_set_status(*, program: Program, to: str, actor: Actor) -> Program:
    """Move a program along its table; nothing happens when it is already there.

    Raises `portal.transitions.TransitionRefused` for a move the table does
    not allow. The caller's `program` is updated in place.
    """
    transition(machine=PROGRAM_MACHINE, objects=[program], to=to, actor=actor)
    # The transition writes with an UPDATE (no post_save): the cached public
    # pages show the status, so they are forgotten here.
    public_pages_invalidate()
    return program


def program_change_status(*, program: Program, to: str, actor: User) -> Program:
    """A manager moves the program (the admin actions): asked, then `program_set_status`."""
    permission_require(
        user=actor,
        perm=MANAGE_PROGRAMS,
        obj=program,
        message=_("Only program managers change a program's status."),
    )
    return program_set_status(program=program, to=to, actor=actor)


def program_start_reviewing(*, program: Program, actor: User | None) -> None:
    """Once the call has closed, the first assignment moves the program to reviewing."""
    if program.status == ProgramStatus.OPEN and not program.is_accepting():
        program_set_status(program=program, to=ProgramStatus.REVIEWING, actor=actor)
