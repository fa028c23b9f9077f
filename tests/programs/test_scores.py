"""Kept scores equal a fresh computation; the guard on unjudged applications."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.exceptions import DomainError
from portal.models import AuditEntry
from programs.models import ApplicationScore, Assignment, Review, ReviewStatus
from programs.ranking import ranking_from_reviews
from programs.scoring import scores_rebuild
from programs.services import assignment as assigning
from programs.services import reviewing
from programs.services import selection as services
from startups.enums import ApplicationStatus as S
from startups.enums import ProgramStatus
from tests.factories import (
    CriterionFactory,
    ProgramFactory,
    manager,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db

FIELDS = ("reviews", "raw_score", "norm_score", "spread", "raw_se", "norm_se")


class Rollback(Exception):
    pass


def _kept(program):
    return {
        row["application_id"]: tuple(row[f] for f in FIELDS)
        for row in ApplicationScore.objects.filter(program=program).values(
            "application_id", *FIELDS
        )
    }


def _assert_kept_equals_fresh(program):
    kept = _kept(program)
    # Exactly: a rebuild from scratch finds nothing to change.
    assert scores_rebuild(program_id=program.pk) == 0
    assert _kept(program) == kept
    # And the kept values agree with the old computation straight from the reviews.
    for app in ranking_from_reviews(program):
        reviews, raw, norm, spread, _raw_se, _norm_se = kept[app.pk]
        assert reviews == app.reviews
        assert raw == (None if app.raw_score is None else pytest.approx(float(app.raw_score)))
        assert norm == (None if app.norm_score is None else pytest.approx(app.norm_score))
        assert spread == (None if app.spread is None else pytest.approx(float(app.spread)))


EVENTS = st.lists(
    st.tuples(
        st.sampled_from(["submit", "reopen", "conflict", "withdraw"]),
        st.integers(0, 11),  # which assignment (or application)
        st.integers(0, 10),  # the score
    ),
    min_size=1,
    max_size=14,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=EVENTS)
def test_kept_scores_equal_a_fresh_computation_after_every_event(events):
    try:
        with transaction.atomic():
            program = ProgramFactory(reviews_per_application=3)
            criterion = CriterionFactory(program=program, scale_min=0, scale_max=10)
            boss = manager()
            pool = [reviewer() for _ in range(4)]
            apps = [submitted_application(program) for _ in range(4)]
            for index, app in enumerate(apps):
                for k in range(3):
                    assigning.assignment_create(
                        application=app, reviewer=pool[(index + k) % 4], actor=boss
                    )
            assignments = list(Assignment.objects.filter(program=program).order_by("id"))
            for kind, which, value in events:
                assignment = assignments[which % len(assignments)]
                assignment.refresh_from_db()
                try:
                    if kind == "submit":
                        reviewing.review_save(
                            assignment=assignment,
                            reviewer=assignment.reviewer,
                            scores={criterion.pk: (value, "")},
                            recommendation="maybe",
                            note="",
                            submit=True,
                        )
                    elif kind == "reopen":
                        review = Review.objects.filter(assignment=assignment).first()
                        if review is not None:
                            reviewing.review_reopen(review=review, actor=boss, note="again")
                    elif kind == "conflict":
                        assigning.conflict_declare(
                            assignment=assignment, reviewer=assignment.reviewer, reason="A friend."
                        )
                    elif kind == "withdraw":
                        app = apps[which % len(apps)]
                        app.refresh_from_db()
                        services.application_decide(
                            application=app,
                            decision=S.REJECTED,
                            actor=boss,
                        )
                except DomainError:
                    pass  # a refused event changes nothing; the check below still holds
                _assert_kept_equals_fresh(program)
            raise Rollback
    except Rollback:
        pass


def test_rebuild_repairs_a_damaged_row():
    program = ProgramFactory(reviews_per_application=1)
    criterion = CriterionFactory(program=program, scale_min=0, scale_max=10)
    app = submitted_application(program)
    assignment = assigning.assignment_create(application=app, reviewer=reviewer(), actor=manager())
    reviewing.review_save(
        assignment=assignment,
        reviewer=assignment.reviewer,
        scores={criterion.pk: (7, "")},
        recommendation="fund",
        note="",
        submit=True,
    )
    ApplicationScore.objects.filter(pk=app.pk).update(raw_score=1.0, reviews=9)
    assert scores_rebuild(program_id=program.pk) == 1
    row = ApplicationScore.objects.get(pk=app.pk)
    assert (row.reviews, row.raw_score, row.norm_score, row.spread, row.raw_se) == (
        1,
        70.0,
        70.0,
        0.0,
        None,
    )


def test_a_new_application_gets_its_row_and_a_withdrawal_leaves_the_ranking():
    program = ProgramFactory()
    app = submitted_application(program, requested_amount=Decimal("5000000"))
    row = ApplicationScore.objects.get(pk=app.pk)
    assert (row.program_id, row.ranked, row.requested_amount, row.reviews) == (
        program.pk,
        True,
        Decimal("5000000.00"),
        0,
    )
    app.status = S.WITHDRAWN
    app.save(update_fields=["status"])
    assert ApplicationScore.objects.get(pk=app.pk).ranked is False


def test_new_programs_normalise_by_default():
    assert ProgramFactory().normalise_reviewers is True


# --- the guard: decisions only on judged applications -------------------------


def _judged(program, reviews):
    criterion = CriterionFactory(program=program, scale_min=0, scale_max=10)
    boss = manager()
    app = submitted_application(program, requested_amount=Decimal("1000000"))
    for _ in range(reviews):
        assignment = assigning.assignment_create(application=app, reviewer=reviewer(), actor=boss)
        reviewing.review_save(
            assignment=assignment,
            reviewer=assignment.reviewer,
            scores={criterion.pk: (6, "")},
            recommendation="maybe",
            note="",
            submit=True,
        )
    return app, boss


def test_selecting_with_too_few_reviews_is_refused_without_a_reason():
    program = ProgramFactory(closed=True, status=ProgramStatus.REVIEWING, reviews_per_application=3)
    app, boss = _judged(program, reviews=2)
    app.refresh_from_db()
    before = app.status
    with pytest.raises(DomainError) as refused:
        services.application_decide(application=app, decision=S.SELECTED, actor=boss)
    assert refused.value.messages == [
        f"{app.startup.name} was not selected: it has 2 of 3 submitted reviews. "
        "Give a reason to select it as an exception."
    ]
    app.refresh_from_db()
    assert (before, app.status) == (S.UNDER_REVIEW, S.UNDER_REVIEW)


def test_selecting_while_the_call_is_open_is_refused_without_a_reason():
    program = ProgramFactory(status=ProgramStatus.OPEN, reviews_per_application=1)
    app, boss = _judged(program, reviews=1)
    with pytest.raises(DomainError) as refused:
        services.application_decide(application=app, decision=S.SELECTED, actor=boss)
    assert refused.value.messages == [
        f"{app.startup.name} was not selected: the call is still open. "
        "Give a reason to select it as an exception."
    ]


def test_an_exception_with_a_reason_is_selected_recorded_and_audited():
    program = ProgramFactory(closed=True, status=ProgramStatus.REVIEWING, reviews_per_application=3)
    app, boss = _judged(program, reviews=0)
    services.application_decide(
        application=app, decision=S.SELECTED, actor=boss, exception_reason="Board asked for it."
    )
    app.refresh_from_db()
    assert app.status == S.SELECTED
    change = app.status_changes.get(to_status=S.SELECTED)
    assert change.note == (
        "Selected as an exception (it has 0 of 3 submitted reviews): Board asked for it."
    )
    entry = AuditEntry.objects.get(action="selection.exception", object_id=str(app.pk))
    assert (entry.note, entry.actor_id) == ("Board asked for it.", boss.pk)


def test_a_judged_application_after_the_call_needs_no_reason():
    program = ProgramFactory(closed=True, status=ProgramStatus.REVIEWING, reviews_per_application=2)
    app, boss = _judged(program, reviews=2)
    services.application_decide(application=app, decision=S.SELECTED, actor=boss)
    app.refresh_from_db()
    assert app.status == S.SELECTED
    assert not AuditEntry.objects.filter(action="selection.exception").exists()
    assert (
        Review.objects.filter(assignment__application=app, status=ReviewStatus.SUBMITTED).count()
        == 2
    )
