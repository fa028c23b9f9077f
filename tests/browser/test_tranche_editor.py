"""The tranche schedule editor in a real browser: two tranches in one go with a new award."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from programs.models import Award
from programs.services.selection import application_decide
from tests.browser.test_accessibility import AXE, RUN_AXE, _violations
from tests.browser.test_admin_flow import _admin_login, _messages
from tests.browser.test_find import _autocomplete
from tests.factories import (
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    submitted_application,
)

pytestmark = pytest.mark.browser


def test_manager_makes_a_two_tranche_schedule_in_one_go(new_context, live_server, screenshot_dir):
    program = ProgramFactory(closed=True, total_budget=Decimal("50000000"), name="Seed 2026")
    boss = manager()
    application = submitted_application(
        program,
        requested_amount=Decimal("10000000"),
        startup=StartupFactory(owner=UserFactory(), name="Steppe Solar"),
    )
    application_decide(
        application=application, decision="selected", actor=boss, exception_reason="Test."
    )

    context = new_context()
    page = _admin_login(context, boss)
    add_url = live_server.url + reverse("admin:programs_award_add")
    page.goto(add_url)
    _autocomplete(page, "application", "steppe", "Steppe Solar")
    page.fill("#id_amount", "10000000")

    rows = page.locator("[data-tranche-row]")
    expect(rows).to_have_count(1)
    page.fill("#id_tranche-0-amount", "4000000")
    page.fill("#id_tranche-0-planned_date", "2026-11-10")
    page.fill("#id_tranche-0-milestone", "MVP")
    total = page.locator("[data-tranche-sum]")
    expect(total).to_contain_text("6,000,000\u00a0KZT still to place")

    # "Add a row" works in the page: no request, nothing typed is lost.
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Add a row").click()
    expect(rows).to_have_count(2)
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("#id_tranche-0-milestone")).to_have_value("MVP")
    page.fill("#id_tranche-1-amount", "5000000")
    expect(total).to_contain_text("1,000,000\u00a0KZT still to place")
    page.fill("#id_tranche-1-amount", "6000000")
    page.fill("#id_tranche-1-planned_date", "2027-02-10")
    page.fill("#id_tranche-1-milestone", "Pilot")
    expect(total).to_have_text(
        re.compile(r"Tranches: 10,000,000\sKZT of 10,000,000\sKZT: they add up to the award\.")
    )
    expect(total).to_have_class(re.compile(r"\bmatch\b"))
    page.screenshot(path=screenshot_dir / "admin-tranche-editor.png", full_page=True)

    # A third row, removed again: the sum and the numbering follow.
    page.get_by_role("button", name="Add a row").click()
    page.fill("#id_tranche-2-amount", "1")
    expect(total).to_contain_text("too much")
    rows.nth(2).get_by_role("button", name="Remove").click()
    expect(rows).to_have_count(2)
    expect(page.locator("#id_tranche-TOTAL_FORMS")).to_have_value("2")
    expect(total).to_contain_text("they add up to the award")

    page.locator(".submit-row").get_by_role("button", name="Save").click()
    award = Award.objects.get(application=application)
    expect(page).to_have_url(
        live_server.url + reverse("admin:programs_award_schedule", args=[award.pk])
    )
    expect(_messages(page, "success")).to_have_text("Award and tranche schedule recorded.")
    assert list(award.tranches.values_list("sequence", "amount", "milestone")) == [
        (1, Decimal("4000000.00"), "MVP"),
        (2, Decimal("6000000.00"), "Pilot"),
    ]
    # The schedule page shows the same editor, with both rows and a matching sum.
    expect(page.locator("[data-tranche-row]")).to_have_count(2)
    expect(page.locator("#id_tranche-1-milestone")).to_have_value("Pilot")
    expect(page.locator("[data-tranche-sum]")).to_contain_text("they add up to the award")
    # Nothing serious for axe in the editor (the award page's autocomplete box is
    # the admin's select2, checked where it is owned), nor on the schedule page.
    page.goto(add_url)
    page.add_script_tag(url=AXE)
    found = page.evaluate(RUN_AXE.replace("axe.run(document", "axe.run('[data-tranche-editor]'"))
    found += _violations(page, reverse("admin:programs_award_schedule", args=[award.pk]))
    assert found == [], "\n".join(found)
    assert context.problems == []
