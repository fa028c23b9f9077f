"""Every founder page fits a 375 px phone, and the selection board a 1366 px laptop,
in English, Russian and Kazakh (the longer words of the last two are what
used to push tables off the screen).

"Fits" is what a person feels: the page itself never scrolls sideways
(`document.documentElement.scrollWidth` within the viewport). A wide table
may scroll inside its own card; the page around it does not.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portal.models import User
from tests.browser.demo_pages import (
    LANGUAGES,
    MANAGER,
    demo_seed,
    founder_login,
    founder_paths,
    overflowing,
    public_paths,
    set_language,
    staff_login,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1366, "height": 768}
PAGE_WIDTH = "document.documentElement.scrollWidth"


def _too_wide(page, path: str, width: int) -> str | None:
    """None when `path` fits `width`, else what sticks out (for the failure message)."""
    response = page.goto(path)
    assert response is not None and response.status < 400, f"{path}: {response and response.status}"
    scroll = page.evaluate(PAGE_WIDTH)
    if scroll <= width:
        return None
    culprits = overflowing(page, width)
    return f"{path}: {scroll} px ({', '.join(culprits)})"


def test_founder_pages_fit_a_phone_in_three_languages(new_context, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = demo_seed()
    founder = world.founder
    set_language(founder, "en")
    too_wide = []

    anonymous = new_context(viewport=PHONE)
    page = anonymous.new_page()
    for code in LANGUAGES:
        cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": live_server.url}
        anonymous.add_cookies([cookie])
        for path in public_paths(world):
            too_wide.append(_too_wide(page, path, PHONE["width"]))
        expect(page.locator("html")).to_have_attribute("lang", code)

    signed_in = new_context(viewport=PHONE)
    page = founder_login(signed_in)
    for code in LANGUAGES:
        set_language(founder, code)
        for path in founder_paths(world):
            too_wide.append(_too_wide(page, path, PHONE["width"]))
        expect(page.locator("html")).to_have_attribute("lang", code)
    # The funding panel's tranche table is what ran off the screen first.
    page.goto(world.funded.get_absolute_url())
    expect(page.locator("#funding table")).to_be_visible()

    assert [problem for problem in too_wide if problem] == []
    assert anonymous.problems == [] and signed_in.problems == []


def test_board_fits_a_laptop_in_three_languages(new_context, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = demo_seed()
    manager = User.objects.get(email=MANAGER)
    set_language(manager, "en")
    context = new_context(viewport=LAPTOP)
    page = staff_login(context, MANAGER)
    board = reverse("admin:startups_program_board", args=[world.current.pk])
    for code in LANGUAGES:
        set_language(manager, code)
        assert _too_wide(page, board, LAPTOP["width"]) is None
        expect(page.locator("html")).to_have_attribute("lang", code)
        rows = page.locator("#board tr.board-row")
        expect(rows.first).to_be_visible()
        # Every row's ticking box, name and status stay on screen without scrolling.
        for cell in ("input[name=ids]", "td.board-name a", "td.board-status"):
            box = rows.first.locator(cell).bounding_box()
            assert box is not None and box["x"] + box["width"] <= LAPTOP["width"], (code, cell)
        extra = page.locator("#board thead th.col-extra")
        expect(extra.first).to_be_hidden()

    # All columns on request: shown, and a table too wide scrolls in its box, not the page.
    toggle = page.locator("#board-columns-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(extra).to_have_count(6)
    for header in extra.all():
        expect(header).to_be_visible()
    assert page.evaluate(PAGE_WIDTH) <= LAPTOP["width"]
    page.reload()  # the choice is remembered
    expect(extra.first).to_be_visible()
    toggle.click()
    expect(extra.first).to_be_hidden()
    assert context.problems == []
