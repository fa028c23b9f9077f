"""Reads for the review progress page and the review page, counted in SQL."""

from datetime import timedelta

import pytest
from django.utils import timezone

from programs import selectors
from programs.services import assignment as assigning
from programs.services import reviewing
from startups.models import Program
from tests.factories import (
    CriterionFactory,
    ProgramFactory,
    manager,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def progress():
    """Two reviews wanted per application: a has both reviewers (one submitted),
    b has one reviewer (nothing submitted), c has none."""
    program = ProgramFactory(reviews_per_application=2)
    criterion = CriterionFactory(program=program, scale_min=0, scale_max=10)
    boss = manager()
    r1, r2 = reviewer(email="r1@example.org"), reviewer(email="r2@example.org")
    a, b, c = (submitted_application(program) for _ in range(3))
    a_r1 = assigning.assignment_create(application=a, reviewer=r1, actor=boss)
    a_r2 = assigning.assignment_create(application=a, reviewer=r2, actor=boss)
    assigning.assignment_create(application=b, reviewer=r1, actor=boss)
    submitted = reviewing.review_save(
        assignment=a_r1,
        reviewer=r1,
        scores={criterion.pk: (7, "")},
        recommendation="fund",
        note="",
        submit=True,
    )
    return {
        "program": program,
        "apps": (a, b, c),
        "reviewers": (r1, r2),
        "assignments": (a_r1, a_r2),
        "submitted": submitted,
    }


def _apps(rows):
    return [(row.pk, row.reviewers, row.reviews_submitted) for row in rows]


def test_progress_by_application_counts_and_filters(progress):
    program, (a, b, c) = progress["program"], progress["apps"]
    every = selectors.review_progress_by_application(program=program)
    assert _apps(every) == [(b.pk, 1, 0), (c.pk, 0, 0), (a.pk, 2, 1)]
    incomplete = selectors.review_progress_by_application(program=program, show="incomplete")
    assert _apps(incomplete) == [(b.pk, 1, 0), (c.pk, 0, 0), (a.pk, 2, 1)]
    unassigned = selectors.review_progress_by_application(program=program, show="unassigned")
    assert _apps(unassigned) == [(b.pk, 1, 0), (c.pk, 0, 0)]
    unknown = selectors.review_progress_by_application(program=program, show="bogus")
    assert _apps(unknown) == _apps(every)


def test_progress_totals_count_active_assignments_and_submitted_reviews(progress):
    totals = selectors.review_progress_totals(program=progress["program"])
    assert totals == {"assigned": 3, "submitted": 1}


def test_progress_by_reviewer_counts_overdue_only_after_the_deadline(progress):
    program = progress["program"]
    r1, r2 = progress["reviewers"]

    def rows(**kwargs):
        found = selectors.review_progress_by_reviewer(program=program, **kwargs)
        return [(user.pk, user.assigned, user.submitted, user.overdue) for user in found]

    assert rows() == [(r1.pk, 2, 1, 0), (r2.pk, 1, 0, 0)]
    assert rows(overdue_only=True) == []
    Program.objects.filter(pk=program.pk).update(review_deadline=timezone.now() - timedelta(days=1))
    program.refresh_from_db()
    assert rows() == [(r1.pk, 2, 1, 1), (r2.pk, 1, 0, 1)]
    assert rows(overdue_only=True) == [(r1.pk, 2, 1, 1), (r2.pk, 1, 0, 1)]


def test_reviews_submitted_by_others_leaves_out_ones_own(progress):
    a_r1, a_r2 = progress["assignments"]
    others = selectors.reviews_submitted_by_others(assignment=a_r2)
    assert [review.pk for review in others] == [progress["submitted"].pk]
    assert list(selectors.reviews_submitted_by_others(assignment=a_r1)) == []
