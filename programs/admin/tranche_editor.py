"""The award pages that edit a tranche schedule: making an award, its schedule.

Both show the same editor (`programs.admin.tranche_forms`), so a schedule
of several tranches can be made in one go with the award, and changed
until the first payment. Views check, call one service, show its refusal.
"""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.exceptions import DomainError
from portal.money import format_money
from programs.admin.tranche_forms import (
    MAX_ROWS,
    posted_amount,
    sum_line,
    sum_templates,
    tranche_editor,
)
from programs.forms import AwardAddForm
from programs.models import Award
from programs.rules import MANAGE_PROGRAMS
from programs.services import funding as services
from startups.models import Application


def _editor_context(formset, *, award_amount, currency, award_input="", currencies=None):
    return {
        # On the award page the script follows the chosen application's currency.
        "currencies": json.dumps(currencies or {}),
        "formset": formset,
        "max_rows": MAX_ROWS,
        "currency": currency,
        "award_amount": "" if award_amount is None else str(award_amount),
        "award_input": award_input,
        "sum_text": sum_line(formset.running_total(), award_amount, currency),
        "sum_templates": sum_templates(),
    }


def _currency_of(application_id) -> str:
    """The chosen application's program currency ("" before one is chosen)."""
    if not str(application_id or "").isdigit():
        return ""
    chosen = Application.objects.filter(pk=int(application_id))
    return chosen.values_list("program__currency", flat=True).first() or ""


def award_add_view(model_admin, request):
    """Make an award, with its tranche schedule if one is given."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    formset, save = tranche_editor(data, initial=[{}])
    if data is not None and not save:
        # A row added or removed: the award's fields come back as typed, unchecked.
        form = AwardAddForm(initial={name: data.get(name, "") for name in AwardAddForm.Meta.fields})
    else:
        form = AwardAddForm(data)
    if save and form.is_valid() and formset.is_valid():
        schedule = formset.schedule()
        try:
            award = services.award_create(
                application=form.cleaned_data["application"],
                amount=form.cleaned_data["amount"],
                agreement_date=form.cleaned_data["agreement_date"],
                over_request_reason=form.cleaned_data["over_request_reason"],
                schedule=schedule,
                actor=request.user,
            )
        except DomainError as error:
            for text in error.messages:
                form.add_error(None, text)
        else:
            messages.success(
                request,
                _("Award and tranche schedule recorded.")
                if schedule
                else _("Award recorded; now set its tranche schedule."),
            )
            return redirect(reverse("admin:programs_award_schedule", args=[award.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Make an award"),
        "opts": model_admin.model._meta,
        "form": form,
        **_editor_context(
            formset,
            award_amount=posted_amount(data),
            currency=_currency_of(form["application"].value()),
            award_input=form["amount"].auto_id,
            currencies={
                str(pk): currency
                for pk, currency in form.fields["application"].queryset.values_list(
                    "pk", "program__currency"
                )
            },
        ),
    }
    return TemplateResponse(request, "admin/programs/award/award_add.html", context)


def schedule_view(model_admin, request, pk):
    """An award's tranches: the editor until the first payment, then the frozen table."""
    if not request.user.has_perm(MANAGE_PROGRAMS):
        raise Http404
    award = get_object_or_404(
        Award.objects.select_related("application__startup", "program"), pk=pk
    )
    tranches = list(award.tranches.order_by("sequence"))
    locked = award.disbursements.exists()
    initial = [
        {"amount": t.amount, "planned_date": t.planned_date, "milestone": t.milestone}
        for t in tranches
    ] or [{"amount": award.amount}]
    data = request.POST if request.method == "POST" and not locked else None
    formset, save = tranche_editor(data, initial=initial)
    if save and formset.is_valid():
        try:
            services.tranches_set(award=award, schedule=formset.schedule(), actor=request.user)
        except DomainError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("Tranche schedule saved."))
            return redirect(reverse("admin:programs_award_schedule", args=[award.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Tranches: %(startup)s") % {"startup": award.application.startup.name},
        "opts": model_admin.model._meta,
        "award": award,
        "tranches": tranches,
        "locked": locked,
        "amount": format_money(award.amount, award.currency),
        **_editor_context(formset, award_amount=award.amount, currency=award.currency),
    }
    return TemplateResponse(request, "admin/programs/award/schedule.html", context)
