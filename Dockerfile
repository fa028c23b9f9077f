# The portal's production image: gunicorn serving Django (static files by
# WhiteNoise, collected at build time), run as an unprivileged user. The same
# image runs the Celery worker and beat (see compose.yaml).
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media \
    PORT=8000

WORKDIR /app
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home portal

# Dependencies first, so a code change does not reinstall them.
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt

COPY --chown=portal:portal . .

# Build-time values only: collectstatic needs the production settings to load,
# and reads none of these secrets. The running containers get their own.
RUN DEBUG=false SECRET_KEY=collectstatic-at-build-time-only ALLOWED_HOSTS=build \
    REDIS_URL=redis://build:6379/0 EMAIL_URL=smtp://build:25 \
    python manage.py collectstatic --no-input \
    && mkdir -p /app/media && chown portal:portal /app/media

USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=15s --start-period=20s --retries=3 \
    CMD ["python", "-m", "portal.healthcheck"]
CMD ["gunicorn", "portal.wsgi", "--workers", "4", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
