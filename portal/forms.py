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
