"""Funding: awards, their tranche schedule, and the disbursement ledger.

The limits hold in the database, not only in forms:
- `Program.committed` (sum of awards) is kept by `award_create` with an
  atomic `F()` update, and a check constraint keeps it within the budget;
- `Award.disbursed` and `Tranche.paid` are kept the same way by every
  ledger entry, with check constraints `0 <= paid <= amount`;
- ledger rows are never updated or deleted (database triggers refuse it);
  a mistake is corrected by a reversing entry.
Writers: `programs.services.funding` only.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.money import MONEY_DIGITS, MONEY_PLACES
from portal.validators import validate_multiline, validate_single_line


class AwardStatus(models.TextChoices):
    """Derived by the ledger: completed once everything is paid, active otherwise."""

    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Fully paid")


def _money(verbose: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs
    )


class Award(models.Model):
    """The amount awarded to one selected application, in the program's currency."""

    application = models.OneToOneField(
        "startups.Application",
        on_delete=models.PROTECT,
        related_name="award",
        verbose_name=_("application"),
    )
    program = models.ForeignKey(
        "startups.Program",
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("program"),
    )
    amount = _money(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    requested_amount = _money(_("requested amount"))
    over_request_reason = models.TextField(
        _("reason for awarding more than requested"), blank=True, validators=[validate_multiline]
    )
    agreement_date = models.DateField(_("agreement date"))
    status = models.CharField(
        _("status"), max_length=10, choices=AwardStatus.choices, default=AwardStatus.ACTIVE
    )
    disbursed = _money(_("disbursed"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-agreement_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="award_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(amount__lte=F("requested_amount")) | ~Q(over_request_reason=""),
                name="award_above_request_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(disbursed__gte=0) & Q(disbursed__lte=F("amount")),
                name="award_disbursed_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.amount} {self.currency}"

    @property
    def remaining(self):
        return self.amount - self.disbursed


class Tranche(models.Model):
    """One planned payment of an award, tied to a milestone."""

    award = models.ForeignKey(
        Award, on_delete=models.CASCADE, related_name="tranches", verbose_name=_("award")
    )
    sequence = models.PositiveSmallIntegerField(_("no."))
    amount = _money(_("amount"))
    planned_date = models.DateField(_("planned date"))
    milestone = models.CharField(_("milestone"), max_length=300, validators=[validate_single_line])
    paid = _money(_("paid"), default=0)

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["award", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["award", "sequence"], name="tranche_sequence_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(paid__gte=0) & Q(paid__lte=F("amount")),
                name="tranche_paid_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} · {self.milestone}"


class LedgerQuerySet(models.QuerySet):
    def delete(self):
        raise LedgerImmutable("Ledger entries are never deleted; record a reversing entry.")

    def update(self, **kwargs):
        raise LedgerImmutable("Ledger entries are never changed; record a reversing entry.")


class LedgerImmutable(Exception):
    pass


class Disbursement(models.Model):
    """A ledger entry: a payment (positive) or the reversal of one (negative).

    Never edited or deleted: the model and its querysets refuse, and so does
    the database (triggers on PostgreSQL; on SQLite for updates).
    """

    award = models.ForeignKey(
        Award, on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("award")
    )
    tranche = models.ForeignKey(
        Tranche, on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("tranche")
    )
    amount = _money(_("amount"))
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(
        _("payment reference"), max_length=100, validators=[validate_single_line]
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    note = models.TextField(_("note"), blank=True, validators=[validate_multiline])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(amount__gt=0) & Q(reverses__isnull=True))
                | (Q(amount__lt=0) & Q(reverses__isnull=False)),
                name="disbursement_payment_or_reversal",
            ),
        ]
        indexes = [models.Index(fields=["paid_on"])]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount} ({self.reference})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise LedgerImmutable("Ledger entries are never changed; record a reversing entry.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable("Ledger entries are never deleted; record a reversing entry.")
