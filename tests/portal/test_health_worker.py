"""/healthz notices a stopped worker: a real worker, real Redis, real SMTP."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import transaction

from portal.celery import app
from portal.models import Notification, NotificationStatus
from portal.notifications import notification_create
from tests.portal.test_notifications_broker import _close_worker_connections, _wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _queue_mail(key: str) -> Notification:
    with transaction.atomic():
        return notification_create(
            kind="application_submitted",
            event_key=key,
            email=f"{key}@example.kz",
            language="en",
            context={"program": "P", "startup": "S", "actor": "A", "path": "/"},
        )


def test_healthz_goes_503_when_the_worker_stops(client, settings, broker_url, smtp_server):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.HEALTHZ_OUTBOX_MAX_AGE = 2
    task_postrun.connect(_close_worker_connections)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            first = _queue_mail("while-running")
            assert _wait_for(
                lambda: Notification.objects.get(pk=first.pk).status == NotificationStatus.SENT
            )
            running = client.get("/healthz")
            assert running.status_code == 200
            assert running.json()["worker"] == "ok"
        # The worker is gone; the broker still takes the message, nobody consumes it.
        stranded = _queue_mail("after-stop")
        assert client.get("/healthz").status_code == 200  # not late yet
        time.sleep(2.5)
        response = client.get("/healthz")
        assert response.status_code == 503
        body = response.json()
        assert (body["status"], body["broker"], body["worker"]) == ("unavailable", "ok", "stalled")
        assert body["oldest_due_notification_seconds"] >= 2
        assert Notification.objects.get(pk=stranded.pk).status == NotificationStatus.PENDING
        assert len(smtp_server.messages) == 1
    finally:
        task_postrun.disconnect(_close_worker_connections)
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge("celery")
