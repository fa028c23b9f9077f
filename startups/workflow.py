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

from portal.audit import audit_entry, audit_record, audit_record_many
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


def applications_transition(
    *, applications: list[Application], to: str, actor, note: str = ""
) -> list[ApplicationStatusChange]:
    """`application_transition` for many at once: the same table, history and audit.

    All rows are locked first; one refused move refuses them all. Those
    already at `to` are left alone. Used where a manager's single action
    moves thousands of applications (automatic assignment, finalising).
    """
    target = S(to)
    with transaction.atomic():
        ids = [a.pk for a in applications]
        current = dict(
            Application.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", "status")
        )
        moving = [a for a in applications if current[a.pk] != target]
        for application in moving:
            source = S(current[application.pk])
            if target not in TRANSITIONS[source]:
                raise InvalidTransition(
                    _("An application cannot go from “%(source)s” to “%(target)s”.")
                    % {"source": source.label, "target": target.label}
                )
        if not moving:
            return []
        now = timezone.now()
        fields = {"status": target, "updated_at": now}
        if target == S.SUBMITTED:
            fields["submitted_at"] = now
        Application.objects.filter(pk__in=[a.pk for a in moving]).update(**fields)
        actor_or_none = actor if getattr(actor, "pk", None) else None
        changes = ApplicationStatusChange.objects.bulk_create(
            [
                ApplicationStatusChange(
                    application=a,
                    from_status=current[a.pk],
                    to_status=target,
                    at=now,
                    actor=actor_or_none,
                    note=note,
                )
                for a in moving
            ],
            batch_size=1000,
        )
        audit_record_many(
            [
                audit_entry(
                    actor=actor,
                    action="application.status",
                    obj=a,
                    before={"status": current[a.pk]},
                    after={"status": target.value},
                    note=note,
                )
                for a in moving
            ]
        )
        for application in moving:
            application.status = target
        moves = [(a.pk, current[a.pk]) for a in moving]
        transaction.on_commit(
            lambda: [
                application_status_changed.send(
                    sender=Application,
                    application_id=pk,
                    from_status=source,
                    to_status=target.value,
                    actor_id=getattr(actor, "pk", None),
                )
                for pk, source in moves
            ]
        )
    return changes


def application_record_creation(*, application: Application, actor) -> ApplicationStatusChange:
    """The first history row: the draft was started."""
    return ApplicationStatusChange.objects.create(
        application=application, from_status="", to_status=S.DRAFT, actor=actor
    )
