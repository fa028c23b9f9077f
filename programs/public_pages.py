"""The public program pages, rendered once per language and kept in the cache.

The list and a program's page are the same for every visitor in a language:
their content is rendered without the request (so no user, no CSRF token can
enter it) and kept under a version that moves whenever a program or a
criterion is saved or deleted (`public_pages_invalidate`, connected in
`programs.apps`). A page also expires when a call opens or closes (what it
shows and its order depend on the clock) and at the latest after a minute,
so the countdowns stay right to the minute.
"""

import time
from collections.abc import Callable
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone, translation

VERSION_KEY = "programs:public:version"
MAX_AGE = 60  # seconds

Rendered = dict[str, str]


def public_pages_invalidate(**_signal_kwargs: object) -> None:
    """Forget every cached public page: now, and again when the transaction commits.

    The second move covers a page rendered from the old rows by a request
    that ran while the change was not yet committed.
    """
    cache.set(VERSION_KEY, time.time_ns(), None)
    transaction.on_commit(lambda: cache.set(VERSION_KEY, time.time_ns(), None))


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def seconds_until(moments: list[datetime | None], *, now: datetime) -> int:
    """Seconds until the first of `moments` still to come, within 1..MAX_AGE."""
    future = [(m - now).total_seconds() for m in moments if m is not None and m > now]
    return max(1, min([MAX_AGE, *(int(s) + 1 for s in future)]))


def next_change_of_public_programs(*, now: datetime) -> int:
    """Seconds until any published call opens or closes (the list's order changes)."""
    from startups.models import Program

    moments = Program.objects.public().aggregate(
        opens=Min("opens_at", filter=Q(opens_at__gt=now)),
        closes=Min("closes_at", filter=Q(closes_at__gt=now)),
    )
    return seconds_until([moments["opens"], moments["closes"]], now=now)


def public_page_cached(name: str, render: Callable[[datetime], tuple[Rendered, int]]) -> Rendered:
    """The cached parts of a public page, or `render(now)`'s (parts, seconds to keep)."""
    key = f"programs:public:{_version()}:{translation.get_language()}:{name}"
    parts = cache.get(key)
    if parts is None:
        parts, timeout = render(timezone.now())
        cache.set(key, parts, timeout)
    return parts
