"""Shared fixtures and the rules for tests that need real services.

`@pytest.mark.postgres` tests run only on PostgreSQL and `@pytest.mark.redis`
tests only with a Redis server; elsewhere they are skipped with the reason,
except under CI=true, where a missing service is a failure.
"""

import os
import socket
import threading
from urllib.parse import urlparse

import pytest
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
REDIS_URL = (
    os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
)
# The broker tests publish to and consume from one Redis database reserved for
# tests, database 13 of the server above (TEST_REDIS_DB to choose another), and
# flush it before each test: a task left by an earlier run must not reach this
# run's worker. Nothing else may use that database; two runs at once on one
# Redis server need different TEST_REDIS_DB values.
TEST_REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "13"))


def _answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 1):
            return True
    except OSError:
        return False


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _service_markers(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _missing("needs PostgreSQL (set DATABASE_URL or start a server on 127.0.0.1:5432)")
    if request.node.get_closest_marker("redis") and not _answers(REDIS_URL):
        _missing(f"needs Redis at {REDIS_URL}")


@pytest.fixture(autouse=True)
def _no_language_leaks():
    """A language activated by one test (a request, override) must not leak."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Rate limits (allauth) and cached values must not carry from test to test.

    Each test gets an empty in-process cache (never the Redis one: clearing
    that would flush whatever else shares its database).
    """
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests",
        }
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_in_process(settings):
    """Unit tests run Celery tasks eagerly; broker tests switch this off."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def redis_url() -> str:
    return REDIS_URL


@pytest.fixture
def broker_url(redis_url) -> str:
    """The reserved test database (TEST_REDIS_DB) on the test Redis, emptied first."""
    import redis

    url = f"{redis_url.rsplit('/', 1)[0]}/{TEST_REDIS_DB}"
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.flushdb()
    finally:
        client.close()
    return url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives.

    `fail_next` holds SMTP replies (e.g. "451 Try again later") given to the
    next messages instead of accepting them.
    """

    def __init__(self):
        self.messages = []
        self.fail_next: list[str] = []
        self.delay = 0.0
        self.rcpt_delay = 0.0
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        import asyncio

        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        import email
        from email import policy

        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            if self.fail_next:
                return self.fail_next.pop(0)
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    sink.port = port
    yield sink
    controller.stop()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploads (pitch decks) go to a folder of the test's own, never to media/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
