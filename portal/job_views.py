"""The progress page of a background job, and the JSON its script polls."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.jobs import job_may_view, job_result_url
from portal.models import Job, JobStatus


def _job_for(request: HttpRequest, job_id: int) -> Job:
    job = get_object_or_404(Job, pk=job_id)
    if not job_may_view(job=job, user=request.user):
        raise Http404
    return job


def _state(job: Job) -> dict[str, Any]:
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "progress": job.progress,
        "message": job.message,
        "error": job.error,
        "result_url": job_result_url(job),
    }


def job_progress_view(admin_site: Any, request: HttpRequest, job_id: int) -> HttpResponse:
    """A finished job with a result page goes there; otherwise the page polls until it is."""
    job = _job_for(request, job_id)
    result_url = job_result_url(job)
    if result_url:
        return redirect(result_url)
    context = {
        **admin_site.each_context(request),
        "title": _("Background job"),
        "job": job,
        "state": _state(job),
        "status_url": reverse("admin:job_status", args=[job.pk]),
        "finished": job.status in (JobStatus.DONE, JobStatus.FAILED),
    }
    return TemplateResponse(request, "admin/portal/job_progress.html", context)


def job_status_view(admin_site: Any, request: HttpRequest, job_id: int) -> JsonResponse:
    return JsonResponse(_state(_job_for(request, job_id)))
