"""The programs app's permissions, answered for each kind of user."""

from decimal import Decimal

import pytest
import rules
from django.utils import timezone

from programs.models import Assignment, Review, ReviewStatus
from tests.factories import ApplicationFactory, UserFactory, manager, reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    application = ApplicationFactory()
    alice = reviewer()
    assignment = Assignment.objects.create(
        program=application.program, application=application, reviewer=alice
    )
    return {
        "assignment": assignment,
        "alice": alice,
        "bob": reviewer(),
        "boss": manager(),
        "root": UserFactory(is_staff=True, is_superuser=True),
        "founder": UserFactory(),
    }


def _submit(assignment):
    Review.objects.create(
        assignment=assignment,
        status=ReviewStatus.SUBMITTED,
        total=Decimal("50"),
        recommendation="fund",
        submitted_at=timezone.now(),
    )


def test_manage_programs_is_the_managers_and_the_superusers(world):
    answers = {
        name: world[name].has_perm("programs.manage_programs")
        for name in ["alice", "boss", "root", "founder"]
    }
    assert answers == {"alice": False, "boss": True, "root": True, "founder": False}


def test_review_applications_is_the_reviewers_role_alone(world):
    answers = {
        name: rules.has_perm("programs.review_applications", world[name])
        for name in ["alice", "boss", "root", "founder"]
    }
    assert answers == {"alice": True, "boss": False, "root": False, "founder": False}


def test_review_assignment_is_its_own_reviewers_alone(world):
    assignment = world["assignment"]
    answers = {
        name: rules.has_perm("programs.review_assignment", world[name], assignment)
        for name in ["alice", "bob", "boss", "root"]
    }
    assert answers == {"alice": True, "bob": False, "boss": False, "root": False}


def test_edit_review_is_refused_once_the_review_is_locked(world):
    assignment, alice = world["assignment"], world["alice"]
    assert rules.has_perm("programs.edit_review", alice, assignment) is True
    assert rules.has_perm("programs.edit_review", world["bob"], assignment) is False
    _submit(assignment)
    assert rules.has_perm("programs.edit_review", alice, assignment) is False
    # A superuser gets no shortcut past the lock when the rules are asked.
    assert rules.has_perm("programs.edit_review", world["root"], assignment) is False


def test_see_other_reviews_after_submitting_or_when_the_program_allows(world):
    assignment, alice = world["assignment"], world["alice"]
    assert alice.has_perm("programs.see_other_reviews", assignment) is False
    assert world["boss"].has_perm("programs.see_other_reviews", assignment) is True
    program = assignment.program
    program.reviewers_see_others_before_submit = True
    program.save(update_fields=["reviewers_see_others_before_submit"])
    assignment.refresh_from_db()
    assert alice.has_perm("programs.see_other_reviews", assignment) is True
    program.reviewers_see_others_before_submit = False
    program.save(update_fields=["reviewers_see_others_before_submit"])
    assignment.refresh_from_db()
    _submit(assignment)
    assert alice.has_perm("programs.see_other_reviews", assignment) is True


def test_reviewers_read_the_deck_through_their_assignment_not_the_founders_rule(world):
    """No cross-app override: the team's rule stays the team's (and managers')."""
    assignment = world["assignment"]
    application = assignment.application
    assert world["alice"].has_perm("startups.download_pitch_deck", application) is False
    assert world["bob"].has_perm("startups.download_pitch_deck", application) is False
    assert world["alice"].has_perm("programs.review_assignment", assignment) is True
    assert world["bob"].has_perm("programs.review_assignment", assignment) is False
