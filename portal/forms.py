from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.validators import validate_single_line


class SignupForm(forms.Form):
    """Extra sign-up fields, merged by allauth into its own sign-up form."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=200, validators=[validate_single_line]
    )

    field_order = ["full_name", "email", "password1", "password2"]

    def signup(self, request, user) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        user.preferred_language = _current_language()
        user.save(update_fields=["full_name", "preferred_language"])


def _current_language() -> str:
    from django.conf import settings

    code = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class AccountDeleteForm(forms.Form):
    """Deleting an account asks for its password (rate-limited like a login)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        from allauth.account.adapter import get_adapter

        password = self.cleaned_data["password"]
        # allauth's check counts failures in ACCOUNT_RATE_LIMITS["login_failed"].
        if not get_adapter().reauthenticate(self.user, password):
            raise forms.ValidationError(_("The password is not correct."))
        return password
