"""Second factors for tests: enrol a user in TOTP and compute its codes.

Staff users must have a second factor before the admin lets them in (see
`portal.mfa`), so every test that logs staff into the admin enrols them
with `give_totp` first (the staff factories in `tests/factories.py` do it).

allauth refuses a TOTP code that was already accepted for the same user
within its window (a marker in the cache); tests start with an empty cache,
so one `current_code` per login is always accepted.
"""

import time

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)


def give_totp(user, *, recovery_codes: bool = True) -> str:
    """Enrol `user` in TOTP (and recovery codes) and return the base32 secret.

    Idempotent: a user already enrolled keeps the secret they have.
    """
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        from allauth.mfa.utils import decrypt

        secret = decrypt(existing.data["secret"])
    else:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
    if recovery_codes:
        RecoveryCodes.activate(user)
    return secret


def current_code(secret: str, *, at: float | None = None) -> str:
    """The TOTP code an authenticator app shows now (or at time `at`) for `secret`."""
    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def recovery_codes(user) -> list[str]:
    """The user's unused recovery codes (enrols them if they have none)."""
    return RecoveryCodes.activate(user).get_unused_codes()
