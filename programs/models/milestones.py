"""Milestone reports: what a funded team reports before its next tranche is paid.

Every tranche after the first is released for a milestone: the team reports
on it (text per section the program defines, the period's key figures,
PDF attachments) and a manager approves the report or returns it with
comments. Until its report is approved the tranche cannot be paid: the
payment service refuses, and so does the ledger itself (a trigger on the
disbursement insert, migration `0009_milestone_reports`).

Writers: `programs.services.milestones` (reports, their state machine
`programs.states.MILESTONE_REPORT_MACHINE`, attachments);
`programs.services.funding.tranches_set` gives each tranche after the
first its report row (a draft, due on the tranche's planned date).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.money import MONEY_DIGITS, MONEY_PLACES
from portal.validators import validate_multiline, validate_single_line


class MilestoneReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")


# The team writes while the report is in one of these.
EDITABLE_REPORT_STATES = (MilestoneReportStatus.DRAFT, MilestoneReportStatus.RETURNED)


class ReportSection(models.Model):
    """A heading the program asks every milestone report to answer."""

    program = models.ForeignKey(
        "startups.Program",
        on_delete=models.CASCADE,
        related_name="report_sections",
        verbose_name=_("program"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    guidance = models.TextField(_("guidance"), blank=True, validators=[validate_multiline])

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["program", "position", "id"]

    def __str__(self) -> str:
        return self.title


class MilestoneReportQuerySet(models.QuerySet["MilestoneReport"]):
    def open(self) -> "MilestoneReportQuerySet":
        """Still the team's to write (draft or returned)."""
        return self.filter(status__in=EDITABLE_REPORT_STATES)

    def overdue(self, today=None) -> "MilestoneReportQuerySet":
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def for_team_member(self, user) -> "MilestoneReportQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(tranche__award__application__startup__memberships__user=user)


def _money(verbose, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs
    )


class MilestoneReport(models.Model):
    """The team's report on one tranche's milestone; approved, it releases the tranche.

    Figures are the period's (since the previous report), in the award's
    currency, so summing them across reports and teams means something.
    """

    tranche = models.OneToOneField(
        "programs.Tranche",
        on_delete=models.CASCADE,
        related_name="report",
        verbose_name=_("tranche"),
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MilestoneReportStatus.choices,
        default=MilestoneReportStatus.DRAFT,
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    revenue = _money(_("revenue in the period"), null=True, blank=True)
    users = models.PositiveIntegerField(_("new users in the period"), null=True, blank=True)
    jobs_created = models.PositiveIntegerField(_("jobs created"), null=True, blank=True)
    investment_raised = _money(_("investment raised"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("approved or returned"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    objects = MilestoneReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone report")
        verbose_name_plural = _("milestone reports")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(revenue__isnull=True) | Q(revenue__gte=0))
                & (Q(investment_raised__isnull=True) | Q(investment_raised__gte=0)),
                name="milestonereport_figures_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return str(_("Report on milestone #%(n)d") % {"n": self.tranche.sequence})

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_REPORT_STATES

    @property
    def is_overdue(self) -> bool:
        return self.is_editable and self.due_date < timezone.localdate()


class MilestoneReportChange(models.Model):
    """One move of a report (submitted, returned with comments, approved): its history."""

    report = models.ForeignKey(
        MilestoneReport,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("report"),
    )
    from_status = models.CharField(
        _("from"), max_length=10, choices=MilestoneReportStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=MilestoneReportStatus.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("comments"), blank=True, validators=[validate_multiline])

    class Meta:
        verbose_name = _("report status change")
        verbose_name_plural = _("report status changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.from_status} -> {self.to_status}"


def attachment_path(instance, filename: str) -> str:
    # A random name, as for pitch decks: the uploaded name is metadata only.
    return f"milestone-reports/{uuid.uuid4().hex}.pdf"


class MilestoneReportAttachment(models.Model):
    """A PDF the team attaches to a report (checked like the pitch deck)."""

    report = models.ForeignKey(
        MilestoneReport,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("report"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=255, validators=[validate_single_line])
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
