"""Notifications through a real Celery worker, real Redis and a real SMTP server.

The worker runs in a thread of the test process (celery.contrib.testing),
consuming from Redis; mail goes over SMTP to aiosmtpd on loopback.
"""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from portal.celery import app
from portal.models import Notification
from portal.tasks import notifications_sweep
from tests.factories import ApplicationFactory, ProgramFactory, StartupFactory, UserFactory

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _close_worker_connections(**kwargs):
    connections.close_all()


@pytest.fixture
def live_worker(settings, broker_url, smtp_server):
    """A worker thread consuming from the test broker (the relay to Redis)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 1
    task_postrun.connect(_close_worker_connections)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            yield smtp_server
    finally:
        task_postrun.disconnect(_close_worker_connections)


def _wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _russian_team_application():
    founder = UserFactory(preferred_language="ru", full_name="Айгерим")
    startup = StartupFactory(owner=founder, name="Qazaq Cold")
    application = ApplicationFactory(
        startup=startup, complete=True, program__name="Demo Call", program__min_team_size=1
    )
    return founder, application


def test_submit_through_view_delivers_one_message_in_members_language(client, live_worker):
    founder, application = _russian_team_application()
    client.force_login(founder)
    response = client.post(reverse("startups:application_submit", args=[application.pk]))
    assert response.status_code == 302

    assert _wait_for(lambda: Notification.objects.filter(status="sent").count() == 1)
    time.sleep(0.5)  # a duplicate, if there were one, would arrive now
    assert len(live_worker.messages) == 1
    message = live_worker.messages[0]
    assert message["To"] == founder.email
    assert message["Subject"] == "Заявка на программу «Demo Call» подана"
    assert "Qazaq Cold" in message.get_body(("plain",)).get_content()


def test_broker_down_then_sweep_delivers_once(client, broker_relay, live_worker):
    founder, application = _russian_team_application()
    client.force_login(founder)

    broker_relay.stop()  # the broker dies: its port refuses, open connections are reset
    try:
        started = time.monotonic()
        response = client.post(reverse("startups:application_submit", args=[application.pk]))
        elapsed = time.monotonic() - started
        assert response.status_code == 302
        assert elapsed < 15  # sanity bound: fails fast instead of hanging
        row = Notification.objects.get()
        assert row.status == "pending"
    finally:
        broker_relay.start()  # back on the same address; publisher and worker reconnect
    time.sleep(1)
    assert Notification.objects.get().status == "pending"  # nothing reached the worker
    Notification.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=2))
    notifications_sweep.delay()
    assert _wait_for(lambda: Notification.objects.get().status == "sent")

    notifications_sweep.delay()  # a second sweep finds nothing to send
    time.sleep(1)
    assert len(live_worker.messages) == 1


def test_temporary_smtp_error_is_retried_by_the_worker(live_worker):
    from portal.notifications import notification_create

    live_worker.fail_next = ["451 4.3.0 Try again later"]
    from django.db import transaction

    with transaction.atomic():
        row = notification_create(
            kind="application_submitted",
            event_key="retry-test",
            email="a@example.kz",
            language="en",
            context={"program": "P", "startup": "S", "actor": "A", "path": "/"},
        )
    assert _wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sent")
    row.refresh_from_db()
    assert row.attempts == 2
    assert len(live_worker.messages) == 1


def test_failed_batch_is_retried_after_the_backoff_by_the_worker(live_worker):
    """451 for every message of a batch; the batch comes back after the backoff (1 s here).

    Not after the minute sweep: no beat runs in this test, so only the
    batch's own retry can deliver the rows.
    """
    from django.db import transaction

    from portal.notifications import notification_message_id, notifications_create_many

    live_worker.fail_next = ["451 4.3.0 Try again later"] * 3
    with transaction.atomic():
        rows = notifications_create_many(
            [
                {
                    "kind": "application_submitted",
                    "event_key": "batch-retry",
                    "email": f"u{i}@example.kz",
                    "language": "en",
                    "context": {"program": "P", "startup": "S", "actor": "A", "path": "/"},
                }
                for i in range(3)
            ]
        )
    ids = [row.pk for row in rows]
    assert _wait_for(
        lambda: Notification.objects.filter(pk__in=ids, attempts=1, status="pending").count() == 3
    )
    failed_at = time.monotonic()
    assert live_worker.fail_next == []  # the whole first attempt was refused
    assert _wait_for(lambda: Notification.objects.filter(pk__in=ids, status="sent").count() == 3)
    waited = time.monotonic() - failed_at
    assert 0.5 < waited < 15  # the backoff (1 s), far from the sweep's minute
    assert sorted(Notification.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == [
        2,
        2,
        2,
    ]
    time.sleep(0.5)  # a duplicate, if there were one, would arrive now
    delivered = {m["To"]: m["Message-ID"] for m in live_worker.messages}
    assert delivered == {row.email: notification_message_id(row) for row in rows}


def test_worker_killed_while_sending_does_not_lose_the_notification(
    settings, broker_url, smtp_server, tmp_path
):
    """A worker process dies mid-conversation; a new worker sends the mail once."""
    import os
    import signal
    import subprocess
    import sys

    from django.db import connection, transaction

    from portal.notifications import notification_create

    settings.CELERY_TASK_ALWAYS_EAGER = False
    smtp_server.rcpt_delay = 6.0  # the first worker will be killed while waiting here
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": broker_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "CELERY_VISIBILITY_TIMEOUT": "2",
        "CONN_MAX_AGE": "0",
    }
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo"]
    command += ["--loglevel=info", "--without-mingle", "--without-gossip", "--without-heartbeat"]

    def worker(name):
        log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115
        return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)

    first = worker("first")
    try:
        with transaction.atomic():
            row = notification_create(
                kind="application_submitted",
                event_key="killed-worker",
                email="a@example.kz",
                language="en",
                context={"program": "P", "startup": "S", "actor": "A", "path": "/"},
            )
        # Wait until the worker is inside the SMTP conversation, then kill it.
        assert _wait_for(lambda: "] received" in (tmp_path / "first.log").read_text(), 30)
        time.sleep(1.0)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        row.refresh_from_db()
        assert (row.status, smtp_server.messages) == ("pending", [])

        smtp_server.rcpt_delay = 0
        # The new worker restores unacknowledged messages older than the
        # visibility timeout (2 s here) when it starts polling.
        time.sleep(3)
        second = worker("second")
        try:
            # Redis redelivers the unacknowledged message after the visibility timeout.
            assert _wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sent", 60)
        finally:
            second.terminate()
            second.wait(20)
    finally:
        if first.poll() is None:
            first.kill()
    assert len(smtp_server.messages) == 1


def _event_invitation():
    from startups.services import invitation_create

    owner = UserFactory()
    startup = StartupFactory(owner=owner)
    invitation_create(startup=startup, email="co@example.kz", actor=owner, language="ru")
    return "cofounder_invitation", ["co@example.kz"]


def _event_reviewer_assigned():
    from programs.services.assignment import assignment_create
    from tests.factories import manager, reviewer, submitted_application

    expert = reviewer()
    application = submitted_application(ProgramFactory())
    assignment_create(application=application, reviewer=expert, actor=manager())
    return "reviewer_assigned", [expert.email]


def _event_reviews_assigned():
    """An automatic run: two reviewers, one digest each for three applications."""
    from programs.services.assignment import assignments_auto
    from tests.factories import manager, reviewer, submitted_application

    experts = [reviewer(), reviewer()]
    program = ProgramFactory(reviews_per_application=2)
    for _ in range(3):
        submitted_application(program)
    assignments_auto(program=program, actor=manager(), seed=1)
    return "reviews_assigned", [expert.email for expert in experts]


def _event_call_closing():
    from programs.tasks import remind_calls_closing

    founder = UserFactory()
    program = ProgramFactory(closes_at=timezone.now() + timedelta(days=2))
    ApplicationFactory(startup=StartupFactory(owner=founder), program=program)
    remind_calls_closing()
    return "call_closing_7d", [founder.email]


def _event_review_overdue():
    from programs.services.assignment import assignment_create
    from programs.tasks import remind_reviews
    from tests.factories import manager, reviewer, submitted_application

    expert = reviewer()
    program = ProgramFactory(
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=timezone.now() - timedelta(days=10),
        review_deadline=timezone.now() - timedelta(days=1),
        status="reviewing",
    )
    assignment_create(application=submitted_application(program), reviewer=expert, actor=manager())
    Notification.objects.all().delete()  # only the reminder is under test
    remind_reviews()
    return "review_overdue", [expert.email]


def _event_decision():
    """Finalising tells the teams not told yet (here: an undecided one, now rejected)."""
    from programs.services.selection import decisions_finalise
    from tests.factories import manager, submitted_application

    founder = UserFactory()
    program = ProgramFactory(closed=True)
    submitted_application(program, startup=StartupFactory(owner=founder))
    decisions_finalise(program=program, actor=manager())
    return "decision_rejected", [founder.email]


def _event_decision_when_made():
    """A decision is mailed when the manager makes it, before any finalising."""
    from programs.services.selection import application_decide
    from tests.factories import manager, submitted_application

    founder = UserFactory()
    program = ProgramFactory(closed=True)
    application = submitted_application(program, startup=StartupFactory(owner=founder))
    application_decide(
        application=application,
        decision="waitlisted",
        actor=manager(),
    )
    return "decision_waitlisted", [founder.email]


@pytest.mark.parametrize(
    "event",
    [
        _event_invitation,
        _event_reviewer_assigned,
        _event_reviews_assigned,
        _event_call_closing,
        _event_review_overdue,
        _event_decision,
        _event_decision_when_made,
    ],
    ids=lambda f: f.__name__.removeprefix("_event_"),
)
def test_each_notification_path_goes_through_the_broker(live_worker, event):
    kind, addresses = event()
    assert _wait_for(
        lambda: Notification.objects.filter(kind=kind, status="sent").count() == len(addresses)
    )
    time.sleep(0.3)
    delivered = sorted(m["To"] for m in live_worker.messages)
    assert delivered == sorted(addresses)
