"""The API against its own OpenAPI schema (schemathesis, through the WSGI app on the
test database): no 5xx, every status documented, every body as the schema says,
with a token of the operation's scope. Examples are bounded so the run stays short."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.api.scopes import scopes_allowed
from portal.api.tokens import api_token_create
from tests.portal.matrix_world import build_world

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The role whose token each part of the API is called with.
ROLE_BY_PREFIX = {
    "/api/v1/founder/": "founder_a",
    "/api/v1/reviewer/": "reviewer_a",
    "/api/v1/manager/": "manager",
}


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker, tmp_path_factory):
    """The permission matrix's world (two teams, reviews, an award, a payment), kept for
    the module and removed at its end; a token per role with every scope it may hold."""
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("contract-media")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(
                MEDIA_ROOT=str(media),
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            ):
                world = build_world()
                secrets = {}
                for role, user in world.users.items():
                    allowed = sorted(scopes_allowed(user))
                    if allowed:
                        _t, secrets[role] = api_token_create(
                            user=user, name="contract", scopes=allowed, actor=user
                        )
            yield secrets
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: a request must not close the test's connection
    (it would, being inside the test's transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _unthrottled(settings):
    settings.API_THROTTLE_RATE = "1000000/min"
    settings.API_ANON_THROTTLE_RATE = "1000000/min"


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_matches_its_schema(case, tokens, django_db_blocker):
    role = next((r for p, r in ROLE_BY_PREFIX.items() if case.path.startswith(p)), None)
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
    with django_db_blocker.unblock():
        case.call_and_validate(headers=headers, checks=CHECKS)


def test_schema_is_openapi_3_with_every_error_documented(client):
    document = client.get("/api/schema/").json()
    assert document["openapi"].startswith("3.")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"400", "401", "403", "404", "409", "422", "429"} <= documented, (path, method)


def test_schema_names_are_unique_across_the_routers():
    """The schema names its components by class name: two classes of one name in two
    routers would silently share one (a list documented as another route's body)."""
    import inspect
    import sys
    from collections import Counter

    from pydantic import BaseModel

    import programs.api  # noqa: F401
    import startups.api  # noqa: F401

    names = Counter(
        cls.__name__
        for name, module in list(sys.modules.items())
        if name.startswith(("programs.api", "startups.api", "portal.api"))
        for cls in vars(module).values()
        if inspect.isclass(cls) and issubclass(cls, BaseModel) and cls.__module__ == name
    )
    assert [name for name, count in names.items() if count > 1] == []
