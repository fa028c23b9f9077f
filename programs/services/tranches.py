"""The tranche schedule's rules, shared by `award_create` and `tranches_set`.

An award's tranches add up to the award, or it has none yet (an award made
without a schedule gets one later). Three layers hold the rule:

- `schedule_problems` says in words what is wrong with a proposed schedule
  (the services refuse it before writing anything);
- `tranches_write` replaces the schedule inside the caller's transaction,
  the award row locked by the caller;
- on PostgreSQL a deferred constraint trigger (`programs_tranche_sum_is_award`,
  migration 0009) re-checks every award whose tranches changed, at commit;
  `tranches_write` asks for that check at once, so a schedule that slipped
  past the first layer fails inside the service, not at commit.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.money import format_money
from programs.models import Award, Tranche

SUM_TRIGGER = "programs_tranche_sum_is_award"


def schedule_problems(
    schedule: Sequence[Mapping[str, Any]], *, amount: Decimal, currency: str
) -> list[str | Promise]:
    """Why this schedule cannot be the award's (empty when it can).

    Each item: amount, planned_date, milestone. The tranches must add up to
    `amount`, each be more than zero and name its milestone, and their
    planned dates must not go backwards.
    """
    problems: list[str | Promise] = []
    if not schedule:
        return [_("Give at least one tranche.")]
    total = Decimal("0")
    for number, item in enumerate(schedule, start=1):
        try:
            value = Decimal(item["amount"])
        except (InvalidOperation, TypeError, ValueError):
            value = Decimal("0")
        if not value.is_finite() or value <= 0:
            problems.append(_("Tranche %(n)d: the amount must be more than zero.") % {"n": number})
            value = Decimal("0")
        if not (item.get("milestone") or "").strip():
            problems.append(_("Tranche %(n)d: name its milestone.") % {"n": number})
        total += value
    if total != amount:
        problems.append(
            _("The tranches add up to %(total)s, but the award is %(amount)s.")
            % {"total": format_money(total, currency), "amount": format_money(amount, currency)}
        )
    dates = [item["planned_date"] for item in schedule]
    if dates != sorted(dates):
        problems.append(_("The tranches' planned dates must not go backwards."))
    return problems


def tranches_write(*, award: Award, schedule: Sequence[Mapping[str, Any]]) -> list[Tranche]:
    """Replace the award's tranches (the caller holds the award's row lock).

    Raises `django.db.IntegrityError` when the database refuses the sum.
    Each tranche after the first gets its milestone report row.
    """
    from programs.services.milestones import milestone_reports_sync

    with transaction.atomic():
        award.tranches.all().delete()
        tranches = Tranche.objects.bulk_create(
            [
                Tranche(
                    award=award,
                    sequence=number,
                    amount=Decimal(item["amount"]),
                    planned_date=item["planned_date"],
                    milestone=item["milestone"].strip(),
                )
                for number, item in enumerate(schedule, start=1)
            ]
        )
        schedule_check_now()
        milestone_reports_sync(award=award)
    return tranches


def schedule_check_now() -> None:
    """Run the deferred sum check now (PostgreSQL), inside the caller's savepoint."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {SUM_TRIGGER} IMMEDIATE")
        cursor.execute(f"SET CONSTRAINTS {SUM_TRIGGER} DEFERRED")
