from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.api.scopes import scopes_allowed
from portal.models import ApiScope
from portal.validators import validate_single_line

LIFETIMES = [
    (30, _("30 days")),
    (90, _("90 days")),
    (180, _("180 days")),
    (365, _("1 year")),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        validators=[validate_single_line],
        help_text=_("What will use it, e.g. “accounting system”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    lifetime = forms.TypedChoiceField(
        label=_("Expires in"), choices=LIFETIMES, coerce=int, initial=90
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = scopes_allowed(user)
        self.fields["scopes"].choices = [c for c in ApiScope.choices if c[0] in allowed]

    def expires_at(self):
        return timezone.now() + timedelta(days=self.cleaned_data["lifetime"])
