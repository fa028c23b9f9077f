"""The tranche schedule editor without JavaScript, and the sum rule below it."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from programs.models import Award, Tranche
from programs.services import funding as services
from programs.services import tranches as tranche_rules
from programs.services.selection import application_decide
from startups.models import Program
from tests.factories import (
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
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
        application=app, decision="selected", actor=boss, exception_reason="Before review (test)."
    )
    return program, app, boss


def _rows(*rows):
    data = {"tranche-TOTAL_FORMS": str(len(rows)), "tranche-INITIAL_FORMS": "0"}
    for index, (amount, planned, milestone) in enumerate(rows):
        data[f"tranche-{index}-amount"] = amount
        data[f"tranche-{index}-planned_date"] = planned
        data[f"tranche-{index}-milestone"] = milestone
    return data


def _award_fields(app, amount="10000000"):
    return {"application": app.pk, "amount": amount, "agreement_date": "2026-11-01"}


def test_add_row_without_javascript_comes_back_with_one_more_row_and_saves_nothing(
    client, selected
):
    _program, app, boss = selected
    client.force_login(boss)
    response = client.post(
        reverse("admin:programs_award_add"),
        {**_award_fields(app), **_rows(("4000000", "2026-11-10", "MVP")), "add_row": "1"},
    )
    assert response.status_code == 200
    assert not Award.objects.exists()
    formset = response.context["formset"]
    assert formset.total_form_count() == 2
    assert 'name="tranche-1-amount"' in response.text
    assert 'value="4000000"' in response.text  # what was typed stays
    assert 'value="MVP"' in response.text
    assert "errorlist" not in response.text  # nothing is checked yet
    assert (
        "Tranches: 4,000,000\xa0KZT of 10,000,000\xa0KZT: 6,000,000\xa0KZT still to place."
        in response.text
    )


def test_award_with_a_two_tranche_schedule_in_one_go(client, selected):
    program, app, boss = selected
    client.force_login(boss)
    response = client.post(
        reverse("admin:programs_award_add"),
        {
            **_award_fields(app),
            **_rows(("4000000", "2026-11-10", "MVP"), ("6000000", "2027-02-10", "Pilot")),
            "save": "Save",
        },
    )
    award = Award.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:programs_award_schedule", args=[award.pk])
    assert list(award.tranches.values_list("sequence", "amount", "milestone")) == [
        (1, Decimal("4000000.00"), "MVP"),
        (2, Decimal("6000000.00"), "Pilot"),
    ]
    program.refresh_from_db()
    assert program.committed == Decimal("10000000")


def test_award_whose_tranches_do_not_add_up_is_refused_whole(client, selected):
    program, app, boss = selected
    client.force_login(boss)
    response = client.post(
        reverse("admin:programs_award_add"),
        {
            **_award_fields(app),
            **_rows(("4000000", "2026-11-10", "MVP"), ("5000000", "2027-02-10", "Pilot")),
        },
    )
    assert response.status_code == 200
    assert "The tranches add up to 9,000,000\xa0KZT, but the award is 10,000,000\xa0KZT." in (
        response.text
    )
    assert (
        "Tranches: 9,000,000\xa0KZT of 10,000,000\xa0KZT: 1,000,000\xa0KZT still to place."
        in response.text
    )
    assert not Award.objects.exists()
    assert not Tranche.objects.exists()
    program.refresh_from_db()
    assert program.committed == 0


def test_award_without_rows_is_recorded_alone(client, selected):
    _program, app, boss = selected
    client.force_login(boss)
    response = client.post(
        reverse("admin:programs_award_add"),
        {**_award_fields(app), **_rows(("", "", ""))},
    )
    award = Award.objects.get()
    assert response["Location"] == reverse("admin:programs_award_schedule", args=[award.pk])
    assert not award.tranches.exists()


@pytest.fixture
def award(selected):
    _program, app, boss = selected
    award = services.award_create(
        application=app, amount=Decimal("10000000"), agreement_date=date(2026, 11, 1), actor=boss
    )
    return award, boss


def test_new_award_schedule_offers_the_whole_amount_in_one_row(client, award):
    award, boss = award
    client.force_login(boss)
    response = client.get(reverse("admin:programs_award_schedule", args=[award.pk]))
    assert response.context["formset"].total_form_count() == 1
    assert 'name="tranche-0-amount" value="10000000.00"' in response.text
    assert "they add up to the award." in response.text
    assert 'src="/static/js/tranche-editor.js"' in response.text


def test_schedule_remove_row_without_javascript_drops_that_row_only(client, award):
    award, boss = award
    client.force_login(boss)
    url = reverse("admin:programs_award_schedule", args=[award.pk])
    rows = _rows(
        ("3000000", "2026-11-10", "MVP"),
        ("2000000", "2026-12-10", "Typo"),
        ("7000000", "2027-02-10", "Pilot"),
    )
    response = client.post(url, {**rows, "remove_row": "1"})
    assert response.status_code == 200
    assert not award.tranches.exists()
    formset = response.context["formset"]
    assert [row["milestone"] for row in formset.raw_rows()] == ["MVP", "Pilot"]
    assert "Typo" not in response.text
    assert "10,000,000\xa0KZT of 10,000,000\xa0KZT: they add up to the award." in response.text


def test_schedule_split_into_two_rows_in_one_save(client, award):
    award, boss = award
    client.force_login(boss)
    url = reverse("admin:programs_award_schedule", args=[award.pk])
    client.post(url, _rows(("10000000", "2026-11-10", "All")))
    response = client.post(
        url, _rows(("4000000", "2026-11-10", "MVP"), ("6000000", "2027-02-10", "Pilot"))
    )
    assert response.status_code == 302
    assert list(award.tranches.values_list("amount", flat=True)) == [
        Decimal("4000000.00"),
        Decimal("6000000.00"),
    ]


def test_schedule_is_frozen_after_the_first_payment(client, award):
    award, boss = award
    services.tranches_set(
        award=award,
        schedule=[{"amount": "10000000", "planned_date": date(2026, 11, 1), "milestone": "All"}],
        actor=boss,
    )
    services.disbursement_record(
        tranche=award.tranches.get(),
        amount=Decimal("1000"),
        paid_on=date(2026, 11, 2),
        reference="P-1",
        actor=boss,
    )
    client.force_login(boss)
    url = reverse("admin:programs_award_schedule", args=[award.pk])
    response = client.post(
        url, _rows(("4000000", "2026-11-10", "MVP"), ("6000000", "2027-02-10", "Pilot"))
    )
    assert response.status_code == 200
    assert "it can no longer be changed" in response.text
    assert "data-tranche-editor" not in response.text
    assert list(award.tranches.values_list("milestone", flat=True)) == ["All"]


def test_award_create_refuses_a_schedule_that_does_not_add_up(selected):
    program, app, boss = selected
    with pytest.raises(services.FundingRefused) as refused:
        services.award_create(
            application=app,
            amount=Decimal("10000000"),
            agreement_date=date(2026, 11, 1),
            actor=boss,
            schedule=[
                {"amount": "4000000", "planned_date": date(2026, 11, 1), "milestone": "MVP"},
                {"amount": "4000000", "planned_date": date(2026, 12, 1), "milestone": ""},
            ],
        )
    assert refused.value.messages == [
        "Tranche 2: name its milestone.",
        "The tranches add up to 8,000,000\xa0KZT, but the award is 10,000,000\xa0KZT.",
    ]
    assert not Award.objects.exists()
    assert Program.objects.get(pk=program.pk).committed == 0


@pytest.mark.postgres
def test_database_refuses_tranches_that_do_not_add_up(award, monkeypatch):
    award, boss = award
    # The service's own check switched off: the database's trigger still refuses.
    monkeypatch.setattr(services, "schedule_problems", lambda *args, **kwargs: [])
    with pytest.raises(services.FundingRefused) as refused:
        services.tranches_set(
            award=award,
            schedule=[{"amount": "4000000", "planned_date": date(2026, 11, 1), "milestone": "MVP"}],
            actor=boss,
        )
    assert refused.value.messages == ["The tranches must add up to the award of 10,000,000\xa0KZT."]
    assert not award.tranches.exists()


@pytest.mark.postgres
def test_database_refuses_an_edited_tranche_at_commit(award):
    award, boss = award
    services.tranches_set(
        award=award,
        schedule=[
            {"amount": "4000000", "planned_date": date(2026, 11, 1), "milestone": "MVP"},
            {"amount": "6000000", "planned_date": date(2026, 12, 1), "milestone": "Pilot"},
        ],
        actor=boss,
    )
    first = award.tranches.get(sequence=1)
    with pytest.raises(IntegrityError, match="add up to"), transaction.atomic():
        Tranche.objects.filter(pk=first.pk).update(amount=Decimal("1"))
        tranche_rules.schedule_check_now()
    # Moving money between tranches in one transaction is fine.
    with transaction.atomic():
        Tranche.objects.filter(pk=first.pk).update(amount=Decimal("5000000"))
        Tranche.objects.filter(award=award, sequence=2).update(amount=Decimal("5000000"))
        tranche_rules.schedule_check_now()


# --- the editor's pages do not grow with rows ----------------------------------


@pytest.mark.parametrize("rows", [1, 10])
def test_schedule_page_query_count(client, award, django_assert_max_num_queries, rows):
    award, boss = award
    share = award.amount / rows
    services.tranches_set(
        award=award,
        schedule=[
            {"amount": share, "planned_date": date(2026, 11, 1), "milestone": f"M{n}"}
            for n in range(rows)
        ],
        actor=boss,
    )
    client.force_login(boss)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("admin:programs_award_schedule", args=[award.pk]))
    assert page.context["formset"].total_form_count() == rows


@pytest.mark.parametrize("rows", [1, 12])
def test_award_add_and_payment_pages_query_count(client, django_assert_max_num_queries, rows):
    program = ProgramFactory(closed=True, selection_cap=50, total_budget=Decimal("500000000"))
    boss = manager()
    for _ in range(rows):
        app = submitted_application(
            program,
            requested_amount=Decimal("10000000"),
            startup=StartupFactory(owner=UserFactory()),
        )
        application_decide(
            application=app, decision="selected", actor=boss, exception_reason="Test."
        )
        services.award_create(
            application=app,
            amount=Decimal("1000000"),
            agreement_date=date(2026, 11, 1),
            actor=boss,
            schedule=[
                {"amount": "400000", "planned_date": date(2026, 11, 1), "milestone": "A"},
                {"amount": "600000", "planned_date": date(2026, 12, 1), "milestone": "B"},
            ],
        )
        submitted_application(
            program,
            requested_amount=Decimal("10000000"),
            startup=StartupFactory(owner=UserFactory()),
        )
    for app in program.applications.filter(status="submitted"):
        application_decide(
            application=app, decision="selected", actor=boss, exception_reason="Test."
        )
    client.force_login(boss)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("admin:programs_award_add"))
    assert len(page.context["form"].fields["application"].choices) == rows + 1
    with django_assert_max_num_queries(9):
        page = client.get(reverse("admin:programs_disbursement_add"))
    assert len(page.context["form"].fields["tranche"].choices) == 2 * rows + 1
