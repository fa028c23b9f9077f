"""The audit trail: one call records one change, inside the caller's transaction."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models

from portal.bulk import rows_insert
from portal.models import ApiToken, AuditEntry, User

# Who acted: a user, or None when the system acts on its own (an anonymous
# user is recorded as no one, like the system).
Actor = User | AnonymousUser | None

# The API token a request acts through: every entry written meanwhile names it.
_via_token: ContextVar[ApiToken | None] = ContextVar("audit_via_token", default=None)


@contextmanager
def audit_via_token(token: ApiToken | None) -> Iterator[None]:
    """Within the block, audit entries record that the change came through `token`."""
    reset = _via_token.set(token)
    try:
        yield
    finally:
        _via_token.reset(reset)


def audit_entry(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """The unsaved entry (for `audit_record`, or many at once with `audit_record_many`)."""
    token = _via_token.get()
    return AuditEntry(
        api_token=token,
        api_token_label=token.label if token is not None else "",
        actor=actor if isinstance(actor, User) and actor.pk else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=dict(before or {}),
        after=dict(after or {}),
        note=note,
    )


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """`audit_entry`, saved."""
    entry = audit_entry(actor=actor, action=action, obj=obj, before=before, after=after, note=note)
    entry.save()
    return entry


def audit_record_many(entries: list[AuditEntry]) -> None:
    rows_insert(entries)
