"""Pieces shared by the programs admin classes."""

from django import forms
from django.contrib import admin

from programs.rules import MANAGE_PROGRAMS


class ServiceAddAdminMixin:
    """`form` is the add form (a service writes the row); a saved row is read-only.

    The add forms narrow their choice fields in `__init__`. On the change
    page of a saved row nobody may change anything, so every field there is
    read-only and not in the form at all: the change page gets an empty
    plain model form and shows `change_fields`, read-only.
    """

    change_fields: list[str] = []

    def get_fields(self, request, obj=None):
        if obj is not None:
            return list(self.change_fields)
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return list(self.change_fields)
        return []

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change, **kwargs)


class ManagersViewOnlyAdmin(admin.ModelAdmin):
    """Rows managers list, search and open, but never add, change or delete here
    (services write them; custom views of the subclass may act on them)."""

    def has_module_permission(self, request):
        return request.user.has_perm(MANAGE_PROGRAMS)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(MANAGE_PROGRAMS)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
