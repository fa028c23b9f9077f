"""What `disbursement_record` checks before a payment, said in words.

Kept apart from `programs.services.funding` (which calls them with the
award and tranche rows locked): why a payment cannot be made, and whether
its reference was already used on another payment of the same program.
The database's check constraints stay the final word on the amounts.
"""

from decimal import Decimal

from django.db import connection
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.exceptions import DomainError
from portal.money import format_money
from programs.models import Award, Disbursement, Tranche


class DuplicateReference(DomainError):
    """The reference is already on another payment of the program: confirm first."""

    def __init__(self, earlier: Disbursement, currency: str):
        self.earlier = earlier
        super().__init__(duplicate_message(earlier, currency))


def duplicate_message(earlier: Disbursement, currency: str) -> str:
    reversed_note = (
        str(_(" (since reversed)")) if getattr(earlier, "reversed_by", None) is not None else ""
    )
    return str(
        _(
            "The payment reference “%(reference)s” is already on payment #%(id)d: "
            "%(amount)s to %(startup)s for tranche #%(n)d, paid on %(paid_on)s%(reversed)s. "
            "Nothing was saved. If this is a different payment, tick “record anyway” "
            "and save again."
        )
        % {
            "reference": earlier.reference,
            "id": earlier.pk,
            "amount": format_money(earlier.amount, currency),
            "startup": earlier.award.application.startup.name,
            "n": earlier.tranche.sequence,
            "paid_on": date_format(earlier.paid_on, "DATE_FORMAT"),
            "reversed": reversed_note,
        }
    )


# The first key of the advisory locks taken here (the second is the reference's hash).
REFERENCE_LOCK_SPACE = 7301


def payment_reference_lock(*, program_id: int, reference: str) -> None:
    """Queue the payments of one program that carry this reference, until commit.

    Two managers typing the same reference at once would both find no earlier
    payment; under this lock the second finds the first. Only payments with
    the same reference wait (a PostgreSQL advisory lock on the program and
    the reference); SQLite has one writer at a time anyway.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
            [REFERENCE_LOCK_SPACE, f"{program_id}:{reference.lower()}"],
        )


def payment_same_reference(*, award: Award, reference: str) -> Disbursement | None:
    """The earliest payment of the award's program that carries this reference."""
    return (
        Disbursement.objects.filter(
            award__program_id=award.program_id, reference__iexact=reference, amount__gt=0
        )
        .select_related("award__application__startup", "tranche", "reversed_by")
        .order_by("id")
        .first()
    )


def payment_refusal(*, award: Award, tranche: Tranche, amount: Decimal) -> str | None:
    """Why `amount` cannot be paid on this tranche now (None when it can)."""
    money = award.currency
    if award.disbursed >= award.amount:
        return str(
            _("This award is already fully paid (%(paid)s of %(amount)s).")
            % {
                "paid": format_money(award.disbursed, money),
                "amount": format_money(award.amount, money),
            }
        )
    if tranche.paid >= tranche.amount:
        return str(
            _("This tranche is already fully paid (%(paid)s of %(amount)s).")
            % {
                "paid": format_money(tranche.paid, money),
                "amount": format_money(tranche.amount, money),
            }
        )
    if tranche.paid + amount > tranche.amount:
        return str(
            _(
                "Tranche %(n)d is %(amount)s, %(paid)s of it already paid: at most "
                "%(left)s can be paid now."
            )
            % {
                "n": tranche.sequence,
                "amount": format_money(tranche.amount, money),
                "paid": format_money(tranche.paid, money),
                "left": format_money(tranche.amount - tranche.paid, money),
            }
        )
    if award.disbursed + amount > award.amount:
        return str(
            _("The payment would take the disbursed total above the award of %(amount)s.")
            % {"amount": format_money(award.amount, money)}
        )
    return None
