"""Reviewing and selection in the Django admin, in a real browser.

Two journeys on a closed program whose reviewers were assigned
automatically: a reviewer scores an application blind, then sees the other
(anonymised) review once hers is submitted; a program manager selects up
to the cap on the selection board, asks for a suggestion, checks the
review progress and finalises the decisions. Screenshots for the
documentation are taken on the way.
"""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portal.models import Job
from programs.models import Assignment, Review, ReviewStatus
from programs.services import assignment as assigning
from programs.services import reviewing
from startups.enums import ApplicationStatus
from tests.factories import (
    PASSWORD,
    CriterionFactory,
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    reviewer,
    submitted_application,
)
from tests.mfa_helpers import current_code, give_totp

pytestmark = pytest.mark.browser

# name, sector, region, requested amount (KZT), problem, solution
STARTUPS = [
    (
        "Qazaq Cold Chain",
        "agritech",
        "turkistan",
        "15000000",
        "Farms lose a third of the harvest before it sells.",
        "Shared cold storage rented by the pallet and the week.",
    ),
    (
        "Steppe Solar",
        "greentech",
        "karaganda",
        "18000000",
        "Remote villages pay a fortune for diesel power.",
        "Solar micro-grids leased to village co-operatives.",
    ),
    (
        "Nomad Pay",
        "fintech",
        "almaty-city",
        "12000000",
        "Bazaar traders cannot take card payments.",
        "QR payments on a phone, settled the same day.",
    ),
    (
        "Clinic Queue",
        "healthtech",
        "astana",
        "10000000",
        "Patients wait hours in line to see a doctor.",
        "Online booking and queue tracking for public clinics.",
    ),
    (
        "Tutor Steppe",
        "edtech",
        "shymkent",
        "14000000",
        "Rural pupils have no access to maths tutors.",
        "Live online tutoring in Kazakh and Russian.",
    ),
]
# Each reviewer's scores per startup index: (innovation, team).
SCORES = {
    "bob": [(9, 8), (6, 7), (8, 6), (4, 5), (7, 7)],
    "carol": [(8, 9), (7, 5), (9, 8), (5, 4), (6, 6)],
    "alice": [(8, 7), (5, 6), (9, 9), (3, 4), (7, 8)],
}
RECOMMENDATION = {"bob": "fund", "carol": "maybe", "alice": "fund"}


def _program_under_review(tmp_path, settings, *, submitting: tuple[str, ...]):
    """A closed program, 5 submitted applications, reviewers assigned automatically.

    The reviewers named in `submitting` have submitted all their reviews.
    """
    # Pitch decks go to a throwaway directory, not the project's media/.
    settings.MEDIA_ROOT = tmp_path / "media"
    program = ProgramFactory(
        name="Startup Kazakhstan 2026",
        closed=True,
        reviews_per_application=2,
        selection_cap=2,
        total_budget=Decimal("40000000"),
    )
    innovation = CriterionFactory(
        program=program, name="Innovation", weight=Decimal("2"), position=1
    )
    team = CriterionFactory(program=program, name="Team", weight=Decimal("1"), position=2)
    people = {
        "alice": reviewer(full_name="Alice Akhmetova", email="alice@reviewers.example.kz"),
        "bob": reviewer(full_name="Bob Serikov", email="bob@reviewers.example.kz"),
        "carol": reviewer(full_name="Carol Zhumabayeva", email="carol@reviewers.example.kz"),
        "boss": manager(full_name="Madina Manager", email="madina@astanahub.example.kz"),
    }
    applications = []
    for name, sector, region, amount, problem, solution in STARTUPS:
        startup = StartupFactory(
            name=name, sector=sector, region=region, description=solution, owner=UserFactory()
        )
        applications.append(
            submitted_application(
                program,
                startup=startup,
                requested_amount=Decimal(amount),
                problem=problem,
                solution=solution,
            )
        )
    created = assigning.assignments_auto(program=program, actor=people["boss"])
    assert len(created) == 2 * len(applications)
    for who in submitting:
        for assignment in Assignment.objects.filter(reviewer=people[who]).order_by("id"):
            index = applications.index(assignment.application)
            first, second = SCORES[who][index]
            reviewing.review_save(
                assignment=assignment,
                reviewer=people[who],
                scores={innovation.pk: (first, ""), team.pk: (second, "Strong founders.")},
                recommendation=RECOMMENDATION[who],
                note="",
                submit=True,
            )
    return {
        "program": program,
        "criteria": (innovation, team),
        "applications": applications,
        **people,
    }


def _admin_login(context, user):
    """Staff sign in through allauth's form, then with their authenticator code."""
    page = context.new_page()
    page.goto("/admin/login/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/admin/$"))
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.fill("#id_code", current_code(give_totp(user)))
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    return page


def _messages(page, level: str):
    return page.locator(f"ul.messagelist li.{level}")


def test_reviewer_flow_blind_review_then_others_scores(
    new_context, live_server, screenshot_dir, settings, tmp_path
):
    setup = _program_under_review(tmp_path, settings, submitting=("bob",))
    alice, bob = setup["alice"], setup["bob"]
    innovation, team = setup["criteria"]
    own = Assignment.objects.filter(reviewer=alice).select_related("application__startup")
    own_names = sorted(a.application.startup.name for a in own)
    # The application Alice will review is one Bob has already reviewed.
    shared = next(
        a for a in own.order_by("id") if a.application.assignments.filter(reviewer=bob).exists()
    )
    startup_name = shared.application.startup.name
    bob_review = Review.objects.get(
        assignment__application=shared.application, assignment__reviewer=bob
    )
    assert bob_review.status == ReviewStatus.SUBMITTED

    context = new_context()
    page = _admin_login(context, alice)

    # --- The admin home: Alice's queue, and only hers ---------------------------
    queue = page.locator("#reviewer-queue")
    expect(queue.locator("h2")).to_have_text("My review queue")
    rows = queue.locator("tr.queue-row")
    expect(rows).to_have_count(len(own_names))
    assert sorted(rows.locator("td:first-child").all_inner_texts()) == own_names
    expect(queue.locator("tr.queue-todo")).to_have_count(len(own_names))
    expect(queue.locator("p.help")).to_have_text(
        f"To do: {len(own_names)} · in progress: 0 · submitted: 0"
    )
    page.screenshot(path=screenshot_dir / "admin-reviewer-queue.png", full_page=True)

    # --- The review page: the answers, and a blind note instead of Bob's scores ---
    queue.locator("tr.queue-row", has_text=startup_name).get_by_role("link", name="Review").click()
    review_url = live_server.url + reverse("admin:programs_assignment_review", args=[shared.pk])
    expect(page).to_have_url(review_url)
    expect(page.locator("#application h2")).to_have_text(
        f"{startup_name} · Startup Kazakhstan 2026"
    )
    answers = page.locator("#application .answers")
    expect(answers).to_contain_text(shared.application.problem)
    expect(answers).to_contain_text(shared.application.solution)
    expect(page.locator("#pitch-deck-link")).to_be_visible()
    expect(page.locator("#blind-note")).to_have_text(
        "Other reviewers' scores are shown after you submit your own review."
    )
    expect(page.locator("#other-reviews")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(bob.full_name)

    # --- Score, comment, recommend: save a draft first -------------------------------
    page.select_option(f'select[name="score_{innovation.pk}"]', "8")
    page.fill(f'textarea[name="comment_{innovation.pk}"]', "A new take on an old problem.")
    page.select_option(f'select[name="score_{team.pk}"]', "7")
    page.fill(f'textarea[name="comment_{team.pk}"]', "Needs a sales lead.")
    page.check('input[name="recommendation"][value="fund"]')
    page.fill('textarea[name="note"]', "Worth a pilot grant.")
    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_url(review_url)
    expect(_messages(page, "success")).to_have_text("Draft saved.")
    # The draft comes back in the form, still blind.
    expect(page.locator(f'select[name="score_{innovation.pk}"]')).to_have_value("8")
    expect(page.locator(f'select[name="score_{team.pk}"]')).to_have_value("7")
    expect(page.locator('input[name="recommendation"][value="fund"]')).to_be_checked()
    expect(page.locator(f'textarea[name="comment_{team.pk}"]')).to_have_value("Needs a sales lead.")
    expect(page.locator("#blind-note")).to_be_visible()
    expect(page.locator("#review-form h2")).to_contain_text("Draft")
    page.screenshot(path=screenshot_dir / "admin-review.png", full_page=True)

    # --- Submit: the scores lock and Bob's review appears, anonymised --------------
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page).to_have_url(review_url)
    expect(_messages(page, "success")).to_have_text("Your review is submitted.")
    review = Review.objects.get(assignment=shared)
    expected_total = reviewing.review_total(
        [(8, innovation.weight, 1, 10), (7, team.weight, 1, 10)]
    )
    assert (review.status, review.total, review.recommendation) == (
        ReviewStatus.SUBMITTED,
        expected_total,
        "fund",
    )
    expect(page.locator("#review-form form")).to_have_count(0)
    locked = page.locator(".locked-score")
    expect(locked).to_have_count(2)
    expect(locked.nth(0)).to_contain_text("Innovation: 8 / 10")
    expect(locked.nth(0)).to_contain_text("A new take on an old problem.")
    expect(locked.nth(1)).to_contain_text("Team: 7 / 10")
    expect(page.locator("#review-total")).to_have_text(f"{expected_total:.1f}")
    expect(page.locator("#blind-note")).to_have_count(0)

    others = page.locator("#other-reviews tr.other-review")
    expect(others).to_have_count(1)
    expect(others.locator("td").nth(0)).to_have_text("Reviewer 1")
    expect(others.locator("td").nth(1)).to_have_text(f"{bob_review.total:.1f}")
    expect(others.locator("td").nth(2)).to_have_text("Fund")
    bob_first, bob_second = SCORES["bob"][setup["applications"].index(shared.application)]
    expect(others.locator("td").nth(3)).to_contain_text(f"Innovation: {bob_first}")
    expect(others.locator("td").nth(3)).to_contain_text(f"Team: {bob_second} — Strong founders.")
    expect(page.locator("#other-reviews")).not_to_contain_text(bob.full_name)
    expect(page.locator("#other-reviews")).not_to_contain_text(bob.email)

    # --- Back home: the application has moved to "Submitted" ------------------------
    page.goto("/admin/")
    done = page.locator("#reviewer-queue tr.queue-submitted")
    expect(done).to_have_count(1)
    expect(done).to_contain_text(startup_name)
    expect(done.get_by_role("link", name="View")).to_be_visible()

    # Nothing failed quietly on the way: no 4xx/5xx (static files included), no JS error.
    assert context.problems == []


def test_manager_flow_board_cap_suggestion_progress_finalise(
    new_context, live_server, screenshot_dir, settings, tmp_path
):
    setup = _program_under_review(tmp_path, settings, submitting=("alice", "bob", "carol"))
    program = setup["program"]
    board_url = live_server.url + reverse("admin:startups_program_board", args=[program.pk])

    context = new_context()
    page = _admin_login(context, setup["boss"])

    # --- From the program list to the selection board ----------------------------------
    page.goto("/admin/startups/program/")
    row = page.locator("#result_list tbody tr", has_text=program.name)
    row.get_by_role("link", name="Selection board").click()
    expect(page).to_have_url(board_url)
    expect(page.locator("#selected-of-cap")).to_have_text("Selected 0 of 2")
    board_rows = page.locator("#board tr.board-row")
    expect(board_rows).to_have_count(len(STARTUPS))
    # Every application has its 2 reviews: no "too few reviews" or "discuss" flag
    # (the cut-off marks, "too close to call" and "tie", are about the scores).
    expect(board_rows.locator(".flag:not(.too-close):not(.tie)")).to_have_count(0)

    # --- Select the two best-ranked applications --------------------------------------
    ranked = board_rows.locator("td:nth-child(3)").all_inner_texts()
    board_rows.nth(0).locator('input[name="ids"]').check()
    board_rows.nth(1).locator('input[name="ids"]').check()
    page.select_option('select[name="decision"]', label="Select")
    page.get_by_role("button", name="Apply to ticked").click()
    expect(page).to_have_url(board_url)
    expect(_messages(page, "success")).to_have_text("Decisions recorded: 2.")
    expect(page.locator("#selected-of-cap")).to_have_text("Selected 2 of 2")
    expect(page.locator("#selection-header")).to_contain_text("cap reached")
    selected = set(ranked[:2])
    expect(board_rows.filter(has_text="Selected")).to_have_count(2)
    page.screenshot(path=screenshot_dir / "admin-board.png", full_page=True)

    # --- A third one is refused: the cap is a hard limit ---------------------------------
    board_rows.filter(has_text=ranked[2]).locator('input[name="ids"]').check()
    page.select_option('select[name="decision"]', label="Select")
    page.get_by_role("button", name="Apply to ticked").click()
    expect(page).to_have_url(board_url)
    expect(_messages(page, "error")).to_contain_text(
        f"{ranked[2]} was not selected: the cap of 2 selected projects is reached."
    )
    expect(_messages(page, "success")).to_have_count(0)
    expect(page.locator("#selected-of-cap")).to_have_text("Selected 2 of 2")
    chosen = {
        a.startup.name
        for a in program.applications.filter(status=ApplicationStatus.SELECTED).select_related(
            "startup"
        )
    }
    assert chosen == selected

    # --- The suggestion keeps the two selected -----------------------------------------
    page.get_by_role("link", name="Suggest selection").click()
    expect(page).to_have_url(re.compile(r"/admin/startups/program/\d+/suggest/$"))
    expect(page.locator("#suggestion")).to_have_count(0)
    # The suggestion is a background job: the form posts, the progress page answers
    # and (eager here, so already done) opens the result page.
    navigations = []
    page.on("response", lambda r: navigations.append((r.request.method, r.url, r.status)))
    page.get_by_role("button", name="Suggest selection").click()
    expect(page).to_have_url(re.compile(r"/admin/startups/program/\d+/suggest/\d+/$"))
    assert [(m, re.sub(r"^https?://[^/]+", "", u), s) for m, u, s in navigations[:2]] == [
        ("POST", f"/admin/startups/program/{program.pk}/suggest/", 302),
        ("GET", f"/admin/jobs/{Job.objects.get(kind='programs.suggestion').pk}/", 302),
    ]
    suggestion = page.locator("#suggestion")
    expect(suggestion).to_contain_text("Suggested: 2 projects")
    # The result page: the chosen and the left-out, a page at a time.
    expect(suggestion.locator("#suggest-chosen tbody tr")).to_have_count(2)
    expect(suggestion.locator("#suggest-out tbody tr")).to_have_count(len(STARTUPS) - 2)
    suggested_in = suggestion.locator("#suggest-chosen tr.suggested-in td:nth-child(2)")
    expect(suggested_in).to_have_count(2)
    assert {re.sub(r"\s*\(marginal\)$", "", t) for t in suggested_in.all_inner_texts()} == selected
    expect(page.locator("#suggest-problems")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "admin-suggest.png", full_page=True)

    # --- Review progress -----------------------------------------------------------------
    page.goto(board_url)
    page.get_by_role("link", name="Review progress").click()
    expect(page).to_have_url(re.compile(r"/admin/startups/program/\d+/progress/$"))
    expect(page.locator("#content")).to_contain_text(
        "Assignments: 10 · reviews submitted: 10 · required per application: 2"
    )
    reviewers = page.locator("#progress-reviewers tbody tr")
    expect(reviewers).to_have_count(3)
    for who in ("alice", "bob", "carol"):
        expect(reviewers.filter(has_text=setup[who].email)).to_have_count(1)
    applications = page.locator("#progress-applications tbody tr")
    expect(applications).to_have_count(len(STARTUPS))
    expect(applications.filter(has_text="2 / 2")).to_have_count(len(STARTUPS))
    page.screenshot(path=screenshot_dir / "admin-progress.png", full_page=True)

    # --- Finalise: the undecided three are not selected ----------------------------------
    page.goto(board_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Finalise decisions").click()
    # Finalising is a background job too: its result page says what it did.
    expect(page).to_have_url(re.compile(r"/admin/startups/program/\d+/jobs/\d+/$"))
    # The two selected teams were told when selected: only the three others now.
    expect(page.locator("#job-result")).to_contain_text(
        "Decisions finalised: 2 selected, 0 waitlisted, 3 not selected; 3 e-mails queued."
    )
    page.goto(board_url)
    expect(page.locator("#selection-header")).to_contain_text("Status: Decided")
    statuses = sorted(program.applications.values_list("status", flat=True))
    assert statuses == ["rejected"] * 3 + ["selected"] * 2

    # Nothing failed quietly on the way: no 4xx/5xx (static files included), no JS error.
    assert context.problems == []
