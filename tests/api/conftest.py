"""Tokens for each role, and a client that sends one."""

import pytest
from django.test import Client

from portal.api.tokens import api_token_create
from tests.factories import UserFactory, manager, reviewer

FOUNDER = ["founder:read", "founder:write"]
MANAGER = ["manager:read", "manager:write"]
REVIEWER = ["reviewer:read"]


def token_for(user, scopes, name="test") -> str:
    _token, secret = api_token_create(user=user, name=name, scopes=scopes, actor=user)
    return secret


def bearer(secret: str | None, **headers) -> Client:
    """A client whose every request carries the token (none when secret is None)."""
    extra = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    extra.update(headers)
    return Client(**extra)


@pytest.fixture
def founder_user(db):
    return UserFactory(email="api-founder@alpha.kz", full_name="Api Founder")


@pytest.fixture
def manager_user(db):
    user = manager(email="api-manager@office.kz", full_name="Api Manager")

    return user


@pytest.fixture
def reviewer_user(db):
    user = reviewer(email="api-reviewer@expert.kz", full_name="Api Reviewer")

    return user
