"""allauth.mfa's forms with the portal's own labels (its catalogue, not allauth's).

Apart from `portal/forms.py` on purpose: allauth's account forms import the
sign-up form class from `portal.forms` while they load, and these classes
import allauth's forms, so one module would be an import cycle.
"""

from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from django.utils.translation import gettext_lazy as _


def _label_code(form, label) -> None:
    field = form.fields["code"]
    field.label = label
    field.widget.attrs.update(
        {"placeholder": _("6-digit code"), "autocomplete": "one-time-code", "inputmode": "numeric"}
    )


class PortalAuthenticateForm(AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label_code(self, _("Code from your authenticator app, or a recovery code"))


class PortalReauthenticateForm(ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label_code(self, _("Code from your authenticator app, or a recovery code"))


class PortalActivateTOTPForm(ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label_code(self, _("Code shown by your authenticator app"))
