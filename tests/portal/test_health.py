import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from portal.models import Notification, NotificationStatus

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}


def _pending(*, waited: timedelta, email="a@example.kz") -> Notification:
    return Notification.objects.create(
        kind="application_submitted",
        event_key=f"health-{email}",
        email=email,
        language="en",
        context={},
        next_attempt_at=timezone.now() - waited,
    )


def test_healthz_embedded_default_reports_eager_broker_and_worker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "eager",
        "worker": "eager",
        "oldest_due_notification_seconds": None,
    }


def test_healthz_public_answer_is_the_status_only(client):
    response = client.get("/healthz", **OUTSIDE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_forwarded_request_from_loopback_proxy_is_public(client):
    response = client.get("/healthz", headers={"X-Forwarded-For": "198.51.100.1"})
    assert response.json() == {"status": "ok"}


def test_healthz_token_gives_the_details(client, settings):
    settings.HEALTHZ_TOKEN = "s3cret-probe-token"
    right = client.get(
        "/healthz", headers={"Authorization": "Bearer s3cret-probe-token"}, **OUTSIDE
    )
    wrong = client.get("/healthz", headers={"Authorization": "Bearer nope"}, **OUTSIDE)
    assert right.json()["database"] == "ok"
    assert wrong.json() == {"status": "ok"}


@pytest.mark.redis
def test_healthz_real_broker_up(client, settings, redis_url):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "worker": "ok",
        "oldest_due_notification_seconds": None,
    }


def test_healthz_broker_down_is_503(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Port 9 (discard) has no Redis on this machine: the connection is refused.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error: ")
    assert client.get("/healthz", **OUTSIDE).json() == {"status": "unavailable"}


def test_healthz_old_due_notification_means_no_worker(client, settings):
    """Broker up, but an e-mail has waited past the threshold: 503, "stalled"."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.HEALTHZ_OUTBOX_MAX_AGE = 60
    _pending(waited=timedelta(seconds=30))
    fresh = client.get("/healthz").json()
    assert fresh["worker"] == "ok"
    assert 29 <= fresh["oldest_due_notification_seconds"] <= 40
    _pending(waited=timedelta(seconds=90), email="b@example.kz")
    response = client.get("/healthz")
    assert response.json()["worker"] == "stalled"
    assert response.status_code == 503


def test_healthz_ignores_sent_and_future_notifications(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "memory://"
    settings.HEALTHZ_OUTBOX_MAX_AGE = 60
    sent = _pending(waited=timedelta(hours=2))
    Notification.objects.filter(pk=sent.pk).update(status=NotificationStatus.SENT)
    _pending(waited=timedelta(seconds=-600), email="later@example.kz")  # a retry, not yet due
    body = client.get("/healthz").json()
    assert body["oldest_due_notification_seconds"] is None


def test_healthz_database_down_is_503():
    """A real refused connection (a closed port), not a replaced check."""
    probe = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps([r.status_code, r.json()]))"
    )
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL="postgres://postgres@127.0.0.1:9/portal",
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    status, body = json.loads(result.stdout)
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["database"] == "error: OperationalError"
    assert body["worker"] == "unknown"
