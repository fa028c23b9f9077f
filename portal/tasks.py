"""Celery tasks that deliver the notification outbox.

A delivery takes its rows in one transaction with
`SELECT … FOR UPDATE SKIP LOCKED` and only while they are pending, so two
workers never take the same row and a duplicate task, a redelivered message
or the sweep never sends a row already marked sent. The rows go out over one
SMTP connection, and every outcome is written in that same transaction: a
batch of 100 costs one SELECT and one or two UPDATEs, not 100 transactions.

At least once: a worker killed between the SMTP server's answer and the
commit leaves its rows pending, and they are sent again. Each message
carries its row's own Message-ID (`portal.notifications.notification_message_id`)
so the copy is recognisably the same message.
"""

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F
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


def _connection_broken(exc: Exception) -> bool:
    """True when the SMTP connection cannot carry the next message.

    A refusal (451, 554, refused recipients) leaves the conversation usable
    (smtplib resets it); 421, a disconnection or a socket error does not.
    SMTP errors are OSErrors, hence the order of the checks.
    """
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return False
    return isinstance(exc, OSError)


def _close_quietly(mailer: BaseEmailBackend) -> None:
    try:
        mailer.close()
    except Exception as exc:  # a dead connection may fail to say goodbye
        logger.info("SMTP connection closed with an error: %s", exc)


@dataclass
class BatchResult:
    """What one delivery did: each taken row's outcome, and what comes next."""

    outcomes: dict[int, str] = field(default_factory=dict)
    # Seconds to wait -> the rows that failed temporarily and wait that long.
    retry_in: dict[int, list[int]] = field(default_factory=dict)
    # Rows taken but not tried (the task ran out of time): still pending.
    untried: list[int] = field(default_factory=list)
    # Pending rows another transaction held (skipped): looked at again later,
    # in case their holder dies before it commits.
    busy: list[int] = field(default_factory=list)


def deliver_batch(notification_ids: Sequence[int], mailer: BaseEmailBackend) -> BatchResult:
    """Send the pending rows among these ids over one connection, in one transaction.

    Rows another worker holds are skipped (it is sending them); rows no
    longer pending are skipped. Outcomes: "sent", "retry" (temporary error,
    attempts left; `retry_in` says when), "failed" (permanent, or the last
    attempt). The connection is opened if it is not, and closed again if it
    was opened here.
    """
    result = BatchResult()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(notification_ids), status=NotificationStatus.PENDING)
            .order_by("id")
        )
        skipped = set(notification_ids) - {row.pk for row in rows}
        if skipped:
            # Only when something was skipped: which of those are still pending
            # (held by another worker) rather than done.
            result.busy = sorted(
                Notification.objects.filter(
                    pk__in=skipped, status=NotificationStatus.PENDING
                ).values_list("id", flat=True)
            )
        if not rows:
            return result
        sent: list[Notification] = []
        errors: dict[int, Exception] = {}
        opened = False
        broken: Exception | None = None  # the connection's error, given to the rest
        try:
            try:
                opened = bool(mailer.open())
            except Exception as exc:
                broken = exc
            for index, row in enumerate(rows):
                if broken is not None:
                    errors[row.pk] = broken
                    continue
                try:
                    mailer.send_messages([notification_render(row)])
                except SoftTimeLimitExceeded:
                    # Out of time: this row may or may not have reached the
                    # server; it and the rest stay pending and go out again.
                    result.untried = [r.pk for r in rows[index:]]
                    break
                except Exception as exc:
                    errors[row.pk] = exc
                    if _connection_broken(exc):
                        _close_quietly(mailer)
                        try:
                            opened = bool(mailer.open()) or opened
                        except Exception as reopen_exc:
                            broken = reopen_exc
                else:
                    sent.append(row)
        finally:
            if opened:
                _close_quietly(mailer)
        now = timezone.now()
        if sent:
            Notification.objects.filter(pk__in=[row.pk for row in sent]).update(
                status=NotificationStatus.SENT,
                attempts=F("attempts") + 1,
                sent_at=now,
                last_error="",
            )
        failed_rows: list[Notification] = []
        for row in rows:
            error = errors.get(row.pk)
            if error is None:
                continue
            row.attempts += 1
            row.last_error = f"{error.__class__.__name__}: {error}"[:2000]
            if is_temporary(error) and row.attempts < MAX_ATTEMPTS:
                delay = retry_delay(row.attempts)
                row.next_attempt_at = now + timedelta(seconds=delay)
                result.retry_in.setdefault(delay, []).append(row.pk)
                result.outcomes[row.pk] = "retry"
            else:
                row.status = NotificationStatus.FAILED
                result.outcomes[row.pk] = "failed"
            failed_rows.append(row)
            logger.warning(
                "Notification %s: %s (%s)", row.pk, result.outcomes[row.pk], row.last_error
            )
        if failed_rows:
            Notification.objects.bulk_update(
                failed_rows, ["attempts", "last_error", "next_attempt_at", "status"]
            )
    for row in sent:
        result.outcomes[row.pk] = "sent"
        logger.info("Notification %s (%s) accepted by the SMTP server", row.pk, row.kind)
    return result


def deliver(notification_id: int, mailer: BaseEmailBackend) -> str | None:
    """Send one pending row; the outcome ("sent", "retry", "failed"), or None if skipped."""
    return deliver_batch([notification_id], mailer).outcomes.get(notification_id)


@shared_task(bind=True, max_retries=MAX_ATTEMPTS)
def send_notification(self: Task[..., str | None], *, notification_id: int) -> str | None:
    """Deliver one notification; retried with exponential backoff."""
    result = deliver_batch([notification_id], mailers.default)
    outcome = result.outcomes.get(notification_id)
    if self.request.is_eager:
        # In-process (eager) runs leave the row pending for the sweep instead
        # of blocking the request that triggered them.
        return outcome
    if outcome == "retry":
        [(delay, _ids)] = result.retry_in.items()
        raise self.retry(countdown=delay)
    if result.busy:
        # Another worker holds the row. Unlike a plain FOR UPDATE we do not
        # wait for it; look again after the first backoff step, in case that
        # worker dies before it commits (it is then usually this very task,
        # redelivered).
        raise self.retry(countdown=retry_delay(1))
    return outcome


@shared_task(bind=True)
def send_notification_batch(
    self: Task[..., dict[str, int]], *, notification_ids: list[int]
) -> dict[str, int]:
    """Deliver many notifications over one SMTP connection, in one transaction.

    Rows that failed temporarily are queued again as a batch after the same
    exponential backoff as a single message (30 s, 60 s, …), not left to the
    minute sweep; rows the time limit left untried are queued again at once;
    pending rows another worker held are looked at again after the first step
    of the backoff (they are usually sent by then, and skipped).
    """
    result = deliver_batch(notification_ids, mailers.default)
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    for outcome in result.outcomes.values():
        counts[outcome] += 1
    counts["skipped"] = len(notification_ids) - len(result.outcomes) - len(result.untried)
    if not self.request.is_eager:
        # Published after the commit above; if the broker is down the rows
        # stay pending and the sweep takes them.
        _queue_again(result)
    return counts


def _queue_again(result: BatchResult) -> None:
    try:
        for delay, ids in sorted(result.retry_in.items()):
            send_notification_batch.apply_async(kwargs={"notification_ids": ids}, countdown=delay)
        if result.untried:
            send_notification_batch.apply_async(kwargs={"notification_ids": result.untried})
        if result.busy:
            send_notification_batch.apply_async(
                kwargs={"notification_ids": result.busy}, countdown=retry_delay(1)
            )
    except Exception as exc:
        logger.warning("Could not queue the batch's retries (%s); the sweep will.", exc)


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
