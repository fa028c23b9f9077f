"""The notification outbox: write a row with the event, send it after commit.

`notification_create` must be called inside the event's transaction. After
commit a Celery task is queued for the row; when the broker is down the
row simply stays pending and `portal.tasks.notifications_sweep` (Celery
beat, every minute) queues it again later.
"""

import functools
import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from email.utils import parseaddr
from typing import Any, NotRequired, TypedDict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.backends.django import Template
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format

from portal.models import Notification, User

logger = logging.getLogger(__name__)


class NotificationSpec(TypedDict):
    """One outbox row to write: the arguments of `notification_create`."""

    kind: str
    event_key: str
    email: str
    language: str
    context: Mapping[str, Any]
    recipient: NotRequired[User | None]
    obj: NotRequired[models.Model | None]


def notification_create(
    *,
    kind: str,
    event_key: str,
    email: str,
    language: str,
    context: Mapping[str, Any],
    recipient: User | None = None,
    obj: models.Model | None = None,
    enqueue: bool = True,
) -> Notification | None:
    """The outbox row for this event and address; None if it already exists.

    With enqueue (the default) a delivery task is queued after commit; a
    caller writing several rows passes False and queues them together.
    """
    created = notifications_create_many(
        [
            {
                "kind": kind,
                "event_key": event_key,
                "email": email,
                "language": language,
                "context": context,
                "recipient": recipient,
                "obj": obj,
            }
        ],
        enqueue=enqueue,
    )
    return created[0] if created else None


def notification_create_for_users(
    *,
    kind: str,
    event_key: str,
    users: Iterable[User],
    context: Mapping[str, Any],
    obj: models.Model | None = None,
    enqueue: bool = True,
) -> list[Notification]:
    """One row per user, each in the user's preferred language.

    With enqueue, one delivery task is queued for all of them after commit.
    """
    return notifications_create_many(
        [
            {
                "kind": kind,
                "event_key": event_key,
                "email": user.email,
                "language": user.preferred_language,
                "context": {**context, "recipient_name": user.get_full_name()},
                "recipient": user,
                "obj": obj,
            }
            for user in users
        ],
        enqueue=enqueue,
    )


def notifications_create_many(
    specs: Iterable[NotificationSpec], *, enqueue: bool = True
) -> list[Notification]:
    """Many outbox rows in a few queries; the rows that already exist are left alone.

    Each spec has the arguments of `notification_create`. Returns the rows
    this call wrote (with their ids).
    """
    known = dict(settings.LANGUAGES)
    wanted: dict[tuple[str, str, str], Notification] = {}
    for spec in specs:
        email = spec["email"].strip().lower()
        key = (spec["kind"], spec["event_key"], email)
        if key in wanted:
            continue
        obj = spec.get("obj")
        language = spec["language"] if spec["language"] in known else settings.LANGUAGE_CODE
        wanted[key] = Notification(
            kind=spec["kind"],
            event_key=spec["event_key"],
            email=email,
            language=language,
            context=dict(spec["context"]),
            recipient=spec.get("recipient"),
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
        )
    if not wanted:
        return []
    event_keys = {key[1] for key in wanted}
    existing = set(
        Notification.objects.filter(event_key__in=event_keys).values_list(
            "kind", "event_key", "email"
        )
    )
    new = [row for key, row in wanted.items() if key not in existing]
    # A concurrent writer of the same event loses quietly: the key is unique.
    Notification.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    new_keys = {(r.kind, r.event_key, r.email) for r in new}
    created = [
        row
        for row in Notification.objects.filter(
            event_key__in={key[1] for key in new_keys}, status="pending"
        ).order_by("id")
        if (row.kind, row.event_key, row.email) in new_keys
    ]
    if created and enqueue:
        # One publish for the whole event: a dead broker costs one timeout.
        ids = [row.pk for row in created]
        transaction.on_commit(lambda: notifications_enqueue(ids))
    return created


BATCH_SIZE = 100


def notifications_enqueue(ids: list[int]) -> bool:
    """Queue delivery; False (and the rows stay pending) when the broker is down."""
    from portal.tasks import send_notification, send_notification_batch

    try:
        if len(ids) == 1:
            send_notification.delay(notification_id=ids[0])
        else:
            for start in range(0, len(ids), BATCH_SIZE):
                send_notification_batch.delay(notification_ids=ids[start : start + BATCH_SIZE])
    except Exception as exc:  # a dead broker must not fail the event
        logger.warning("Could not queue notifications %s (%s); the sweep will retry.", ids, exc)
        return False
    logger.info("Queued notifications %s", ids[:20] if len(ids) > 20 else ids)
    return True


EMAIL_PARTS = ("subject.txt", "body.txt", "body.html")


@functools.cache
def notification_templates(kind: str, language: str) -> tuple[Template, Template, Template]:
    """The kind's subject, text and HTML templates, compiled once per process.

    Keyed by (kind, language) so that a language may one day have templates
    of its own; today the three languages share the compiled templates and
    the words are translated when each row is rendered with its context.
    """
    # django-stubs types get_template as any engine's template; with the one
    # Django engine in settings it is the Django backend's Template.
    return tuple(get_template(f"email/{kind}/{part}") for part in EMAIL_PARTS)  # type: ignore[return-value]


def notification_message_id(notification: Notification) -> str:
    """The row's own Message-ID: the same at every delivery of this row, unguessable.

    A worker killed between the SMTP server's answer and its commit sends
    the row again (at least once); the copy carries the same Message-ID, so
    mail clients and the postmaster see one message twice, not two messages.
    """
    digest = salted_hmac(
        "portal.notifications.message-id", str(notification.pk), algorithm="sha256"
    ).hexdigest()
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<notification-{notification.pk}.{digest[:20]}@{domain}>"


def in_languages(texts: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """A context value written in several languages ({"en": …, "ru": …, "kk": …}).

    Stored as is in the outbox row and resolved by `notification_render` in
    the recipient's language (a program's name, say, which its managers may
    write in each language).
    """
    return {"in_languages": dict(texts)}


def _in_language(value: Any, language: str) -> Any:
    if isinstance(value, dict) and set(value) == {"in_languages"}:
        texts = value["in_languages"]
        return texts.get(language) or next((text for text in texts.values() if text), "")
    return value


def notification_render(notification: Notification) -> EmailMultiAlternatives:
    """The message in the recipient's language, from the kind's three templates."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    language = notification.language
    context: dict[str, Any] = {}
    subject_template, text_template, html_template = notification_templates(
        notification.kind, language
    )
    with translation.override(language):
        # Times travel as ISO strings and are formatted in the reader's language;
        # texts written in several languages are read in the reader's.
        for key, value in notification.context.items():
            if key.endswith("_at") and value:
                moment = datetime.fromisoformat(value)
                zone = ZoneInfo(notification.context.get("timezone") or settings.TIME_ZONE)
                value = date_format(moment.astimezone(zone), "DATETIME_FORMAT")
            elif key.endswith("_on") and value:
                value = date_format(date.fromisoformat(value), "DATE_FORMAT")
            context[key] = _in_language(value, language)
        context["portal_name"] = settings.PORTAL_NAME
        context["portal_url"] = base + "/"
        context["link"] = base + notification.context.get("path", "/")
        subject_lines = subject_template.render(context)
        text = text_template.render(context)
        html = html_template.render(context)
    subject = " ".join(subject_lines.split())
    message = EmailMultiAlternatives(subject, text, to=[notification.email])
    message.attach_alternative(html, "text/html")
    message.extra_headers["Message-ID"] = notification_message_id(notification)
    message.extra_headers["X-Portal-Notification"] = str(notification.pk)
    return message


def notifications_resend(*, ids: list[int]) -> list[int]:
    """Put failed rows back in the queue (the admin's "resend" action)."""
    from portal.models import NotificationStatus

    with transaction.atomic():
        chosen = list(
            Notification.objects.select_for_update()
            .filter(pk__in=ids, status=NotificationStatus.FAILED)
            .values_list("id", flat=True)
        )
        Notification.objects.filter(pk__in=chosen).update(
            status=NotificationStatus.PENDING,
            attempts=0,
            last_error="",
            next_attempt_at=timezone.now(),
        )
        transaction.on_commit(lambda: notifications_enqueue(chosen) if chosen else None)
    return chosen
