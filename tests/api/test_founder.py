"""The founder's scope: read, start, edit and submit one's own applications, through
the site's services; another team's is not found."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.models import ApiToken, AuditEntry
from startups.enums import ApplicationStatus
from startups.models import Application
from tests.api.conftest import FOUNDER, bearer, token_for
from tests.factories import (
    ApplicationFactory,
    CriterionFactory,
    ProgramFactory,
    StartupFactory,
    UserFactory,
    make_pdf,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(founder_user):
    return StartupFactory(name="Alpha Agro", owner=founder_user)


def test_founder_token_cannot_read_another_teams_application(founder_user, team):
    mine = ApplicationFactory(startup=team, complete=True, problem="MINE-PROBLEM")
    theirs = ApplicationFactory(
        startup=StartupFactory(owner=UserFactory()), complete=True, problem="THEIR-PROBLEM"
    )
    client = bearer(token_for(founder_user, FOUNDER))
    assert client.get(f"/api/v1/founder/applications/{mine.pk}").json()["problem"] == (
        "MINE-PROBLEM"
    )
    refused = client.get(f"/api/v1/founder/applications/{theirs.pk}")
    missing = client.get("/api/v1/founder/applications/2147483647")
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()
    listed = client.get("/api/v1/founder/applications").json()
    assert [a["id"] for a in listed] == [mine.pk]
    edit = client.patch(
        f"/api/v1/founder/applications/{theirs.pk}",
        {"version": 1, "problem": "HIJACK"},
        content_type="application/json",
    )
    assert edit.status_code == 404
    assert Application.objects.get(pk=theirs.pk).problem == "THEIR-PROBLEM"


def test_start_edit_and_submit_through_the_services(founder_user, team):
    program = ProgramFactory(slug="seed-2026")
    client = bearer(token_for(founder_user, FOUNDER))
    started = client.post(
        "/api/v1/founder/applications",
        {"startup_id": team.pk, "program": "seed-2026"},
        content_type="application/json",
    )
    assert started.status_code == 201
    body = started.json()
    assert (body["status"], body["version"]) == ("draft", 1)
    again = client.post(
        "/api/v1/founder/applications",
        {"startup_id": team.pk, "program": "seed-2026"},
        content_type="application/json",
    )
    assert (again.status_code, again.json()["id"]) == (200, body["id"])

    answers = {
        "problem": "P",
        "solution": "S",
        "market": "M",
        "business_model": "B",
        "traction": "T",
        "team": "Team",
        "use_of_funds": "U",
    }
    saved = client.patch(
        f"/api/v1/founder/applications/{body['id']}",
        {"version": 1, "requested_amount": "1500000.50", **answers},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["requested_amount"] == {"amount": "1500000.50", "currency": "KZT"}
    assert saved.json()["version"] == 2
    assert saved.json()["missing"] == ["pitch_deck"]
    draft_entry = AuditEntry.objects.get(action="application.draft_save")
    assert draft_entry.after["version"] == 2
    assert "requested_amount" in draft_entry.after["fields"]
    assert draft_entry.api_token_label.endswith(" test")
    stale = client.patch(
        f"/api/v1/founder/applications/{body['id']}",
        {"version": 1, "problem": "late"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "refused"
    assert Application.objects.get(pk=body["id"]).problem == "P"

    refused = client.post(f"/api/v1/founder/applications/{body['id']}/submit")
    assert refused.status_code == 409
    assert "Pitch deck" in refused.json()["error"]["message"]

    not_a_pdf = client.post(
        f"/api/v1/founder/applications/{body['id']}/pitch-deck?version=2",
        {"file": SimpleUploadedFile("deck.pdf", b"GIF89a not a pdf", "application/pdf")},
    )
    assert not_a_pdf.status_code == 422
    assert list(not_a_pdf.json()["error"]["fields"]) == ["file"]
    uploaded = client.post(
        f"/api/v1/founder/applications/{body['id']}/pitch-deck?version=2",
        {"file": SimpleUploadedFile("deck.pdf", make_pdf(3), "application/pdf")},
    )
    assert uploaded.status_code == 200, uploaded.content
    assert (uploaded.json()["pitch_deck"], uploaded.json()["missing"]) == (True, [])
    application = Application.objects.get(pk=body["id"])
    assert application.pitch_deck_pages == 3
    submitted = client.post(f"/api/v1/founder/applications/{body['id']}/submit")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == ApplicationStatus.SUBMITTED
    token = ApiToken.objects.get(user=founder_user)
    entry = AuditEntry.objects.filter(action="application.status").latest("id")
    assert entry.after["status"] == ApplicationStatus.SUBMITTED
    assert (entry.api_token_id, entry.api_token_label) == (token.pk, token.label)
    assert program.pk == application.program_id


def test_invalid_fields_are_422_with_translated_messages_per_field(founder_user, team):
    application = ApplicationFactory(startup=team)
    client = bearer(token_for(founder_user, FOUNDER))
    too_much = client.patch(
        f"/api/v1/founder/applications/{application.pk}",
        {"version": 1, "requested_amount": "999999999.00"},
        content_type="application/json",
    )
    assert too_much.status_code == 422
    assert list(too_much.json()["error"]["fields"]) == ["requested_amount"]
    a_float = client.patch(
        f"/api/v1/founder/applications/{application.pk}",
        {"version": 1, "requested_amount": 15.5},
        content_type="application/json",
    )
    assert a_float.status_code == 422
    assert a_float.json()["error"]["fields"] == {"requested_amount": ["This value is not valid."]}
    missing = client.patch(
        f"/api/v1/founder/applications/{application.pk}", {}, content_type="application/json"
    )
    assert missing.json()["error"]["fields"] == {"version": ["This field is required."]}
    broken = client.patch(
        f"/api/v1/founder/applications/{application.pk}",
        "{not json",
        content_type="application/json",
    )
    assert broken.status_code in (400, 422)
    assert "error" in broken.json()
    assert Application.objects.get(pk=application.pk).version == 1


def test_public_programs_carry_three_languages_and_money_as_strings(db):
    program = ProgramFactory(slug="open-call", name="Open Call", total_budget=Decimal("150000000"))
    CriterionFactory(program=program, name="Team")
    ProgramFactory(slug="hidden", draft=True)
    listed = bearer(None).get("/api/v1/programs").json()
    assert [p["slug"] for p in listed] == ["open-call"]
    detail = bearer(None).get("/api/v1/programs/open-call").json()
    assert detail["name"] == {"en": "Open Call", "ru": "", "kk": ""}
    assert detail["total_budget"] == {"amount": "150000000.00", "currency": "KZT"}
    assert detail["criteria"][0]["name"]["en"] == "Team"
    assert bearer(None).get("/api/v1/programs/hidden").status_code == 404
