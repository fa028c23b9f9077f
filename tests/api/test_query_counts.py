"""The API's lists: a fixed number of queries whatever the number of rows."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.services import funding
from startups.enums import ApplicationStatus
from startups.models import Application
from tests.api.conftest import FOUNDER, MANAGER, bearer, token_for
from tests.factories import (
    ApplicationFactory,
    ProgramFactory,
    StartupFactory,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def _count(client, url, **params) -> int:
    client.get(url, params)  # the token's first use of the minute writes its last use
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(queries)


def _awarded(program, boss, n, team=None):
    """n awards of two tranches each (so n milestone reports), the first tranche part paid."""
    for _ in range(n):
        startup = StartupFactory(owner=team) if team else StartupFactory()
        application = submitted_application(
            program, startup=startup, requested_amount=Decimal("100")
        )
        Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.SELECTED)
        award = funding.award_create(
            application=application,
            amount=Decimal("100"),
            agreement_date=date(2026, 1, 1),
            actor=boss,
        )
        tranche, _later = funding.tranches_set(
            award=award,
            schedule=[
                {"amount": Decimal("60"), "planned_date": date(2026, 1, 2), "milestone": "M"},
                {"amount": Decimal("40"), "planned_date": date(2026, 6, 2), "milestone": "N"},
            ],
            actor=boss,
        )
        funding.disbursement_record(
            tranche=tranche,
            amount=Decimal("40"),
            paid_on=date(2026, 1, 3),
            reference=f"R-{tranche.pk}",
            actor=boss,
        )


# The ceiling of each list: the token's lookup and role checks, then the list's own
# queries (the report: its fixed set of grouped sums).
MANAGER_LISTS = {
    "/api/v1/manager/awards": 12,
    "/api/v1/manager/ledger": 12,
    "/api/v1/manager/programs/{slug}/applications": 12,
    "/api/v1/manager/reports/funding": 24,
    "/api/v1/manager/milestone-reports": 12,
    "/api/v1/programs": 12,
}


@pytest.mark.parametrize(("url", "ceiling"), MANAGER_LISTS.items())
def test_manager_lists_do_not_grow_with_rows(manager_user, url, ceiling):
    program = ProgramFactory(slug="counted", total_budget=Decimal("1000000000"))
    client = bearer(token_for(manager_user, MANAGER))
    path = url.format(slug=program.slug)
    _awarded(program, manager_user, 2)
    few = _count(client, path)
    _awarded(program, manager_user, 8)
    ProgramFactory.create_batch(5)
    many = _count(client, path)
    assert many == few
    assert few <= ceiling


def test_founder_lists_do_not_grow_with_rows(founder_user):
    startup = StartupFactory(owner=founder_user)
    client = bearer(token_for(founder_user, FOUNDER))
    ApplicationFactory(startup=startup)
    few = (
        _count(client, "/api/v1/founder/applications"),
        _count(client, "/api/v1/founder/startups"),
    )
    for _ in range(6):
        ApplicationFactory(startup=StartupFactory(owner=founder_user))
    many = (
        _count(client, "/api/v1/founder/applications"),
        _count(client, "/api/v1/founder/startups"),
    )
    assert many == few


def test_founder_reports_list_does_not_grow_with_rows(founder_user, manager_user):
    program = ProgramFactory(slug="reported", total_budget=Decimal("1000000000"))
    client = bearer(token_for(founder_user, FOUNDER))
    _awarded(program, manager_user, 1, team=founder_user)
    few = _count(client, "/api/v1/founder/milestone-reports")
    _awarded(program, manager_user, 6, team=founder_user)
    many = _count(client, "/api/v1/founder/milestone-reports")
    assert len(client.get("/api/v1/founder/milestone-reports").json()) == 7
    assert many == few
    assert few <= 8
