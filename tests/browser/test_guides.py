"""The pages the guides (docs/guide-*.md) show, on the seeded demo, as they describe them.

`make screenshots` runs this with SCREENSHOTS=1 and so rewrites the guides'
pictures in docs/screenshots/; an ordinary run renders and checks the same
pages and keeps the pictures in a temporary directory. Each picture is at
most 1280 px wide and cut at a readable height, so the set stays small.
"""

import struct
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portal.models import User
from programs.models import Award
from tests.browser.demo_pages import (
    MANAGER,
    demo_seed,
    founder_login,
    overflowing,
    set_language,
    staff_login,
)

pytestmark = pytest.mark.browser

MAX_WIDTH = 1280
MAX_HEIGHT = 2000
PHONE = {"width": 375, "height": 812}


def _shot(page, path: Path) -> None:
    """A full-page picture, cut at MAX_HEIGHT; never wider than MAX_WIDTH."""
    width, height = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert width <= MAX_WIDTH, f"{path.name}: {width} px wide: {overflowing(page, MAX_WIDTH)}"
    clip = {"x": 0, "y": 0, "width": width, "height": min(height, MAX_HEIGHT)}
    page.screenshot(path=path, full_page=True, clip=clip)
    header = path.read_bytes()[16:24]  # the PNG's IHDR: width, height
    assert struct.unpack(">II", header)[0] <= MAX_WIDTH


def test_guide_pages_founder_funding_and_the_funding_report(
    new_context, screenshot_dir, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = demo_seed()
    founder, manager = world.founder, User.objects.get(email=MANAGER)

    # Founders' guide: a funded team follows its schedule and payments (in Kazakh) ...
    set_language(founder, "en")
    context = new_context()
    page = founder_login(context)
    set_language(founder, "kk")
    page.goto(world.funded.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.locator("#funding #tranches tbody tr")).to_have_count(3)
    expect(page.locator("#payments li").first).to_be_visible()
    _shot(page, screenshot_dir / "founder-funding.png")

    # ... and on a phone, where the tranche table becomes one card per tranche.
    set_language(founder, "en")
    phone = context.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(world.funded.get_absolute_url())
    first = phone.locator("#tranches tbody tr").first
    expect(first.locator("td").nth(1)).to_have_attribute("data-label", "Milestone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(phone.locator("#funding")).to_be_visible()
    phone.locator("#funding").screenshot(path=screenshot_dir / "phone-funding.png")
    phone.goto(reverse("startups:dashboard"))
    _shot(phone, screenshot_dir / "phone-dashboard.png")

    # Managers' guide: the award page and the funding report (a manager who reads Russian).
    set_language(manager, "en")
    office = new_context()
    page = staff_login(office, MANAGER)
    award = Award.objects.get(application=world.funded)
    page.goto(reverse("admin:programs_award_change", args=[award.pk]))
    expect(page.locator("#content")).to_contain_text(world.startup.name)
    _shot(page, screenshot_dir / "admin-award.png")
    set_language(manager, "ru")
    page.goto(reverse("admin:programs_award_report"))
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("#report-summary")).to_be_visible()
    _shot(page, screenshot_dir / "admin-funding-report.png")

    assert context.problems == [] and office.problems == []
