"""Admins that exist so that forms can search their rows: tranches.

A payment is recorded against a tranche, picked by autocomplete on the
payment form (`DisbursementAdmin.autocomplete_fields`); the admin's
autocomplete searches a registered admin. Managers may also list and search
tranches here; nobody adds, edits or deletes one here (the schedule page and
the funding services do).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.money import format_money
from programs.admin.base import ManagersViewOnlyAdmin
from programs.models import Tranche


@admin.register(Tranche)
class TrancheAdmin(ManagersViewOnlyAdmin):
    list_display = ["startup_name", "sequence", "milestone", "amount_display", "planned_date"]
    list_filter = ["award__program", "award__status"]
    search_fields = ["award__application__startup__name", "milestone"]
    list_select_related = ["award__application__startup"]
    show_full_result_count = False

    @admin.display(description=_("startup"), ordering="award__application__startup__name")
    def startup_name(self, obj):
        return obj.award.application.startup.name

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj):
        return format_money(obj.amount, obj.award.currency)
