"""Payments: a reused reference asks for confirmation; a refusal says why in words."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from portal.models import AuditEntry
from programs.models import Disbursement
from programs.services import funding as services
from programs.services.selection import application_decide
from tests.factories import (
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    milestone_reports_approved,
    submitted_application,
)
from tests.programs.test_funding_concurrency import _together

PAID_ON = date(2026, 11, 2)


def _funded(program, boss, name):
    app = submitted_application(
        program,
        requested_amount=Decimal("10000000"),
        startup=StartupFactory(owner=UserFactory(), name=name),
    )
    application_decide(
        application=app, decision="selected", actor=boss, exception_reason="Before review (test)."
    )
    award = services.award_create(
        application=app,
        amount=Decimal("10000000"),
        agreement_date=date(2026, 11, 1),
        actor=boss,
        schedule=[
            {"amount": "4000000", "planned_date": date(2026, 11, 1), "milestone": "MVP"},
            {"amount": "6000000", "planned_date": date(2027, 2, 1), "milestone": "Pilot"},
        ],
    )
    # Tranche 2 is paid only after its milestone report is approved.
    milestone_reports_approved(award, actor=boss)
    return award


@pytest.fixture
def two_awards(db):
    program = ProgramFactory(closed=True, total_budget=Decimal("50000000"), selection_cap=10)
    boss = manager()
    return boss, _funded(program, boss, "Alpha"), _funded(program, boss, "Beta")


def _pay(award, sequence, reference, boss, amount="1000000", **kwargs):
    return services.disbursement_record(
        tranche=award.tranches.get(sequence=sequence),
        amount=Decimal(amount),
        paid_on=PAID_ON,
        reference=reference,
        actor=boss,
        **kwargs,
    )


def test_reference_used_in_the_program_is_refused_until_confirmed(two_awards):
    boss, alpha, beta = two_awards
    earlier = _pay(alpha, 1, "PP-77", boss)
    with pytest.raises(services.DuplicateReference) as duplicate:
        _pay(beta, 1, "pp-77 ", boss)
    assert duplicate.value.earlier == earlier
    assert duplicate.value.messages == [
        f"The payment reference “PP-77” is already on payment #{earlier.pk}: 1,000,000\xa0KZT "
        "to Alpha for tranche #1, paid on Nov. 2, 2026. Nothing was saved. If this is a "
        "different payment, tick “record anyway” and save again."
    ]
    assert Disbursement.objects.count() == 1
    second = _pay(beta, 1, "PP-77", boss, confirm_duplicate=True)
    assert Disbursement.objects.count() == 2
    assert AuditEntry.objects.filter(
        action="disbursement.duplicate_reference", object_id=str(second.pk)
    ).exists()


def test_same_reference_in_another_program_is_no_duplicate(two_awards):
    boss, alpha, _beta = two_awards
    _pay(alpha, 1, "PP-1", boss)
    other = _funded(ProgramFactory(closed=True, total_budget=Decimal("50000000")), boss, "Gamma")
    _pay(other, 1, "PP-1", boss)
    assert Disbursement.objects.filter(reference="PP-1").count() == 2


def test_admin_shows_the_earlier_payment_and_record_anyway(client, two_awards):
    boss, alpha, beta = two_awards
    earlier = _pay(alpha, 1, "PP-9", boss)
    client.force_login(boss)
    url = reverse("admin:programs_disbursement_add")
    form = {
        "tranche": beta.tranches.get(sequence=1).pk,
        "amount": "500000",
        "paid_on": "2026-11-03",
        "reference": "PP-9",
    }
    warned = client.post(url, form)
    assert warned.status_code == 200
    assert f"is already on payment #{earlier.pk}: 1,000,000\xa0KZT to Alpha" in warned.text
    assert 'name="confirm_duplicate"' in warned.text
    assert Disbursement.objects.count() == 1
    recorded = client.post(url, {**form, "confirm_duplicate": "on"})
    assert recorded.status_code == 302
    assert Disbursement.objects.filter(award=beta, reference="PP-9").count() == 1


def test_first_payment_form_has_no_record_anyway_box(client, two_awards):
    boss, _alpha, _beta = two_awards
    client.force_login(boss)
    response = client.get(reverse("admin:programs_disbursement_add"))
    assert 'name="confirm_duplicate"' not in response.text


def test_payment_on_a_fully_paid_award_says_why(client, two_awards):
    boss, alpha, _beta = two_awards
    _pay(alpha, 1, "A-1", boss, amount="4000000")
    _pay(alpha, 2, "A-2", boss, amount="6000000")
    client.force_login(boss)
    url = reverse("admin:programs_disbursement_add")
    offered = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "programs",
            "model_name": "disbursement",
            "field_name": "tranche",
            "term": "",
        },
    )
    # The search offers only what is left to pay: Beta's two tranches, none of Alpha's.
    assert sorted(r["text"].split(" · ")[0] for r in offered.json()["results"]) == [
        "Beta",
        "Beta",
    ]
    response = client.post(
        url,
        {
            "tranche": alpha.tranches.get(sequence=2).pk,
            "amount": "1",
            "paid_on": "2026-11-03",
            "reference": "A-3",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" not in response.text
    assert "This award is already fully paid (10,000,000\xa0KZT of 10,000,000\xa0KZT)." in (
        response.text
    )
    assert Disbursement.objects.filter(award=alpha).count() == 2


def test_payment_on_a_paid_tranche_says_why_in_the_readers_language(two_awards):
    boss, alpha, _beta = two_awards
    _pay(alpha, 1, "A-1", boss, amount="4000000")
    with translation.override("ru"), pytest.raises(services.FundingRefused) as refused:
        _pay(alpha, 1, "A-2", boss, amount="1")
    (message,) = refused.value.messages
    assert "4\xa0000\xa0000\xa0KZT" in message  # grouped the Russian way
    with pytest.raises(services.FundingRefused) as refused:
        _pay(alpha, 1, "A-2", boss, amount="1")
    assert refused.value.messages == [
        "This tranche is already fully paid (4,000,000\xa0KZT of 4,000,000\xa0KZT)."
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_managers_with_the_same_reference_at_once_record_it_once():
    program = ProgramFactory(closed=True, total_budget=Decimal("50000000"), selection_cap=10)
    boss = manager()
    awards = [_funded(program, boss, f"Team {n}") for n in range(4)]
    outcomes = _together([lambda award=award: _pay(award, 1, "SAME", boss) for award in awards])
    assert outcomes.count("ok") == 1
    assert Disbursement.objects.filter(reference="SAME").count() == 1
    assert sum("is already on payment" in outcome for outcome in outcomes) == 3


def test_api_refuses_a_duplicate_reference_until_confirmed(two_awards):
    from tests.api.conftest import MANAGER, bearer, token_for

    boss, alpha, beta = two_awards
    earlier = _pay(alpha, 1, "API-1", boss)
    client = bearer(token_for(boss, MANAGER))
    url = f"/api/v1/manager/tranches/{beta.tranches.get(sequence=1).pk}/disbursements"
    payment = {"amount": "1000.00", "paid_on": "2026-11-03", "reference": "API-1"}
    refused = client.post(url, payment, content_type="application/json")
    assert refused.status_code == 409
    assert f"is already on payment #{earlier.pk}" in refused.json()["error"]["message"]
    assert Disbursement.objects.filter(award=beta).count() == 0
    confirmed = client.post(
        url, {**payment, "confirm_duplicate": True}, content_type="application/json"
    )
    assert confirmed.status_code == 201, confirmed.content
    assert Disbursement.objects.filter(award=beta, reference="API-1").count() == 1
