"""The public cache on Redis: each process keeps its copy and forgets it when told.

A "process" here is a `_LocalTier`, the object each process holds: two of them
in one test are two workers with their own subscription.
"""

from urllib.parse import urlparse

import pytest
from django.core.cache import cache, caches
from django.urls import reverse

from startups import public_cache
from tests.conftest import REDIS_URL
from tests.factories import ProgramFactory

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

TEST_CACHE_DB = 9


@pytest.fixture
def redis_cache(settings):
    parsed = urlparse(REDIS_URL)
    location = f"redis://{parsed.hostname or '127.0.0.1'}:{parsed.port or 6379}/{TEST_CACHE_DB}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "test-public-cache",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def worker(redis_cache, monkeypatch):
    """This test's process: a tier of its own, subscribed on first use."""
    tier = public_cache._LocalTier()
    monkeypatch.setattr(public_cache, "_local", tier)
    yield tier
    tier.reset()


def counting(values: list[str]):
    calls: list[str] = []

    def compute(now):
        calls.append(values[len(calls)])
        return calls[-1], 60

    return compute, calls


def other_process_invalidates(monkeypatch, worker) -> None:
    """What a save in another worker does: move the version and publish."""
    other = public_cache._LocalTier()
    monkeypatch.setattr(public_cache, "_local", other)
    public_cache.public_cache_invalidate()
    monkeypatch.setattr(public_cache, "_local", worker)
    other.reset()


def test_second_read_needs_no_round_trip(worker, monkeypatch):
    compute, calls = counting(["first"])
    assert public_cache.public_cache_get("t", compute) == "first"

    def no_redis(*args, **kwargs):
        raise AssertionError("went to Redis")

    monkeypatch.setattr(caches["default"], "get_many", no_redis)
    assert public_cache.public_cache_get("t", compute) == "first"
    assert calls == ["first"]
    assert worker.listening() is True


def test_invalidation_in_another_process_is_seen_on_the_next_read(worker, monkeypatch):
    compute, calls = counting(["first", "second"])
    assert public_cache.public_cache_get("t", compute) == "first"
    other_process_invalidates(monkeypatch, worker)
    assert public_cache.public_cache_get("t", compute) == "second"
    assert public_cache.public_cache_get("t", compute) == "second"
    assert calls == ["first", "second"]


def test_a_process_reads_what_another_computed(worker, monkeypatch):
    compute, calls = counting(["first"])
    assert public_cache.public_cache_get("t", compute) == "first"
    second_worker = public_cache._LocalTier()
    monkeypatch.setattr(public_cache, "_local", second_worker)
    assert public_cache.public_cache_get("t", compute) == "first"
    assert calls == ["first"]
    second_worker.reset()


def test_lost_subscription_falls_back_to_the_shared_cache(worker, monkeypatch):
    compute, calls = counting(["first", "second"])
    assert public_cache.public_cache_get("t", compute) == "first"
    worker.pubsub.connection.disconnect()
    # Without its channel the process cannot know it missed a message: it reads Redis.
    other_process_invalidates(monkeypatch, worker)
    assert public_cache.public_cache_get("t", compute) == "second"
    assert worker.values == {}
    assert calls == ["first", "second"]
    # Subscribed again on the next read, it keeps its copy again.
    assert public_cache.public_cache_get("t", compute) == "second"
    assert public_cache.public_cache_get("t", compute) == "second"
    assert list(worker.values) == ["programs:public:t"]
    assert calls == ["first", "second"]


def test_no_redis_cache_means_no_local_copy(settings, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    tier = public_cache._LocalTier()
    monkeypatch.setattr(public_cache, "_local", tier)
    compute, calls = counting(["first"])
    assert public_cache.public_cache_get("t", compute) == "first"
    assert tier.listening() is False
    assert tier.values == {}


def test_saved_program_shows_at_once_on_every_worker(worker, monkeypatch, client):
    program = ProgramFactory(name="Steppe Seed")
    assert "Steppe Seed" in client.get(reverse("programs:list")).text
    assert "Steppe Seed" in client.get(program.get_absolute_url()).text
    assert worker.values  # this worker now serves both from its copy
    writer = public_cache._LocalTier()
    monkeypatch.setattr(public_cache, "_local", writer)
    program.name = "Steppe Growth"
    program.save()  # the signal publishes from the "other" worker
    monkeypatch.setattr(public_cache, "_local", worker)
    writer.reset()
    assert "Steppe Growth" in client.get(reverse("programs:list")).text
    assert "Steppe Growth" in client.get(program.get_absolute_url()).text
