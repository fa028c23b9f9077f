"""A superuser creates a token for someone in the admin (the secret shown once) and
revokes it; the admin refuses a scope beyond the user's rights."""

import re

import pytest

from portal.models import ApiToken
from tests.api.conftest import bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_client(client):
    root = UserFactory(is_staff=True, is_superuser=True, email="root@office.kz")
    client.force_login(root)
    return client


def test_superuser_creates_a_token_for_a_founder_and_revokes_it(root_client, founder_user):
    response = root_client.post(
        "/admin/portal/apitoken/add/",
        {
            "user": founder_user.pk,
            "name": "Ministry report",
            "scopes": ["founder:read"],
            "lifetime": "30",
        },
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=founder_user)
    shown = re.search(r"(ppt_[0-9a-f]{10}_[A-Za-z0-9_-]+)", response.content.decode()).group(1)
    assert shown.startswith(f"ppt_{token.prefix}_")
    assert bearer(shown).get("/api/v1/founder/startups").status_code == 200
    assert (
        shown not in root_client.get(f"/admin/portal/apitoken/{token.pk}/change/").content.decode()
    )
    root_client.post(
        "/admin/portal/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk], "index": "0"},
    )
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert bearer(shown).get("/api/v1/founder/startups").status_code == 401


def test_admin_refuses_a_scope_beyond_the_users_rights(root_client, founder_user):
    response = root_client.post(
        "/admin/portal/apitoken/add/",
        {"user": founder_user.pk, "name": "x", "scopes": ["manager:write"], "lifetime": "30"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "may not hold the scope manager:write" in response.content.decode()
    assert ApiToken.objects.count() == 0
