"""The README's deployment, run as an operator would: DEBUG off, gunicorn.

On a database of its own, with the documented variables only: `check
--deploy` is clean at warning level, `migrate` and `collectstatic` succeed
(a vendored asset that references a missing file, such as a source map,
fails `collectstatic` and so this test), and gunicorn serves the public
pages, a founder's page after a real login, the admin login and a hashed,
compressed static file, behind the TLS proxy the settings expect.
"""

import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest

from tests.conftest import REDIS_URL, free_port

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
FOUNDER = ("founder@prod.example.kz", "A-long-production-passw0rd")
CREATE_FOUNDER = """
from allauth.account.models import EmailAddress
from portal.models import User
user = User.objects.create_user(email={email!r}, password={password!r}, full_name="Aigerim N.")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
"""


def _deploy_block() -> str:
    section = README.split("## Deploying", 1)[1]
    return section.split("```sh", 1)[1].split("```", 1)[0]


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """Environment, database and a running gunicorn, torn down afterwards."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        # Module fixtures run before the autouse marker check (tests/conftest.py).
        pytest.skip("needs PostgreSQL (set DATABASE_URL or start a server on 127.0.0.1:5432)")
    name = f"portal_prod_{os.getpid()}"
    admin_dsn = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']}"
    with psycopg.connect(admin_dsn + " dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    tmp = tmp_path_factory.mktemp("production")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.kz,127.0.0.1",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT']}/{name}",
        REDIS_URL=REDIS_URL.rsplit("/", 1)[0] + "/14",
        EMAIL_URL=f"smtp://127.0.0.1:{free_port()}",
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
    )

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    log = open(tmp / "gunicorn.log", "w+")  # noqa: SIM115
    server = None
    try:
        steps = {}
        for args in (
            ("check", "--deploy", "--fail-level", "WARNING"),
            ("migrate", "--no-input"),
            ("collectstatic", "--no-input"),
            ("shell", "-c", CREATE_FOUNDER.format(email=FOUNDER[0], password=FOUNDER[1])),
        ):
            steps[args[0]] = manage(*args)
            if steps[args[0]].returncode != 0:
                break
        if all(step.returncode == 0 for step in steps.values()):
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "portal.wsgi", "--workers", "2"]
                + ["--bind", f"127.0.0.1:{port}", "--access-logfile", "-"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("HEAD", "/")
                    break
                except OSError:
                    time.sleep(0.2)
        yield {"steps": steps, "port": port, "env": env, "tmp": tmp, "log": log}
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        log.close()
        with psycopg.connect(admin_dsn + " dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Browser:
    """Just enough of a browser: cookies, and the headers a TLS proxy adds."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None, secure=True):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": "portal.example.kz", **(headers or {})}
        if secure:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(body)
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        conn.close()
        return response, content

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)


def _step_ok(production, name):
    step = production["steps"].get(name)
    assert step is not None, f"an earlier step failed: {production['steps']}"
    assert step.returncode == 0, f"{name} failed:\n{step.stdout}\n{step.stderr}"
    return step


def test_production_check_deploy_is_clean_at_warning_level(production):
    step = _step_ok(production, "check")
    assert "System check identified no issues" in step.stdout


def test_production_migrate_and_collectstatic_succeed(production):
    _step_ok(production, "migrate")
    _step_ok(production, "collectstatic")
    manifest = json.loads((production["tmp"] / "static" / "staticfiles.json").read_text())
    assert "vendor/chartjs/chart.umd.min.js" in manifest["paths"]


def test_production_serves_public_pages_over_the_proxy(production):
    _step_ok(production, "shell")
    browser = Browser(production["port"])
    for path in ("/", "/programs/", "/accounts/login/", "/accounts/signup/"):
        response, body = browser.get(path)
        assert response.status == 200, (path, body[:500])
        assert b"<html" in body
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains"
        )
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_production_redirects_plain_http_to_https(production):
    response, _ = Browser(production["port"]).get("/programs/", secure=False)
    assert response.status == 301
    assert response.headers["Location"] == "https://portal.example.kz/programs/"


def test_production_founder_logs_in_and_sees_the_dashboard(production):
    _step_ok(production, "shell")
    browser = Browser(production["port"])
    response, body = browser.get("/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    response, body = browser.request(
        "POST",
        "/accounts/login/",
        body={"login": FOUNDER[0], "password": FOUNDER[1], "csrfmiddlewaretoken": token},
        headers={"Referer": "https://portal.example.kz/accounts/login/"},
    )
    assert response.status == 302, body[:1000]
    assert "sessionid" in browser.cookies
    response, body = browser.get("/dashboard/")
    assert response.status == 200
    assert b"Aigerim" in body or FOUNDER[0].encode() in body


def test_production_admin_login_answers(production):
    _step_ok(production, "shell")
    browser = Browser(production["port"])
    path = "/admin/login/"
    for _ in range(3):  # the admin login may hand over to the accounts login
        response, body = browser.get(path)
        if response.status not in (301, 302):
            break
        path = response.headers["Location"].replace("https://portal.example.kz", "")
    assert response.status == 200, (path, body[:500])
    assert b'name="password"' in body or b'name="login"' in body


def test_production_static_file_is_hashed_and_compressed(production):
    _step_ok(production, "collectstatic")
    manifest = json.loads((production["tmp"] / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/portal.css"]
    assert re.fullmatch(r"css/portal\.[0-9a-f]{12}\.css", hashed)
    response, body = Browser(production["port"]).get(
        f"/static/{hashed}", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    assert body[:2] == b"\x1f\x8b"


def test_production_logs_are_json_with_the_request_id(production):
    _step_ok(production, "collectstatic")
    response, _ = Browser(production["port"]).get("/no-such-page/")
    assert response.status == 404
    request_id = response.headers["X-Request-ID"]
    time.sleep(0.5)
    production["log"].seek(0)
    records = []
    for line in production["log"].read().splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
    mine = [r for r in records if r.get("request_id") == request_id]
    assert mine, records[-5:]
    assert mine[0]["level"] == "WARNING"
    assert mine[0]["logger"] == "django.request"
    assert "/no-such-page/" in mine[0]["message"]


def test_readme_deploy_block_runs_these_commands():
    block = _deploy_block()
    for command in (
        "python manage.py check --deploy --fail-level WARNING",
        "python manage.py migrate --no-input",
        "python manage.py collectstatic --no-input",
        "gunicorn portal.wsgi",
        "pip install --require-hashes -r requirements/base.txt",
    ):
        assert command in block, command
    for variable in ("DEBUG=false", "SECRET_KEY=", "ALLOWED_HOSTS=", "REDIS_URL=", "EMAIL_URL="):
        assert variable in block, variable
