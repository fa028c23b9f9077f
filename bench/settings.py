"""Settings for benchmarks that serve pages: the production settings, a bench URLconf.

DEBUG is off, as in production (the cached template loader, the hashed
static files, no query log), with harmless stand-ins for the production
secrets; each may be overridden from the environment. The cache is Redis
(shared by the gunicorn workers, as production requires); the static files
are collected into STATIC_ROOT by the benchmark before it starts.

    DJANGO_SETTINGS_MODULE=bench.settings
"""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("EMAIL_URL", "dummymail://")
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/12")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault(
    "STATIC_ROOT", os.environ.get("BENCH_STATIC_ROOT", "/tmp/portal-bench-static")
)
os.environ.setdefault("LOG_LEVEL", "WARNING")

from portal.settings import *  # noqa: E402, F403

ROOT_URLCONF = "bench.urls"
