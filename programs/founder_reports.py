"""The team's milestone reports: read, write a draft, attach PDFs, submit, resubmit.

Mounted under the founders' URLs (`programs.urls`). Every lookup goes
through the user's own team (`milestone_report_get_for_member`), so a
report of another team, or any report for staff, is not found (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from programs.milestone_forms import MilestoneReportForm
from programs.milestones import milestone_report_get_for_member, report_sections
from programs.models import MilestoneReport, MilestoneReportAttachment
from programs.rules import EDIT_MILESTONE_REPORT, MANAGE_PROGRAMS, VIEW_MILESTONE_REPORT
from programs.services import milestones as services
from startups.downloads import pdf_download_response


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = milestone_report_get_for_member(user=request.user, pk=pk)
    if not request.user.has_perm(VIEW_MILESTONE_REPORT, report):
        raise Http404
    editable = request.user.has_perm(EDIT_MILESTONE_REPORT, report)
    form = MilestoneReportForm(
        request.POST if editable and request.method == "POST" else None,
        request.FILES if editable and request.method == "POST" else None,
        report=report,
    )
    if editable and request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("attachment")
        submit = "submit" in request.POST
        try:
            services.milestone_report_save(
                report=report,
                actor=request.user,
                answers=form.answers(),
                figures=form.figures(),
                attachments=[upload] if upload else [],
                submit=submit,
            )
        except DomainError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(
                request,
                _("The report is submitted to the program office.")
                if submit
                else _("Draft saved."),
            )
            return redirect("programs:report_detail", pk=report.pk)
    award = report.tranche.award
    answers = report.answers or {}
    return render(
        request,
        "programs/report_detail.html",
        {
            "report": report,
            "award": award,
            "application": award.application,
            "form": form,
            "editable": editable,
            "answered": [
                (title, answers.get(key, "")) for key, title in report_sections(award.program)
            ],
            "returned": [c for c in report.changes.all() if c.note],
        },
    )


@login_required
def report_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """The PDF for the team (its own reports) or a manager; 404 for anyone else."""
    if request.user.has_perm(MANAGE_PROGRAMS):
        report = get_object_or_404(MilestoneReport, pk=pk)
    else:
        report = milestone_report_get_for_member(user=request.user, pk=pk)
    attachment = get_object_or_404(MilestoneReportAttachment, pk=attachment_pk, report=report)
    return attachment_response(attachment)


def attachment_response(attachment: MilestoneReportAttachment) -> FileResponse:
    return pdf_download_response(
        attachment.file, f"milestone-report-{attachment.report_id}-{attachment.pk}.pdf"
    )


@login_required
@require_POST
def report_attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    report = milestone_report_get_for_member(user=request.user, pk=pk)
    attachment = get_object_or_404(MilestoneReportAttachment, pk=attachment_pk, report=report)
    try:
        services.milestone_report_attachment_remove(attachment=attachment, actor=request.user)
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The attachment is removed."))
    return redirect("programs:report_detail", pk=report.pk)
