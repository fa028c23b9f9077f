"""Reads for milestone reports: the team's report, the sections, the figures, what is late.

Sums are computed by the database (`GROUP BY` with `Sum`/`Count`), so the
number of queries does not grow with the number of reports. Only approved
reports count in the figures: a draft's numbers are not yet the team's word.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import User
from programs.models import (
    MilestoneReport,
    MilestoneReportChange,
    MilestoneReportStatus,
    ReportSection,
)
from programs.models.milestones import EDITABLE_REPORT_STATES
from startups.models import Program

# The one section a program that defines none asks for.
DEFAULT_SECTION = "progress"
DUE_SOON = timedelta(days=7)
FIGURE_NAMES = ("revenue", "users", "jobs_created", "investment_raised")
MONEY_FIGURES = ("revenue", "investment_raised")


def report_sections(program: Program) -> list[tuple[str, str]]:
    """(key, title) of each section a report of this program answers, in order."""
    sections = [
        (str(section.pk), section.title)
        for section in ReportSection.objects.filter(program=program).order_by("position", "id")
    ]
    return sections or [(DEFAULT_SECTION, str(_("Progress on the milestone")))]


def report_section_guidance(program: Program) -> dict[str, str]:
    return {
        str(pk): guidance
        for pk, guidance in ReportSection.objects.filter(program=program).values_list(
            "pk", "guidance"
        )
    }


def _with_everything(reports: QuerySet[MilestoneReport]) -> QuerySet[MilestoneReport]:
    return reports.select_related(
        "tranche__award__application__startup", "tranche__award__program"
    ).prefetch_related(
        "attachments",
        Prefetch(
            "changes",
            queryset=MilestoneReportChange.objects.select_related("actor").order_by("at", "id"),
        ),
    )


def milestone_report_get_for_member(*, user: User, pk: int) -> MilestoneReport:
    """The report if the user is on its team; 404 for everyone else (staff included)."""
    return get_object_or_404(_with_everything(MilestoneReport.objects.for_team_member(user)), pk=pk)


def milestone_report_get_for_manager(*, pk: int) -> MilestoneReport:
    return get_object_or_404(_with_everything(MilestoneReport.objects.all()), pk=pk)


def reports_attention(*, program: Program | None = None, today: date | None = None) -> dict:
    """How many reports are due within a week, and how many are overdue (one query)."""
    today = today or timezone.localdate()
    reports = MilestoneReport.objects.all()
    if program is not None:
        reports = reports.filter(tranche__award__program=program)
    editable = Q(status__in=EDITABLE_REPORT_STATES)
    return reports.aggregate(
        overdue=Count("pk", filter=editable & Q(due_date__lt=today)),
        due=Count("pk", filter=editable & Q(due_date__gte=today, due_date__lte=today + DUE_SOON)),
        waiting=Count("pk", filter=Q(status=MilestoneReportStatus.SUBMITTED)),
    )


def reports_attention_by_program(*, program_ids: list[int], today: date) -> list[dict]:
    """Per program: reports overdue, due within a week, waiting for review (one query)."""
    editable = Q(status__in=EDITABLE_REPORT_STATES)
    return list(
        MilestoneReport.objects.filter(tranche__award__program__in=program_ids)
        .values(program=F("tranche__award__program"))
        .annotate(
            overdue=Count("pk", filter=editable & Q(due_date__lt=today)),
            due=Count(
                "pk", filter=editable & Q(due_date__gte=today, due_date__lte=today + DUE_SOON)
            ),
            waiting=Count("pk", filter=Q(status=MilestoneReportStatus.SUBMITTED)),
        )
        .order_by("program")
    )


def _sums(**extra: Any) -> dict[str, Any]:
    return {
        "reports": Count("pk"),
        "teams": Count("tranche__award", distinct=True),
        **{name: Sum(name) for name in FIGURE_NAMES},
        **extra,
    }


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    for name in FIGURE_NAMES:
        zero = Decimal("0.00") if name in MONEY_FIGURES else 0
        row[name] = row.get(name) or zero
    return row


def program_reported_figures(program: Program) -> dict[str, Any]:
    """The figures the program's teams reported, summed over approved reports.

    `{"currency", "reports", "teams", "revenue", "users", "jobs_created",
    "investment_raised"}`: money in the program's currency (awards are
    in it), counts as integers; zeros when nothing is approved yet. The
    public results page and the manager's reporting both read this.
    """
    row = MilestoneReport.objects.filter(
        tranche__award__program=program, status=MilestoneReportStatus.APPROVED
    ).aggregate(**_sums())
    return _clean({"currency": program.currency, **row})


def reported_figures_by_program() -> list[dict[str, Any]]:
    """One row per program with approved reports: its sums (the manager's table)."""
    rows = (
        MilestoneReport.objects.filter(status=MilestoneReportStatus.APPROVED)
        .values("tranche__award__program", "tranche__award__program__name")
        .annotate(**_sums(currency=Max("tranche__award__currency")))
        .order_by("tranche__award__program__name")
    )
    return [
        _clean(
            {
                "program_id": row.pop("tranche__award__program"),
                "name": row.pop("tranche__award__program__name"),
                **row,
            }
        )
        for row in rows
    ]


def reported_figures_by_milestone(program: Program) -> list[dict[str, Any]]:
    """The program's sums per milestone number (the chart's bars)."""
    rows = (
        MilestoneReport.objects.filter(
            tranche__award__program=program, status=MilestoneReportStatus.APPROVED
        )
        .values("tranche__sequence")
        .annotate(**_sums())
        .order_by("tranche__sequence")
    )
    return [_clean({"sequence": row.pop("tranche__sequence"), **row}) for row in rows]


def completed_applications(program: Program) -> QuerySet:
    """The program's completed projects, for its public page (names only)."""
    from startups.enums import ApplicationStatus
    from startups.models import Application

    return (
        Application.objects.filter(program=program, status=ApplicationStatus.COMPLETED)
        .select_related("startup")
        .only("id", "startup__name", "program_id", "startup_id")
        .order_by("startup__name", "id")
    )
