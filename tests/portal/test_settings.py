import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "debug": s.DEBUG,
    "engine": s.DATABASES["default"]["ENGINE"],
    "eager": s.CELERY_TASK_ALWAYS_EAGER,
    "broker": s.CELERY_BROKER_URL,
    "email": s.MAILERS["default"]["BACKEND"],
    "email_options": s.MAILERS["default"]["OPTIONS"],
    "tz": s.TIME_ZONE,
    "acks_late": s.CELERY_TASK_ACKS_LATE,
    "serializer": s.CELERY_TASK_SERIALIZER,
    "hosts": s.ALLOWED_HOSTS,
}))
"""


def run_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    clean["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_settings_embedded_default_needs_no_server():
    result = run_settings()
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["eager"] is True
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["tz"] == "Asia/Almaty"
    assert values["acks_late"] is True
    assert values["serializer"] == "json"


def test_settings_database_and_redis_urls_select_postgres_and_broker():
    result = run_settings(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal",
        REDIS_URL="redis://127.0.0.1:6379/3",
        EMAIL_URL="smtp://127.0.0.1:2525",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/3"
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["email_options"] == {
        "host": "127.0.0.1",
        "port": 2525,
        "use_tls": False,
        "use_ssl": False,
        "timeout": 20,
    }


def test_settings_production_refuses_to_start_without_secret_key_and_hosts():
    result = run_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY and ALLOWED_HOSTS" in result.stderr
    assert "Refusing to start" in result.stderr


def test_settings_production_refuses_without_allowed_hosts_only():
    result = run_settings(DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "needs ALLOWED_HOSTS" in result.stderr


def test_settings_production_starts_with_secret_key_and_hosts():
    result = run_settings(DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="portal.example.kz")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["hosts"] == ["portal.example.kz"]
