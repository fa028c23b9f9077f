"""Reviewing services: assignment, conflicts, scoring, blind review, reopening."""

from decimal import Decimal

import pytest
from django.core import mail

from portal.exceptions import NotAllowed
from portal.models import AuditEntry, Notification, NotificationKind
from programs.models import Assignment, ConflictOfInterest, Review
from programs.services import assignment as assigning
from programs.services import reviewing as services
from startups.enums import ApplicationStatus
from startups.models import Membership
from tests.factories import (
    CriterionFactory,
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    program = ProgramFactory(reviews_per_application=2)
    CriterionFactory(program=program, name="Innovation", weight=Decimal("3"))
    CriterionFactory(program=program, name="Team", weight=Decimal("1"), scale_min=0, scale_max=4)
    return program


@pytest.fixture
def boss():
    return manager()


def _scores(program, values):
    return {c.pk: (v, f"comment {v}") for c, v in zip(program.criteria.all(), values, strict=True)}


# --- Assignment -------------------------------------------------------------


def test_auto_assign_gives_each_application_k_reviewers_balanced(program, boss):
    pool = [reviewer() for _ in range(4)]
    apps = [submitted_application(program) for _ in range(6)]
    created = assigning.assignments_auto(program=program, actor=boss)
    assert len(created) == 12
    for app in apps:
        app.refresh_from_db()
        assert app.assignments.filter(status="active").count() == 2
        assert app.status == ApplicationStatus.UNDER_REVIEW
    loads = [Assignment.objects.filter(reviewer=r).count() for r in pool]
    assert sorted(loads) == [3, 3, 3, 3]


def test_auto_assign_is_idempotent(program, boss):
    [reviewer() for _ in range(3)]
    [submitted_application(program) for _ in range(4)]
    first = assigning.assignments_auto(program=program, actor=boss)
    again = assigning.assignments_auto(program=program, actor=boss)
    assert (len(first), again) == (8, [])
    assert Assignment.objects.count() == 8


def test_auto_assign_fills_only_the_new_gap(program, boss):
    [reviewer() for _ in range(3)]
    submitted_application(program)
    assigning.assignments_auto(program=program, actor=boss)
    late = submitted_application(program)
    created = assigning.assignments_auto(program=program, actor=boss)
    assert {a.application_id for a in created} == {late.pk}
    assert len(created) == 2


def test_auto_assign_avoids_team_members_and_company_domain(program, boss):
    founder = UserFactory(email="ceo@qazaqcold.kz")
    startup = StartupFactory(owner=founder)
    app = submitted_application(program, startup=startup)
    colleague = reviewer(email="analyst@qazaqcold.kz")
    gmail_reviewer = reviewer(email="expert@gmail.com")
    Membership.objects.create(startup=startup, user=UserFactory(email="cto@gmail.com"))
    member_reviewer = reviewer()
    Membership.objects.create(startup=startup, user=member_reviewer)
    others = [reviewer() for _ in range(2)]
    assigning.assignments_auto(program=program, actor=boss)
    assigned = set(app.assignments.values_list("reviewer_id", flat=True))
    assert colleague.pk not in assigned
    assert member_reviewer.pk not in assigned
    # A shared public mail domain is no conflict.
    assert assigned <= {gmail_reviewer.pk} | {o.pk for o in others}
    assert len(assigned) == 2


def test_auto_assign_not_enough_reviewers_is_a_clear_error(program, boss):
    reviewer()
    submitted_application(program)
    with pytest.raises(assigning.AssignmentRefused) as info:
        assigning.assignments_auto(program=program, actor=boss)
    assert "1 application cannot get 2 reviewers" in str(info.value)
    assert not Assignment.objects.exists()


def test_only_managers_assign(program):
    someone = reviewer()
    app = submitted_application(program)
    with pytest.raises(NotAllowed):
        assigning.assignments_auto(program=program, actor=someone)
    with pytest.raises(NotAllowed):
        assigning.assignment_create(application=app, reviewer=someone, actor=someone)


def test_manual_assignment_checks_conflicts_and_duplicates(program, boss):
    r = reviewer()
    app = submitted_application(program)
    ConflictOfInterest.objects.create(reviewer=r, startup=app.startup, reason="Former employer")
    with pytest.raises(assigning.AssignmentRefused) as info:
        assigning.assignment_create(application=app, reviewer=r, actor=boss)
    assert "Former employer" in str(info.value)
    other = reviewer()
    assigning.assignment_create(application=app, reviewer=other, actor=boss)
    with pytest.raises(assigning.AssignmentRefused):
        assigning.assignment_create(application=app, reviewer=other, actor=boss)


def test_manual_assignment_refuses_drafts_and_non_reviewers(program, boss):
    from tests.factories import ApplicationFactory

    draft = ApplicationFactory(program=program)
    with pytest.raises(assigning.AssignmentRefused):
        assigning.assignment_create(application=draft, reviewer=reviewer(), actor=boss)
    app = submitted_application(program)
    with pytest.raises(assigning.AssignmentRefused):
        assigning.assignment_create(application=app, reviewer=UserFactory(), actor=boss)


def test_assignment_notifies_the_reviewer(program, boss, django_capture_on_commit_callbacks):
    r = reviewer(preferred_language="ru")
    app = submitted_application(program)
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assigning.assignment_create(application=app, reviewer=r, actor=boss)
    row = Notification.objects.get(kind=NotificationKind.REVIEWER_ASSIGNED)
    assert (row.email, row.language, row.status) == (r.email, "ru", "sent")
    assert assignment.get_review_url() in mail.outbox[0].body


def test_declaring_conflict_releases_records_and_reassigns(program, boss):
    pool = [reviewer() for _ in range(3)]
    app = submitted_application(program)
    assigning.assignments_auto(program=program, actor=boss)
    assignment = app.assignments.first()
    leaving = assignment.reviewer
    replacement = assigning.conflict_declare(
        assignment=assignment, reviewer=leaving, reason="I advise this team."
    )
    assignment.refresh_from_db()
    assert (assignment.status, assignment.conflict, assignment.release_reason) == (
        "released",
        True,
        "I advise this team.",
    )
    assert ConflictOfInterest.objects.filter(reviewer=leaving, startup=app.startup).exists()
    assert replacement is not None and replacement.reviewer_id != leaving.pk
    active = set(app.assignments.filter(status="active").values_list("reviewer_id", flat=True))
    assert active == {p.pk for p in pool} - {leaving.pk}
    assert AuditEntry.objects.filter(action="assignment.conflict").count() == 1


def test_conflict_declared_in_advance_blocks_assignment(program, boss):
    pool = [reviewer() for _ in range(3)]
    app = submitted_application(program)
    assigning.conflict_declare_in_advance(reviewer=pool[0], startup=app.startup, reason="Investor")
    assigning.assignments_auto(program=program, actor=boss)
    assert not app.assignments.filter(reviewer=pool[0]).exists()


def test_conflict_needs_a_reason(program, boss):
    [reviewer() for _ in range(2)]
    app = submitted_application(program)
    assigning.assignments_auto(program=program, actor=boss)
    a = app.assignments.first()
    with pytest.raises(services.ReviewRefused):
        assigning.conflict_declare(assignment=a, reviewer=a.reviewer, reason="  ")


# --- Scoring ------------------------------------------------------------------


@pytest.fixture
def assigned(program, boss):
    [reviewer() for _ in range(2)]
    app = submitted_application(program)
    assigning.assignments_auto(program=program, actor=boss)
    return list(app.assignments.select_related("reviewer").order_by("id"))


def test_review_total_is_weighted_and_scaled_to_100():
    # Innovation 7 on 1..10 (weight 3) and Team 4 on 0..4 (weight 1):
    # (3 * 6/9 + 1 * 4/4) / 4 * 100 = (2 + 1) / 4 * 100 = 75
    total = services.review_total([(7, Decimal(3), 1, 10), (4, Decimal(1), 0, 4)])
    assert total == Decimal("75.000")
    assert services.review_total([(1, Decimal(2), 1, 10), (0, Decimal(1), 0, 4)]) == 0
    assert services.review_total([(10, Decimal(2), 1, 10), (4, Decimal(1), 0, 4)]) == 100


def test_draft_then_submit(program, assigned):
    a = assigned[0]
    draft = services.review_save(
        assignment=a,
        reviewer=a.reviewer,
        scores=_scores(program, [7, None]),
        recommendation="",
        note="",
        submit=False,
    )
    assert (draft.status, draft.total, draft.scores.count()) == ("draft", None, 1)
    submitted = services.review_save(
        assignment=a,
        reviewer=a.reviewer,
        scores=_scores(program, [7, 4]),
        recommendation="fund",
        note="Strong team",
        submit=True,
    )
    assert (submitted.status, submitted.total, submitted.recommendation) == (
        "submitted",
        Decimal("75.000"),
        "fund",
    )
    entry = AuditEntry.objects.get(action="review.submit")
    assert entry.after["total"] == "75.000"


def test_submit_requires_every_score_and_a_recommendation(program, assigned):
    a = assigned[0]
    with pytest.raises(services.ReviewRefused) as info:
        services.review_save(
            assignment=a,
            reviewer=a.reviewer,
            scores=_scores(program, [7, None]),
            recommendation="",
            note="",
            submit=True,
        )
    assert info.value.messages == [
        "Score every criterion before submitting; missing: Team.",
        "Choose a recommendation before submitting.",
    ]
    assert not Review.objects.filter(status="submitted").exists()


def test_score_outside_the_scale_is_refused(program, assigned):
    a = assigned[0]
    with pytest.raises(services.ReviewRefused) as info:
        services.review_save(
            assignment=a,
            reviewer=a.reviewer,
            scores=_scores(program, [11, 0]),
            recommendation="",
            note="",
            submit=False,
        )
    assert info.value.messages == ["Innovation: the score must be from 1 to 10."]


def test_submitted_review_is_locked_then_reopened_by_manager(program, assigned, boss):
    a = assigned[0]
    review = services.review_save(
        assignment=a,
        reviewer=a.reviewer,
        scores=_scores(program, [7, 4]),
        recommendation="fund",
        note="",
        submit=True,
    )
    with pytest.raises(services.ReviewRefused):
        services.review_save(
            assignment=a,
            reviewer=a.reviewer,
            scores=_scores(program, [1, 0]),
            recommendation="do_not_fund",
            note="",
            submit=True,
        )
    with pytest.raises(NotAllowed):
        services.review_reopen(review=review, actor=a.reviewer)
    services.review_reopen(review=review, actor=boss, note="Score 2 looks like a typo")
    review.refresh_from_db()
    assert (review.status, review.total, review.reopened_count) == ("draft", None, 1)
    assert AuditEntry.objects.get(action="review.reopen").note == "Score 2 looks like a typo"


def test_reviewer_cannot_save_anothers_review(program, assigned):
    mine, theirs = assigned
    with pytest.raises(NotAllowed):
        services.review_save(
            assignment=theirs,
            reviewer=mine.reviewer,
            scores={},
            recommendation="",
            note="",
            submit=False,
        )


def test_remind_overdue_reviewers_once_a_day(
    program, assigned, boss, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    program.review_deadline = timezone.now() - timedelta(hours=1)
    program.closes_at = timezone.now() - timedelta(days=1)
    program.opens_at = timezone.now() - timedelta(days=20)
    program.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reviewers_remind_overdue(program=program, actor=boss) == 2
        assert services.reviewers_remind_overdue(program=program, actor=boss) == 0
    assert Notification.objects.filter(kind=NotificationKind.REVIEW_OVERDUE).count() == 2


def test_first_assignment_after_the_call_moves_program_to_reviewing(boss):
    program = ProgramFactory(closed=True, reviews_per_application=1)
    reviewer()
    submitted_application(program)
    assigning.assignments_auto(program=program, actor=boss)
    program.refresh_from_db()
    assert program.status == "reviewing"


def test_assignment_during_the_call_keeps_program_open(program, boss):
    [reviewer() for _ in range(2)]
    submitted_application(program)
    assigning.assignments_auto(program=program, actor=boss)
    program.refresh_from_db()
    assert program.status == "open"


def test_program_status_machine_refuses_skips():
    from portal.transitions import TransitionRefused
    from programs.services.programs import program_set_status

    program = ProgramFactory(draft=True)
    with pytest.raises(TransitionRefused):
        program_set_status(program=program, to="decided", actor=None)
    program_set_status(program=program, to="open", actor=None)
    program.refresh_from_db()
    assert program.status == "open"
