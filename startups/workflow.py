"""The application's life: the one place where its status changes.

    draft ──submit──> submitted ──> under review ──> selected ──> funded ──> completed
      │                  │                      ├──> waitlisted ──> selected
      └──withdraw──>  withdrawn <──withdraw──┘  └──> rejected

`application_transition` is the only writer of `Application.status`: it
locks the row, refuses a move the table does not allow, writes the history
row and the audit entry, and announces the change after commit through the
`application_status_changed` signal (notifications listen to it).
"""

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record
from portal.exceptions import DomainError
from startups.enums import ApplicationStatus as S
from startups.models import Application, ApplicationStatusChange

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.WITHDRAWN}),
    S.UNDER_REVIEW: frozenset({S.SELECTED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN}),
    S.WAITLISTED: frozenset({S.SELECTED, S.REJECTED, S.WITHDRAWN}),
    S.SELECTED: frozenset({S.FUNDED, S.WITHDRAWN}),
    S.FUNDED: frozenset({S.COMPLETED}),
    S.REJECTED: frozenset(),
    S.COMPLETED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# Sent after commit with application_id, from_status, to_status, actor_id.
application_status_changed = Signal()


class InvalidTransition(DomainError):
    pass


def allowed_targets(status: str) -> frozenset[str]:
    return TRANSITIONS[S(status)]


def application_transition(
    *, application: Application, to: str, actor, note: str = ""
) -> ApplicationStatusChange | None:
    """Move the application to `to`; None when it is already there.

    Raises InvalidTransition for a move the table does not allow. The
    caller's `application` object is updated in place.
    """
    target = S(to)
    with transaction.atomic():
        current = Application.objects.select_for_update().only("status").get(pk=application.pk)
        source = S(current.status)
        if source == target:
            application.status = source
            return None
        if target not in TRANSITIONS[source]:
            raise InvalidTransition(
                _("An application cannot go from “%(source)s” to “%(target)s”.")
                % {"source": source.label, "target": target.label}
            )
        now = timezone.now()
        application.status = target
        fields = ["status", "updated_at"]
        if target == S.SUBMITTED:
            application.submitted_at = now
            fields.append("submitted_at")
        application.save(update_fields=fields)
        change = ApplicationStatusChange.objects.create(
            application=application,
            from_status=source,
            to_status=target,
            at=now,
            actor=actor if getattr(actor, "pk", None) else None,
            note=note,
        )
        audit_record(
            actor=actor,
            action="application.status",
            obj=application,
            before={"status": source.value},
            after={"status": target.value},
            note=note,
        )
        transaction.on_commit(
            lambda: application_status_changed.send(
                sender=Application,
                application_id=application.pk,
                from_status=source.value,
                to_status=target.value,
                actor_id=getattr(actor, "pk", None),
            )
        )
    return change


def application_record_creation(*, application: Application, actor) -> ApplicationStatusChange:
    """The first history row: the draft was started."""
    return ApplicationStatusChange.objects.create(
        application=application, from_status="", to_status=S.DRAFT, actor=actor
    )
