"""Tokens for each role, a client that sends one, and a funded program."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from portal.api.tokens import api_token_create
from programs.models import Award
from programs.services import funding
from startups.enums import ApplicationStatus, ProgramStatus
from tests.factories import (
    ProgramFactory,
    UserFactory,
    manager,
    reviewer,
    submitted_application,
)

FOUNDER = ["founder:read", "founder:write"]
MANAGER = ["manager:read", "manager:write"]
REVIEWER = ["reviewer:read"]
AWARDED = Decimal("12468013")


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


@pytest.fixture
def funded(manager_user):
    """A decided program with one award of two tranches, the first paid."""
    program = ProgramFactory(slug="decided", status=ProgramStatus.REVIEWING, closed=True)
    application = submitted_application(program, requested_amount=AWARDED)
    application.__class__.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.SELECTED
    )
    award = funding.award_create(
        application=application,
        amount=AWARDED,
        agreement_date=date(2026, 1, 15),
        actor=manager_user,
    )
    tranches = funding.tranches_set(
        award=award,
        schedule=[
            {"amount": Decimal("3141593"), "planned_date": date(2026, 2, 1), "milestone": "Start"},
            {
                "amount": AWARDED - Decimal("3141593"),
                "planned_date": date(2026, 6, 1),
                "milestone": "Pilot",
            },
        ],
        actor=manager_user,
    )
    funding.disbursement_record(
        tranche=tranches[0],
        amount=Decimal("3141593"),
        paid_on=date(2026, 2, 3),
        reference="REF-1",
        actor=manager_user,
    )
    return program, application, Award.objects.get(pk=award.pk), tranches
