"""A task that does nothing but count itself: the floor for the queue's own cost."""

import os

import redis
from celery import shared_task

_client = None


@shared_task(name="bench.noop")
def noop() -> None:
    global _client
    if _client is None:
        _client = redis.Redis.from_url(os.environ["BENCH_COUNTER_URL"])
    _client.incr("bench:noop")
