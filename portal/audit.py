"""The audit trail: one call records one change, inside the caller's transaction."""

from django.db import models

from portal.models import AuditEntry


def audit_entry(
    *,
    actor,
    action: str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditEntry:
    """The unsaved entry (for `audit_record`, or many at once with `audit_record_many`)."""
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before or {},
        after=after or {},
        note=note,
    )


def audit_record(**kwargs) -> AuditEntry:
    entry = audit_entry(**kwargs)
    entry.save()
    return entry


def audit_record_many(entries: list[AuditEntry]) -> None:
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
