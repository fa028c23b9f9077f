"""Funding in the admin (managers): awards, tranche schedules, the ledger, reports."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.exceptions import DomainError
from portal.money import format_money
from programs.admin.base import ServiceAddAdminMixin
from programs.admin.tranche_editor import award_add_view, schedule_view
from programs.forms import AwardAddForm, ReverseForm
from programs.models import Award, Disbursement, Tranche
from programs.payment_forms import DisbursementAddForm
from programs.rules import MANAGE_PROGRAMS
from programs.services import funding as services


class ManagerOnlyAdmin(ServiceAddAdminMixin, admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.has_perm(MANAGE_PROGRAMS)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(MANAGE_PROGRAMS)

    def has_delete_permission(self, request, obj=None):
        return False

    def service_form_view(self, request, form, *, run, success, next_url, title, **extra):
        """A form whose valid data goes to one service; refusals show on the form."""
        if request.method == "POST" and form.is_valid():
            try:
                result = run(form.cleaned_data)
            except DomainError as error:
                for text in error.messages:
                    form.add_error(None, text)
                if isinstance(error, services.DuplicateReference):
                    form.ask_to_confirm()
            else:
                messages.success(request, success)
                return redirect(next_url(result))
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            **extra,
        }
        return TemplateResponse(request, "admin/programs/award/add.html", context)


class TrancheInline(admin.TabularInline):
    model = Tranche
    extra = 0
    can_delete = False
    fields = ["sequence", "amount", "planned_date", "milestone", "paid"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Award)
class AwardAdmin(ManagerOnlyAdmin):
    list_display = [
        "startup_name",
        "program",
        "amount_display",
        "disbursed_display",
        "remaining_display",
        "agreement_date",
        "status",
        "schedule_link",
    ]
    list_filter = ["program", "status", "currency"]
    search_fields = ["application__startup__name"]
    list_select_related = ["application__startup", "program"]
    date_hierarchy = "agreement_date"
    inlines = [TrancheInline]
    form = AwardAddForm
    autocomplete_fields = ["application"]
    change_fields = [
        "application",
        "program",
        "amount",
        "currency",
        "requested_amount",
        "over_request_reason",
        "agreement_date",
        "status",
        "disbursed",
        "created_by",
        "created_at",
    ]
    change_list_template = "admin/programs/award/change_list.html"

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_add_permission(self, request):
        return request.user.has_perm(MANAGE_PROGRAMS)

    def has_change_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        # With its tranche schedule in one go (programs.admin.tranche_editor).
        return award_add_view(self, request)

    def get_urls(self):
        from programs.admin import jobs

        def view(function):
            return self.admin_site.admin_view(lambda request, **kw: function(self, request, **kw))

        def report(name):
            # The report views live in programs.admin.reports, loaded when used.
            def run(model_admin, request):
                from programs.admin import reports

                return getattr(reports, name)(model_admin, request)

            return view(run)

        return [
            path("<int:pk>/schedule/", view(schedule_view), name="programs_award_schedule"),
            path("report/", report("report_view"), name="programs_award_report"),
            path(
                "report/export/",
                report("report_export_view"),
                name="programs_award_report_export",
            ),
            path(
                "ledger/export/",
                report("ledger_export_view"),
                name="programs_award_ledger_export",
            ),
            # The same exports as background jobs: the file waits in private storage.
            path("export/", view(jobs.export_start_view), name="programs_award_export_start"),
            path(
                "export/<int:job_id>/",
                view(jobs.export_result_view),
                name="programs_award_export_result",
            ),
            path(
                "export/<int:job_id>/download/",
                view(jobs.export_download_view),
                name="programs_award_export_download",
            ),
        ] + super().get_urls()

    @admin.display(description=_("startup"), ordering="application__startup__name")
    def startup_name(self, obj):
        return obj.application.startup.name

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj):
        return format_money(obj.amount, obj.currency)

    @admin.display(description=_("disbursed"), ordering="disbursed")
    def disbursed_display(self, obj):
        return format_money(obj.disbursed, obj.currency)

    @admin.display(description=_("remaining"))
    def remaining_display(self, obj):
        return format_money(obj.remaining, obj.currency)

    @admin.display(description=_("tranches"))
    def schedule_link(self, obj):
        url = reverse("admin:programs_award_schedule", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Schedule"))


@admin.register(Disbursement)
class DisbursementAdmin(ManagerOnlyAdmin):
    list_display = [
        "paid_on",
        "startup_name",
        "tranche_label",
        "amount_display",
        "reference",
        "kind",
        "recorded_by",
        "reverse_link",
    ]
    list_filter = ["award__program", "paid_on"]
    search_fields = ["reference", "award__application__startup__name"]
    list_select_related = [
        "award__application__startup",
        "tranche",
        "recorded_by",
        "reverses",
        "reversed_by",
    ]
    date_hierarchy = "paid_on"
    form = DisbursementAddForm
    autocomplete_fields = ["tranche"]
    change_fields = [
        "award",
        "tranche",
        "amount",
        "paid_on",
        "reference",
        "reverses",
        "note",
        "recorded_by",
        "recorded_at",
    ]
    show_full_result_count = False

    def has_add_permission(self, request):
        return request.user.has_perm(MANAGE_PROGRAMS)

    def has_change_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return self.service_form_view(
            request,
            DisbursementAddForm(request.POST or None),
            run=lambda data: services.disbursement_record(
                tranche=data["tranche"],
                amount=data["amount"],
                paid_on=data["paid_on"],
                reference=data["reference"],
                confirm_duplicate=data.get("confirm_duplicate", False),
                actor=request.user,
            ),
            success=_("Payment recorded."),
            next_url=lambda _entry: reverse("admin:programs_disbursement_changelist"),
            title=_("Record a payment"),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/reverse/",
                self.admin_site.admin_view(self.reverse_view),
                name="programs_disbursement_reverse",
            )
        ] + super().get_urls()

    def reverse_view(self, request, pk):
        if not request.user.has_perm(MANAGE_PROGRAMS):
            raise Http404
        entry = get_object_or_404(
            Disbursement.objects.select_related("award__application__startup", "tranche"), pk=pk
        )
        return self.service_form_view(
            request,
            ReverseForm(request.POST or None),
            run=lambda data: services.disbursement_reverse(
                disbursement=entry, actor=request.user, note=data["note"]
            ),
            success=_("The payment is reversed by a new ledger entry."),
            next_url=lambda _entry: reverse("admin:programs_disbursement_changelist"),
            title=_("Reverse a payment"),
            entry=entry,
            amount=format_money(entry.amount, entry.award.currency),
        )

    @admin.display(description=_("startup"), ordering="award__application__startup__name")
    def startup_name(self, obj):
        return obj.award.application.startup.name

    @admin.display(description=_("tranche"))
    def tranche_label(self, obj):
        return f"#{obj.tranche.sequence} {obj.tranche.milestone}"

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj):
        return format_money(obj.amount, obj.award.currency)

    @admin.display(description=pgettext_lazy("ledger column", "entry"))
    def kind(self, obj):
        if obj.reverses_id:
            return _("reversal of #%(id)d") % {"id": obj.reverses_id}
        if getattr(obj, "reversed_by", None) is not None:
            return _("payment (reversed)")
        return _("payment")

    @admin.display(description="")
    def reverse_link(self, obj):
        if obj.amount < 0 or getattr(obj, "reversed_by", None) is not None:
            return ""
        url = reverse("admin:programs_disbursement_reverse", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Reverse"))
