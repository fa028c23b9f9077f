"""What every visitor sees of the published programs, kept in the shared cache.

The public program list and page (`programs.public_pages`) and the open calls
on a founder's dashboard (`programs_accepting_cached`) are the same for every
visitor: they are kept in the cache under a version that moves whenever a
program or a criterion is saved or deleted or a program changes status
(`public_cache_invalidate`, connected in `programs.apps` and called by
`programs.services.programs`). A kept value also expires when a call opens or
closes (what is shown depends on the clock) and at the latest after
`MAX_AGE`, so countdowns stay right to the minute.

A read is one round trip: the version and the value come together (each value
is stored with the version it was computed under), and a value of another
version is computed again.

With a Redis cache each process also keeps what it read (`_LocalTier`) and
serves it without a round trip: every invalidation is published on a Redis
channel the process subscribes to, and before each read the process looks
(without waiting) whether a message has arrived, and forgets everything if so.
A published message reaches every process before the request that changed the
program has answered, so the next page anywhere shows the change. Without a
subscription (another cache backend, Redis unreachable, a broken connection)
every read goes to the shared cache as above.

It lives in `startups` (programs and criteria are its models) so that the
founders' pages can read it without importing the app above.
"""

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from startups.models import Program

VERSION_KEY = "programs:public:version"
MAX_AGE = 60  # seconds
OPEN_PROGRAMS_SHOWN = 20

logger = logging.getLogger(__name__)


class _LocalTier:
    """This process's copy of the kept values, forgotten on every published invalidation."""

    RETRY_AFTER = 30.0  # seconds between attempts to subscribe when it failed

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.values: dict[str, tuple[Any, float]] = {}  # key -> (value, monotonic expiry)
        self.generation = 0
        self.pid: int | None = None
        self.client: Any = None
        self.pubsub: Any = None
        self.channel = ""
        self.failed_at = -self.RETRY_AFTER

    def _subscribe(self) -> bool:
        """Subscribe this process (again after a fork or a failure); True when listening."""
        backend = caches[DEFAULT_CACHE_ALIAS]
        if not isinstance(backend, RedisCache):
            return False
        if time.monotonic() - self.failed_at < self.RETRY_AFTER:
            return False
        try:
            client = backend._cache.get_client(write=True)  # noqa: SLF001 (its pool, its server)
            db = client.connection_pool.connection_kwargs.get("db", 0)
            channel = f"{backend.make_key(VERSION_KEY)}:changed:db{db}"
            pubsub = client.pubsub()
            pubsub.subscribe(channel)
            confirmed = pubsub.get_message(timeout=1.0)
            if not confirmed or confirmed.get("type") != "subscribe":
                pubsub.close()
                raise ConnectionError("no subscription confirmed")
        except Exception:  # noqa: BLE001 (no subscription: read the shared cache each time)
            logger.warning("public cache: no invalidation channel, reading Redis each time")
            self.failed_at = time.monotonic()
            return False
        self.client, self.pubsub, self.channel = client, pubsub, channel
        self.pid = os.getpid()
        return True

    def reset(self, **_signal_kwargs: object) -> None:
        """Drop the subscription and the copy (a broken connection, changed cache settings)."""
        with self.lock:
            if self.pubsub is not None and self.pid == os.getpid():
                try:
                    self.pubsub.close()
                except Exception:  # noqa: BLE001, S110 (already broken)
                    pass
            self.client = self.pubsub = None
            self.pid = None
            self.failed_at = -self.RETRY_AFTER
            self.forget()

    def forget(self) -> None:
        self.values = {}
        self.generation += 1

    def listening(self) -> bool:
        """Whether this process may trust its copy; forgets it if a message came."""
        with self.lock:
            if self.pid != os.getpid():
                # First use, or a forked worker: never the parent's connection or copy.
                self.client = self.pubsub = None
                self.forget()
                if not self._subscribe():
                    return False
            try:
                connection = self.pubsub.connection
                if connection._sock is None:  # noqa: SLF001 (redis-py keeps no other sign)
                    # Disconnected: a message may have been missed. Reconnecting
                    # subscribes again; until then the copy is not trusted.
                    self.forget()
                    connection.connect()
                    return False
                if connection.can_read(timeout=0):
                    while self.pubsub.get_message(timeout=0) is not None:
                        pass
                    self.forget()
            except Exception:  # noqa: BLE001 (a broken connection: subscribe again next read)
                logger.warning("public cache: invalidation channel lost")
                self.client = self.pubsub = None
                self.pid = None
                self.forget()
                return False
            return True

    def publish(self) -> None:
        """Tell every process (this one at once) that the kept values are stale."""
        self.forget()
        backend = caches[DEFAULT_CACHE_ALIAS]
        if not isinstance(backend, RedisCache):
            return
        try:
            client = self.client or backend._cache.get_client(write=True)  # noqa: SLF001
            db = client.connection_pool.connection_kwargs.get("db", 0)
            client.publish(f"{backend.make_key(VERSION_KEY)}:changed:db{db}", "1")
        except Exception:  # noqa: BLE001 (the others then read the moved version at expiry)
            logger.warning("public cache: invalidation not published")


_local = _LocalTier()
setting_changed.connect(
    lambda setting, **kwargs: _local.reset() if setting == "CACHES" else None,
    weak=False,
    dispatch_uid="public_cache_reset",
)


def public_cache_invalidate(**_signal_kwargs: object) -> None:
    """Forget every kept public value: now, and again when the transaction commits.

    The second move covers a value computed from the old rows by a request
    that ran while the change was not yet committed.
    """

    def move() -> None:
        cache.set(VERSION_KEY, time.time_ns(), None)
        _local.publish()

    move()
    transaction.on_commit(move)


def seconds_until(moments: list[datetime | None], *, now: datetime) -> int:
    """Seconds until the first of `moments` still to come, within 1..MAX_AGE."""
    future = [(m - now).total_seconds() for m in moments if m is not None and m > now]
    return max(1, min([MAX_AGE, *(int(s) + 1 for s in future)]))


def next_change_of_public_programs(*, now: datetime) -> int:
    """Seconds until any published call opens or closes (the list's order changes)."""
    moments = Program.objects.public().aggregate(
        opens=Min("opens_at", filter=Q(opens_at__gt=now)),
        closes=Min("closes_at", filter=Q(closes_at__gt=now)),
    )
    return seconds_until([moments["opens"], moments["closes"]], now=now)


def public_cache_get(key: str, compute: Callable[[datetime], tuple[Any, int]]) -> Any:
    """The kept value of `key`, or `compute(now)`'s (value, seconds to keep), kept."""
    key = f"programs:public:{key}"
    listening = _local.listening()
    if listening:
        generation = _local.generation
        local = _local.values.get(key)
        if local is not None and local[1] > time.monotonic():
            return local[0]
    value, timeout = _shared_get(key, compute)
    if listening:
        with _local.lock:
            # Not kept if an invalidation arrived meanwhile: it may be older than that.
            if _local.generation == generation:
                _local.values[key] = (value, time.monotonic() + timeout)
    return value


def _shared_get(key: str, compute: Callable[[datetime], tuple[Any, int]]) -> tuple[Any, int]:
    """(value, seconds it may still be kept) from the shared cache, computed if missing."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY, version)
    kept = found.get(key)
    if isinstance(kept, tuple) and len(kept) == 3 and kept[0] == version:
        return kept[1], max(1, min(MAX_AGE, int(kept[2] - time.time())))
    value, timeout = compute(timezone.now())
    cache.set(key, (version, value, time.time() + timeout), timeout)
    return value, timeout


def programs_accepting_cached() -> list[Program]:
    """The calls open now, soonest to close first (at most OPEN_PROGRAMS_SHOWN).

    Kept with the fields a list of links needs; filtered again by the clock
    on every read, so a call that closed a second ago is not offered.
    """

    def compute(now: datetime) -> tuple[list[Program], int]:
        programs = list(
            Program.objects.accepting(now)
            .order_by("closes_at", "id")
            .only("id", "name", "main_language", "slug", "status", "opens_at", "closes_at")[
                :OPEN_PROGRAMS_SHOWN
            ]
        )
        return programs, next_change_of_public_programs(now=now)

    now = timezone.now()
    return [p for p in public_cache_get("accepting", compute) if p.opens_at <= now < p.closes_at]
