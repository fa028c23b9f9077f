"""Writes for funding: awards, tranche schedules, the disbursement ledger.

Each service locks the row whose total it changes (the program for awards,
the award for payments) and moves it with an atomic `F()` update, so the
database's checks are the final word: an award past the budget, or a payment
past the award or its tranche, fails inside the transaction; nothing is written.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record
from portal.exceptions import DomainError, permission_require
from portal.history_notes import AWARD_PAID, AWARD_SIGNED, PAYMENT_REVERSED
from portal.models import NotificationKind, User
from portal.money import format_money
from portal.notifications import notification_create_for_users
from portal.transitions import transition
from programs.models import Award, AwardStatus, Disbursement, Tranche
from programs.rules import MANAGE_PROGRAMS
from programs.services import milestones as reports
from programs.services.decision_mail import decisions_notify
from programs.services.payment_checks import (
    DuplicateReference,
    payment_reference_lock,
    payment_refusal,
    payment_same_reference,
)
from programs.services.tranches import schedule_problems, tranches_write
from programs.states import AWARD_MACHINE
from startups.enums import ApplicationStatus as S
from startups.models import Application, Program, program_name_for_mail
from startups.selectors import team_recipients
from startups.workflow import application_transition


class FundingRefused(DomainError):
    pass


def award_create(
    *,
    application: Application,
    amount: Decimal,
    agreement_date: date,
    actor: User,
    over_request_reason: str = "",
    schedule: Sequence[Mapping[str, Any]] = (),
) -> Award:
    """Award a selected application; the sum of awards stays within the budget.

    With `schedule` (items as for `tranches_set`) the tranches are written in
    the same transaction: award and schedule are made together or not at all.
    """
    permission_require(
        user=actor, perm=MANAGE_PROGRAMS, message=_("Only program managers record funding.")
    )
    amount = Decimal(amount)
    reason = (over_request_reason or "").strip()
    if amount <= 0:
        raise FundingRefused(_("The award must be more than zero."))
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=application.program_id)
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("startup")
            .get(pk=application.pk)
        )
        if locked.status != S.SELECTED:
            raise FundingRefused(_("Only a selected application can receive an award."))
        if Award.objects.filter(application=locked).exists():
            raise FundingRefused(_("This application already has an award."))
        requested = locked.requested_amount or Decimal("0")
        if amount > requested and not reason:
            raise FundingRefused(
                _(
                    "The award (%(amount)s) is above the requested %(requested)s: give the "
                    "reason for awarding more."
                )
                % {
                    "amount": format_money(amount, program.currency),
                    "requested": format_money(requested, program.currency),
                }
            )
        if amount > program.max_amount_per_project:
            raise FundingRefused(
                _("The award cannot exceed the program's maximum of %(max)s per project.")
                % {"max": format_money(program.max_amount_per_project, program.currency)}
            )
        if program.committed + amount > program.total_budget:
            raise FundingRefused(_budget_message(program, amount))
        if schedule and (
            problems := schedule_problems(schedule, amount=amount, currency=program.currency)
        ):
            raise FundingRefused(*problems)
        try:
            with transaction.atomic():
                Program.objects.filter(pk=program.pk).update(committed=F("committed") + amount)
                award = Award.objects.create(
                    application=locked,
                    program=program,
                    amount=amount,
                    currency=program.currency,
                    requested_amount=requested,
                    over_request_reason=reason,
                    agreement_date=agreement_date,
                    created_by=actor,
                )
        except IntegrityError as exc:  # the database's own check, should a race slip by
            raise FundingRefused(_budget_message(program, amount)) from exc
        tranches = _schedule_write(award, schedule) if schedule else []
        # "You were selected" goes before "your award" (a no-op when already told).
        decisions_notify(applications=[locked], actor=actor)
        application_transition(application=locked, to=S.FUNDED, actor=actor, note_code=AWARD_SIGNED)
        audit_record(
            actor=actor,
            action="award.create",
            obj=award,
            after={
                "amount": str(amount),
                "currency": program.currency,
                "reason": reason,
                "tranches": [_tranche_json(t) for t in tranches],
            },
        )
        notification_create_for_users(
            kind=NotificationKind.AWARD_MADE,
            event_key=f"award:{award.pk}",
            users=team_recipients(startup=locked.startup),
            obj=award,
            context={
                "program": program_name_for_mail(program),
                "startup": locked.startup.name,
                "amount": format_money(amount, program.currency),
                "path": locked.get_absolute_url(),
            },
        )
    return award


def _budget_message(program: Program, amount: Decimal) -> str:
    return str(
        _(
            "The award of %(amount)s would take the awards to %(total)s, above the "
            "program's budget of %(budget)s."
        )
        % {
            "amount": format_money(amount, program.currency),
            "total": format_money(program.committed + amount, program.currency),
            "budget": format_money(program.total_budget, program.currency),
        }
    )


def tranches_set(
    *, award: Award, schedule: Sequence[Mapping[str, Any]], actor: User
) -> list[Tranche]:
    """Replace the award's schedule; the tranches must add up to the award.

    Each item: amount, planned_date, milestone. Possible only before the
    first payment (afterwards the paid history would lose its tranche).
    """
    permission_require(
        user=actor, perm=MANAGE_PROGRAMS, message=_("Only program managers record funding.")
    )
    with transaction.atomic():
        award = Award.objects.select_for_update().get(pk=award.pk)
        if Disbursement.objects.filter(award=award).exists():
            raise FundingRefused(
                _("Payments are recorded against this schedule; it can no longer be changed.")
            )
        problems = schedule_problems(schedule, amount=award.amount, currency=award.currency)
        if problems:
            raise FundingRefused(*problems)
        before = list(award.tranches.values("sequence", "amount", "planned_date", "milestone"))
        tranches = _schedule_write(award, schedule)
        audit_record(
            actor=actor,
            action="award.schedule",
            obj=award,
            before={"tranches": [_jsonable(t) for t in before]},
            after={"tranches": [_tranche_json(t) for t in tranches]},
        )
    return tranches


def _schedule_write(award: Award, schedule: Sequence[Mapping[str, Any]]) -> list[Tranche]:
    try:
        tranches = tranches_write(award=award, schedule=schedule)
    except IntegrityError as exc:  # the database's sum check (programs.services.tranches)
        raise FundingRefused(
            _("The tranches must add up to the award of %(amount)s.")
            % {"amount": format_money(award.amount, award.currency)}
        ) from exc
    return tranches


def _tranche_json(tranche: Tranche) -> dict[str, Any]:
    return {
        "sequence": tranche.sequence,
        "amount": str(tranche.amount),
        "planned_date": tranche.planned_date.isoformat(),
        "milestone": tranche.milestone,
    }


def _jsonable(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: str(value) if not isinstance(value, int) else value for key, value in row.items()}


def disbursement_record(
    *,
    tranche: Tranche,
    amount: Decimal,
    paid_on: date,
    reference: str,
    actor: User,
    confirm_duplicate: bool = False,
) -> Disbursement:
    """A payment against a tranche: never more than the tranche, nor the award.

    A reference already on another payment of the program is refused with
    `DuplicateReference` (naming that payment) unless `confirm_duplicate`;
    payments with the same reference in one program queue behind one lock
    (`payment_reference_lock`), so two managers typing it at once cannot both
    slip past the check; other payments do not wait for each other.
    """
    permission_require(
        user=actor, perm=MANAGE_PROGRAMS, message=_("Only program managers record funding.")
    )
    amount = Decimal(amount)
    reference = (reference or "").strip()
    if amount <= 0:
        raise FundingRefused(_("A payment must be more than zero; to correct one, reverse it."))
    if not reference:
        raise FundingRefused(_("Give the payment reference."))
    if paid_on > timezone.localdate():
        raise FundingRefused(_("A payment cannot be dated in the future."))
    with transaction.atomic():
        # First the reference's lock (same reference, same program), then the rows.
        program_id = Award.objects.values_list("program_id", flat=True).get(pk=tranche.award_id)
        payment_reference_lock(program_id=program_id, reference=reference)
        award = (
            Award.objects.select_for_update(of=("self",))
            .select_related("application__startup", "program")
            .get(pk=tranche.award_id)
        )
        tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
        refusal = payment_refusal(award=award, tranche=tranche, amount=amount)
        if refusal:
            raise FundingRefused(refusal)
        reports.tranche_report_require(tranche=tranche)
        earlier = payment_same_reference(award=award, reference=reference)
        if earlier is not None and not confirm_duplicate:
            raise DuplicateReference(earlier, award.currency)
        entry = _post(award, tranche, amount, paid_on, reference, actor, reverses=None, note="")
        if earlier is not None:
            audit_record(
                actor=actor,
                action="disbursement.duplicate_reference",
                obj=entry,
                note=str(_("Recorded although the reference is on payment #%(id)d."))
                % {"id": earlier.pk},
                after={"reference": reference, "earlier": earlier.pk},
            )
        team = team_recipients(startup=award.application.startup)
        notification_create_for_users(
            kind=NotificationKind.DISBURSEMENT_RECORDED,
            event_key=f"disbursement:{entry.pk}",
            users=team,
            obj=entry,
            context={
                "program": program_name_for_mail(award.program),
                "startup": award.application.startup.name,
                "amount": format_money(amount, award.currency),
                "tranche": tranche.sequence,
                "milestone": tranche.milestone,
                "paid_on": paid_on.isoformat(),
                "timezone": award.program.timezone,
                "total": format_money(award.disbursed + amount, award.currency),
                "award": format_money(award.amount, award.currency),
                "path": award.application.get_absolute_url(),
            },
        )
    return entry


def disbursement_reverse(*, disbursement: Disbursement, actor: User, note: str) -> Disbursement:
    """Correct a payment by a reversing entry (the original stays in the ledger)."""
    permission_require(
        user=actor, perm=MANAGE_PROGRAMS, message=_("Only program managers record funding.")
    )
    note = (note or "").strip()
    if not note:
        raise FundingRefused(_("Say why the payment is reversed."))
    with transaction.atomic():
        award = Award.objects.select_for_update().get(pk=disbursement.award_id)
        original = Disbursement.objects.select_related("tranche").get(pk=disbursement.pk)
        if original.amount < 0:
            raise FundingRefused(_("A reversal cannot itself be reversed; record a new payment."))
        if Disbursement.objects.filter(reverses=original).exists():
            raise FundingRefused(_("This payment was already reversed."))
        tranche = Tranche.objects.select_for_update().get(pk=original.tranche_id)
        return _post(
            award,
            tranche,
            -original.amount,
            timezone.localdate(),
            original.reference,
            actor,
            reverses=original,
            note=note,
        )


def _post(
    award: Award,
    tranche: Tranche,
    amount: Decimal,
    paid_on: date,
    reference: str,
    actor: User,
    *,
    reverses: Disbursement | None,
    note: str,
) -> Disbursement:
    """Write one ledger entry and move both running totals (checked by the database)."""
    try:
        with transaction.atomic():
            Award.objects.filter(pk=award.pk).update(disbursed=F("disbursed") + amount)
            Tranche.objects.filter(pk=tranche.pk).update(paid=F("paid") + amount)
            entry = Disbursement.objects.create(
                award=award,
                tranche=tranche,
                amount=amount,
                paid_on=paid_on,
                reference=reference,
                reverses=reverses,
                note=note,
                recorded_by=actor,
            )
    except IntegrityError as exc:
        raise FundingRefused(_("The payment would pass the award or its tranche.")) from exc
    _settle(award, disbursed=award.disbursed + amount, actor=actor)
    audit_record(
        actor=actor,
        action="disbursement.reverse" if reverses else "disbursement.record",
        obj=entry,
        before={"disbursed": str(award.disbursed)},
        after={
            "disbursed": str(award.disbursed + amount),
            "amount": str(amount),
            "tranche": tranche.sequence,
            "reference": reference,
        },
        note=note,
    )
    return entry


def award_settle(*, award: Award, actor: User) -> None:
    """`_settle` with the award's stored total (the award row locked by the caller)."""
    disbursed = Award.objects.values_list("disbursed", flat=True).get(pk=award.pk)
    _settle(award, disbursed=disbursed, actor=actor)


def _settle(award: Award, *, disbursed: Decimal, actor: User) -> None:
    """Fully paid, every milestone report approved: the award and application complete.

    A reversal reopens both. Runs in the transaction of the payment (or the
    approval) that changes it, the award row locked, so the award's status,
    the application's, the reports and the ledger agree.
    """
    paid_up = disbursed == award.amount and reports.reports_all_approved(award=award)
    moves = transition(
        machine=AWARD_MACHINE,
        objects=[award],
        to=AwardStatus.COMPLETED if paid_up else AwardStatus.ACTIVE,
        actor=actor,
        audit_after={"disbursed": str(disbursed)},
    )
    if moves:
        application_transition(
            application=award.application,
            to=S.COMPLETED if paid_up else S.FUNDED,
            actor=actor,
            note_code=AWARD_PAID if paid_up else PAYMENT_REVERSED,
        )


def award_balance(award: Award) -> Decimal:
    """The ledger's own sum for the award (the stored total must always equal it)."""
    return award.disbursements.aggregate(total=Sum("amount"))["total"] or Decimal("0")
