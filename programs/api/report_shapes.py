"""Milestone reports as the API shows them, to the program office and to the team.

The team sees its report as its page shows it (`programs/founder_reports.py`):
sections, figures, attachments and the history with the managers' comments,
never who in the office wrote them. Managers also see who moved the report.
"""

from datetime import date, datetime

from django.db.models import Prefetch, QuerySet
from ninja import Field, Schema

from portal.api.schemas import Money, money
from programs.milestones import report_section_guidance, report_sections
from programs.models import MilestoneReport, MilestoneReportChange, MilestoneReportStatus


class MilestoneReportOut(Schema):
    id: int
    award_id: int
    application_id: int
    program: str = Field(description="the program's slug")
    startup: str
    tranche_id: int
    tranche_sequence: int
    milestone: str
    tranche_amount: Money
    due_date: date
    status: MilestoneReportStatus
    editable: bool = Field(description="the team may still write it (draft or returned)")
    overdue: bool = Field(description="still the team's to write, and past its due date")
    submitted_at: datetime | None
    decided_at: datetime | None = Field(description="last approved or returned")


class ReportSectionOut(Schema):
    key: str = Field(description="the key of `answers` in an update")
    title: str
    guidance: str
    answer: str


class ReportFiguresOut(Schema):
    """The period's figures (since the previous report); money in the award's currency."""

    revenue: Money | None
    users: int | None
    jobs_created: int | None
    investment_raised: Money | None


class ReportAttachmentOut(Schema):
    id: int
    name: str = Field(description="the uploaded file's name")
    pages: int | None
    uploaded_at: datetime


class ReportChangeOut(Schema):
    from_status: MilestoneReportStatus | None
    to_status: MilestoneReportStatus
    at: datetime
    note: str = Field(description="the manager's comments when the report was returned")


class ManagedReportChangeOut(ReportChangeOut):
    by: str = Field(description="who moved the report")


class MilestoneReportDetailOut(MilestoneReportOut):
    sections: list[ReportSectionOut]
    figures: ReportFiguresOut
    attachments: list[ReportAttachmentOut]
    history: list[ReportChangeOut]


class ManagedMilestoneReportDetailOut(MilestoneReportOut):
    sections: list[ReportSectionOut]
    figures: ReportFiguresOut
    attachments: list[ReportAttachmentOut]
    history: list[ManagedReportChangeOut]


def reports_loaded(reports: QuerySet[MilestoneReport]) -> QuerySet[MilestoneReport]:
    """What `report_out` reads, in a fixed number of queries whatever the number of rows."""
    return reports.select_related(
        "tranche__award__application__startup", "tranche__award__program"
    ).order_by("due_date", "id")


def details_loaded(reports: QuerySet[MilestoneReport]) -> QuerySet[MilestoneReport]:
    return reports_loaded(reports).prefetch_related(
        "attachments",
        Prefetch(
            "changes",
            queryset=MilestoneReportChange.objects.select_related("actor").order_by("at", "id"),
        ),
    )


def report_out(report: MilestoneReport) -> dict:
    tranche = report.tranche
    award = tranche.award
    return {
        "id": report.pk,
        "award_id": award.pk,
        "application_id": award.application_id,
        "program": award.program.slug,
        "startup": award.application.startup.name,
        "tranche_id": tranche.pk,
        "tranche_sequence": tranche.sequence,
        "milestone": tranche.milestone,
        "tranche_amount": money(tranche.amount, award.currency),
        "due_date": report.due_date,
        "status": report.status,
        "editable": report.is_editable,
        "overdue": report.is_overdue,
        "submitted_at": report.submitted_at,
        "decided_at": report.decided_at,
    }


def report_detail_out(report: MilestoneReport, *, managed: bool) -> dict:
    """The report with its sections, figures, attachments and history (`details_loaded`)."""
    award = report.tranche.award
    answers = report.answers or {}
    guidance = report_section_guidance(award.program)
    history = []
    for change in report.changes.all():
        row = {
            "from_status": change.from_status or None,
            "to_status": change.to_status,
            "at": change.at,
            "note": change.note,
        }
        if managed:
            row["by"] = change.actor.get_full_name() if change.actor else ""
        history.append(row)
    return {
        **report_out(report),
        "sections": [
            {
                "key": key,
                "title": title,
                "guidance": guidance.get(key, ""),
                "answer": answers.get(key, ""),
            }
            for key, title in report_sections(award.program)
        ],
        "figures": {
            "revenue": money(report.revenue, award.currency),
            "users": report.users,
            "jobs_created": report.jobs_created,
            "investment_raised": money(report.investment_raised, award.currency),
        },
        "attachments": [
            {"id": a.pk, "name": a.name, "pages": a.pages, "uploaded_at": a.uploaded_at}
            for a in report.attachments.all()
        ],
        "history": history,
    }
