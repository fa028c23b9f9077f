"""Funding through the admin: managers record, reviewers and founders see nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from programs.models import Award, Disbursement
from programs.services import funding as services
from programs.services.selection import application_decide
from tests.factories import (
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def selected():
    program = ProgramFactory(closed=True, total_budget=Decimal("50000000"))
    boss = manager()
    app = submitted_application(
        program, requested_amount=Decimal("10000000"), startup=StartupFactory(owner=UserFactory())
    )
    application_decide(
        application=app,
        decision="selected",
        actor=boss,
        exception_reason="Decided before review (test).",
    )
    return program, app, boss


def test_manager_makes_award_sets_schedule_pays_and_reverses(client, selected):
    program, app, boss = selected
    client.force_login(boss)
    response = client.post(
        reverse("admin:programs_award_add"),
        {"application": app.pk, "amount": "10000000", "agreement_date": "2026-11-01"},
    )
    award = Award.objects.get()
    assert response["Location"] == reverse("admin:programs_award_schedule", args=[award.pk])
    schedule = {
        "tranche-TOTAL_FORMS": "2",
        "tranche-INITIAL_FORMS": "0",
        "tranche-0-amount": "4000000",
        "tranche-0-planned_date": "2026-11-10",
        "tranche-0-milestone": "MVP",
        "tranche-1-amount": "5000000",
        "tranche-1-planned_date": "2027-02-10",
        "tranche-1-milestone": "Pilot",
    }
    wrong = client.post(
        reverse("admin:programs_award_schedule", args=[award.pk]), schedule, follow=True
    )
    assert "The tranches add up to 9,000,000\xa0KZT, but the award is 10,000,000\xa0KZT." in (
        wrong.text
    )
    schedule["tranche-1-amount"] = "6000000"
    client.post(reverse("admin:programs_award_schedule", args=[award.pk]), schedule)
    assert award.tranches.count() == 2
    first = award.tranches.get(sequence=1)
    paid = client.post(
        reverse("admin:programs_disbursement_add"),
        {"tranche": first.pk, "amount": "4000000", "paid_on": "2026-11-12", "reference": "PP-1"},
    )
    assert paid.status_code == 302
    over = client.post(
        reverse("admin:programs_disbursement_add"),
        {"tranche": first.pk, "amount": "1", "paid_on": "2026-11-12", "reference": "PP-2"},
    )
    assert over.status_code == 200
    assert "This tranche is already fully paid (4,000,000\xa0KZT of 4,000,000\xa0KZT)." in (
        over.text
    )
    entry = Disbursement.objects.get()
    client.post(reverse("admin:programs_disbursement_reverse", args=[entry.pk]), {"note": "Typo"})
    award.refresh_from_db()
    assert award.disbursed == 0
    listing = client.get(reverse("admin:programs_disbursement_changelist"))
    assert "reversal of #" in listing.text


def test_award_above_request_without_reason_is_refused_in_the_form(client, selected):
    _program, app, boss = selected
    client.force_login(boss)
    response = client.post(
        reverse("admin:programs_award_add"),
        {"application": app.pk, "amount": "12000000", "agreement_date": "2026-11-01"},
    )
    assert response.status_code == 200
    assert "give the reason for awarding more" in response.text
    assert not Award.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "admin:programs_award_changelist",
        "admin:programs_award_add",
        "admin:programs_disbursement_changelist",
        "admin:programs_disbursement_add",
    ],
)
def test_reviewer_sees_no_money(client, selected, name):
    client.force_login(reviewer())
    assert client.get(reverse(name)).status_code == 403


def test_reviewer_cannot_open_schedule_or_reverse(client, selected):
    _program, app, boss = selected
    award = services.award_create(
        application=app, amount=Decimal("10000000"), agreement_date=date(2026, 11, 1), actor=boss
    )
    client.force_login(reviewer())
    assert client.get(reverse("admin:programs_award_schedule", args=[award.pk])).status_code == 404


@pytest.mark.parametrize("rows", [1, 12])
def test_ledger_changelist_query_count(client, selected, django_assert_max_num_queries, rows):
    _program, app, boss = selected
    award = services.award_create(
        application=app, amount=Decimal("10000000"), agreement_date=date(2026, 11, 1), actor=boss
    )
    services.tranches_set(
        award=award,
        schedule=[{"amount": "10000000", "planned_date": date(2026, 11, 1), "milestone": "All"}],
        actor=boss,
    )
    for index in range(rows):
        services.disbursement_record(
            tranche=award.tranches.get(),
            amount=Decimal("1000"),
            paid_on=date(2026, 11, 2),
            reference=f"P{index}",
            actor=boss,
        )
    client.force_login(boss)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("admin:programs_disbursement_changelist")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("admin:programs_award_changelist")).status_code == 200
