"""Hostile input on the founders' forms: no 500, nothing invalid stored, output escaped."""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from portal.models import Notification, User
from portal.notifications import notification_render
from startups.enums import ApplicationStatus
from startups.forms import ApplicationForm, InvitationForm, StartupForm, WithdrawForm
from startups.models import TEXT_SECTIONS, Invitation, Startup
from tests.factories import ApplicationFactory, ProgramFactory, StartupFactory
from tests.hostile import (
    AMOUNTS,
    FEW,
    SAMPLES,
    SCRIPT,
    clean_multiline,
    clean_single_line,
    finite_money,
    hostile_amount,
    hostile_date,
    hostile_text,
)

pytestmark = pytest.mark.django_db

STARTUP = {
    "name": "Qazaq Cold",
    "country": "KZ",
    "region": "turkistan",
    "sector": "agritech",
    "stage": "mvp",
    "team_size": "3",
    "description": "Cold storage.",
}
SINGLE_LINE = ["name", "city", "registration_number", "bin", "website"]
ESCAPED_SCRIPT = "&lt;script&gt;alert(document.cookie)&lt;/script&gt;"


# --- Forms, called directly: breadth ---------------------------------------------


@FEW
@given(
    name=hostile_text,
    city=hostile_text,
    registration=hostile_text,
    description=hostile_text,
    country=st.sampled_from(["KZ", "UZ", "XX", "\x00", ""]),
    founded_on=hostile_date,
    team_size=hostile_amount,
)
def test_startup_form_keeps_control_characters_out(
    db, name, city, registration, description, country, founded_on, team_size
):
    form = StartupForm(
        data={
            **STARTUP,
            "name": name,
            "city": city,
            "registration_number": registration,
            "description": description,
            "country": country,
            "region": "" if country != "KZ" else "astana",
            "founded_on": founded_on,
            "team_size": team_size,
        }
    )
    valid = form.is_valid()
    # Django strips surrounding whitespace (control characters included) first.
    if not clean_single_line(name.strip()):
        assert "name" in form.errors
    if not clean_multiline(description.strip()):
        assert "description" in form.errors
    if valid:
        data = form.cleaned_data
        assert all(clean_single_line(data[field]) for field in SINGLE_LINE)
        assert clean_multiline(data["description"])
        assert len(data["name"]) <= 200
        assert len(data["description"]) <= 1000
        assert data["team_size"] >= 1


@FEW
@given(answers=st.lists(hostile_text, min_size=7, max_size=7), amount=hostile_amount)
def test_application_form_keeps_answers_clean_and_amounts_finite(db, draft, answers, amount):
    data = dict(zip([name for name, _label in TEXT_SECTIONS], answers, strict=True))
    form = ApplicationForm(
        data={**data, "requested_amount": amount, "version": draft.version}, instance=draft
    )
    valid = form.is_valid()
    for name, text in data.items():
        if not clean_multiline(text.strip()):
            assert name in form.errors
    if valid:
        assert all(clean_multiline(form.cleaned_data[name]) for name in data)
        value = form.cleaned_data["requested_amount"]
        assert finite_money(value)
        assert value is None or Decimal("0") < value <= draft.program.max_amount_per_project


@pytest.mark.parametrize("amount", [a for a in AMOUNTS if a not in ("", "1_000", "١٢٣")])
def test_application_form_refuses_non_finite_and_negative_amounts(draft, amount):
    form = ApplicationForm(data={"requested_amount": amount, "version": 1}, instance=draft)
    assert not form.is_valid()
    assert list(form.errors) == ["requested_amount"]


@pytest.mark.parametrize(
    ("amount", "stored"), [("", None), ("1_000", Decimal("1000")), ("١٢٣", Decimal("123"))]
)
def test_application_form_reads_numbers_python_reads(draft, amount, stored):
    form = ApplicationForm(data={"requested_amount": amount, "version": 1}, instance=draft)
    assert form.is_valid()
    assert form.cleaned_data["requested_amount"] == stored


@FEW
@given(email=hostile_text, note=hostile_text)
def test_invitation_and_withdraw_forms_refuse_control_characters(email, note):
    invitation = InvitationForm(data={"email": email})
    if invitation.is_valid():
        assert clean_single_line(invitation.cleaned_data["email"])
    withdraw = WithdrawForm(data={"note": note})
    if withdraw.is_valid():
        assert clean_multiline(withdraw.cleaned_data["note"])


@pytest.mark.parametrize(
    "email", ['"a\x07b"@example.com', '"a\r\nBcc: x@evil.example"@example.com']
)
def test_invitation_form_refuses_control_characters_in_quoted_addresses(email):
    form = InvitationForm(data={"email": email})
    assert not form.is_valid()


# --- Through the real views: a representative set --------------------------------


@pytest.mark.parametrize("text", SAMPLES)
def test_startup_create_view_never_500_and_stores_only_clean_text(client, founder, text):
    client.force_login(founder)
    response = client.post(
        reverse("startups:startup_create"),
        {**STARTUP, "name": text[:200], "city": text[:100], "description": text[:1000]},
    )
    assert response.status_code in (200, 302)
    stored = Startup.objects.filter(memberships__user=founder).first()
    if not clean_single_line(text.strip()):
        assert response.status_code == 200
        assert stored is None
        assert "name" in response.context["form"].errors
    if stored is not None:
        assert clean_single_line(stored.name) and clean_single_line(stored.city)
        assert clean_multiline(stored.description)
        page = client.get(stored.get_absolute_url())
        assert page.status_code == 200
        assert SCRIPT not in page.text


def test_startup_page_escapes_html_in_every_field(client, founder):
    client.force_login(founder)
    response = client.post(
        reverse("startups:startup_create"),
        {**STARTUP, "name": SCRIPT, "description": SCRIPT},
    )
    startup = Startup.objects.get(name=SCRIPT)
    assert response["Location"] == startup.get_absolute_url()
    page = client.get(startup.get_absolute_url())
    assert SCRIPT not in page.text
    assert ESCAPED_SCRIPT in page.text


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "1e999", "-5", "9" * 40])
def test_application_edit_view_refuses_bad_amounts_without_500(client, founder, draft, amount):
    client.force_login(founder)
    response = client.post(
        reverse("startups:application_edit", args=[draft.pk]),
        {"problem": "Cold chain", "requested_amount": amount, "version": draft.version},
    )
    assert response.status_code == 200
    assert "requested_amount" in response.context["form"].errors
    draft.refresh_from_db()
    assert (draft.problem, draft.requested_amount, draft.version) == ("", None, 1)


@pytest.mark.parametrize("text", SAMPLES)
def test_application_edit_view_stores_only_clean_answers(client, founder, draft, text):
    client.force_login(founder)
    response = client.post(
        reverse("startups:application_edit", args=[draft.pk]),
        {"problem": text, "team": text, "requested_amount": "1000", "version": draft.version},
    )
    assert response.status_code in (200, 302)
    draft.refresh_from_db()
    bad = not clean_multiline(text.strip()) or len(text.strip()) > 5000
    assert draft.version == (1 if bad else 2)
    assert clean_multiline(draft.problem) and clean_multiline(draft.team)
    if not bad:
        assert draft.problem == text.strip()
        page = client.get(draft.get_absolute_url())
        assert page.status_code == 200
        assert SCRIPT not in page.text


@pytest.mark.parametrize("note", ["\x00", "why\x1b[2J", SCRIPT, "ok\r\nreally"])
def test_withdraw_view_never_stores_control_characters(client, founder, startup, note):
    submitted = ApplicationFactory(
        startup=startup, program=ProgramFactory(), status=ApplicationStatus.SUBMITTED
    )
    client.force_login(founder)
    response = client.post(
        reverse("startups:application_withdraw", args=[submitted.pk]), {"note": note}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.WITHDRAWN
    change = submitted.status_changes.get(to_status=ApplicationStatus.WITHDRAWN)
    # A refused reason is dropped; the withdrawal itself goes through.
    assert change.note == (note if clean_multiline(note) else "")


def test_invitation_email_escapes_the_startup_name(client, founder):
    startup = StartupFactory(owner=founder, name=f'{SCRIPT} & "Co"')
    client.force_login(founder)
    response = client.post(
        reverse("startups:invitation_create", args=[startup.pk]),
        {"email": "cofounder@example.kz"},
    )
    assert response.status_code == 302
    notification = Notification.objects.get(email="cofounder@example.kz")
    message = notification_render(notification)
    html = message.alternatives[0].content
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt; &amp; &quot;Co&quot;" in html
    assert "\n" not in message.subject and "\r" not in message.subject


@pytest.mark.parametrize("email", ['"x\r\nBcc: all@evil.example"@example.kz', "a\x00@b.kz"])
def test_invitation_view_refuses_header_injection(client, founder, email):
    startup = StartupFactory(owner=founder)
    client.force_login(founder)
    response = client.post(
        reverse("startups:invitation_create", args=[startup.pk]), {"email": email}
    )
    assert response.status_code in (200, 302)
    assert not Invitation.objects.exists()
    assert not Notification.objects.exists()


def test_signup_refuses_control_characters_in_the_name(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Evil\x1b[2J",
            "email": "new@example.kz",
            "password1": "correct-horse-battery-staple",
            "password2": "correct-horse-battery-staple",
        },
    )
    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    assert not User.objects.filter(email="new@example.kz").exists()
