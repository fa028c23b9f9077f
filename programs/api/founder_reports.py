"""Founders: my team's milestone reports (read; write a draft, attach a PDF, submit).

As the team's report page (`programs/founder_reports.py`): every lookup goes
through the user's own team (another team's report, or any report for a
token without a team, is 404), the form of the page checks what is written,
and `programs.services.milestones.milestone_report_save` stores it. A report
the team may no longer change (submitted or approved) is refused with 409.
"""

from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError as FormError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from portal.api.auth import FOUNDER_READ, FOUNDER_WRITE, acting
from portal.api.errors import ERRORS, ApiError
from portal.api.schemas import AmountIn
from portal.audit import audit_record
from programs.api.common import Id
from programs.api.report_shapes import (
    MilestoneReportDetailOut,
    MilestoneReportOut,
    details_loaded,
    report_detail_out,
    report_out,
    reports_loaded,
)
from programs.milestone_forms import SECTION_PREFIX, MilestoneReportForm
from programs.milestones import report_sections
from programs.models import MilestoneReport
from programs.rules import EDIT_MILESTONE_REPORT, VIEW_MILESTONE_REPORT
from programs.services import milestones as services
from startups.forms import PdfField

router = Router(tags=["founder"])

FIGURES = ("revenue", "users", "jobs_created", "investment_raised")
SectionKey = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,40}$")]


def _mine(request: HttpRequest, pk: int) -> MilestoneReport:
    """The report if the token's user is on its team (404 for anyone else)."""
    found = details_loaded(MilestoneReport.objects.for_team_member(request.user)).filter(pk=pk)
    report = found.first()
    if report is None or not request.user.has_perm(VIEW_MILESTONE_REPORT, report):
        raise Http404
    return report


def _writable(request: HttpRequest, report: MilestoneReport) -> None:
    if not request.user.has_perm(EDIT_MILESTONE_REPORT, report):
        raise ApiError(
            409,
            "refused",
            _("This report is with the program office; it cannot be changed now."),
        )


def _detail(request: HttpRequest, pk: int) -> dict:
    return report_detail_out(_mine(request, pk), managed=False)


@router.get(
    "/founder/milestone-reports",
    response={200: list[MilestoneReportOut], **ERRORS},
    auth=FOUNDER_READ,
)
def my_reports(request: HttpRequest):
    """The milestone reports of the teams the token's user is on, the earliest due first."""
    reports = reports_loaded(MilestoneReport.objects.for_team_member(request.user).distinct())
    return [report_out(r) for r in reports]


@router.get(
    "/founder/milestone-reports/{report_id}",
    response={200: MilestoneReportDetailOut, **ERRORS},
    auth=FOUNDER_READ,
)
def my_report(request: HttpRequest, report_id: Id):
    """One report: each section with its answer, the figures, attachments, history."""
    return _detail(request, report_id)


class ReportFiguresIn(Schema):
    """The period's figures; leave one out to keep it, send null to clear it."""

    revenue: AmountIn | None = None
    users: int | None = Field(None, ge=0, le=2_000_000_000)
    jobs_created: int | None = Field(None, ge=0, le=1_000_000)
    investment_raised: AmountIn | None = None


class ReportDraftIn(Schema):
    answers: dict[SectionKey, Annotated[str, Field(max_length=20000)]] = Field(
        default_factory=dict,
        description="text per section key (see `sections`); sections left out are kept",
    )
    figures: ReportFiguresIn | None = None


def _current(report: MilestoneReport) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{SECTION_PREFIX}{key}": text for key, text in (report.answers or {}).items()
    }
    data.update({name: getattr(report, name) for name in FIGURES})
    return data


def _form(report: MilestoneReport, data: dict[str, Any]) -> MilestoneReportForm:
    """The page's form over the stored report with the changes: it refuses what the page does."""
    form = MilestoneReportForm(
        {k: ("" if v is None else v) for k, v in data.items()}, {}, report=report
    )
    if not form.is_valid():
        fields = {
            (
                f"answers.{name[len(SECTION_PREFIX) :]}"
                if name.startswith(SECTION_PREFIX)
                else name
            ): [str(e) for e in errors]
            for name, errors in form.errors.items()
        }
        raise ApiError(422, "invalid", _("Some fields are missing or not valid."), fields)
    return form


@router.patch(
    "/founder/milestone-reports/{report_id}",
    response={200: MilestoneReportDetailOut, **ERRORS},
    auth=FOUNDER_WRITE,
)
def report_update(request: HttpRequest, report_id: Id, payload: ReportDraftIn):
    """Save the draft's answers and figures (only those given); 409 once submitted."""
    report = _mine(request, report_id)
    _writable(request, report)
    keys = {key for key, _title in _sections(report)}
    unknown = sorted(set(payload.answers) - keys)
    if unknown:
        raise ApiError(
            422,
            "invalid",
            _("Some fields are missing or not valid."),
            {f"answers.{key}": [_("This report has no such section.")] for key in unknown},
        )
    figures = payload.figures.dict(exclude_unset=True) if payload.figures else {}
    data = _current(report)
    data.update({f"{SECTION_PREFIX}{key}": text for key, text in payload.answers.items()})
    data.update({name: Decimal(v) if isinstance(v, str) else v for name, v in figures.items()})
    form = _form(report, data)
    with acting(request):
        services.milestone_report_save(
            report=report, actor=request.user, answers=form.answers(), figures=form.figures()
        )
        changed = [f"answers.{key}" for key in sorted(payload.answers)] + sorted(figures)
        _audit_draft(request, report, changed)
    return _detail(request, report_id)


def _sections(report: MilestoneReport) -> list[tuple[str, str]]:
    return report_sections(report.tranche.award.program)


def _audit_draft(request: HttpRequest, report: MilestoneReport, fields: list[str]) -> None:
    """The page keeps no trail of draft saves; through the API every write names its
    token, so which answers and figures changed (not their text) is recorded."""
    audit_record(
        actor=request.user,
        action="milestone_report.draft_save",
        obj=report,
        after={"fields": fields},
    )


@router.post(
    "/founder/milestone-reports/{report_id}/attachments",
    response={200: MilestoneReportDetailOut, **ERRORS},
    auth=FOUNDER_WRITE,
)
def report_attach(request: HttpRequest, report_id: Id, file: File[UploadedFile]):
    """Attach a PDF (multipart, field `file`, at most 10 MB, checked by its content as on
    the page) to a report the team may still change; at most 10 per report."""
    report = _mine(request, report_id)
    _writable(request, report)
    try:
        pdf = PdfField().clean(file)
    except FormError as error:
        raise ApiError(
            422, "invalid", _("Some fields are missing or not valid."), {"file": error.messages}
        ) from error
    form = _form(report, _current(report))
    with acting(request):
        services.milestone_report_save(
            report=report,
            actor=request.user,
            answers=form.answers(),
            figures=form.figures(),
            attachments=[pdf],
        )
        _audit_draft(request, report, ["attachments"])
    return _detail(request, report_id)


@router.post(
    "/founder/milestone-reports/{report_id}/submit",
    response={200: MilestoneReportDetailOut, **ERRORS},
    auth=FOUNDER_WRITE,
)
def report_submit(request: HttpRequest, report_id: Id):
    """Submit the report as saved to the program office: every section must be answered
    (else 409 naming the missing ones); it is then read-only until returned."""
    report = _mine(request, report_id)
    _writable(request, report)
    form = _form(report, _current(report))
    with acting(request):
        services.milestone_report_save(
            report=report,
            actor=request.user,
            answers=form.answers(),
            figures=form.figures(),
            submit=True,
        )
    return _detail(request, report_id)
