"""The cap and the budget under real concurrent transactions on PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from portal.exceptions import DomainError
from programs.ranking import selection_totals
from programs.services import selection as services
from startups.models import Application
from tests.factories import ProgramFactory, manager, submitted_application

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 40  # concurrent connections (PostgreSQL allows 100 by default)


@pytest.fixture(autouse=True)
def _wide_race_window(monkeypatch):
    """Hold each transaction a moment between reading the totals and writing.

    Real requests are slower than these threads; without the pause the
    threads rarely overlap, and a missing lock could go unnoticed.
    """
    import time

    real = services.selection_totals

    def slow_totals(program):
        totals = real(program)
        time.sleep(0.02)
        return totals

    monkeypatch.setattr(services, "selection_totals", slow_totals)


def _hammer(application_ids, actor):
    """Fire every select request at once from WORKERS threads; the outcome of each."""
    start = threading.Barrier(WORKERS)

    def select(application_id):
        try:
            application = Application.objects.get(pk=application_id)
            services.application_decide(
                application=application,
                decision="selected",
                actor=actor,
                exception_reason="Decided before review (test).",
            )
            return "ok"
        except DomainError as error:
            return error.messages[0]
        finally:
            connection.close()

    def warm_and_wait(_):
        start.wait(30)

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(warm_and_wait, range(WORKERS)))
        return list(pool.map(select, application_ids))


def test_100_simultaneous_selects_for_60_candidates_end_with_exactly_the_cap():
    program = ProgramFactory(
        selection_cap=50,
        total_budget=Decimal("1000000000"),
        max_amount_per_project=Decimal("1000000"),
    )
    boss = manager()
    ids = [
        submitted_application(program, requested_amount=Decimal("1000000")).pk for _ in range(60)
    ]
    requests = ids + ids[:40]  # 100 requests; 40 candidates are asked for twice
    outcomes = _hammer(requests, boss)
    assert selection_totals(program) == (50, Decimal("50000000"))
    assert Application.objects.filter(program=program, status="selected").count() == 50
    # A second request for a selected project is a no-op; once the cap is
    # reached it stays reached, so no project is both accepted and refused.
    accepted = {i for i, o in zip(requests, outcomes, strict=True) if o == "ok"}
    refused = {i for i, o in zip(requests, outcomes, strict=True) if o != "ok"}
    assert (len(accepted), len(refused), accepted & refused) == (50, 10, set())
    messages = [o for o in outcomes if o != "ok"]
    assert messages and all("the cap of 50 selected projects is reached" in o for o in messages)


def test_simultaneous_selects_never_exceed_the_budget():
    program = ProgramFactory(
        selection_cap=50,
        total_budget=Decimal("10000000"),
        max_amount_per_project=Decimal("3000000"),
    )
    boss = manager()
    ids = [
        submitted_application(program, requested_amount=Decimal("3000000")).pk for _ in range(20)
    ]
    outcomes = _hammer(ids, boss)
    count, committed = selection_totals(program)
    assert (count, committed) == (3, Decimal("9000000"))
    assert sum(1 for o in outcomes if o == "ok") == 3
    assert all("above the program's 10,000,000" in o for o in outcomes if o != "ok")
