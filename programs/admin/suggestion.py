"""The suggested selection: start it as a background job, show its result, accept it.

The start page answers at once (it reads the header figures and the latest
job); the optimiser runs in `programs.jobs.suggestion_job` behind the job's
progress page, which opens the result page when it is done. The result page
shows the applications near the cut-off with their reasons, and the rest a
page at a time (or a whole section on demand).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.exceptions import DomainError
from portal.jobs import job_active, job_latest_done, job_start
from portal.models import Job
from programs.admin.selection import _header, _program_for_manager
from programs.forms import MinimumFormSet, SuggestionObjectiveForm
from programs.jobs import SUGGESTION
from programs.optimiser import Minimum, Objective
from programs.optimiser.reasons import limits_params, limits_text, reason_text
from programs.services import selection as services

NEAR = 10  # rows on each side of the cut-off shown with their reasons at once
PER_PAGE = 50


def suggest_view(model_admin: Any, request: HttpRequest, pk: int) -> HttpResponse:
    program = _program_for_manager(request, pk)
    here = reverse("admin:startups_program_suggest", args=[program.pk])
    if request.method == "POST" and "accept" in request.POST:
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        try:
            chosen = services.selection_accept(program=program, ids=ids, actor=request.user)
        except DomainError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(here)
        messages.success(request, _("Selected from the suggestion: %(n)d.") % {"n": len(chosen)})
        return redirect(reverse("admin:startups_program_board", args=[program.pk]))
    data = request.POST if request.method == "POST" else None
    formset = MinimumFormSet(data, prefix="min")
    objective_form = SuggestionObjectiveForm(data)
    if data is not None and formset.is_valid() and objective_form.is_valid():
        minimums = [
            [f["field"], f["value"], f["count"]]
            for f in formset.cleaned_data
            if f.get("field") and f.get("value")
        ]
        try:
            job = job_start(
                kind=SUGGESTION,
                target=program.pk,
                actor=request.user,
                params={
                    "objective": objective_form.cleaned_data["objective"],
                    "minimums": minimums,
                },
            )
        except DomainError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(here)
        return redirect(reverse("admin:job_progress", args=[job.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Suggested selection: %(program)s") % {"program": program.name},
        "opts": model_admin.model._meta,
        "program": program,
        "formset": formset,
        "objective_form": objective_form,
        "running": job_active(kind=SUGGESTION, target=program.pk),
        "latest": job_latest_done(kind=SUGGESTION, target=program.pk),
        **_header(program),
    }
    return TemplateResponse(request, "admin/programs/program/suggest.html", context)


def suggest_result_view(model_admin: Any, request: HttpRequest, pk: int, job_id: int):
    program = _program_for_manager(request, pk)
    job = get_object_or_404(Job, pk=job_id, kind=SUGGESTION, target=str(program.pk))
    result = job.result
    if not isinstance(result, dict):
        raise Http404
    rows = result.get("rows", [])
    chosen = [row for row in rows if row["selected"]]
    left_out = [row for row in rows if not row["selected"]]
    free_chosen = [row for row in chosen if row["code"] != "already_selected"]
    show = request.GET.get("show", "")
    objective = result.get("objective", Objective.RANK_ORDER)
    comparison = result.get("comparison")
    currency = program.currency
    limits = result.get("limits")
    if limits is None:  # a result stored before the limits had their figures
        minimums = [Minimum(*m) for m in (job.params or {}).get("minimums", [])]
        limits = limits_params(
            result.get("binding", []),
            cap=program.selection_cap,
            budget=program.total_budget,
            minimums=minimums,
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Suggested selection: %(program)s") % {"program": program.name},
        "opts": model_admin.model._meta,
        "program": program,
        "job": job,
        "result": result,
        "objective_label": Objective(objective).label,
        "comparison": comparison,
        "other_label": Objective(comparison["objective"]).label if comparison else "",
        "score_difference": Decimal(comparison["score_difference"]) if comparison else None,
        "money_difference": Decimal(comparison["money_difference"]) if comparison else None,
        "total_score": Decimal(result.get("total_score", "0")),
        "total_requested": Decimal(result.get("total_requested", "0")),
        "limits_text": limits_text(limits, currency),
        "near_in": _with_reasons(free_chosen[-NEAR:], currency),
        "near_out": _with_reasons(left_out[:NEAR], currency),
        "chosen_page": _page(
            chosen, request.GET.get("chosen_page"), show == "chosen", currency=currency
        ),
        "out_page": _page(left_out, request.GET.get("out_page"), show == "out", currency=currency),
        "show": show,
        **_header(program),
    }
    return TemplateResponse(request, "admin/programs/program/suggest_result.html", context)


def _page(rows: list[dict], number: str | None, everything: bool, *, currency: str):
    page = Paginator(rows, max(len(rows), 1) if everything else PER_PAGE).get_page(number)
    page.object_list = _with_reasons(list(page.object_list), currency)
    return page


def _with_reasons(rows: list[dict], currency: str) -> list[dict]:
    """The shown rows with their reasons written now, in the reader's language and format."""
    return [
        {
            **row,
            # Results stored before reasons were codes kept their sentence.
            "reason": reason_text(row["message"], row.get("params", {}), currency)
            if "message" in row
            else row.get("reason", ""),
        }
        for row in rows
    ]
