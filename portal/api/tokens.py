"""API tokens: create (the secret shown once), revoke, and find by the secret.

A token reads `ppt_<prefix>_<secret>`: the prefix (10 hex characters) is
stored in clear to find the row, the whole string only as its SHA-256, so
a copy of the database gives no usable token. 256 bits of randomness make
a salted slow hash unnecessary (nothing to guess).
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.api.scopes import scopes_allowed
from portal.audit import audit_record
from portal.exceptions import DomainError, NotAllowed
from portal.models import ApiScope, ApiToken, User

TOKEN_PREFIX = "ppt_"
MAX_LIFETIME = timedelta(days=366)
DEFAULT_LIFETIME = timedelta(days=90)
# last_used_at is written at most once a minute per token, not on every request.
LAST_USED_GRANULARITY = timedelta(minutes=1)


class TokenRefused(DomainError):
    pass


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(
    *,
    user: User,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
    actor: User,
) -> tuple[ApiToken, str]:
    """A new token for `user` and its secret (never stored, never shown again).

    Refused when a scope is beyond what the user may do (a staff user
    without a second factor has no staff scope), and when the actor is
    neither the user nor a superuser.
    """
    if actor.pk != user.pk and not actor.is_superuser:
        raise NotAllowed(_("Only the user or a superuser can create the user's API tokens."))
    name = (name or "").strip()
    if not name:
        raise TokenRefused(_("Give the token a name, e.g. the system that will use it."))
    wanted = sorted(set(scopes))
    if not wanted:
        raise TokenRefused(_("Choose at least one scope."))
    unknown = [s for s in wanted if s not in ApiScope.values]
    if unknown:
        raise TokenRefused(_("Unknown scope: %(scope)s.") % {"scope": ", ".join(unknown)})
    allowed = scopes_allowed(user)
    beyond = [s for s in wanted if s not in allowed]
    if beyond:
        if user.is_staff and not allowed:
            raise TokenRefused(
                _("Staff accounts need two-factor authentication before they get an API token.")
            )
        raise TokenRefused(
            _("%(user)s may not hold the scope %(scope)s.")
            % {"user": user.get_full_name(), "scope": ", ".join(beyond)}
        )
    now = timezone.now()
    expires_at = expires_at or now + DEFAULT_LIFETIME
    if expires_at <= now:
        raise TokenRefused(_("The expiry date must be in the future."))
    if expires_at > now + MAX_LIFETIME:
        raise TokenRefused(_("A token lives at most one year."))
    for _attempt in range(3):
        prefix = secrets.token_hex(5)
        raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user,
                    name=name,
                    prefix=prefix,
                    secret_hash=_digest(raw),
                    scopes=wanted,
                    created_at=now,
                    expires_at=expires_at,
                    created_by=actor,
                )
                audit_record(
                    actor=actor,
                    action="api_token.create",
                    obj=token,
                    after={"user": user.email, "scopes": wanted, "expires_at": str(expires_at)},
                )
        except IntegrityError:  # the same prefix drawn twice: draw again
            continue
        return token, raw
    raise TokenRefused(_("The token could not be created; try again."))  # pragma: no cover


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    if actor.pk != token.user_id and not actor.is_superuser:
        raise NotAllowed(_("Only the user or a superuser can revoke the user's API tokens."))
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            audit_record(actor=actor, action="api_token.revoke", obj=locked)
    return locked


def api_token_find(raw: str) -> ApiToken | None:
    """The active token whose secret `raw` is, with its user; None for anything else."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    prefix, _sep, _rest = raw[len(TOKEN_PREFIX) :].partition("_")
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(raw)):
        return None
    now = timezone.now()
    if not token.is_active(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_tokens_of(*, user: User):
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
