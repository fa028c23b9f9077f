"""What the benchmarks that serve pages share: a port, gunicorn, a session.

The board and light-pages benchmarks run the portal under gunicorn on
loopback with `bench.settings`/`bench.urls` (a bare view at /bench/bare/
as the floor) and sign a user in with a session cookie made in-process.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE = "/bench/bare/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", BARE, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        return response.status == 200
    finally:
        connection.close()


@contextmanager
def gunicorn(workers: int) -> Iterator[int]:
    """gunicorn serving the portal with the current environment; yields its port once up."""
    from django.db import connections

    connections.close_all()  # the workers fork from a clean slate
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "portal.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ},
    )
    try:
        deadline = time.monotonic() + 60
        while not _up(port, server):
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer within 60 s")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _up(port: int, server: subprocess.Popen) -> bool:
    if server.poll() is not None:
        raise SystemExit("gunicorn exited; see its output above")
    try:
        return _answers(port)
    except OSError:
        return False


def session_cookie(user_id: int, *, second_factor: bool = False) -> str:
    """A signed-in session as the login view stores it (staff: after their second factor)."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(pk=user_id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if second_factor:
        from portal.mfa import LAST_SEEN_KEY, SECOND_FACTOR_KEY, has_second_factor

        assert has_second_factor(user)  # noqa: S101 (the session claims what is on record)
        session[SECOND_FACTOR_KEY] = True
        # Far enough ahead that the idle clock is neither passed nor rewritten
        # during the run (a rewrite would be a session write the floor lacks).
        session[LAST_SEEN_KEY] = int(time.time()) + 3600
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
