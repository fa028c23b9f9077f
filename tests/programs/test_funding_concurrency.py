"""Funding limits under real concurrent transactions on PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from portal.exceptions import DomainError
from programs.models import Award, Disbursement
from programs.services import funding as services
from programs.services.selection import application_decide
from startups.models import Program
from tests.factories import (
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    submitted_application,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WORKERS = 30


def _together(calls):
    start = threading.Barrier(len(calls))

    def run(call):
        try:
            start.wait(30)
            call()
            return "ok"
        except DomainError as error:
            return error.messages[0]
        finally:
            connection.close()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _program_with_selected(count, budget, requested):
    program = ProgramFactory(
        closed=True,
        total_budget=Decimal(budget),
        max_amount_per_project=Decimal("10000000"),
        selection_cap=100,
    )
    boss = manager()
    apps = []
    for _ in range(count):
        app = submitted_application(
            program,
            requested_amount=Decimal(requested),
            startup=StartupFactory(owner=UserFactory()),
        )
        application_decide(
            application=app,
            decision="selected",
            actor=boss,
            exception_reason="Decided before review (test).",
        )
        apps.append(app)
    return program, apps, boss


def test_simultaneous_payments_never_pass_the_award():
    program, apps, boss = _program_with_selected(1, "100000000", "10000000")
    award = services.award_create(
        application=apps[0],
        amount=Decimal("10000000"),
        agreement_date=date(2026, 11, 1),
        actor=boss,
    )
    services.tranches_set(
        award=award,
        schedule=[{"amount": "10000000", "planned_date": date(2026, 11, 1), "milestone": "All"}],
        actor=boss,
    )
    tranche = award.tranches.get()
    outcomes = _together(
        [
            lambda number=number: services.disbursement_record(
                tranche=tranche,
                amount=Decimal("1000000"),
                paid_on=date(2026, 11, 2),
                reference=f"P-{number}",
                actor=boss,
            )
            for number in range(WORKERS)
        ]
    )
    award.refresh_from_db()
    assert outcomes.count("ok") == 10
    assert award.disbursed == Decimal("10000000") == services.award_balance(award)
    assert Disbursement.objects.filter(award=award).count() == 10


def test_simultaneous_awards_never_pass_the_budget():
    # Selected on 1 million each (all 30 fit); the awards are 2 million each.
    program, apps, boss = _program_with_selected(WORKERS, "30000000", "1000000")
    outcomes = _together(
        [
            lambda app=app: services.award_create(
                application=app,
                amount=Decimal("2000000"),
                agreement_date=date(2026, 11, 1),
                actor=boss,
                over_request_reason="Commission decision",
            )
            for app in apps
        ]
    )
    program.refresh_from_db()
    assert outcomes.count("ok") == 15
    assert program.committed == Decimal("30000000")
    assert sum(a.amount for a in Award.objects.filter(program=program)) == program.committed
    assert Program.objects.get(pk=program.pk).committed <= program.total_budget
