"""The selection board and finalising, as admin views for managers.

The suggestion has its own module, `programs.admin.suggestion`.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import floatformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from portal.money import format_money
from portal.validators import validate_multiline
from programs.board import (
    TOO_CLOSE_Z,
    board_cutoff,
    board_page_applications,
    selection_board_count,
    selection_board_rows,
)
from programs.forms import BoardFilter
from programs.ranking import selection_totals
from programs.rules import MANAGE_PROGRAMS
from programs.services import selection as services
from startups.enums import ApplicationStatus as S
from startups.models import Application, Program

DECISION_LABELS = {
    S.SELECTED: _("Select"),
    S.WAITLISTED: _("Waitlist"),
    S.REJECTED: _("Reject"),
}


def _program_for_manager(request, pk) -> Program:
    if not request.user.has_perm(MANAGE_PROGRAMS):
        raise Http404
    return get_object_or_404(Program, pk=pk)


def _header(program: Program) -> dict:
    count, requested = selection_totals(program)
    return {
        "selected_count": count,
        "requested_by_selected": format_money(requested, program.currency),
        "budget": format_money(program.total_budget, program.currency),
        "remaining": format_money(program.total_budget - requested, program.currency),
        "awarded": format_money(program.committed, program.currency),
        "cap_reached": count >= program.selection_cap,
    }


def board_view(model_admin, request, pk):
    program = _program_for_manager(request, pk)
    if request.method == "POST":
        return _board_decide(request, program)
    filters = BoardFilter(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    normalised = (
        program.normalise_reviewers if not data.get("normalised") else data["normalised"] == "1"
    )
    cutoff = board_cutoff(program=program, normalised=normalised)
    chosen = {key: data.get(key, "") for key in ("sector", "region", "status", "flag", "q")}
    rows = selection_board_rows(
        program=program, normalised=normalised, sort=data.get("sort", ""), cutoff=cutoff, **chosen
    )
    paginator = Paginator(rows, 50)
    # Counted on the score table: the paginator never ranks the rows to count them.
    paginator.count = selection_board_count(
        program=program, normalised=normalised, cutoff=cutoff, **chosen
    )
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = _board_cells(board_page_applications(page.object_list), program)
    keep = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Selection board: %(program)s") % {"program": program.name},
        "opts": model_admin.model._meta,
        "program": program,
        "page": page,
        "filters": filters,
        "query": urlencode(keep),
        "sort_links": {
            key: "?" + urlencode({**keep, "sort": key}) for key in ("score", "requested", "name")
        },
        "normalised": normalised,
        "cutoff": cutoff,
        "too_close_z": TOO_CLOSE_Z,
        "lines_drawn": not any(chosen.values()) and data.get("sort", "") in ("", "rank", "score"),
        "toggle_normalised": "?" + urlencode({**keep, "normalised": "0" if normalised else "1"}),
        "decisions": DECISION_LABELS,
        **_header(program),
    }
    return TemplateResponse(request, "admin/programs/program/board.html", context)


def _board_cells(rows: list, program: Program) -> list:
    """Each row's figures formatted once here: a filter or tag per cell in the
    template costs more than the row's share of the SQL."""
    change = reverse("admin:startups_application_change", args=[0])
    for row in rows:
        row.change_url = change.replace("/0/", f"/{row.pk}/", 1)
        row.raw_display = floatformat(row.raw_score, 1) if row.raw_score is not None else "—"
        row.norm_display = floatformat(row.norm_score, 1) if row.norm_score is not None else "—"
        row.spread_display = floatformat(row.spread, 1) if row.spread is not None else "—"
        row.se_display = f"± {floatformat(row.score_se, 1)}" if row.score_se is not None else "—"
        row.requested_display = format_money(row.requested_amount, program.currency)
        row.running_display = format_money(row.running_requested, program.currency)
    return rows


def _board_decide(request, program):
    decision = request.POST.get("decision", "")
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    note = request.POST.get("note", "")[:1000]
    reason = request.POST.get("exception_reason", "").strip()[:1000]
    back = request.POST.get("next") or reverse("admin:startups_program_board", args=[program.pk])
    if not back.startswith("/"):
        back = reverse("admin:startups_program_board", args=[program.pk])
    if not ids:
        messages.warning(request, _("Tick at least one application."))
        return redirect(back)
    try:
        validate_multiline(note)
        validate_multiline(reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    applications = list(Application.objects.filter(program=program, pk__in=ids).order_by("id"))
    if decision == S.WITHDRAWN:
        done, refused = services.applications_record_withdrawal(
            applications=applications, actor=request.user, note=note
        )
    elif decision in DECISION_LABELS:
        done, refused = services.applications_decide(
            applications=applications,
            decision=decision,
            actor=request.user,
            note=note,
            exception_reason=reason,
        )
    else:
        messages.error(request, _("Choose a decision."))
        return redirect(back)
    if done:
        messages.success(request, _("Decisions recorded: %(n)d.") % {"n": len(done)})
    if refused:
        messages.error(request, services.refusal_summary(refused) + " " + " ".join(refused))
    return redirect(back)


def finalise_view(model_admin, request, pk):
    program = _program_for_manager(request, pk)
    if request.method != "POST":
        return redirect(reverse("admin:startups_program_board", args=[program.pk]))
    undecided = request.POST.get("undecided", S.REJECTED)
    if undecided not in (S.REJECTED, S.WAITLISTED):
        messages.error(request, _("Undecided applications can only be rejected or waitlisted."))
        return redirect(reverse("admin:startups_program_board", args=[program.pk]))
    # Finalising moves and notifies every application: a background job.
    from programs.admin.jobs import job_start_or_back
    from programs.jobs import FINALISE

    return job_start_or_back(
        request,
        kind=FINALISE,
        target=program.pk,
        params={"undecided": str(undecided)},
        back=reverse("admin:startups_program_board", args=[program.pk]),
    )
