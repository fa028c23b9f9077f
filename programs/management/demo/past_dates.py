"""Last year's call dated as it happened, after the services wrote it today.

The services stamp every history row, audit entry and award with the moment
they run, but last year's call closed a year ago and its payments follow the
tranche schedule. Left as written, a funded application's history would read
"submitted today" below payments made months ago. This puts each event on
the day it belongs to, in the order the call lived it:

    created < submitted (the call open) < under review (after it closed)
    < decided (after the review deadline) < award agreement (funded)
    < payments (completed on the last one, when paid up)

Only dates move; which rows exist and what they say is the services' own.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.db.models.signals import pre_save
from django.utils import timezone

from portal.models import AuditEntry
from programs.management.demo.cohort import DECK, deck_store
from programs.models import Award, Disbursement
from startups.enums import ApplicationStatus as S
from startups.enums import ProgramStatus
from startups.models import Application, ApplicationStatusChange, Program

DECISIONS = {S.SELECTED, S.REJECTED, S.WAITLISTED}


def _on(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def deck_fields(name: str) -> dict[str, object]:
    """The pitch deck of a submitted application (the demo's one stored deck)."""
    deck_store()
    return {"pitch_deck": DECK, "pitch_deck_name": f"{name} pitch.pdf", "pitch_deck_pages": 3}


@contextmanager
def recorded_on(day: date) -> Iterator[None]:
    """Payments made inside it are recorded on `day` (at 14:00), the day they were paid.

    The ledger refuses every update (a database trigger), so a payment's
    `recorded_at` cannot be corrected afterwards: it must be right when the
    row is inserted, which a `pre_save` receiver sees to for the block (the
    seed runs in one thread, in one transaction).
    """

    def stamp(sender, instance: Disbursement, **kwargs) -> None:
        if instance._state.adding:
            instance.recorded_at = _on(day, 14)

    pre_save.connect(stamp, sender=Disbursement, weak=False)
    try:
        yield
    finally:
        pre_save.disconnect(stamp, sender=Disbursement)


def past_program_date(*, program: Program, applications: list[Application]) -> None:
    """Date the history, audit trail, awards and payments of `program`'s applications."""
    opens = timezone.localtime(program.opens_at)
    under_review = program.closes_at + timedelta(days=3)
    decided = program.review_deadline + timedelta(days=5)
    awards = {
        award.application_id: award
        for award in Award.objects.filter(application__in=applications).prefetch_related(
            "disbursements"
        )
    }
    moves, entries, changed_apps = [], [], []
    audit = AuditEntry.objects.filter(
        action="application.status",
        object_type=Application._meta.label_lower,
        object_id__in=[str(a.pk) for a in applications],
    )
    audit_by_move = {(e.object_id, e.after.get("status")): e for e in audit}
    history = ApplicationStatusChange.objects.filter(application__in=applications)
    history_by_app: dict[int, list[ApplicationStatusChange]] = {}
    for change in history.order_by("at", "id"):
        history_by_app.setdefault(change.application_id, []).append(change)
    for index, application in enumerate(applications):
        # Applications arrive over the first seven weeks of a ten-week call.
        created = opens + timedelta(days=2 + (index * 5) % 47, hours=index % 9)
        submitted = created + timedelta(days=1 + index % 3, hours=2)
        award = awards.get(application.pk)
        when = {
            S.DRAFT: created,
            S.SUBMITTED: submitted,
            S.UNDER_REVIEW: under_review,
        }
        for status in DECISIONS:
            when[status] = decided + timedelta(minutes=index)
        if award is not None:
            payments = sorted(award.disbursements.all(), key=lambda d: d.paid_on)
            when[S.FUNDED] = _on(award.agreement_date, 11)
            if payments:
                when[S.COMPLETED] = _on(payments[-1].paid_on, 15)
        for change in history_by_app.get(application.pk, []):
            change.at = when.get(change.to_status, change.at)
            moves.append(change)
            entry = audit_by_move.get((str(application.pk), change.to_status))
            if entry is not None:
                entry.at = change.at
                entries.append(entry)
        application.created_at = created
        application.submitted_at = submitted
        application.updated_at = max(
            [submitted, *(c.at for c in history_by_app.get(application.pk, []))]
        )
        changed_apps.append(application)
    ApplicationStatusChange.objects.bulk_update(moves, ["at"], batch_size=500)
    AuditEntry.objects.bulk_update(entries, ["at"], batch_size=500)
    # A queryset update writes the given values (save() would reset the auto_now ones).
    for application in changed_apps:
        Application.objects.filter(pk=application.pk).update(
            created_at=application.created_at,
            submitted_at=application.submitted_at,
            updated_at=application.updated_at,
        )
    _funding_date(awards=list(awards.values()))
    _program_date(program=program, under_review=under_review, decided=decided)


def _funding_date(*, awards: list[Award]) -> None:
    """Awards on their agreement day; the audit of each payment on the day it was paid."""
    award_type, disbursement_type = Award._meta.label_lower, Disbursement._meta.label_lower
    for award in awards:
        signed = _on(award.agreement_date, 10)
        Award.objects.filter(pk=award.pk).update(created_at=signed)
        AuditEntry.objects.filter(
            object_type=award_type,
            object_id=str(award.pk),
            action__in=["award.create", "award.schedule"],
        ).update(at=signed)
        payments = sorted(award.disbursements.all(), key=lambda d: (d.paid_on, d.pk))
        for payment in payments:  # recorded on their day (`recorded_on`): the audit follows
            AuditEntry.objects.filter(
                object_type=disbursement_type, object_id=str(payment.pk)
            ).update(at=payment.recorded_at)
        if payments:  # the award's own moves (active, completed) come with the payments
            AuditEntry.objects.filter(
                object_type=award_type, object_id=str(award.pk), action="award.status"
            ).update(at=_on(payments[-1].paid_on, 15))


def _program_date(*, program: Program, under_review: datetime, decided: datetime) -> None:
    """The program's own moves: reviewing once the call closed, decided after the reviews."""
    entries = AuditEntry.objects.filter(
        object_type=Program._meta.label_lower, object_id=str(program.pk)
    )
    moves = entries.filter(action="program.status")
    moves.filter(after__status=ProgramStatus.REVIEWING).update(at=under_review)
    moves.filter(after__status=ProgramStatus.DECIDED).update(at=decided)
    entries.filter(action="decisions.finalise").update(at=decided)
