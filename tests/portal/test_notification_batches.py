"""Sending the outbox in batches: one transaction, rows locked with SKIP LOCKED, stable ids."""

import re
import threading
import time

import pytest
from django.core.mail import mailers
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import tasks
from portal.models import Notification, NotificationKind, NotificationStatus
from portal.notifications import (
    notification_message_id,
    notification_render,
    notification_templates,
)
from tests.factories import UserFactory

CONTEXT = {"program": "Demo Call", "startup": "Qazaq Cold", "actor": "A", "path": "/"}
SUBJECTS = {
    "en": "Application to Demo Call submitted",
    "ru": "Заявка на программу «Demo Call» подана",
    "kk": "«Demo Call» бағдарламасына өтінім жіберілді",
}


def _rows(count, **overrides):
    rows = [
        Notification(
            kind=NotificationKind.APPLICATION_SUBMITTED,
            event_key=f"batch:{i}",
            email=f"u{i}@example.kz",
            language="en",
            context=CONTEXT,
            **overrides,
        )
        for i in range(count)
    ]
    Notification.objects.bulk_create(rows)
    return list(Notification.objects.order_by("id"))


def _statements(queries):
    """Each captured statement's first words (SAVEPOINT, SELECT … FOR UPDATE SKIP LOCKED, …)."""
    kinds = []
    for query in queries:
        sql = query["sql"]
        if sql.startswith("SELECT"):
            kinds.append("SELECT FOR UPDATE SKIP LOCKED" if "SKIP LOCKED" in sql else "SELECT")
        elif sql.startswith("RELEASE SAVEPOINT"):
            kinds.append("RELEASE SAVEPOINT")
        else:
            kinds.append(sql.split()[0])
    return kinds


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 60])
def test_batch_is_one_transaction_of_two_statements(smtp_server, count):
    rows = _rows(count)
    with CaptureQueriesContext(connection) as captured:
        result = tasks.deliver_batch([r.pk for r in rows], mailers.default)
    assert result.outcomes == {r.pk: "sent" for r in rows}
    # Inside the test's own transaction, the batch's one atomic block is a savepoint.
    assert _statements(captured.captured_queries) == [
        "SAVEPOINT",
        "SELECT FOR UPDATE SKIP LOCKED",
        "UPDATE",
        "RELEASE SAVEPOINT",
    ]
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert len(smtp_server.messages) == count


@pytest.mark.postgres
@pytest.mark.django_db
def test_batch_with_failures_records_them_in_the_same_transaction(smtp_server):
    rows = _rows(4)
    smtp_server.fail_next = ["554 5.7.1 Rejected", "451 4.3.0 Try again later"]
    with CaptureQueriesContext(connection) as captured:
        result = tasks.deliver_batch([r.pk for r in rows], mailers.default)
    assert result.outcomes == {
        rows[0].pk: "failed",
        rows[1].pk: "retry",
        rows[2].pk: "sent",
        rows[3].pk: "sent",
    }
    assert result.retry_in == {30: [rows[1].pk]}
    assert _statements(captured.captured_queries) == [
        "SAVEPOINT",
        "SELECT FOR UPDATE SKIP LOCKED",
        "UPDATE",  # the sent rows
        "UPDATE",  # the failed and retried rows, in one bulk update
        "RELEASE SAVEPOINT",
    ]
    assert list(Notification.objects.order_by("id").values_list("status", "attempts")) == [
        ("failed", 1),
        ("pending", 1),
        ("sent", 1),
        ("sent", 1),
    ]
    assert [m["To"] for m in smtp_server.messages] == ["u2@example.kz", "u3@example.kz"]


@pytest.mark.django_db
def test_batch_with_smtp_server_down_tries_the_connection_once(settings):
    from tests.conftest import free_port

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    rows = _rows(3)
    result = tasks.deliver_batch([r.pk for r in rows], mailers.default)
    assert result.outcomes == {r.pk: "retry" for r in rows}
    assert result.retry_in == {30: [r.pk for r in rows]}
    errors = set(Notification.objects.values_list("last_error", flat=True))
    assert len(errors) == 1 and errors.pop().startswith("ConnectionRefusedError")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_batches_over_overlapping_ids_send_each_row_once(smtp_server):
    """Real threads on real connections: the second batch skips the rows the first holds.

    Without SKIP LOCKED the second batch would wait for the first to commit
    (and then find those rows sent): each row would still go once, but the
    second batch would end after the first, which the timing check catches.
    """
    rows = _rows(40)
    ids = [r.pk for r in rows]
    smtp_server.delay = 0.1  # the first batch holds its 30 rows for about 3 s
    results, finished = {}, {}
    first_is_sending = threading.Event()

    def run(name, chosen, before=None):
        try:
            if before is not None:
                before()
            results[name] = tasks.deliver_batch(chosen, mailers.default)
            finished[name] = time.monotonic()
        finally:
            connections.close_all()

    def wait_until_first_is_sending():
        # The first batch has locked its rows once the sink has its first message.
        deadline = time.monotonic() + 20
        while not smtp_server.messages and time.monotonic() < deadline:
            time.sleep(0.01)
        first_is_sending.set()

    first = threading.Thread(target=run, args=("first", ids[:30]))
    second = threading.Thread(target=run, args=("second", ids[10:], wait_until_first_is_sending))
    first.start()
    second.start()
    first.join(60)
    second.join(60)

    assert first_is_sending.is_set()
    assert results["first"].outcomes == {pk: "sent" for pk in ids[:30]}
    assert results["second"].outcomes == {pk: "sent" for pk in ids[30:]}
    # What it skipped was pending and held: its task looks at those again later.
    assert results["second"].busy == ids[10:30]
    assert results["first"].busy == []
    assert finished["second"] < finished["first"]  # it did not wait for the first's locks
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(r.email for r in rows)
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_message_id_is_derived_from_the_row_and_the_secret(settings):
    settings.DEFAULT_FROM_EMAIL = "Startup Portal <noreply@portal.example.kz>"
    one, other = Notification(pk=41), Notification(pk=42)
    first = notification_message_id(one)
    assert re.fullmatch(r"<notification-41\.[0-9a-f]{20}@portal\.example\.kz>", first)
    assert notification_message_id(Notification(pk=41)) == first
    assert notification_message_id(other) != first
    assert notification_message_id(other).startswith("<notification-42.")
    settings.SECRET_KEY = "another-secret-another-secret-another-secret-1234"
    assert notification_message_id(one) != first  # not guessable from the id alone


@pytest.mark.django_db
def test_message_id_is_the_same_when_a_row_is_sent_again(smtp_server):
    first, second = _rows(2)
    assert tasks.deliver(first.pk, mailers.default) == "sent"
    # A worker killed after the SMTP server's answer but before its commit:
    # the row is still pending and a redelivered task sends it again.
    Notification.objects.filter(pk=first.pk).update(status=NotificationStatus.PENDING)
    assert tasks.deliver(first.pk, mailers.default) == "sent"
    assert tasks.deliver(second.pk, mailers.default) == "sent"
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert ids[0] == ids[1] == notification_message_id(first)
    assert ids[2] == notification_message_id(second) != ids[0]
    assert [m["X-Portal-Notification"] for m in smtp_server.messages] == [
        str(first.pk),
        str(first.pk),
        str(second.pk),
    ]


@pytest.mark.django_db
def test_message_id_is_the_same_after_the_admins_resend(
    client, smtp_server, django_capture_on_commit_callbacks
):
    [row] = _rows(1)
    smtp_server.fail_next = ["554 5.7.1 Rejected"]
    assert tasks.deliver(row.pk, mailers.default) == "failed"
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:portal_notification_changelist"),
            {"action": "resend", "_selected_action": [row.pk]},
        )
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert [m["Message-ID"] for m in smtp_server.messages] == [notification_message_id(row)]


@pytest.mark.django_db
def test_template_cache_compiles_once_and_renders_each_language():
    notification_templates.cache_clear()
    rows = {
        language: Notification.objects.create(
            kind=NotificationKind.APPLICATION_SUBMITTED,
            event_key=f"lang:{language}",
            email=f"{language}@example.kz",
            language=language,
            context=CONTEXT,
        )
        for language in ("en", "ru", "kk")
    }
    subjects = [notification_render(rows[lang]).subject for lang in ("en", "ru", "kk", "en", "ru")]
    assert subjects == [SUBJECTS[lang] for lang in ("en", "ru", "kk", "en", "ru")]
    info = notification_templates.cache_info()
    assert (info.misses, info.hits) == (3, 2)
    again = notification_templates(NotificationKind.APPLICATION_SUBMITTED, "ru")
    assert again is notification_templates(NotificationKind.APPLICATION_SUBMITTED, "ru")
    bodies = {lang: notification_render(rows[lang]).body for lang in ("kk", "en")}
    assert "The application of Qazaq Cold to Demo Call was submitted" in bodies["en"]
    assert "The application of" not in bodies["kk"] and "Qazaq Cold" in bodies["kk"]
