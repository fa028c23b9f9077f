"""/healthz: whether the database, the broker and the worker answer.

The public answer is the status alone ({"status": "ok"} with 200, or
{"status": "unavailable"} with 503), so a load balancer or an uptime probe
can use it without learning anything about the installation. The details
(each check's result, the age of the oldest due e-mail) are given to a
caller with `Authorization: Bearer <HEALTHZ_TOKEN>`, or to a direct call
from the machine itself (loopback, not forwarded by a proxy).

The worker check: a pending notification whose time has come is picked up
by a worker within seconds (or by the beat sweep within a minute when its
message was lost). One that waited longer than HEALTHZ_OUTBOX_MAX_AGE
seconds means no worker is consuming, or beat is not running: the portal
answers 503 even though the broker itself is up.
"""

import hmac
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from kombu import Connection

LOOPBACK = {"127.0.0.1", "::1"}


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the text says why
        return f"error: {exc.__class__.__name__}"
    return "ok"


def broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=2,
            transport_options={"socket_connect_timeout": 2, "socket_timeout": 2},
        ) as conn:
            conn.ensure_connection(max_retries=0, timeout=2)
            conn.default_channel.client.ping()
    except Exception as exc:  # any failure means "down"; the text says why
        return f"error: {exc.__class__.__name__}"
    return "ok"


def oldest_due_notification_age(now: datetime | None = None) -> float | None:
    """Seconds the oldest pending, due notification has waited; None if none."""
    from portal.models import Notification, NotificationStatus

    now = now or timezone.now()
    oldest = Notification.objects.filter(
        status=NotificationStatus.PENDING, next_attempt_at__lte=now
    ).aggregate(oldest=Min("next_attempt_at"))["oldest"]
    return None if oldest is None else max((now - oldest).total_seconds(), 0.0)


def worker_status() -> tuple[str, float | None]:
    """ "ok", "eager" (no worker: tasks run in the request) or "stalled"."""
    try:
        age = oldest_due_notification_age()
    except Exception as exc:  # the database check reports the cause
        return f"error: {exc.__class__.__name__}", None
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager", age
    if age is not None and age > settings.HEALTHZ_OUTBOX_MAX_AGE:
        return "stalled", age
    return "ok", age


def may_see_details(request: HttpRequest) -> bool:
    token = settings.HEALTHZ_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and given and hmac.compare_digest(given.encode(), token.encode()):
        return True
    forwarded = "X-Forwarded-For" in request.headers or "X-Real-Ip" in request.headers
    return request.META.get("REMOTE_ADDR") in LOOPBACK and not forwarded


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_status()
    broker = broker_status()
    worker, age = worker_status() if database == "ok" else ("unknown", None)
    healthy = database == "ok" and broker in {"ok", "eager"} and worker in {"ok", "eager"}
    body: dict[str, object] = {"status": "ok" if healthy else "unavailable"}
    if may_see_details(request):
        body.update(
            database=database,
            broker=broker,
            worker=worker,
            oldest_due_notification_seconds=None if age is None else round(age, 1),
        )
    return JsonResponse(body, status=200 if healthy else 503)
