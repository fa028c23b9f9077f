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
    "cache": s.CACHES["default"]["BACKEND"],
    "hsts": [s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD],
    "log_format": s.LOG_FORMAT,
}))
"""


def run_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    clean["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_settings_debug_is_off_unless_asked_for():
    result = run_settings()
    assert result.returncode != 0
    assert "DEBUG is off, so the portal runs as production" in result.stderr


def test_settings_embedded_default_needs_no_server():
    result = run_settings(DEBUG="true")
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
        DEBUG="true",
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


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "portal.example.kz",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.kz:587",
}


def _without(*names: str) -> dict:
    return {k: v for k, v in PRODUCTION.items() if k not in names}


def test_settings_production_refuses_to_start_without_anything():
    result = run_settings(DEBUG="false")
    assert result.returncode != 0
    assert "needs SECRET_KEY, ALLOWED_HOSTS, EMAIL_URL" in result.stderr
    assert "REDIS_URL or CACHE_URL" in result.stderr
    assert "Refusing to start" in result.stderr


def test_settings_production_refuses_without_allowed_hosts_only():
    result = run_settings(**_without("ALLOWED_HOSTS"))
    assert result.returncode != 0
    assert "needs ALLOWED_HOSTS in the environment" in result.stderr


def test_settings_production_refuses_a_per_process_cache():
    for cache in ({}, {"CACHE_URL": "locmem://"}):
        result = run_settings(**_without("REDIS_URL"), **cache)
        assert result.returncode != 0
        assert "needs REDIS_URL or CACHE_URL (a cache shared by every web process)" in result.stderr


def test_settings_production_refuses_unsupported_email_scheme():
    for url in ("filemail:///tmp/mail", "memorymail://", "smtp.example.kz"):
        result = run_settings(**{**PRODUCTION, "EMAIL_URL": url})
        assert result.returncode != 0
        assert "EMAIL_URL has an unsupported scheme" in result.stderr


def test_settings_production_starts_with_its_variables():
    result = run_settings(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["hosts"] == ["portal.example.kz"]
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["hsts"] == [31536000, True, False]
    assert values["log_format"] == "json"
    assert values["email_options"]["use_tls"] is True


def test_settings_production_cache_url_without_redis():
    result = run_settings(
        **_without("REDIS_URL"), CACHE_URL="redis://127.0.0.1:6379/5", SECURE_HSTS_SECONDS="60"
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["eager"] is True  # a cache is not a broker
    assert values["hsts"][0] == 60


SENTRY_PROBE = """
import json, django
django.setup()
import sentry_sdk
from django.conf import settings as s
client = sentry_sdk.get_client()
print(json.dumps({
    "active": client.is_active(),
    "dsn": client.dsn,
    "admins": s.ADMINS,
    "request_handlers": s.LOGGING["loggers"]["django.request"]["handlers"],
}))
"""


def _probe(code: str, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    clean.update(DJANGO_SETTINGS_MODULE="portal.settings", **env)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_settings_sentry_only_with_a_dsn_else_admins_get_mail():
    dsn = "https://0123456789abcdef0123456789abcdef@sentry.example.kz/7"
    with_sentry = _probe(SENTRY_PROBE, **PRODUCTION, SENTRY_DSN=dsn, ADMINS="ops@example.kz")
    assert with_sentry["active"] is True
    assert with_sentry["dsn"] == dsn
    assert with_sentry["admins"] == []  # errors go to Sentry, not by mail as well
    assert with_sentry["request_handlers"] == ["console"]
    with_mail = _probe(SENTRY_PROBE, **PRODUCTION, ADMINS="ops@example.kz,cto@example.kz")
    assert with_mail["active"] is False
    assert with_mail["admins"] == ["ops@example.kz", "cto@example.kz"]
    assert with_mail["request_handlers"] == ["console", "mail_admins"]
    neither = _probe(SENTRY_PROBE, **PRODUCTION)
    assert (neither["active"], neither["admins"]) == (False, [])
