"""A program's own status: draft → open → reviewing → decided → closed."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record
from portal.exceptions import DomainError
from programs.models import Program, ProgramStatus


class ProgramStatusRefused(DomainError):
    pass


PROGRAM_TRANSITIONS = {
    ProgramStatus.DRAFT: {ProgramStatus.OPEN},
    ProgramStatus.OPEN: {ProgramStatus.REVIEWING, ProgramStatus.DRAFT},
    ProgramStatus.REVIEWING: {ProgramStatus.DECIDED},
    ProgramStatus.DECIDED: {ProgramStatus.CLOSED},
    ProgramStatus.CLOSED: set(),
}


def program_set_status(*, program: Program, to: str, actor) -> Program:
    """Move a program along draft → open → reviewing → decided → closed."""
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)
        source, target = ProgramStatus(locked.status), ProgramStatus(to)
        if source == target:
            return locked
        if target not in PROGRAM_TRANSITIONS[source]:
            raise ProgramStatusRefused(
                _("A program cannot go from “%(source)s” to “%(target)s”.")
                % {"source": source.label, "target": target.label}
            )
        locked.status = target
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="program.status",
            obj=locked,
            before={"status": source.value},
            after={"status": target.value},
        )
    program.status = target
    return locked


def program_start_reviewing(*, program: Program, actor) -> None:
    """Once the call has closed, the first assignment moves the program to reviewing."""
    if program.status == ProgramStatus.OPEN and not program.is_accepting():
        program_set_status(program=program, to=ProgramStatus.REVIEWING, actor=actor)
