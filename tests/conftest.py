"""Shared fixtures and the rules for tests that need real services.

`@pytest.mark.postgres` tests run only on PostgreSQL and `@pytest.mark.redis`
tests only with a Redis server; elsewhere they are skipped with the reason,
except under CI=true, where a missing service is a failure.
"""

import os
import socket
import struct
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


class BrokerRelay:
    """The broker the tests see: a TCP relay on loopback to the test Redis.

    The test settings name the relay as Celery's broker for the whole run
    (`_broker_through_relay`), so Celery's connection pool is made once, for
    the one broker, and never swapped. `stop()` is the broker dying: the port
    refuses new connections and every open one is reset (the worker's and
    the publisher's alike); `start()` brings it back on the same port, and
    the clients reconnect as they would to a restarted Redis.
    """

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self.port = 0
        self.start()
        self.url = f"redis://127.0.0.1:{self.port}/{TEST_REDIS_DB}"

    @property
    def running(self) -> bool:
        return self._listener is not None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.shutdown(socket.SHUT_RDWR)  # wakes accept(); the port now refuses
            listener.close()
        with self._lock:
            open_sockets, self._open = self._open, set()
        for sock in open_sockets:
            # Linger 0: the close sends a reset, as a killed server's kernel does.
            # shutdown() first: it wakes the relay thread reading this socket,
            # which close() alone would not, and the close only takes effect then.
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.shutdown(socket.SHUT_RD)
            except OSError:
                pass  # its pair thread closed it a moment ago
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # stopped
            try:
                server = socket.create_connection(self.upstream, timeout=2)
            except OSError:
                client.close()  # no Redis behind the relay: refuse as it would
                continue
            server.settimeout(None)
            with self._lock:
                self._open |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        # One side is gone: so is the pair (Redis has no half-open use).
        for sock in (source, target):
            with self._lock:
                self._open.discard(sock)
            if sock.fileno() == -1:
                continue  # reset by stop()
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


@pytest.fixture(scope="session")
def broker_relay() -> BrokerRelay:
    parsed = urlparse(REDIS_URL)
    return BrokerRelay((parsed.hostname or "127.0.0.1", parsed.port or 6379))


@pytest.fixture(scope="session", autouse=True)
def _broker_through_relay(broker_relay):
    """Celery's broker, for the whole run, is the relay (see BrokerRelay)."""
    from django.test import override_settings

    with override_settings(CELERY_BROKER_URL=broker_relay.url):
        yield


@pytest.fixture
def broker_url(broker_relay) -> str:
    """The broker (through the relay), its reserved Redis database emptied first.

    A task left by an earlier run must not reach this run's worker.
    """
    import redis

    if not broker_relay.running:  # a test that stopped it failed before restarting it
        broker_relay.start()
    direct = f"{REDIS_URL.rsplit('/', 1)[0]}/{TEST_REDIS_DB}"
    client = redis.Redis.from_url(direct, socket_connect_timeout=2)
    try:
        client.flushdb()
    finally:
        client.close()
    return broker_relay.url


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
