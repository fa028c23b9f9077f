"""Milestone reports in the admin (managers): the list, the review page, the figures.

The list filters by program, status and "overdue" and searches by startup
name; a report's change page is its review page (approve, or return with
comments; move the due date). Nothing here writes a row itself: each form
goes to one service in `programs.services.milestones`.
"""

from django.contrib import admin, messages
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.exceptions import DomainError
from portal.money import format_money
from programs.admin.base import ManagersViewOnlyAdmin
from programs.milestone_forms import ReportDecisionForm, ReportDueForm
from programs.milestones import (
    FIGURE_NAMES,
    MONEY_FIGURES,
    milestone_report_get_for_manager,
    report_sections,
    reported_figures_by_milestone,
    reported_figures_by_program,
    reports_attention,
)
from programs.models import MilestoneReport
from programs.models.milestones import EDITABLE_REPORT_STATES
from programs.rules import MANAGE_PROGRAMS
from programs.services import milestones as services
from startups.models import Program


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("soon", _("Due within a week"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.overdue(today)
        if self.value() == "soon":
            return queryset.open().filter(
                due_date__gte=today, due_date__lte=today + timezone.timedelta(days=7)
            )
        return queryset


@admin.register(MilestoneReport)
class MilestoneReportAdmin(ManagersViewOnlyAdmin):
    list_display = [
        "startup_name",
        "program_name",
        "milestone",
        "due_date",
        "status",
        "overdue_flag",
        "submitted_at",
    ]
    list_display_links = ["startup_name"]
    list_filter = [("tranche__award__program", admin.RelatedOnlyFieldListFilter), "status"]
    list_filter += [OverdueFilter]
    search_fields = ["tranche__award__application__startup__name"]
    list_select_related = ["tranche__award__application__startup", "tranche__award__program"]
    date_hierarchy = "due_date"
    ordering = ["due_date", "id"]
    change_list_template = "admin/programs/milestonereport/change_list.html"
    show_full_result_count = False

    def get_urls(self):
        figures = self.admin_site.admin_view(self.figures_view)
        return [
            path("figures/", figures, name="programs_milestonereport_figures"),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra = {"attention": reports_attention()} if self.has_view_permission(request) else {}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    @admin.display(description=_("startup"), ordering="tranche__award__application__startup__name")
    def startup_name(self, obj):
        return obj.tranche.award.application.startup.name

    @admin.display(description=_("program"), ordering="tranche__award__program__name")
    def program_name(self, obj):
        return obj.tranche.award.program.name

    @admin.display(description=_("milestone"))
    def milestone(self, obj):
        return f"#{obj.tranche.sequence} {obj.tranche.milestone}"

    @admin.display(description=_("overdue"), boolean=True)
    def overdue_flag(self, obj):
        return obj.is_overdue

    # --- The review page (the change page) ---

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not request.user.has_perm(MANAGE_PROGRAMS):
            raise Http404
        if not str(object_id).isdigit():
            raise Http404
        report = milestone_report_get_for_manager(pk=int(object_id))
        decision = ReportDecisionForm(request.POST if "decision" in request.POST else None)
        due = ReportDueForm(
            request.POST if "due_date" in request.POST else None,
            initial={"due_date": report.due_date},
        )
        if request.method == "POST":
            done = self._decide(request, report, decision) or self._move_due(request, report, due)
            if done:
                return redirect(reverse("admin:programs_milestonereport_change", args=[report.pk]))
        award = report.tranche.award
        answers = report.answers or {}
        context = {
            **self.admin_site.each_context(request),
            "title": _("Milestone report: %(startup)s")
            % {"startup": award.application.startup.name},
            "opts": self.model._meta,
            "report": report,
            "award": award,
            "answered": [(t, answers.get(k, "")) for k, t in report_sections(award.program)],
            "figures": _figures_shown(report, award.currency),
            "decision_form": decision,
            "due_form": due,
            "can_decide": report.status == services.Status.SUBMITTED,
            "can_move_due": report.status in EDITABLE_REPORT_STATES,
        }
        return TemplateResponse(request, "admin/programs/milestonereport/review.html", context)

    def _decide(self, request, report, form) -> bool:
        if not form.is_bound or not form.is_valid():
            return False
        try:
            if form.cleaned_data["decision"] == ReportDecisionForm.APPROVE:
                services.milestone_report_approve(report=report, actor=request.user)
                messages.success(request, _("Report approved: the tranche can now be paid."))
            else:
                services.milestone_report_return(
                    report=report, actor=request.user, comments=form.cleaned_data["comments"]
                )
                messages.success(request, _("Report returned to the team with your comments."))
        except DomainError as error:
            for text in error.messages:
                form.add_error(None, text)
            return False
        return True

    def _move_due(self, request, report, form) -> bool:
        if not form.is_bound or not form.is_valid():
            return False
        try:
            services.milestone_report_set_due(
                report=report, due_date=form.cleaned_data["due_date"], actor=request.user
            )
        except DomainError as error:
            for text in error.messages:
                form.add_error(None, text)
            return False
        messages.success(request, _("Due date saved."))
        return True

    # --- The figures the teams reported, summed per program ---

    def figures_view(self, request: HttpRequest):
        if not request.user.has_perm(MANAGE_PROGRAMS):
            raise Http404
        rows = [_money_shown(row, row["currency"]) for row in reported_figures_by_program()]
        chosen = next((r for r in rows if str(r["program_id"]) == request.GET.get("program")), None)
        chosen = chosen or (rows[0] if rows else None)
        chart = {"charts": []}
        if chosen is not None:
            program = Program.objects.get(pk=chosen["program_id"])
            chart = _figures_chart(reported_figures_by_milestone(program), chosen["currency"])
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reported figures"),
            "opts": self.model._meta,
            "rows": rows,
            "chosen": chosen,
            "chart_data": chart,
        }
        return TemplateResponse(request, "admin/programs/milestonereport/figures.html", context)


def _money_shown(row: dict, currency: str) -> dict:
    for name in MONEY_FIGURES:
        row[f"{name}_display"] = format_money(row[name], currency)
    return row


def _figures_shown(report: MilestoneReport, currency: str) -> list[tuple[str, str]]:
    shown = []
    for name in FIGURE_NAMES:
        value = getattr(report, name)
        label = MilestoneReport._meta.get_field(name).verbose_name
        if value is None:
            shown.append((label, "—"))
        elif name in MONEY_FIGURES:
            shown.append((label, format_money(value, currency)))
        else:
            shown.append((label, str(value)))
    return shown


def _figures_chart(rows: list[dict], currency: str) -> dict:
    labels = [str(_("Milestone %(n)d") % {"n": r["sequence"]}) for r in rows]

    def series(name: str, kind: str) -> dict:
        label = MilestoneReport._meta.get_field(name).verbose_name
        return {"label": str(label), "kind": kind, "data": [float(r[name]) for r in rows]}

    return {
        "charts": [
            {
                "canvas": "chart-figures-money",
                "type": "bar",
                "unit": currency,
                "labels": labels,
                "series": [series("revenue", "revenue"), series("investment_raised", "investment")],
            },
            {
                "canvas": "chart-figures-counts",
                "type": "bar",
                "unit": "",
                "labels": labels,
                "series": [series("users", "users"), series("jobs_created", "jobs")],
            },
        ]
        if rows
        else []
    }
