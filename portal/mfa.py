"""Second factors and staff sessions.

Everyone may protect their account with an authenticator app (allauth.mfa,
TOTP with recovery codes). Staff (reviewers, managers, anyone `is_staff`)
must: they record scores, decisions and payments, so a stolen password
alone must not be enough. Two middlewares enforce it:

- `StaffIdleTimeoutMiddleware` signs a staff user out after
  `STAFF_SESSION_IDLE_SECONDS` without a request;
- `StaffSecondFactorMiddleware` sends a staff user without a second factor
  to the authenticator set-up page, and lets them reach nothing else but
  the set-up pages, logout, static files and the language switcher.

The admin's own login form is not used: `PortalAdminSite.login` sends
everyone to allauth's login, which applies `ACCOUNT_RATE_LIMITS` (counted in
the shared cache) and then asks for the code.
"""

from __future__ import annotations

import time

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _

# Types that count as a second factor (recovery codes only back one up).
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]

# Views a staff user without a second factor may still reach.
SETUP_VIEW_NAMES = {
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_reauthenticate",
    "account_reauthenticate",
    "account_logout",
    "admin:logout",
    "set_language",
    "healthz",
}

LAST_SEEN_KEY = "portal_staff_last_seen"
LAST_SEEN_GRANULARITY = 60  # seconds
SECOND_FACTOR_KEY = "portal_staff_second_factor"


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def totp_enrol(*, user, secret: str | None = None) -> str:
    """Give `user` an authenticator-app secret and recovery codes; return the secret.

    Idempotent: a user already enrolled keeps their secret. Used by the
    demo data; real users enrol through allauth's pages.
    """
    current = totp_secret(user=user)
    if current is None:
        current = secret or generate_totp_secret()
        TOTP.activate(user, current)
    RecoveryCodes.activate(user)
    return current


def totp_secret(*, user) -> str | None:
    """The user's authenticator-app secret (base32), or None if they have none."""
    authenticator = Authenticator.objects.filter(
        user_id=user.pk, type=Authenticator.Type.TOTP
    ).first()
    return decrypt(authenticator.data["secret"]) if authenticator else None


def totp_code(*, secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows now (or at time `at`) for `secret`."""
    from allauth.mfa import app_settings

    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


class PortalMFAAdapter(DefaultMFAAdapter):
    """allauth.mfa's hooks: the portal's wording, and no way back for staff."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "add_email_blocked": _(
            "You cannot add an e-mail address to an account protected by two-factor authentication."
        ),
        "cannot_delete_authenticator": _(
            "Staff accounts must keep two-factor authentication; it cannot be turned off."
        ),
        "cannot_generate_recovery_codes": _(
            "Set up an authenticator app before generating recovery codes."
        ),
        "incorrect_code": _("Incorrect code."),
        "unverified_email": _(
            "Confirm your e-mail address before setting up two-factor authentication."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        return not authenticator.user.is_staff

    def get_totp_issuer(self) -> str:
        return settings.PORTAL_NAME

    def build_totp_svg(self, url: str) -> str:
        # The QR code needs the optional `qrcode` package; without it the
        # page shows the secret to type into the app instead.
        try:
            return super().build_totp_svg(url)
        except ImportError:
            return ""


def _view_name(request) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


@receiver(user_logged_in)
def _staff_session_start(sender, request, user, **kwargs) -> None:
    """A staff session starts its idle clock and notes its second factor at login.

    Done here, once, so the middlewares need no query and no session write
    on an ordinary request.
    """
    if user.is_staff and request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())
        if has_second_factor(user):
            request.session[SECOND_FACTOR_KEY] = True


class StaffIdleTimeoutMiddleware:
    """Sign staff out after `STAFF_SESSION_IDLE_SECONDS` without a request.

    The time of the last request lives in the session itself, so it works
    with any session engine and across processes. It is rewritten at most
    once a minute (a session write per request would cost every admin page
    three queries), so a session may end up to a minute early, never late.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.STAFF_SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(
                    request, _("You were signed out after a period of inactivity. Sign in again.")
                )
                return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
            if last_seen is None or now - last_seen >= LAST_SEEN_GRANULARITY:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    """Staff without a second factor set one up before doing anything else.

    A session that has seen the factor once (at login, or after enrolling)
    remembers it; staff cannot remove their factor (`PortalMFAAdapter`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and not request.session.get(SECOND_FACTOR_KEY)
            and not self._exempt(request)
        ):
            if not has_second_factor(user):
                messages.warning(
                    request,
                    _(
                        "Staff accounts need two-factor authentication. Set up an "
                        "authenticator app to continue."
                    ),
                )
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
            request.session[SECOND_FACTOR_KEY] = True
        return self.get_response(request)

    @staticmethod
    def _exempt(request) -> bool:
        path = request.path_info
        if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        return _view_name(request) in SETUP_VIEW_NAMES
