"""Managers: milestone reports (list, read, approve, return with comments).

Through the admin's selectors and services (`programs.milestones`,
`programs.services.milestones`): approving locks the award then the report,
as a payment does, and releases the tranche; returning needs comments and
e-mails the team. Every audit entry written names the token.
"""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from portal.api.auth import MANAGER_READ, MANAGER_WRITE, acting
from portal.api.errors import ERRORS
from programs.api.common import MAX_ID, Id
from programs.api.report_shapes import (
    ManagedMilestoneReportDetailOut,
    MilestoneReportOut,
    details_loaded,
    report_detail_out,
    report_out,
    reports_loaded,
)
from programs.models import MilestoneReport, MilestoneReportStatus
from programs.services import milestones as services
from startups.models import Program

router = Router(tags=["manager"])


class MilestoneReportFilter(Schema):
    program: str | None = Field(None, pattern=r"^[-a-zA-Z0-9_]{1,80}$", description="slug")
    status: MilestoneReportStatus | None = None
    overdue: bool | None = Field(
        None, description="true: only overdue reports; false: none that is overdue"
    )
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_ID)


class MilestoneReportPage(Schema):
    count: int
    results: list[MilestoneReportOut]


@router.get(
    "/manager/milestone-reports",
    response={200: MilestoneReportPage, **ERRORS},
    auth=MANAGER_READ,
)
def reports_list(request: HttpRequest, filters: Query[MilestoneReportFilter]):
    """Milestone reports, the earliest due first: by program, status, overdue."""
    reports = MilestoneReport.objects.all()
    if filters.program:
        program = get_object_or_404(Program, slug=filters.program)
        reports = reports.filter(tranche__award__program=program)
    if filters.status is not None:
        reports = reports.filter(status=filters.status)
    if filters.overdue is not None:
        overdue = MilestoneReport.objects.overdue(timezone.localdate()).values("pk")
        reports = (
            reports.filter(pk__in=overdue) if filters.overdue else reports.exclude(pk__in=overdue)
        )
    page = reports_loaded(reports)[filters.offset : filters.offset + filters.limit]
    return {"count": reports.count(), "results": [report_out(r) for r in page]}


def _detail(pk: int) -> dict:
    report = get_object_or_404(details_loaded(MilestoneReport.objects.all()), pk=pk)
    return report_detail_out(report, managed=True)


@router.get(
    "/manager/milestone-reports/{report_id}",
    response={200: ManagedMilestoneReportDetailOut, **ERRORS},
    auth=MANAGER_READ,
)
def report_detail(request: HttpRequest, report_id: Id):
    """One report: the answers per section, the figures, the attachments, the history."""
    return _detail(report_id)


@router.post(
    "/manager/milestone-reports/{report_id}/approve",
    response={200: ManagedMilestoneReportDetailOut, **ERRORS},
    auth=MANAGER_WRITE,
)
def report_approve(request: HttpRequest, report_id: Id):
    """Approve a submitted report: its tranche may then be paid (409 unless submitted;
    approving an approved report changes nothing)."""
    report = get_object_or_404(MilestoneReport, pk=report_id)
    with acting(request):
        services.milestone_report_approve(report=report, actor=request.user)
    return _detail(report_id)


class ReportReturnIn(Schema):
    comments: str = Field(
        min_length=1, max_length=5000, description="what the team should change (e-mailed)"
    )


@router.post(
    "/manager/milestone-reports/{report_id}/return",
    response={200: ManagedMilestoneReportDetailOut, **ERRORS},
    auth=MANAGER_WRITE,
)
def report_return(request: HttpRequest, report_id: Id, payload: ReportReturnIn):
    """Return a submitted report to the team with comments (409 unless submitted)."""
    report = get_object_or_404(MilestoneReport, pk=report_id)
    with acting(request):
        services.milestone_report_return(
            report=report, actor=request.user, comments=payload.comments
        )
    return _detail(report_id)
