"""The founder's whole journey in a real browser, from sign-up to a submitted application.

One long test on purpose: each step starts from the state the previous one
left (a verified account, a startup, a teammate, a draft), as a founder
would live it. Screenshots for the documentation are taken on the way.
"""

import re
from pathlib import Path
from uuid import uuid4

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from startups.validators import make_bin
from tests.factories import PASSWORD, PDF_BYTES, ProgramFactory, UserFactory

pytestmark = pytest.mark.browser

# Addresses unique to each run: allauth rate-limits confirmation mails per
# address (1 per 3 minutes) in the cache, which outlives a test (and a run,
# with Redis), so a fixed address used by another test would get no mail.
FOUNDER_EMAIL = f"aliya.{uuid4().hex[:8]}@example.kz"
FOUNDER_PASSWORD = "a-long-unusual-pass-42"
COFOUNDER_EMAIL = f"daniyar.{uuid4().hex[:8]}@example.kz"
STARTUP_NAME = "Qazaq Cold Chain"
# Bootstrap's --bs-primary: the navbar has it only when bootstrap.min.css loaded.
BOOTSTRAP_PRIMARY = "rgb(13, 110, 253)"


def _latest_mail_path(to: str, pattern: str) -> str:
    """The path of the first link matching `pattern` in the newest mail sent to `to`."""
    messages = [m for m in mail.outbox if to in m.to]
    assert messages, f"no e-mail to {to} in the outbox: {[m.to for m in mail.outbox]}"
    found = re.search(rf"https?://[^/\s]+({pattern})", messages[-1].body)
    assert found, f"no link matching {pattern} in:\n{messages[-1].body}"
    return found.group(1)


def _catalogue(msgid: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


def _switch_language(page, code: str) -> None:
    page.locator(f'#language-switcher button[value="{code}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def _assert_styled(page) -> None:
    navbar = page.locator("nav.navbar")
    expect(navbar).to_have_css("background-color", BOOTSTRAP_PRIMARY)


def test_founder_flow_signup_to_submitted_application(
    new_context, live_server, screenshot_dir, settings, tmp_path
):
    # Pitch decks go to a throwaway directory, not the project's media/.
    settings.MEDIA_ROOT = tmp_path / "media"
    program = ProgramFactory(
        name="Startup Kazakhstan 2026",
        slug="startup-kazakhstan-2026",
        organiser="Astana Hub",
        description="Seed grants for technology startups from Kazakhstan and the CIS.",
        min_team_size=2,
    )
    cofounder = UserFactory(email=COFOUNDER_EMAIL, full_name="Daniyar Omarov")

    founder_context = new_context()
    page = founder_context.new_page()

    # --- Home page, anonymous, in English -------------------------------------
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name=program.name)).to_be_visible()
    _assert_styled(page)
    page.screenshot(path=screenshot_dir / "home.png", full_page=True)

    # --- 1. Sign up and confirm the e-mail address ------------------------------
    page.goto("/accounts/signup/")
    page.fill("#id_full_name", "Aliya Sarsenova")
    page.fill("#id_email", FOUNDER_EMAIL)
    page.fill("#id_password1", FOUNDER_PASSWORD)
    page.fill("#id_password2", FOUNDER_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    confirm_path = _latest_mail_path(FOUNDER_EMAIL, r"/accounts/confirm-email/[^\s/]+/")
    page.goto(confirm_path)
    page.get_by_role("button", name="Confirm").click()
    # Logged in straight away: the navbar offers the dashboard and shows the name.
    expect(page.get_by_role("link", name="My dashboard")).to_be_visible()
    expect(page.locator("nav")).to_contain_text("Aliya Sarsenova")

    # --- 2. Describe the startup --------------------------------------------------
    page.goto("/startups/new/")
    page.fill("#id_name", STARTUP_NAME)
    page.select_option("#id_country", "KZ")
    page.select_option("#id_region", "astana")
    page.fill("#id_bin", make_bin("18044000123"))
    page.select_option("#id_sector", "agritech")
    page.select_option("#id_stage", "mvp")
    page.fill("#id_team_size", "3")
    page.fill("#id_description", "Cold storage as a service for small farms.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/startups/\d+/$"))
    expect(page.locator("h1")).to_have_text(STARTUP_NAME)
    startup_url = page.url

    # --- 3. Invite a co-founder, who joins from a second browser ------------------
    page.fill("#id_email", COFOUNDER_EMAIL)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".alert-success")).to_contain_text(f"Invitation sent to {COFOUNDER_EMAIL}")
    invitation_path = _latest_mail_path(COFOUNDER_EMAIL, r"/invitations/[^\s/]+/")

    cofounder_context = new_context()
    cofounder_page = cofounder_context.new_page()
    cofounder_page.goto("/accounts/login/")
    cofounder_page.fill("#id_login", cofounder.email)
    cofounder_page.fill("#id_password", PASSWORD)
    cofounder_page.get_by_role("button", name="Sign In").click()
    expect(cofounder_page.get_by_role("link", name="My dashboard")).to_be_visible()
    cofounder_page.goto(invitation_path)
    expect(cofounder_page.locator("h1")).to_have_text(f"Join {STARTUP_NAME}")
    cofounder_page.get_by_role("button", name="Join the team").click()
    expect(cofounder_page).to_have_url(startup_url)
    expect(cofounder_page.locator(".alert-success")).to_contain_text(
        f"Welcome to the team of {STARTUP_NAME}."
    )
    expect(cofounder_page.locator("#team")).to_contain_text(FOUNDER_EMAIL)
    expect(cofounder_page.locator("#team")).to_contain_text(COFOUNDER_EMAIL)
    cofounder_page.goto("/dashboard/")
    expect(cofounder_page.get_by_role("link", name=STARTUP_NAME)).to_be_visible()

    # --- 4. Apply: the first sitting saves a partial draft ------------------------
    page.goto(program.get_absolute_url())
    expect(page.locator("h1")).to_have_text(program.name)
    _assert_styled(page)
    page.screenshot(path=screenshot_dir / "program.png", full_page=True)
    page.get_by_role("link", name="Apply", exact=True).click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/edit/$"))
    edit_url = page.url
    application_url = edit_url.removesuffix("edit/")

    page.fill("#id_problem", "Small farms lose a third of their harvest before it sells.")
    page.fill("#id_solution", "Shared cold storage rented by the pallet and the week.")
    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_url(edit_url)
    expect(page.locator(".alert-success")).to_have_text("Draft saved.")
    missing = page.locator(".section-missing")
    # market, business model, traction, team, use of funds, amount, pitch deck.
    expect(missing).to_have_count(7)
    expect(page.locator("#section-problem")).not_to_have_class(re.compile("section-missing"))
    expect(page.locator("#section-pitch_deck")).to_have_class(re.compile("section-missing"))
    page.screenshot(path=screenshot_dir / "application-form.png", full_page=True)

    # --- 5. Second sitting: back from the dashboard, finish and submit ------------
    page.close()
    page = founder_context.new_page()
    page.goto("/dashboard/")
    expect(page.locator(".list-group-item", has_text=STARTUP_NAME)).to_contain_text(
        "2 team members on the portal"
    )
    card = page.locator(".application-card", has_text=program.name)
    expect(card.locator(".badge")).to_have_text("Draft")
    card.get_by_role("link", name="Continue the application").click()
    expect(page).to_have_url(edit_url)
    expect(page.locator("#id_problem")).to_have_value(
        "Small farms lose a third of their harvest before it sells."
    )
    page.fill("#id_market", "40,000 farms in the south of Kazakhstan.")
    page.fill("#id_business_model", "Monthly subscription per pallet place.")
    page.fill("#id_traction", "12 paying farms in the Turkistan region.")
    page.fill("#id_team", "Three founders: agronomy, refrigeration and sales.")
    page.fill("#id_use_of_funds", "Two cold rooms and a sales team.")
    page.fill("#id_requested_amount", "15000000")
    deck = tmp_path / "pitch-deck.pdf"
    deck.write_bytes(PDF_BYTES)
    page.set_input_files("#id_pitch_deck_upload", deck)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".alert-success")).to_have_text("Draft saved.")
    expect(page.locator(".section-missing")).to_have_count(0)
    expect(page.locator("#section-pitch_deck")).to_contain_text("pitch-deck.pdf")
    page.get_by_role("button", name="Save and submit").click()

    # --- 6. The application page: submitted, with its history --------------------
    expect(page).to_have_url(application_url)
    expect(page.locator("#application-status")).to_have_text("Submitted")
    timeline = page.locator("ol.timeline > li")
    expect(timeline).to_have_count(2)
    expect(timeline.locator("strong")).to_have_text(["Draft", "Submitted"])
    expect(page.locator("dd.money")).to_have_text("15,000,000 KZT")
    with page.expect_download() as download:
        page.get_by_role("link", name="pitch-deck.pdf").click()
    # Served under its application's id, whatever the founder called the file.
    application_id = application_url.rstrip("/").rsplit("/", 1)[-1]
    assert download.value.suggested_filename == f"pitch-deck-{application_id}.pdf"
    assert Path(download.value.path()).read_bytes() == PDF_BYTES
    _assert_styled(page)
    page.screenshot(path=screenshot_dir / "application-submitted.png", full_page=True)

    # --- 7. The same pages in Russian, then in Kazakh -----------------------------
    # The pages must show exactly what the catalogues say, and the catalogues
    # must translate these words (English, Russian and Kazakh ship complete).
    expected = {
        code: {msgid: _catalogue(msgid, code) for msgid in ("Submitted", "Draft", "My dashboard")}
        for code in ("ru", "kk")
    }
    untranslated = [
        (code, msgid)
        for code, texts in expected.items()
        for msgid, text in texts.items()
        if text == msgid
    ]
    assert untranslated == [], "missing from locale/<code>/LC_MESSAGES/django.po (or .mo)"

    _switch_language(page, "ru")
    expect(page).to_have_url(application_url)
    expect(page.locator("#application-status")).to_have_text(expected["ru"]["Submitted"])
    expect(timeline.locator("strong")).to_have_text(
        [expected["ru"]["Draft"], expected["ru"]["Submitted"]]
    )
    page.goto("/dashboard/")
    expect(page.locator("h1")).to_have_text(expected["ru"]["My dashboard"])
    expect(page.locator(".application-card .badge")).to_have_text(expected["ru"]["Submitted"])
    _assert_styled(page)
    page.screenshot(path=screenshot_dir / "dashboard-ru.png", full_page=True)

    page.goto(application_url)
    _switch_language(page, "kk")
    expect(page.locator("#application-status")).to_have_text(expected["kk"]["Submitted"])
    expect(page.get_by_role("link", name=expected["kk"]["My dashboard"])).to_be_visible()
    expect(timeline.locator("strong")).to_have_text(
        [expected["kk"]["Draft"], expected["kk"]["Submitted"]]
    )

    # Nothing failed quietly on the way: no 4xx/5xx (static files included), no JS error.
    for context in (founder_context, cofounder_context):
        assert context.problems == []
