"""The manager's second opinion: preview the extra reviews near the cut-off, then confirm."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from programs.admin.jobs import job_start_or_back
from programs.admin.selection import _header, _program_for_manager
from programs.forms import SecondOpinionForm
from programs.jobs import SECOND_OPINION
from programs.services.second_opinion import (
    DEFAULT_BAND,
    DEFAULT_REVIEWERS,
    second_opinion_plan,
)


def second_opinion_view(model_admin: Any, request: HttpRequest, pk: int) -> HttpResponse:
    program = _program_for_manager(request, pk)
    here = reverse("admin:startups_program_second_opinion", args=[program.pk])
    if request.method == "POST":
        form = SecondOpinionForm(request.POST)
        seed = request.POST.get("seed", "")
        if not form.is_valid() or not seed.isdigit():
            messages.error(request, _("Preview the plan again before confirming."))
            return redirect(here)
        # The assignment runs as a background job; the preview stays here.
        return job_start_or_back(
            request,
            kind=SECOND_OPINION,
            target=program.pk,
            params={
                "reviewers": form.cleaned_data["reviewers"],
                "band": form.cleaned_data["band"],
                "seed": int(seed),
            },
            back=here,
        )
    form = SecondOpinionForm(
        request.GET if "reviewers" in request.GET else None,
        initial={"reviewers": DEFAULT_REVIEWERS, "band": DEFAULT_BAND},
    )
    reviewers, band = DEFAULT_REVIEWERS, DEFAULT_BAND
    if form.is_bound and form.is_valid():
        reviewers, band = form.cleaned_data["reviewers"], form.cleaned_data["band"]
    plan = second_opinion_plan(program=program, reviewers=reviewers, band=band)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Second opinion near the cut-off: %(program)s") % {"program": program.name},
        "opts": model_admin.model._meta,
        "program": program,
        "form": form,
        "reviewers": reviewers,
        "band": band,
        "plan": plan,
        "percent_more": round(100 * plan.reviews_added / plan.reviews_now, 1)
        if plan.reviews_now
        else None,
        **_header(program),
    }
    return TemplateResponse(request, "admin/programs/program/second_opinion.html", context)
