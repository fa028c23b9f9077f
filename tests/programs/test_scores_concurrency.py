"""Kept scores under real concurrent review submissions on PostgreSQL.

Each submitted or reopened review recomputes the whole program's scores.
Without the advisory lock in `programs.scoring.scores_refresh`, two events at
once compute from snapshots that each miss the other's review and the later
commit keeps stale scores. SQLite has one writer at a time and takes no such lock.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from programs.models import ApplicationScore, Review
from programs.scoring import scores_rebuild
from programs.services import assignment as assigning
from programs.services import reviewing
from tests.factories import (
    CriterionFactory,
    ProgramFactory,
    manager,
    reviewer,
    submitted_application,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8


@pytest.fixture(autouse=True)
def _wide_race_window(monkeypatch):
    """Hold each transaction a moment after its refresh, before it commits.

    That is where another event's refresh, unlocked, would compute from a
    snapshot missing this review.
    """
    real = reviewing.scores_refresh

    def slow_refresh(*, program_id):
        changed = real(program_id=program_id)
        time.sleep(0.05)
        return changed

    monkeypatch.setattr(reviewing, "scores_refresh", slow_refresh)


def test_simultaneous_reopens_leave_the_kept_scores_equal_to_a_rebuild():
    # Submissions wait for each other on the program's row (review_save locks
    # the assignment with its program); a reopen locks only its review, so
    # reopens race each other. Two reviewers keep enough reviews to be
    # normalised, so every reopen moves every application's normalised score.
    program = ProgramFactory(reviews_per_application=1)
    criterion = CriterionFactory(program=program, scale_min=0, scale_max=10)
    boss = manager()
    pool = [reviewer(), reviewer()]
    for index in range(2 * WORKERS):
        assignment = assigning.assignment_create(
            application=submitted_application(program), reviewer=pool[index % 2], actor=boss
        )
        reviewing.review_save(
            assignment=assignment,
            reviewer=assignment.reviewer,
            scores={criterion.pk: ((index * 7) % 11, "")},
            recommendation="maybe",
            note="",
            submit=True,
        )
    reviews = list(Review.objects.filter(assignment__program=program).order_by("id"))[:WORKERS]
    start = threading.Barrier(WORKERS)

    def reopen(review):
        try:
            start.wait(30)
            reviewing.review_reopen(review=review, actor=boss, note="again")
        finally:
            connection.close()

    with ThreadPoolExecutor(WORKERS) as threads:
        list(threads.map(reopen, reviews))

    kept = ApplicationScore.objects.filter(program=program)
    assert sorted(kept.values_list("reviews", flat=True)) == [0] * WORKERS + [1] * WORKERS
    # Every refresh saw every committed reopen: nothing is left to correct.
    assert scores_rebuild(program_id=program.pk) == 0
