"""API tokens in the admin: the superuser creates (the secret shown once) and revokes.

Nobody else sees the model (no group holds its permissions); rows are never
edited, and kept after revoking for the audit trail that names them.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from portal.api.forms import LIFETIMES
from portal.api.scopes import scopes_allowed
from portal.api.tokens import api_token_create, api_token_revoke
from portal.exceptions import DomainError
from portal.models import ApiScope, ApiToken


class ApiTokenAddForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple
    )
    lifetime = forms.TypedChoiceField(
        label=_("Expires in"), choices=LIFETIMES, coerce=int, initial=90
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name"]

    def clean(self):
        cleaned = super().clean()
        user, scopes = cleaned.get("user"), cleaned.get("scopes") or []
        if user is not None:
            beyond = sorted(set(scopes) - scopes_allowed(user))
            if beyond:
                self.add_error(
                    "scopes",
                    _("%(user)s may not hold the scope %(scope)s.")
                    % {"user": user.get_full_name(), "scope": ", ".join(beyond)},
                )
        return cleaned


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__email"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "created_by",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "scopes", "lifetime"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        from datetime import timedelta

        from django.utils import timezone

        try:
            token, secret = api_token_create(
                user=form.cleaned_data["user"],
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=timezone.now() + timedelta(days=form.cleaned_data["lifetime"]),
                actor=request.user,
            )
        except DomainError as error:  # the form's clean() asked the same; a race at most
            messages.error(request, " ".join(error.messages))
            return
        obj.pk = token.pk
        messages.warning(
            request,
            _("The token (shown only this once): %(secret)s") % {"secret": secret},
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token, actor=request.user)
        messages.success(request, _("The tokens are revoked."))
