"""Shared fixtures and the rules for tests that need real services.

`@pytest.mark.postgres` tests run only on PostgreSQL and `@pytest.mark.redis`
tests only with a Redis server; elsewhere they are skipped with the reason,
except under CI=true, where a missing service is a failure.
"""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
REDIS_URL = (
    os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
)


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
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_in_process(settings):
    """Unit tests run Celery tasks eagerly; broker tests switch this off."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def redis_url() -> str:
    return REDIS_URL
