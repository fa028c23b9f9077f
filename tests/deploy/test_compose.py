"""compose.yaml, the Dockerfile, the README and the settings say the same thing.

No Docker engine runs where the tests run, so the container files are read,
not started: their services, commands and variables are checked against what
the settings actually read, and the image's build-time values are loaded
through the real production settings.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = (ROOT / "portal" / "settings.py").read_text()
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
README = (ROOT / "README.md").read_text()
PORTAL_SERVICES = ("migrate", "web", "worker", "beat")


def settings_variables() -> set[str]:
    """Every environment variable portal/settings.py reads."""
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', SETTINGS))


def _command(service: str) -> str:
    command = COMPOSE["services"][service]["command"]
    return " ".join(command) if isinstance(command, list) else command


def test_settings_variables_are_found():
    found = settings_variables()
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SENTRY_DSN"} <= found


def test_compose_has_exactly_the_services_of_a_deployment():
    assert set(COMPOSE["services"]) == {"db", "redis", "migrate", "web", "worker", "beat"}
    assert _command("web").startswith("gunicorn portal.wsgi")
    assert _command("worker").startswith("celery -A portal worker")
    assert _command("beat").startswith("celery -A portal beat")
    assert _command("migrate") == "python manage.py migrate --no-input"
    assert COMPOSE["services"]["beat"]["deploy"]["replicas"] == 1
    for service in ("web", "worker", "beat"):
        waits = COMPOSE["services"][service]["depends_on"]
        assert waits["migrate"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("service", PORTAL_SERVICES)
def test_compose_variables_are_ones_the_settings_read(service):
    environment = COMPOSE["services"][service]["environment"]
    unknown = set(environment) - settings_variables()
    assert unknown == set(), f"{service} sets variables the portal never reads: {unknown}"


@pytest.mark.parametrize("service", PORTAL_SERVICES)
def test_compose_gives_what_production_requires(service):
    environment = COMPOSE["services"][service]["environment"]
    assert environment["DEBUG"] == "false"
    for required in ("SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL", "DATABASE_URL", "REDIS_URL"):
        assert environment.get(required), required
    # Secrets come from .env and are required, never defaulted in the file.
    assert ":?" in environment["SECRET_KEY"]
    assert environment["DATABASE_URL"].startswith("postgres://portal:")
    assert environment["DATABASE_URL"].endswith("@db:5432/portal")
    assert environment["REDIS_URL"] == "redis://redis:6379/0"


def test_compose_volumes_keep_the_database_and_the_uploads():
    assert set(COMPOSE["volumes"]) == {"pgdata", "media"}
    assert "pgdata:/var/lib/postgresql/data" in COMPOSE["services"]["db"]["volumes"]
    for service in PORTAL_SERVICES:
        spec = COMPOSE["services"][service]
        assert f"media:{spec['environment']['MEDIA_ROOT']}" in spec["volumes"]
    assert "MEDIA_ROOT=/app/media" in DOCKERFILE


def test_compose_health_checks_are_wired():
    services = COMPOSE["services"]
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "-m", "portal.healthcheck"]
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])
    assert (ROOT / "portal" / "healthcheck.py").read_text().count("/healthz") >= 1
    for service in ("db", "redis"):
        waits = COMPOSE["x-portal"]["depends_on"][service]
        assert waits["condition"] == "service_healthy"


def test_dockerfile_is_production_shaped():
    assert DOCKERFILE.startswith("#") and "FROM python:3.13" in DOCKERFILE
    assert "pip install --require-hashes -r requirements/base.txt" in DOCKERFILE
    assert re.search(r"^USER portal$", DOCKERFILE, re.M)
    assert "collectstatic --no-input" in DOCKERFILE
    assert 'CMD ["gunicorn", "portal.wsgi"' in DOCKERFILE
    assert "HEALTHCHECK" in DOCKERFILE and "portal.healthcheck" in DOCKERFILE
    web_port = COMPOSE["services"]["web"]["ports"][0].split(":")[-1]
    assert f"EXPOSE {web_port}" in DOCKERFILE


def test_dockerfile_build_values_load_the_production_settings():
    """The collectstatic step's variables satisfy the settings' production checks."""
    step = DOCKERFILE.split("RUN DEBUG=false", 1)[1].split("python manage.py", 1)[0]
    values = dict(re.findall(r"([A-Z_]+)=(\S+)", "DEBUG=false " + step.replace("\\\n", " ")))
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings", **values}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_readme_documents_every_variable_the_settings_read():
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    missing = settings_variables() - documented
    assert missing == set(), f"README's Configuration table lacks {sorted(missing)}"
