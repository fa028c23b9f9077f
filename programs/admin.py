from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from portal.money import format_money
from programs.forms import ProgramAdminForm
from programs.models import Criterion, Program


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["position", "name", "guidance", "weight", "scale_min", "scale_max"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    form = ProgramAdminForm
    inlines = [CriterionInline]
    list_display = [
        "name",
        "status",
        "opens_at",
        "closes_at",
        "selection_cap",
        "budget_display",
        "application_count",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["name", "slug", "organiser"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "opens_at"
    fieldsets = [
        (None, {"fields": ["name", "slug", "organiser", "description", "status"]}),
        (
            _("Money and places"),
            {"fields": ["currency", "total_budget", "max_amount_per_project", "selection_cap"]},
        ),
        (
            _("Dates"),
            {"fields": ["opens_at", "closes_at", "timezone", "review_deadline"]},
        ),
        (
            _("Eligibility"),
            {
                "fields": [
                    "eligible_countries",
                    "sectors",
                    "min_team_size",
                    "requires_legal_entity",
                ]
            },
        ),
        (
            _("Reviewing"),
            {"fields": ["reviews_per_application", "reviewers_see_others_before_submit"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_applications=Count("applications"))

    @admin.display(description=_("budget"), ordering="total_budget")
    def budget_display(self, obj):
        return format_money(obj.total_budget, obj.currency)

    @admin.display(description=_("applications"), ordering="_applications")
    def application_count(self, obj):
        return obj._applications
