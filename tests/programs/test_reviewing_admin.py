"""Reviewing through the admin URLs: who sees and changes what."""

import pytest
from django.urls import reverse

from programs.models import Review
from programs.services import assignment as assigning
from programs.services import reviewing as services
from tests.factories import (
    CriterionFactory,
    ProgramFactory,
    UserFactory,
    manager,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    program = ProgramFactory(reviews_per_application=2)
    CriterionFactory(program=program, name="Innovation")
    CriterionFactory(program=program, name="Team")
    boss = manager()
    alice, bob, carol = reviewer(), reviewer(), reviewer()
    shared = submitted_application(program)
    assigning.assignment_create(application=shared, reviewer=alice, actor=boss)
    assigning.assignment_create(application=shared, reviewer=bob, actor=boss)
    other = submitted_application(program)
    assigning.assignment_create(application=other, reviewer=carol, actor=boss)
    assigning.assignment_create(application=other, reviewer=bob, actor=boss)
    return {
        "program": program,
        "boss": boss,
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "shared": shared,
        "other": other,
        "a_alice": shared.assignments.get(reviewer=alice),
        "a_bob": shared.assignments.get(reviewer=bob),
        "a_carol": other.assignments.get(reviewer=carol),
    }


def _post_review(client, assignment, values, submit):
    data = {"recommendation": "fund" if submit else "", "note": ""}
    for criterion, value in zip(assignment.program.criteria.all(), values, strict=True):
        data[f"score_{criterion.pk}"] = str(value)
        data[f"comment_{criterion.pk}"] = ""
    data["submit" if submit else "save"] = "1"
    return client.post(assignment.get_review_url(), data)


def test_reviewer_home_shows_only_own_queue(client, setup):
    client.force_login(setup["alice"])
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert 'id="reviewer-queue"' in page.text
    assert setup["shared"].startup.name in page.text
    assert setup["other"].startup.name not in page.text


def test_reviewer_assignment_list_is_own_only(client, setup):
    client.force_login(setup["alice"])
    page = client.get(reverse("admin:programs_assignment_changelist"))
    assert page.status_code == 200
    assert setup["shared"].startup.name in page.text
    assert setup["other"].startup.name not in page.text
    assert setup["bob"].email not in page.text  # no other reviewer's name


@pytest.mark.parametrize(
    "name",
    [
        "admin:portal_user_changelist",
        "admin:startups_program_changelist",
        "admin:startups_application_changelist",
        "admin:startups_startup_changelist",
        "admin:portal_notification_changelist",
        "admin:portal_auditentry_changelist",
    ],
)
def test_reviewer_sees_no_users_money_or_applications_list(client, setup, name):
    client.force_login(setup["alice"])
    assert client.get(reverse(name)).status_code == 403


def test_reviewer_cannot_open_unassigned_review_page(client, setup):
    client.force_login(setup["alice"])
    assert client.get(setup["a_carol"].get_review_url()).status_code == 404
    assert client.get(setup["a_bob"].get_review_url()).status_code == 404


def test_reviewer_cannot_open_other_assignment_change_page(client, setup):
    client.force_login(setup["alice"])
    url = reverse("admin:programs_assignment_change", args=[setup["a_carol"].pk])
    assert client.get(url).status_code == 404


def test_reviewer_cannot_edit_anothers_review(client, setup):
    client.force_login(setup["alice"])
    response = _post_review(client, setup["a_bob"], [5, 5], submit=True)
    assert response.status_code == 404
    assert not Review.objects.exists()


def test_reviewer_scores_submits_and_is_then_locked(client, setup):
    client.force_login(setup["alice"])
    assert _post_review(client, setup["a_alice"], [7, 3], submit=False).status_code == 302
    assert Review.objects.get().status == "draft"
    assert _post_review(client, setup["a_alice"], [7, 3], submit=True).status_code == 302
    review = Review.objects.get()
    assert review.status == "submitted"
    changed = _post_review(client, setup["a_alice"], [1, 1], submit=True)
    assert changed.status_code == 403
    review.refresh_from_db()
    assert review.scores.order_by("criterion__position", "criterion_id").first().value == 7


def test_reviewer_cannot_change_review_in_review_admin(client, setup):
    client.force_login(setup["bob"])
    _post_review(client, setup["a_bob"], [4, 4], submit=True)
    client.force_login(setup["alice"])
    url = reverse("admin:programs_review_change", args=[Review.objects.get().pk])
    assert client.get(url).status_code == 404
    listing = client.get(reverse("admin:programs_review_changelist"))
    assert listing.status_code == 200
    assert "0 reviews" in listing.text or "0 of" in listing.text or "review" in listing.text


def test_blind_until_own_review_is_submitted(client, setup):
    client.force_login(setup["bob"])
    _post_review(client, setup["a_bob"], [9, 9], submit=True)
    client.force_login(setup["alice"])
    before = client.get(setup["a_alice"].get_review_url())
    assert 'id="blind-note"' in before.text
    assert 'class="other-review"' not in before.text
    _post_review(client, setup["a_alice"], [2, 2], submit=True)
    after = client.get(setup["a_alice"].get_review_url())
    assert 'class="other-review"' in after.text
    assert "Reviewer 1" in after.text
    assert setup["bob"].email not in after.text


def test_program_may_show_scores_before_submitting(client, setup):
    program = setup["program"]
    program.reviewers_see_others_before_submit = True
    program.save()
    client.force_login(setup["bob"])
    _post_review(client, setup["a_bob"], [9, 9], submit=True)
    client.force_login(setup["alice"])
    assert 'class="other-review"' in client.get(setup["a_alice"].get_review_url()).text


def test_reviewer_downloads_only_assigned_decks(client, setup):
    client.force_login(setup["alice"])
    own = client.get(reverse("admin:programs_assignment_pitch_deck", args=[setup["a_alice"].pk]))
    assert own.status_code == 200
    assert own["Content-Disposition"] == (
        f'attachment; filename="pitch-deck-{setup["a_alice"].application_id}.pdf"'
    )
    others = client.get(reverse("admin:programs_assignment_pitch_deck", args=[setup["a_bob"].pk]))
    assert others.status_code == 404
    # The founders' route is the team's: a reviewer is not let in there.
    assert client.get(reverse("startups:pitch_deck", args=[setup["shared"].pk])).status_code == 404
    assert client.get(reverse("startups:pitch_deck", args=[setup["other"].pk])).status_code == 404


def test_conflict_through_the_admin_reassigns(client, setup):
    extra = reviewer()
    client.force_login(setup["alice"])
    url = reverse("admin:programs_assignment_conflict", args=[setup["a_alice"].pk])
    response = client.post(url, {"reason": "My brother's company"})
    assert response.status_code == 302
    active = set(
        setup["shared"].assignments.filter(status="active").values_list("reviewer", flat=True)
    )
    assert setup["alice"].pk not in active
    assert len(active) == 2
    assert extra.pk in active or setup["carol"].pk in active


def test_conflict_on_anothers_assignment_is_404(client, setup):
    client.force_login(setup["alice"])
    url = reverse("admin:programs_assignment_conflict", args=[setup["a_bob"].pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert setup["a_bob"].__class__.objects.get(pk=setup["a_bob"].pk).status == "active"


def test_manager_reads_any_review_but_cannot_write_it(client, setup):
    client.force_login(setup["boss"])
    page = client.get(setup["a_carol"].get_review_url())
    assert page.status_code == 200
    assert _post_review(client, setup["a_carol"], [3, 3], submit=True).status_code == 404


def test_manager_assigns_automatically_from_program_admin(
    client, setup, django_capture_on_commit_callbacks
):
    late = submitted_application(setup["program"])
    client.force_login(setup["boss"])
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            reverse("admin:startups_program_changelist"),
            {"action": "assign_automatically", "_selected_action": [setup["program"].pk]},
        )
    # A background job: its progress page opens the result when it is done.
    response = client.get(started["Location"], follow=True)
    assert "2 assignments made" in response.text
    assert late.assignments.filter(status="active").count() == 2


def test_manager_progress_page_and_reminder(client, setup):
    client.force_login(setup["boss"])
    url = reverse("admin:startups_program_progress", args=[setup["program"].pk])
    page = client.get(url)
    assert page.status_code == 200
    assert setup["alice"].email in page.text
    incomplete = client.get(url + "?applications=incomplete")
    assert setup["shared"].startup.name in incomplete.text
    response = client.post(url, {"remind": "1"}, follow=True)
    assert "Reminders sent: 0." in response.text  # nobody is late yet


def test_reviewer_cannot_open_progress_page(client, setup):
    client.force_login(setup["alice"])
    url = reverse("admin:startups_program_progress", args=[setup["program"].pk])
    assert client.get(url).status_code in (403, 404)


def test_manager_adds_assignment_by_hand(client, setup):
    late = submitted_application(setup["program"])
    client.force_login(setup["boss"])
    response = client.post(
        reverse("admin:programs_assignment_add"),
        {"application": late.pk, "reviewer": setup["alice"].pk},
    )
    assert response.status_code == 302
    assert late.assignments.get().reviewer == setup["alice"]


def test_non_staff_and_plain_staff_get_nothing(client, setup):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(setup["a_alice"].get_review_url()).status_code == 404
    page = client.get(reverse("admin:programs_assignment_changelist"))
    assert page.status_code == 403


@pytest.mark.parametrize("rows", [2, 20])
def test_review_changelists_keep_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, rows
):
    program = ProgramFactory(reviews_per_application=1)
    CriterionFactory(program=program)
    boss = manager()
    pool = [reviewer() for _ in range(2)]
    for _ in range(rows):
        submitted_application(program)
    assigning.assignments_auto(program=program, actor=boss)
    for assignment in program.assignments.all():
        services.review_save(
            assignment=assignment,
            reviewer=assignment.reviewer,
            scores={program.criteria.get().pk: (5, "")},
            recommendation="maybe",
            note="",
            submit=True,
        )
    client.force_login(boss)
    for name in ("admin:programs_assignment_changelist", "admin:programs_review_changelist"):
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200
    with django_assert_max_num_queries(14):
        url = reverse("admin:startups_program_progress", args=[program.pk])
        assert client.get(url).status_code == 200
    client.force_login(pool[0])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("admin:index")).status_code == 200
