"""Tokens: stored hashed, scoped within the user's rights, expiring, revocable, throttled."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.api.tokens import TokenRefused, api_token_create, api_token_revoke
from portal.exceptions import NotAllowed
from portal.models import ApiToken, AuditEntry
from tests.api.conftest import FOUNDER, MANAGER, bearer, token_for
from tests.factories import UserFactory, manager

pytestmark = pytest.mark.django_db


def test_token_is_stored_only_as_its_sha256(founder_user):
    token, secret = api_token_create(
        user=founder_user, name="books", scopes=FOUNDER, actor=founder_user
    )
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(f"ppt_{stored.prefix}_")
    assert len(secret) > 40
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())


def test_founder_cannot_get_a_manager_scope(founder_user):
    with pytest.raises(TokenRefused):
        api_token_create(user=founder_user, name="x", scopes=MANAGER, actor=founder_user)
    assert ApiToken.objects.count() == 0


def test_staff_token_needs_the_second_factor(db):
    user = manager(email="no-mfa@office.kz", totp=False)
    with pytest.raises(TokenRefused, match="two-factor"):
        api_token_create(user=user, name="x", scopes=["manager:read"], actor=user)


def test_only_the_user_or_a_superuser_creates_a_token(founder_user):
    other = UserFactory()
    with pytest.raises(NotAllowed):
        api_token_create(user=founder_user, name="x", scopes=FOUNDER, actor=other)
    root = UserFactory(is_staff=True, is_superuser=True)
    token, _secret = api_token_create(user=founder_user, name="x", scopes=FOUNDER, actor=root)
    assert token.created_by == root


def test_no_token_401_in_the_documented_shape(db):
    response = bearer(None).get("/api/v1/founder/applications")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Bearer"


def test_revoked_and_expired_tokens_are_refused(founder_user):
    token, secret = api_token_create(
        user=founder_user, name="x", scopes=FOUNDER, actor=founder_user
    )
    assert bearer(secret).get("/api/v1/founder/startups").status_code == 200
    api_token_revoke(token=token, actor=founder_user)
    assert bearer(secret).get("/api/v1/founder/startups").status_code == 401
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1

    _t, other = api_token_create(user=founder_user, name="y", scopes=FOUNDER, actor=founder_user)
    ApiToken.objects.filter(name="y").update(
        created_at=timezone.now() - timedelta(days=2), expires_at=timezone.now() - timedelta(days=1)
    )
    assert bearer(other).get("/api/v1/founder/startups").status_code == 401


def test_a_wrong_secret_with_a_real_prefix_is_refused(founder_user):
    secret = token_for(founder_user, FOUNDER)
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    assert bearer(forged).get("/api/v1/founder/startups").status_code == 401


def test_a_token_loses_a_scope_its_user_loses(manager_user):
    secret = token_for(manager_user, ["manager:read"])
    assert bearer(secret).get("/api/v1/manager/awards").status_code == 200
    manager_user.groups.clear()
    response = bearer(secret).get("/api/v1/manager/awards")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_missing_scope_is_403(founder_user):
    secret = token_for(founder_user, ["founder:read"])
    response = bearer(secret).post(
        "/api/v1/founder/applications",
        {"startup_id": 1, "program": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "founder:write" in response.json()["error"]["message"]


def test_throttled_per_token_with_429(founder_user, settings):
    settings.API_THROTTLE_RATE = "3/min"
    secret = token_for(founder_user, FOUNDER)
    other = token_for(founder_user, FOUNDER, name="other")
    answers = [bearer(secret).get("/api/v1/founder/startups").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    throttled = bearer(secret).get("/api/v1/founder/startups")
    assert throttled.json()["error"]["code"] == "throttled"
    assert "Retry-After" in throttled
    # Another token of the same user has its own count.
    assert bearer(other).get("/api/v1/founder/startups").status_code == 200


def test_error_message_in_the_users_language(founder_user):
    founder_user.preferred_language = "ru"
    founder_user.save()
    secret = token_for(founder_user, ["founder:read"])
    response = bearer(secret).get("/api/v1/founder/applications/999999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    # Accept-Language wins over the stored preference.
    english = bearer(secret, HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/founder/applications/999999")
    assert english.json()["error"]["message"] == "Not found."


def test_token_page_creates_shows_once_and_revokes(client, founder_user):
    client.force_login(founder_user)
    page = client.post(
        "/accounts/api-tokens/",
        {"name": "Accounting", "scopes": ["founder:read"], "lifetime": "30"},
    )
    assert page.status_code == 200
    token = ApiToken.objects.get(user=founder_user)
    text = page.content.decode()
    secret = text.split('<code class="user-select-all">')[1].split("</code>")[0]
    assert secret.startswith(f"ppt_{token.prefix}_")
    assert "no-store" in page["Cache-Control"]
    assert secret not in client.get("/accounts/api-tokens/").content.decode()
    assert bearer(secret).get("/api/v1/founder/startups").status_code == 200
    assert client.post(f"/accounts/api-tokens/{token.pk}/revoke/").status_code == 302
    assert bearer(secret).get("/api/v1/founder/startups").status_code == 401


def test_token_page_offers_a_founder_no_staff_scope(client, founder_user):
    client.force_login(founder_user)
    page = client.post(
        "/accounts/api-tokens/", {"name": "x", "scopes": ["manager:write"], "lifetime": "30"}
    )
    assert page.status_code == 400
    assert ApiToken.objects.count() == 0


def test_another_users_token_cannot_be_revoked(client, founder_user):
    token, _secret = api_token_create(
        user=founder_user, name="x", scopes=FOUNDER, actor=founder_user
    )
    client.force_login(UserFactory())
    assert client.post(f"/accounts/api-tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
