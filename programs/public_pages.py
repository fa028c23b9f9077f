"""The public program pages, rendered once per language and kept in the cache.

The list and a program's page are the same for every visitor in a language:
their content is rendered without the request (so no user, no CSRF token can
enter it) and kept under a version that moves whenever a program or a
criterion is saved or deleted (`public_pages_invalidate`, connected in
`programs.apps`; the mechanism is `startups.public_cache`, shared with the
founders' dashboard). A page also expires when a call opens or closes (what it
shows and its order depend on the clock) and at the latest after a minute,
so the countdowns stay right to the minute.
"""

from collections.abc import Callable
from datetime import datetime

from django.utils import translation

from startups.public_cache import (
    MAX_AGE,
    VERSION_KEY,
    next_change_of_public_programs,
    public_cache_get,
    public_cache_invalidate,
    seconds_until,
)

__all__ = [
    "MAX_AGE",
    "VERSION_KEY",
    "Rendered",
    "next_change_of_public_programs",
    "public_page_cached",
    "public_pages_invalidate",
    "seconds_until",
]

Rendered = dict[str, str]

public_pages_invalidate = public_cache_invalidate


def public_page_cached(name: str, render: Callable[[datetime], tuple[Rendered, int]]) -> Rendered:
    """The cached parts of a public page, or `render(now)`'s (parts, seconds to keep)."""
    return public_cache_get(f"{translation.get_language()}:{name}", render)
