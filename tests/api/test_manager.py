"""The manager's and the reviewer's scopes: scores, decisions, money, the report."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.models import ApiToken, AuditEntry
from programs.models import Award, Disbursement
from programs.services import assignment as assigning
from programs.services import funding
from startups.enums import ApplicationStatus, ProgramStatus
from tests.api.conftest import MANAGER, REVIEWER, bearer, token_for
from tests.factories import ProgramFactory, milestone_reports_approved, submitted_application

pytestmark = pytest.mark.django_db

AWARDED = Decimal("12468013")


def test_reviewer_token_sees_no_money(reviewer_user, manager_user, funded):
    program, funded_application, _award, _tranches = funded
    application = submitted_application(program, requested_amount=Decimal("5000000"))
    assigning.assignment_create(application=application, reviewer=reviewer_user, actor=manager_user)
    client = bearer(token_for(reviewer_user, REVIEWER))
    mine = client.get("/api/v1/reviewer/assignments")
    assert mine.status_code == 200
    assert [a["application_id"] for a in mine.json()] == [application.pk]
    body = mine.content.decode()
    for money in ("12468013", "3141593", "REF-1", "amount"):
        assert money not in body
    for url in (
        "/api/v1/manager/awards",
        "/api/v1/manager/ledger",
        "/api/v1/manager/reports/funding",
        f"/api/v1/manager/applications/{funded_application.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "12468013" not in response.content.decode()


def test_manager_reads_scores_awards_and_the_report(manager_user, funded):
    program, application, award, _tranches = funded
    client = bearer(token_for(manager_user, MANAGER))
    page = client.get(f"/api/v1/manager/programs/{program.slug}/applications").json()
    assert page["count"] == 1
    row = page["results"][0]
    assert set(row["score"]) == {
        "reviews",
        "raw",
        "normalised",
        "spread",
        "raw_standard_error",
        "normalised_standard_error",
    }
    detail = client.get(f"/api/v1/manager/applications/{application.pk}").json()
    assert detail["award"]["amount"] == {"amount": "12468013.00", "currency": "KZT"}
    assert [t["paid"]["amount"] for t in detail["award"]["tranches"]] == ["3141593.00", "0.00"]
    report = client.get("/api/v1/manager/reports/funding", {"program": program.slug}).json()
    assert report["programs"][0]["committed"] == "12468013.00"
    assert report["programs"][0]["disbursed"] == "3141593.00"


def test_payment_and_reversal_through_the_api_name_the_token(manager_user, funded):
    _program, _application, award, tranches = funded
    secret = token_for(manager_user, MANAGER, name="Accounting 1C")
    token = ApiToken.objects.get(name="Accounting 1C")
    client = bearer(secret)
    payment = {"amount": "1000.00", "paid_on": str(timezone.localdate()), "reference": "PAY-2"}
    early = client.post(
        f"/api/v1/manager/tranches/{tranches[1].pk}/disbursements",
        payment,
        content_type="application/json",
    )
    assert early.status_code == 409  # the second tranche waits for its milestone report
    assert "report on its milestone" in early.json()["error"]["message"]
    milestone_reports_approved(award, actor=manager_user)
    paid = client.post(
        f"/api/v1/manager/tranches/{tranches[1].pk}/disbursements",
        {"amount": "1000.00", "paid_on": str(timezone.localdate()), "reference": "PAY-2"},
        content_type="application/json",
    )
    assert paid.status_code == 201, paid.content
    assert paid.json()["amount"] == {"amount": "1000.00", "currency": "KZT"}
    too_much = client.post(
        f"/api/v1/manager/tranches/{tranches[0].pk}/disbursements",
        {"amount": "1.00", "paid_on": str(timezone.localdate()), "reference": "PAY-3"},
        content_type="application/json",
    )
    assert too_much.status_code == 409
    assert too_much.json()["error"]["code"] == "refused"
    reversed_ = client.post(
        f"/api/v1/manager/disbursements/{paid.json()['id']}/reverse",
        {"note": "Wrong account"},
        content_type="application/json",
    )
    assert reversed_.status_code == 201
    assert reversed_.json()["amount"]["amount"] == "-1000.00"
    assert reversed_.json()["reverses_id"] == paid.json()["id"]
    entries = AuditEntry.objects.filter(action__in=["disbursement.record", "disbursement.reverse"])
    through_api = entries.filter(api_token=token)
    assert through_api.count() == 2
    assert {e.api_token_label for e in through_api} == {f"{token.prefix} Accounting 1C"}
    # The payment recorded in the fixture, not through the API, names no token.
    assert entries.filter(api_token__isnull=True).count() == 1
    assert Award.objects.get(pk=award.pk).disbursed == Decimal("3141593")


def test_decision_through_the_api_uses_the_capped_service(manager_user):
    program = ProgramFactory(status=ProgramStatus.REVIEWING, closed=True, selection_cap=1)
    first, second = (submitted_application(program) for _ in range(2))
    client = bearer(token_for(manager_user, MANAGER))

    def decide(application, **extra):
        return client.post(
            f"/api/v1/manager/applications/{application.pk}/decision",
            {"decision": "selected", **extra},
            content_type="application/json",
        )

    unjudged = decide(first)
    assert unjudged.status_code == 409
    assert "reason" in unjudged.json()["error"]["message"]
    assert decide(first, exception_reason="Committee vote").json()["status"] == "selected"
    capped = decide(second, exception_reason="Committee vote")
    assert capped.status_code == 409
    assert "cap" in capped.json()["error"]["message"]


def test_ledger_feed_pages_in_id_order(manager_user, funded):
    _program, _application, award, tranches = funded
    milestone_reports_approved(award, actor=manager_user)  # the second tranche may be paid
    for n in range(4):
        funding.disbursement_record(
            tranche=tranches[1],
            amount=Decimal("10"),
            paid_on=date(2026, 3, 1),
            reference=f"R{n}",
            actor=manager_user,
        )
    client = bearer(token_for(manager_user, ["manager:read"]))
    seen, after = [], 0
    while True:
        page = client.get("/api/v1/manager/ledger", {"after": after, "limit": 2}).json()
        seen += [e["id"] for e in page["entries"]]
        after = page["next_after"]
        if not page["has_more"]:
            break
    assert seen == list(Disbursement.objects.order_by("id").values_list("id", flat=True))
    assert len(seen) == 5
    assert client.get("/api/v1/manager/ledger", {"after": after}).json()["entries"] == []


def test_public_results_name_only_consenting_teams(manager_user, funded):
    program, application, _award, _tranches = funded
    shy = submitted_application(program, requested_amount=Decimal("100"))
    Application = type(application)
    Application.objects.filter(pk=application.pk).update(publish_consent=True)
    Application.objects.filter(pk=shy.pk).update(status=ApplicationStatus.SELECTED)
    assert bearer(None).get(f"/api/v1/programs/{program.slug}/results").status_code == 404
    type(program).objects.filter(pk=program.pk).update(status=ProgramStatus.DECIDED)
    results = bearer(None).get(f"/api/v1/programs/{program.slug}/results").json()
    assert (results["selected"], results["funded"]) == (2, 1)
    assert results["awarded"] == {"amount": "12468013.00", "currency": "KZT"}
    assert results["disbursed"] == {"amount": "3141593.00", "currency": "KZT"}
    assert [(p["named"], p["name"]) for p in results["projects"]] == [
        (True, application.startup.name),
        (False, ""),
    ]
    assert shy.startup.name not in str(results)
