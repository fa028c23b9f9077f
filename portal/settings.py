"""Settings of the portal, read from the environment only (12-factor).

DEBUG is off unless DEBUG=true is set (`make run` and the tests set it). In
debug mode with nothing else set, the embedded default applies: a SQLite
file, Celery tasks run in-process, e-mail printed to the console. Set
DATABASE_URL and REDIS_URL for PostgreSQL and a real broker. Without DEBUG the
portal refuses to start until SECRET_KEY, ALLOWED_HOSTS and a shared cache
(REDIS_URL or CACHE_URL) are given.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# Off unless asked for: a forgotten variable must never run production in
# debug mode with the development key. `make run` and the tests turn it on.
DEBUG = env.bool("DEBUG", default=False)

# --- Secrets and hosts: no production default at all ----------------------
# Production needs its own key, its host names and a cache that all web
# processes share (login rate limits counted per process would let an
# attacker multiply their attempts by the number of workers).
_missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS") if not env.str(name, default="")]
if not env.str("EMAIL_URL", default=""):
    _missing.append("EMAIL_URL (for example smtp+tls://user:password@smtp.example.kz:587)")
_shared_cache = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
if not _shared_cache or _shared_cache.startswith(("locmem", "dummycache")):
    _missing.append("REDIS_URL or CACHE_URL (a cache shared by every web process)")
if not DEBUG and _missing:
    raise ImproperlyConfigured(
        "DEBUG is off, so the portal runs as production and needs "
        + ", ".join(_missing)
        + " in the environment (for example SECRET_KEY=<50 random characters>, "
        "ALLOWED_HOSTS=portal.example.kz, REDIS_URL=redis://127.0.0.1:6379/0). "
        "Refusing to start. For development, set DEBUG=true (make run does)."
    )
SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-only-for-debug-mode")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications ---------------------------------------------------------
INSTALLED_APPS = [
    "modeltranslation",  # before the admin: program texts in three languages
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_guid",
    "portal",
    "startups",
    "programs",
]

MIDDLEWARE = [
    # First, so every log line of the request carries its id.
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages for a signed-in user (answers, scores, money) are never cached.
    "portal.middleware.NoStoreForSignedInMiddleware",
    "portal.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.mfa.StaffIdleTimeoutMiddleware",
    "portal.mfa.StaffSecondFactorMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
                "startups.context_processors.statuses",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "portal.forms.SignupForm"
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# Second factors (authenticator app with recovery codes) for everyone;
# required for staff by portal.mfa.StaffSecondFactorMiddleware. The admin
# logs in through allauth, so the limits above apply to staff too.
MFA_ADAPTER = "portal.mfa.PortalMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {
    "authenticate": "portal.mfa_forms.PortalAuthenticateForm",
    "reauthenticate": "portal.mfa_forms.PortalReauthenticateForm",
    "activate_totp": "portal.mfa_forms.PortalActivateTOTPForm",
}
# Staff are signed out after this long without a request (seconds).
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("kk", _("Kazakh")),
]
# The switcher shows each language in its own name.
LANGUAGE_SELF_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Almaty")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

# --- Static files and uploads ---------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (pitch decks) live outside static/ and are never served by URL:
# only permission-checked views stream them.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/private-media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail ---------------------------------------------------------------
# EMAIL_URL examples: smtp+tls://user:password@smtp.example.kz:587,
# smtp://127.0.0.1:1025, consolemail:// (the default). Only the schemes below
# are wired: any other (filemail://, a typo) stops the start instead of
# failing at the first e-mail a founder triggers.
EMAIL_SCHEMES = ("smtp", "smtps", "smtp+tls", "smtp+ssl", "consolemail", "dummymail")
_email_url = env.str("EMAIL_URL", default="consolemail://")
if _email_url.split("://", 1)[0] not in EMAIL_SCHEMES or "://" not in _email_url:
    raise ImproperlyConfigured(
        f"EMAIL_URL has an unsupported scheme ({_email_url.split('://', 1)[0]!r}); "
        f"use one of {', '.join(s + '://' for s in EMAIL_SCHEMES)}."
    )
_email = env.email_url_config(_email_url)
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER") or None,
    "password": _email.get("EMAIL_HOST_PASSWORD") or None,
    "use_tls": _email.get("EMAIL_USE_TLS", False),
    "use_ssl": _email.get("EMAIL_USE_SSL", False),
    "timeout": env.int("EMAIL_TIMEOUT", default=20),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": (
            {k: v for k, v in _smtp_options.items() if v not in (None, "")}
            if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Startup Portal <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
PORTAL_NAME = env.str("PORTAL_NAME", default="Startup Portal")
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Celery ---------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# Without a broker, tasks run in-process so a newcomer needs no server.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# JSON only: no pickled objects cross the broker; tasks take ids, not models.
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
# Late acknowledgement: a message is removed from the queue only after its
# task finished, so a worker killed mid-task leaves it to be redelivered.
# Tasks are written to be idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# When the broker connection drops, a running late-acked task is cancelled
# and redelivered (it is idempotent) rather than finishing unacknowledged.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# One message at a time per process, so a long task does not hold others.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Time limits: a stuck SMTP conversation cannot pin a worker forever.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
# A dead broker must not hang a web request: fail fast, the outbox sweep
# re-enqueues later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    "max_retries": 1,
    # Redelivery of unacknowledged messages after a worker died.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60),
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    # Pending notifications whose turn came over a minute ago: the broker was
    # down when they were written, or a retry was lost.
    "notifications-sweep": {"task": "portal.tasks.notifications_sweep", "schedule": 60.0},
    # Calls closing in 7 days and in 1 day, to teams with a draft.
    "calls-closing-reminders": {
        "task": "programs.tasks.remind_calls_closing",
        "schedule": crontab(hour=9, minute=0),
    },
    # Reviews due in 3 days, then overdue (daily), to the reviewers concerned.
    "review-reminders": {
        "task": "programs.tasks.remind_reviews",
        "schedule": crontab(hour=9, minute=30),
    },
    # Milestone reports due within 7 days, then overdue: each reminder once per report.
    "milestone-report-reminders": {
        "task": "programs.tasks.remind_milestone_reports",
        "schedule": crontab(hour=10, minute=0),
    },
}
CELERY_TIMEZONE = TIME_ZONE

# --- Cache ----------------------------------------------------------------
# CACHE_URL wins, then REDIS_URL; an in-process cache only in development.
_cache_url = env.str("CACHE_URL", default="") or REDIS_URL
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
elif _cache_url:
    CACHES = {"default": env.cache_url_config(_cache_url)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- REST API (portal/api/) -------------------------------------------------
# Requests per token, and per address for the public routes (counted in the cache).
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="600/min")
API_ANON_THROTTLE_RATE = env.str("API_ANON_THROTTLE_RATE", default="120/min")
# Behind one proxy, the client's address is the last one it adds to X-Forwarded-For.
NINJA_NUM_PROXIES = env.int("NINJA_NUM_PROXIES", default=0)

# --- Security in production -----------------------------------------------
if not DEBUG:
    # Behind a proxy that terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers and container health checks probe over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # A year, subdomains included; preload is a commitment to the browsers'
    # list that the operator makes knowingly (SECURE_HSTS_PRELOAD=true).
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    if not SECURE_HSTS_PRELOAD:
        # check --deploy warns when preload is off; off is the deliberate default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Headers on every response ----------------------------------------------
# Content-Security-Policy (Django's own): scripts, styles, fonts and images
# from this site only, no inline scripts and no remote origin, the admin
# included. Inline style *attributes* stay allowed (style-src-attr): the
# templates and the admin use them for layout, and they cannot run code.
# Bootstrap's form controls draw their icons as data: SVG images.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "style-src-elem": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Nothing in the portal uses the browser's devices or payment features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
}
SECURE_REFERRER_POLICY = "same-origin"

# --- Health -----------------------------------------------------------------
# /healthz answers 503 when a due e-mail has waited longer than this (no
# worker consuming, or no beat); details only with this token or on loopback.
HEALTHZ_OUTBOX_MAX_AGE = env.int("HEALTHZ_OUTBOX_MAX_AGE", default=300)
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")

# --- Errors: Sentry when configured, else mail to ADMINS --------------------
# ADMINS: comma-separated addresses that receive error reports by e-mail
# (only when SENTRY_DSN is not set).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
ADMINS = [] if SENTRY_DSN else env.list("ADMINS", default=[])
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration as SentryCeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        integrations=[DjangoIntegration(), SentryCeleryIntegration()],
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )

# --- Logs -----------------------------------------------------------------
# One JSON object per line in production (LOG_FORMAT=json), readable text in
# development. Every line carries the request id (django-guid, also passed to
# the Celery tasks a request queues) and, inside a worker, the task id, so an
# e-mail can be followed from the founder's click to the SMTP server's answer.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": False,
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True)],
}
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "django_guid.log_filters.CorrelationId"},
        "task_id": {"()": "portal.logs.TaskIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s %(task_id)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "correlation_id": "request_id",
            },
        },
        "text": {
            "format": "%(asctime)s %(levelname)s [%(correlation_id)s %(task_id)s] %(name)s: "
            "%(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "task_id"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {
            "handlers": ["console", "mail_admins"] if ADMINS else ["console"],
            "level": "WARNING",
            "propagate": False,
        },
        "django_guid": {"level": "WARNING"},
    },
}
