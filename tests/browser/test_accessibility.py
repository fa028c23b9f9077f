"""axe-core on the main public, founder and admin pages: no critical or serious violation.

axe is vendored (static/vendor/axe-core/, from the npm registry, with its
licence) and served by the portal's own static files for these tests only:
no page links it. The Content-Security-Policy refuses inline scripts, so it
is added as a script from this site, as the policy allows.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portal.models import User
from programs.models import Assignment, Award, ReviewStatus
from tests.browser.demo_pages import (
    MANAGER,
    REVIEWER,
    demo_seed,
    founder_login,
    set_language,
    staff_login,
)

pytestmark = pytest.mark.browser

AXE = "/static/vendor/axe-core/axe.min.js"
# What axe reports as blocking people: the two worst of its four impact levels.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "critical" || v.impact === "serious")
    .map(v => `${v.id} (${v.impact}): ${v.help} -> `
              + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
}"""


def _violations(page, path: str) -> list[str]:
    response = page.goto(path)
    assert response is not None and response.status < 400, f"{path}: {response and response.status}"
    page.add_script_tag(url=AXE)
    return [f"{path}: {v}" for v in page.evaluate(RUN_AXE)]


def test_main_pages_have_no_serious_accessibility_violation(new_context, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = demo_seed()
    for email in (world.founder.email, MANAGER, REVIEWER):
        set_language(User.objects.get(email=email), "en")
    found = []

    anonymous = new_context()
    page = anonymous.new_page()
    for path in (
        "/",
        "/programs/",
        world.current.get_absolute_url(),
        "/accounts/login/",
        "/accounts/signup/",
    ):
        found += _violations(page, path)

    founder = new_context()
    page = founder_login(founder)
    for path in (
        reverse("startups:dashboard"),
        reverse("startups:application_edit", args=[world.draft.pk]),
        reverse("startups:application_detail", args=[world.funded.pk]),
    ):
        found += _violations(page, path)

    manager = new_context()
    page = staff_login(manager, MANAGER)
    award = Award.objects.filter(application=world.funded).get()
    for path in (
        reverse("admin:index"),
        reverse("admin:startups_program_board", args=[world.current.pk]),
        reverse("admin:programs_award_change", args=[award.pk]),
    ):
        found += _violations(page, path)

    reviewer = new_context()
    page = staff_login(reviewer, REVIEWER)
    found += _violations(page, reverse("admin:index"))
    to_do = (
        Assignment.objects.filter(reviewer__email=REVIEWER)
        .exclude(review__status=ReviewStatus.SUBMITTED)
        .order_by("id")
        .first()
    )
    review_path = reverse("admin:programs_assignment_review", args=[to_do.pk])
    found += _violations(page, review_path)
    expect(page.locator("#review-form")).to_be_visible()

    assert found == [], "\n".join(found)
    for context in (anonymous, founder, manager, reviewer):
        assert context.problems == []
