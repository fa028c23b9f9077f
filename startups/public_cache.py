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

It lives in `startups` (programs and criteria are its models) so that the
founders' pages can read it without importing the app above.
"""

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from startups.models import Program

VERSION_KEY = "programs:public:version"
MAX_AGE = 60  # seconds
OPEN_PROGRAMS_SHOWN = 20


def public_cache_invalidate(**_signal_kwargs: object) -> None:
    """Forget every kept public value: now, and again when the transaction commits.

    The second move covers a value computed from the old rows by a request
    that ran while the change was not yet committed.
    """
    cache.set(VERSION_KEY, time.time_ns(), None)
    transaction.on_commit(lambda: cache.set(VERSION_KEY, time.time_ns(), None))


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
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY, version)
    kept = found.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]
    value, timeout = compute(timezone.now())
    cache.set(key, (version, value), timeout)
    return value


def programs_accepting_cached() -> list[Program]:
    """The calls open now, soonest to close first (at most OPEN_PROGRAMS_SHOWN).

    Kept with the fields a list of links needs; filtered again by the clock
    on every read, so a call that closed a second ago is not offered.
    """

    def compute(now: datetime) -> tuple[list[Program], int]:
        programs = list(
            Program.objects.accepting(now)
            .order_by("closes_at", "id")
            .only("id", "name", "slug", "status", "opens_at", "closes_at")[:OPEN_PROGRAMS_SHOWN]
        )
        return programs, next_change_of_public_programs(now=now)

    now = timezone.now()
    return [p for p in public_cache_get("accepting", compute) if p.opens_at <= now < p.closes_at]
