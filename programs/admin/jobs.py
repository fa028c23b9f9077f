"""Starting the programs app's background jobs and showing their results, for managers.

The views check the role, start one job (`portal.jobs.job_start`, which
refuses a second run of the same kind and target) and send the manager to
its progress page; the progress page opens the result page when the job is
done. An export's file is in private storage: only a manager downloads it,
through `export_download_view`, never cached.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.exceptions import DomainError
from portal.jobs import job_start
from portal.models import Job, JobStatus
from programs.admin.selection import _program_for_manager
from programs.exports import FORMATS
from programs.forms import ReportFilterForm
from programs.jobs import ASSIGNMENT, EXPORT, FINALISE, SECOND_OPINION, export_target
from programs.rules import MANAGE_PROGRAMS

PROGRAM_JOBS = (ASSIGNMENT, SECOND_OPINION, FINALISE)


def job_start_or_back(
    request: HttpRequest, *, kind: str, target: str | int, params: dict[str, Any], back: str
) -> HttpResponse:
    """Start the job and show its progress; refused (one is running): say so and go back."""
    try:
        job = job_start(kind=kind, target=target, actor=request.user, params=params)
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    return redirect(reverse("admin:job_progress", args=[job.pk]))


def program_job_result_view(
    model_admin: Any, request: HttpRequest, pk: int, job_id: int
) -> HttpResponse:
    """What an assignment, second-opinion or finalising run did."""
    program = _program_for_manager(request, pk)
    job = get_object_or_404(
        Job, pk=job_id, kind__in=PROGRAM_JOBS, target=str(program.pk), status=JobStatus.DONE
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Background job: %(program)s") % {"program": program.name},
        "opts": model_admin.model._meta,
        "program": program,
        "job": job,
        "summary": (job.result or {}).get("summary", ""),
        "board_url": reverse("admin:startups_program_board", args=[program.pk]),
        "progress_url": reverse("admin:startups_program_progress", args=[program.pk]),
    }
    return TemplateResponse(request, "admin/programs/job_result.html", context)


# --- Exports -----------------------------------------------------------------


def _require_manager(request: HttpRequest) -> None:
    # 404, not 403, as the report itself.
    if not request.user.has_perm(MANAGE_PROGRAMS):
        raise Http404


def export_start_view(model_admin: Any, request: HttpRequest) -> HttpResponse:
    """POST what=report|ledger, format=csv|xlsx and the report's filters."""
    _require_manager(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ReportFilterForm(request.POST)
    what, fmt = request.POST.get("what"), request.POST.get("format")
    back = reverse("admin:programs_award_report")
    if what not in ("report", "ledger") or fmt not in FORMATS or not form.is_valid():
        messages.error(request, _("Choose the export and its format, and check the filters."))
        return redirect(back)
    scope = form.scope()
    return job_start_or_back(
        request,
        kind=EXPORT,
        target=export_target(what=what, fmt=fmt, scope=scope),
        params={
            "what": what,
            "format": fmt,
            "program": scope.program.pk if scope.program else None,
            "date_from": scope.date_from.isoformat() if scope.date_from else "",
            "date_to": scope.date_to.isoformat() if scope.date_to else "",
        },
        back=back,
    )


def _export_job(request: HttpRequest, job_id: int) -> Job:
    _require_manager(request)
    return get_object_or_404(Job, pk=job_id, kind=EXPORT, status=JobStatus.DONE)


def export_result_view(model_admin: Any, request: HttpRequest, job_id: int) -> HttpResponse:
    job = _export_job(request, job_id)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Export"),
        "opts": model_admin.model._meta,
        "job": job,
        "summary": job.result.get("summary", ""),
        "filename": job.result.get("filename", ""),
        "download_url": reverse("admin:programs_award_export_download", args=[job.pk]),
        "report_url": reverse("admin:programs_award_report"),
    }
    return TemplateResponse(request, "admin/programs/export_result.html", context)


def export_download_view(model_admin: Any, request: HttpRequest, job_id: int) -> HttpResponse:
    """The file the export job wrote: managers only, as an attachment, never cached."""
    job = _export_job(request, job_id)
    name = job.result.get("file", "")
    if not name.startswith(f"exports/job-{job.pk}/") or not default_storage.exists(name):
        raise Http404
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=job.result["filename"],
        content_type=job.result["content_type"],
    )
    response["Cache-Control"] = "no-store"
    return response
