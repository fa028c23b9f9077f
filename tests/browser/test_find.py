"""Finding one application in a real browser: the board's search and the admin's autocomplete.

A manager types a startup's name, its BIN or the application's number into
the selection board's search and gets that row alone, in its place; on "Add
review assignment" she types part of a name into the application field (the
admin's select2 autocomplete, under the portal's CSP) and part of a
reviewer's name, picks both, saves, and the assignment exists.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from programs.models import Assignment
from startups.models import Startup
from tests.browser.test_admin_flow import _admin_login, _messages, _program_under_review
from tests.factories import reviewer

pytestmark = pytest.mark.browser

BIN = "990340001234"


def _board_search(page, term):
    page.fill('input[name="q"]', term)
    page.press('input[name="q"]', "Enter")
    expect(page.locator('input[name="q"]')).to_have_value(term)
    return page.locator("#board tbody tr.board-row")


def test_board_search_by_name_bin_and_number(
    new_context, live_server, settings, tmp_path, screenshot_dir
):
    setup = _program_under_review(tmp_path, settings, submitting=("bob", "carol", "alice"))
    program = setup["program"]
    solar, clinic = setup["applications"][1], setup["applications"][3]
    Startup.objects.filter(pk=clinic.startup_id).update(bin=BIN, country="KZ")
    context = new_context()
    page = _admin_login(context, setup["boss"])
    # The start page leads to the program's board.
    start = page.locator("#manager-start tr.start-program")
    expect(start).to_have_count(1)
    expect(start).to_contain_text("Startup Kazakhstan 2026")
    page.screenshot(path=screenshot_dir / "admin-start.png", full_page=True)
    start.get_by_role("link", name="Selection board").click()
    expect(page).to_have_url(
        live_server.url + reverse("admin:startups_program_board", args=[program.pk])
    )
    everything = page.locator("#board tbody tr.board-row")
    expect(everything).to_have_count(5)

    rows = _board_search(page, "solar")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Steppe Solar")
    expect(page.locator("#board")).not_to_contain_text("Nomad Pay")

    rows = _board_search(page, BIN)
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Clinic Queue")
    expect(page.locator("#board")).not_to_contain_text("Steppe Solar")

    rows = _board_search(page, str(solar.pk))
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Steppe Solar")
    expect(page.locator("#board")).not_to_contain_text("Clinic Queue")

    rows = _board_search(page, "no such startup")
    expect(rows).to_have_count(0)
    expect(page.locator("#board")).to_contain_text("No application matches.")
    assert context.problems == []


def _autocomplete(page, field, term, choice):
    """Open the select2 box of `field`, type `term`, pick the option with `choice`."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(term)
    option = page.locator(".select2-results__option", has_text=choice)
    expect(option).to_have_count(1)
    option.click()
    expect(page.locator(f".field-{field} .select2-selection__rendered")).to_contain_text(choice)


def test_assignment_by_autocomplete(new_context, live_server, settings, tmp_path):
    setup = _program_under_review(tmp_path, settings, submitting=())
    fresh = reviewer(full_name="Dana Fresh", email="dana@reviewers.example.kz")
    clinic = setup["applications"][3]
    context = new_context()
    page = _admin_login(context, setup["boss"])
    page.goto(reverse("admin:programs_assignment_add"))
    # No drop-down of every application: the options come from the search.
    expect(page.locator("#id_application option")).to_have_count(0)

    _autocomplete(page, "application", "clinic", "Clinic Queue → Startup Kazakhstan 2026")
    _autocomplete(page, "reviewer", "dana", "Dana Fresh")
    page.locator('input[name="_save"]').click()
    expect(_messages(page, "success")).to_have_count(1)
    assert Assignment.objects.filter(application=clinic, reviewer=fresh).count() == 1
    # select2 and its initialisation ran without an inline script or a refused request.
    assert context.problems == []
