"""Celery tasks that deliver the notification outbox.

Each delivery locks its row, returns at once when the row is no longer
pending (so a duplicate task, a redelivered message or the sweep never send
twice), sends, and records the outcome in the same transaction.
"""

import logging
import smtplib
from datetime import timedelta

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from portal.models import Notification, NotificationStatus
from portal.notifications import BATCH_SIZE, notification_render, notifications_enqueue

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_BASE_SECONDS = 30
SWEEP_AGE = timedelta(minutes=1)

# Worth another try later: the server or the network had a bad moment.
TEMPORARY_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPDataError,
    smtplib.SMTPSenderRefused,
    ConnectionError,
    TimeoutError,
    OSError,
)


def retry_delay(attempts: int) -> int:
    """Exponential backoff: 30 s, 60 s, 120 s, 240 s, …"""
    base = getattr(settings, "NOTIFICATION_RETRY_BASE_SECONDS", RETRY_BASE_SECONDS)
    return base * 2 ** max(attempts - 1, 0)


def is_temporary(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, TEMPORARY_ERRORS)


def deliver(notification_id: int, mailer: BaseEmailBackend) -> str | None:
    """Send one pending row through an open mailer; the outcome, or None if skipped.

    Outcomes: "sent", "retry" (temporary error, attempts left), "failed".
    """
    with transaction.atomic():
        row = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if row is None or row.status != NotificationStatus.PENDING:
            return None
        try:
            message = notification_render(row)
            mailer.send_messages([message])
        except Exception as exc:
            row.attempts += 1
            row.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            if is_temporary(exc) and row.attempts < MAX_ATTEMPTS:
                row.next_attempt_at = timezone.now() + timedelta(seconds=retry_delay(row.attempts))
                outcome = "retry"
            else:
                row.status = NotificationStatus.FAILED
                outcome = "failed"
            row.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
            logger.warning("Notification %s: %s (%s)", row.pk, outcome, row.last_error)
            return outcome
        row.status = NotificationStatus.SENT
        row.attempts += 1
        row.sent_at = timezone.now()
        row.last_error = ""
        row.save(update_fields=["status", "attempts", "sent_at", "last_error"])
        logger.info("Notification %s (%s) accepted by the SMTP server", row.pk, row.kind)
        return "sent"


@shared_task(bind=True, max_retries=MAX_ATTEMPTS)
def send_notification(self: Task[..., str | None], *, notification_id: int) -> str | None:
    """Deliver one notification; retried with exponential backoff."""
    mailer = mailers.default
    outcome = deliver(notification_id, mailer)
    if outcome == "retry" and not self.request.is_eager:
        # In-process (eager) runs leave the row pending for the sweep instead
        # of blocking the request that triggered them.
        attempts = Notification.objects.values_list("attempts", flat=True).get(pk=notification_id)
        raise self.retry(countdown=retry_delay(attempts))
    return outcome


@shared_task
def send_notification_batch(*, notification_ids: list[int]) -> dict[str, int]:
    """Deliver many notifications over one SMTP connection (bulk decisions)."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    mailer = mailers.default
    try:
        mailer.open()
    except Exception as exc:  # each row then records its own error
        logger.warning("SMTP connection failed before a batch: %s", exc)
    try:
        for notification_id in notification_ids:
            outcome = deliver(notification_id, mailer)
            counts[outcome or "skipped"] += 1
            if outcome == "retry":
                # The connection may be broken: start a fresh one.
                mailer.close()
                mailer.open()
    finally:
        mailer.close()
    return counts


@shared_task
def notifications_sweep() -> int:
    """Queue pending rows whose turn came over a minute ago (broker was down, retries)."""
    due = timezone.now() - SWEEP_AGE
    ids = list(
        Notification.objects.filter(status=NotificationStatus.PENDING, next_attempt_at__lte=due)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[: BATCH_SIZE * 100]
    )
    if ids:
        notifications_enqueue(ids)
    return len(ids)
