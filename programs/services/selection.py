"""Selection: decisions within the hard cap and budget, suggestions, finalising.

Every decision locks the program row first (`SELECT … FOR UPDATE`): all
selections of one program queue behind that lock, so the count and the sum
each one checks cannot change before it commits. This is what makes the
cap and the budget hard limits under concurrent clicks.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.audit import audit_record
from portal.exceptions import DomainError, permission_require
from portal.history_notes import DECIDED, DECISIONS_FINALISED, SELECTED_EXCEPTION, unjudged_text
from portal.models import User
from portal.money import format_money
from programs.ranking import selection_totals
from programs.rules import MANAGE_PROGRAMS
from programs.services.decision_mail import decisions_notify
from programs.services.programs import program_set_status
from startups.enums import ApplicationStatus as S
from startups.enums import ProgramStatus
from startups.models import Application, Program
from startups.workflow import application_transition, applications_transition

DECISIONS = {S.SELECTED, S.WAITLISTED, S.REJECTED}


class SelectionRefused(DomainError):
    pass


def _unjudged_reasons(program: Program, application: Application) -> dict[str, Any]:
    """Why selecting this application now would decide it before it is judged.

    As the parameters of the history note (`portal.history_notes`); empty
    when the application is judged.
    """
    from programs.models import ApplicationScore

    reasons: dict[str, Any] = {}
    if program.status in (ProgramStatus.DRAFT, ProgramStatus.OPEN):
        reasons["call_open"] = True
    reviews = (
        ApplicationScore.objects.filter(application=application.pk)
        .values_list("reviews", flat=True)
        .first()
    ) or 0
    if reviews < program.reviews_per_application:
        reasons["reviews"] = reviews
        reasons["required"] = program.reviews_per_application
    return reasons


def application_decide(
    *,
    application: Application,
    decision: str,
    actor: User,
    note: str = "",
    exception_reason: str = "",
) -> Application:
    """Select, waitlist or reject one application; the cap and budget hold.

    Only judged applications are selected: with fewer submitted reviews than
    the program requires, or while the call is open, selecting is refused
    unless the manager gives `exception_reason`, which is written on the
    history row and in an audit entry ("selection.exception").
    """
    permission_require(user=actor, perm=MANAGE_PROGRAMS, message=_("Only program managers decide."))
    decision = S(decision)
    if decision not in DECISIONS:
        raise SelectionRefused(_("Unknown decision."))
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=application.program_id)
        if program.status in (ProgramStatus.CLOSED,):
            raise SelectionRefused(_("The program is closed."))
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("startup", "program")
            .get(pk=application.pk)
        )
        if locked.status == decision:
            return locked
        note_code, note_params = "", None
        if decision == S.SELECTED:
            count, requested_by_selected = selection_totals(program)
            if count >= program.selection_cap:
                raise SelectionRefused(
                    _(
                        "%(startup)s was not selected: the cap of %(cap)d selected projects "
                        "is reached."
                    )
                    % {"startup": locked.startup.name, "cap": program.selection_cap}
                )
            requested = locked.requested_amount
            if requested is None:
                raise SelectionRefused(
                    _("%(startup)s has no requested amount.") % {"startup": locked.startup.name}
                )
            if requested_by_selected + requested > program.total_budget:
                raise SelectionRefused(
                    _(
                        "%(startup)s was not selected: its %(amount)s would take the "
                        "amount requested by the selected to %(total)s, above the program's "
                        "%(budget)s."
                    )
                    % {
                        "startup": locked.startup.name,
                        "amount": format_money(requested, program.currency),
                        "total": format_money(requested_by_selected + requested, program.currency),
                        "budget": format_money(program.total_budget, program.currency),
                    }
                )
            unjudged = _unjudged_reasons(program, locked)
            exception_reason = (exception_reason or "").strip()
            if unjudged and not exception_reason:
                raise SelectionRefused(
                    _(
                        "%(startup)s was not selected: %(reasons)s. Give a reason to select "
                        "it as an exception."
                    )
                    % {"startup": locked.startup.name, "reasons": unjudged_text(unjudged)}
                )
            if unjudged:
                note_code = SELECTED_EXCEPTION
                note_params = {**unjudged, "reason": exception_reason}
                audit_record(
                    actor=actor,
                    action="selection.exception",
                    obj=locked,
                    note=exception_reason,
                    after={"unjudged": unjudged_text(unjudged), "reason": exception_reason},
                )
        if locked.status == S.SUBMITTED:
            application_transition(
                application=locked, to=S.UNDER_REVIEW, actor=actor, note_code=DECIDED
            )
        application_transition(
            application=locked,
            to=decision,
            actor=actor,
            note=note,
            note_code=note_code,
            note_params=note_params,
        )
        # Told now, once (programs.services.decision_mail), not only at finalising.
        decisions_notify(applications=[locked], actor=actor)
    application.refresh_from_db()
    return application


def applications_decide(
    *,
    applications: list[Application],
    decision: str,
    actor: User,
    note: str = "",
    exception_reason: str = "",
) -> tuple[list[Application], list[str]]:
    """The same decision for many, each in its own transaction; refusals are reported."""
    done, refused = [], []
    for application in applications:
        try:
            done.append(
                application_decide(
                    application=application,
                    decision=decision,
                    actor=actor,
                    note=note,
                    exception_reason=exception_reason,
                )
            )
        except DomainError as error:
            refused.extend(error.messages)
    return done, refused


def selection_accept(
    *, program: Program, ids: list[int], actor: User, exception_reason: str = ""
) -> list[Application]:
    """Select a suggested set: all of it, through the same capped (and guarded) path, or none."""
    permission_require(user=actor, perm=MANAGE_PROGRAMS, message=_("Only program managers decide."))
    with transaction.atomic():
        chosen = list(
            Application.objects.filter(program=program, pk__in=ids)
            .exclude(status__in=[S.SELECTED, S.FUNDED, S.COMPLETED])
            .order_by("id")
        )
        return [
            application_decide(
                application=a, decision=S.SELECTED, actor=actor, exception_reason=exception_reason
            )
            for a in chosen
        ]


def application_record_withdrawal(
    *, application: Application, actor: User, note: str
) -> Application:
    """A selected (or waitlisted) team declines: the place frees up for the waiting list."""
    permission_require(
        user=actor, perm=MANAGE_PROGRAMS, message=_("Only program managers record a withdrawal.")
    )
    with transaction.atomic():
        Program.objects.select_for_update().get(pk=application.program_id)
        application_transition(application=application, to=S.WITHDRAWN, actor=actor, note=note)
    return application


def applications_record_withdrawal(
    *, applications: list[Application], actor: User, note: str
) -> tuple[list[Application], list[str]]:
    """Withdrawals for many, each in its own transaction; refusals are reported.

    The bulk path of `application_record_withdrawal`, as `applications_decide`
    is of `application_decide`: one refusal leaves the others recorded. A
    non-manager is refused once, before any.
    """
    permission_require(
        user=actor, perm=MANAGE_PROGRAMS, message=_("Only program managers record a withdrawal.")
    )
    done, refused = [], []
    for application in applications:
        try:
            done.append(
                application_record_withdrawal(application=application, actor=actor, note=note)
            )
        except DomainError as error:
            refused.extend(error.messages)
    return done, refused


def decisions_finalise(
    *, program: Program, actor: User, undecided: str = S.REJECTED
) -> dict[str, int]:
    """Every application ends selected, waitlisted or rejected; teams are told once.

    Applications still without a decision get `undecided` (rejected by
    default, or waitlisted). The program moves to "decided". Running it
    again changes nothing and sends nothing.
    """
    permission_require(
        user=actor, perm=MANAGE_PROGRAMS, message=_("Only program managers finalise decisions.")
    )
    undecided = S(undecided)
    if undecided not in (S.REJECTED, S.WAITLISTED):
        raise SelectionRefused(_("Undecided applications can only be rejected or waitlisted."))
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        if program.status not in (ProgramStatus.REVIEWING, ProgramStatus.DECIDED):
            if program.status == ProgramStatus.OPEN and not program.is_accepting():
                program_set_status(program=program, to=ProgramStatus.REVIEWING, actor=actor)
            else:
                raise SelectionRefused(
                    _("Decisions can be finalised once the call has closed (now: %(status)s).")
                    % {"status": program.get_status_display()}
                )
        pending = list(
            Application.objects.filter(program=program, status__in=[S.SUBMITTED, S.UNDER_REVIEW])
            .select_related("startup", "program")
            .order_by("id")
        )
        applications_transition(
            applications=[a for a in pending if a.status == S.SUBMITTED],
            to=S.UNDER_REVIEW,
            actor=actor,
        )
        applications_transition(
            applications=pending, to=undecided, actor=actor, note_code=DECISIONS_FINALISED
        )
        program_set_status(program=program, to=ProgramStatus.DECIDED, actor=actor)
        decided = list(
            Application.objects.filter(program=program, status__in=list(DECISIONS))
            .select_related("startup", "program")
            .prefetch_related("startup__memberships__user")
            .order_by("id")
        )
        # Only the teams not yet told this decision (most were told when it was made).
        ids = decisions_notify(applications=decided, actor=actor)
        audit_record(
            actor=actor,
            action="decisions.finalise",
            obj=program,
            after={"undecided_to": undecided.value, "moved": len(pending), "emails": len(ids)},
        )
    summary: dict[str, int] = {
        status: sum(1 for a in decided if a.status == status) for status in sorted(DECISIONS)
    }
    return {"moved": len(pending), "emails": len(ids), **summary}


def refusal_summary(refused: list[str]) -> str:
    return ngettext(
        "%(n)d decision was refused.", "%(n)d decisions were refused.", len(refused)
    ) % {"n": len(refused)}
