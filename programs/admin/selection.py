"""The selection board, the suggestion and finalising, as admin views for managers."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from portal.exceptions import DomainError
from portal.money import format_money
from portal.validators import validate_multiline
from programs.optimiser import (
    Candidate,
    InfeasibleSelection,
    Minimum,
    SelectionProblem,
    suggest_selection,
)
from programs.ranking import RANKED_STATES, SELECTED_STATES, ranking, selection_totals
from programs.rules import is_program_manager
from programs.services import selection as services
from startups.enums import ApplicationStatus as S
from startups.enums import Region, Sector
from startups.models import Application, Program

SORTS = {
    "rank": ["rank"],
    "score": ["rank"],
    "requested": [F("requested_amount").asc(nulls_last=True), "rank"],
    "name": ["startup__name", "rank"],
    "reviews": ["reviews", "rank"],
    "spread": [F("spread").desc(nulls_last=True), "rank"],
}
DECISION_LABELS = {
    "selected": _("Select"),
    "waitlisted": _("Waitlist"),
    "rejected": _("Reject"),
}


class BoardFilter(forms.Form):
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All"))] + list(Sector.choices)
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("All"))] + list(Region.choices)
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + [(s.value, s.label) for s in RANKED_STATES],
    )
    flag = forms.ChoiceField(
        label=_("Flag"),
        required=False,
        choices=[
            ("", _("All")),
            ("not_enough", _("Not enough reviews")),
            ("disagreement", _("Reviewers disagree")),
        ],
    )
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS])
    normalised = forms.ChoiceField(required=False, choices=[("", ""), ("0", "0"), ("1", "1")])


class MinimumForm(forms.Form):
    field = forms.ChoiceField(
        label=_("At least"),
        required=False,
        choices=[("", "—"), ("region", _("Region")), ("sector", _("Sector"))],
    )
    value = forms.ChoiceField(
        label=_("Value"),
        required=False,
        choices=[("", "—"), (_("Region"), Region.choices), (_("Sector"), Sector.choices)],
    )
    count = forms.IntegerField(label=_("Projects"), required=False, min_value=1, max_value=1000)

    def clean(self):
        data = super().clean()
        field, value = data.get("field"), data.get("value")
        if field and value:
            known = Region.values if field == "region" else Sector.values
            if value not in known:
                raise forms.ValidationError(_("Choose a value of the chosen kind."))
            if not data.get("count"):
                raise forms.ValidationError(_("Say how many projects at least."))
        return data


MinimumFormSet = forms.formset_factory(MinimumForm, extra=3, max_num=10)


def _program_for_manager(request, pk) -> Program:
    if not is_program_manager(request.user):
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
    rows = ranking(program, normalised=normalised)
    if data.get("sector"):
        rows = rows.filter(startup__sector=data["sector"])
    if data.get("region"):
        rows = rows.filter(startup__region=data["region"])
    if data.get("status"):
        rows = rows.filter(status=data["status"])
    if data.get("flag") == "not_enough":
        rows = rows.filter(reviews__lt=program.reviews_per_application)
    elif data.get("flag") == "disagreement":
        rows = rows.filter(spread__gt=program.disagreement_threshold)
    sort = data.get("sort") or "rank"
    rows = rows.order_by(*SORTS[sort])
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.not_enough = row.reviews < program.reviews_per_application
        row.disagreement = row.spread is not None and row.spread > float(
            program.disagreement_threshold
        )
        row.requested_display = format_money(row.requested_amount, program.currency)
        row.running_display = format_money(row.running_requested, program.currency)
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
        "toggle_normalised": "?" + urlencode({**keep, "normalised": "0" if normalised else "1"}),
        "decisions": DECISION_LABELS,
        **_header(program),
    }
    return TemplateResponse(request, "admin/programs/program/board.html", context)


def _board_decide(request, program):
    decision = request.POST.get("decision", "")
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    note = request.POST.get("note", "")[:1000]
    back = request.POST.get("next") or reverse("admin:startups_program_board", args=[program.pk])
    if not back.startswith("/"):
        back = reverse("admin:startups_program_board", args=[program.pk])
    if not ids:
        messages.warning(request, _("Tick at least one application."))
        return redirect(back)
    try:
        validate_multiline(note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    applications = list(Application.objects.filter(program=program, pk__in=ids).order_by("id"))
    if decision == "withdrawn":
        refused = []
        for application in applications:
            try:
                services.application_record_withdrawal(
                    application=application, actor=request.user, note=note
                )
            except DomainError as error:
                refused.extend(error.messages)
        done = len(applications) - len(refused)
    elif decision in DECISION_LABELS:
        done_list, refused = services.applications_decide(
            applications=applications, decision=decision, actor=request.user, note=note
        )
        done = len(done_list)
    else:
        messages.error(request, _("Choose a decision."))
        return redirect(back)
    if done:
        messages.success(request, _("Decisions recorded: %(n)d.") % {"n": done})
    if refused:
        messages.error(request, services.refusal_summary(refused) + " " + " ".join(refused))
    return redirect(back)


def suggest_view(model_admin, request, pk):
    program = _program_for_manager(request, pk)
    if request.method == "POST" and "accept" in request.POST:
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        try:
            chosen = services.selection_accept(program=program, ids=ids, actor=request.user)
        except DomainError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(reverse("admin:startups_program_suggest", args=[program.pk]))
        messages.success(request, _("Selected from the suggestion: %(n)d.") % {"n": len(chosen)})
        return redirect(reverse("admin:startups_program_board", args=[program.pk]))
    formset = MinimumFormSet(request.GET or None, prefix="min")
    suggestion, problems, by_id = None, [], {}
    if request.GET.get("run") and formset.is_valid():
        minimums = [
            Minimum(field=f["field"], value=f["value"], count=f["count"])
            for f in formset.cleaned_data
            if f.get("field") and f.get("value")
        ]
        rows = list(
            ranking(program).filter(
                status__in=[S.SUBMITTED, S.UNDER_REVIEW, S.WAITLISTED, *SELECTED_STATES]
            )
        )
        by_id = {row.pk: row for row in rows}
        fixed = frozenset(row.pk for row in rows if row.status in SELECTED_STATES)
        candidates = [
            Candidate(
                id=row.pk,
                score=Decimal(str(round(row.score, 3))),
                requested=row.requested_amount or Decimal("0"),
                region=row.startup.region,
                sector=row.startup.sector,
                label=row.startup.name,
            )
            for row in rows
            if row.score is not None and row.requested_amount is not None
        ]
        try:
            suggestion = suggest_selection(
                SelectionProblem(
                    candidates=candidates,
                    cap=program.selection_cap,
                    budget=program.total_budget,
                    minimums=minimums,
                    fixed=fixed & {c.id for c in candidates},
                )
            )
        except InfeasibleSelection as error:
            problems = [str(m) for m in error.messages]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Suggested selection: %(program)s") % {"program": program.name},
        "opts": model_admin.model._meta,
        "program": program,
        "formset": formset,
        "suggestion": suggestion,
        "problems": problems,
        "rows": _suggestion_rows(suggestion, by_id, program) if suggestion else [],
        "new_count": sum(1 for i in suggestion.selected if by_id[i].status not in SELECTED_STATES)
        if suggestion
        else 0,
        "total_requested": format_money(suggestion.total_requested, program.currency)
        if suggestion
        else "",
        **_header(program),
    }
    return TemplateResponse(request, "admin/programs/program/suggest.html", context)


def _suggestion_rows(suggestion, by_id, program):
    rows = []
    marginal = set(suggestion.last_in[:3]) | set(suggestion.first_out[:3])
    for app_id, reason in suggestion.reasons.items():
        row = by_id[app_id]
        rows.append(
            {
                "application": row,
                "selected": reason.selected,
                "reason": reason.text,
                "marginal": app_id in marginal,
                "score": row.score,
                "requested": format_money(row.requested_amount, program.currency),
            }
        )
    rows.sort(key=lambda r: (not r["selected"], -(r["score"] or 0)))
    return rows


def finalise_view(model_admin, request, pk):
    program = _program_for_manager(request, pk)
    if request.method != "POST":
        return redirect(reverse("admin:startups_program_board", args=[program.pk]))
    undecided = request.POST.get("undecided", S.REJECTED)
    try:
        summary = services.decisions_finalise(
            program=program, actor=request.user, undecided=undecided
        )
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Decisions finalised: %(selected)d selected, %(waitlisted)d waitlisted, "
                "%(rejected)d not selected; %(emails)d e-mails queued."
            )
            % summary,
        )
    return redirect(reverse("admin:startups_program_board", args=[program.pk]))
