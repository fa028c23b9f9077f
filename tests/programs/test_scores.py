"""Kept scores equal a fresh computation; the guard on unjudged applications."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.exceptions import DomainError
from portal.models import AuditEntry
from programs.models import ApplicationScore, Assignment, AssignmentStatus, Review, ReviewStatus
from programs.ranking import ranking_from_reviews
from programs.scoring import scores_compute, scores_rebuild
from programs.services import assignment as assigning
from programs.services import reviewing
from programs.services import selection as services
from startups.enums import ApplicationStatus as S
from startups.enums import ProgramStatus
from startups.models import Application
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
    # Stored as a code with its parameters, written in the reader's language.
    assert (change.note_code, change.note_params, change.note) == (
        "selected_exception",
        {"reviews": 0, "required": 3, "reason": "Board asked for it."},
        "",
    )
    assert change.note_display == (
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


# --- the computation without PostgreSQL (SQLite, the embedded default) ---------


def test_scores_compute_puts_a_harsh_and_a_lenient_reviewer_on_one_scale():
    # (application, reviewer, total): reviewer 1 is harsh, 2 lenient (both with
    # three reviews and the same spread); 3 has one review and 4 gives the same
    # total each time, so both keep their totals as they are.
    reviews = [(1, 1, 30), (2, 1, 40), (3, 1, 50), (1, 2, 70), (2, 2, 80), (3, 2, 90)]
    reviews += [(4, 3, 65), (1, 4, 60), (2, 4, 60), (4, 4, 60)]
    exact = {"rel": 1e-12, "abs": 1e-12}
    # reviews, raw, normalised, spread, raw and normalised standard errors; the
    # program: mean 60.5, deviation 16.800297616411443; reviewers 1 and 2 map
    # 30 and 70 to 39.923921656447746, 40 and 80 to 60.5, 50 and 90 to 81.07607834355225.
    assert scores_compute(reviews) == {
        1: pytest.approx(
            (
                3,
                53.333333333333336,
                46.615947770965164,
                16.99673171197595,
                12.01850425154663,
                6.692026114517417,
            ),
            **exact,
        ),
        2: pytest.approx(
            (
                3,
                60.0,
                60.333333333333336,
                16.32993161855452,
                11.547005383792515,
                0.16666666666666666,
            ),
            **exact,
        ),
        3: pytest.approx((2, 70.0, 81.07607834355225, 20.0, 20.0, 0.0), **exact),
        4: pytest.approx((2, 62.5, 62.5, 2.5, 2.5, 2.5), **exact),
    }


def test_scores_compute_clamps_normalised_totals_to_0_100():
    # Reviewer 1 is narrow (90–100), reviewer 2 wide (0–100): mapped onto the
    # program's scale, both of their 100s would pass 100.
    reviews = [(1, 1, 95), (2, 1, 100), (3, 1, 90), (4, 2, 0), (5, 2, 50), (6, 2, 100)]
    computed = scores_compute(reviews)
    assert (computed[2], computed[6]) == ((1, 100.0, 100.0, 0.0, None, None),) * 2
    assert computed[1] == (1, 95.0, 72.5, 0.0, None, None)
    assert computed[3][2] == pytest.approx(27.534735628487624, rel=1e-12)


def test_scores_compute_without_reviews_has_no_rows():
    assert scores_compute([]) == {}


def _reviewed_program(totals):
    """Four applications, three reviews each, by four reviewers (three reviews each)."""
    program = ProgramFactory(reviews_per_application=3)
    criterion = CriterionFactory(program=program, scale_min=0, scale_max=10)
    boss = manager()
    pool = [reviewer() for _ in range(4)]
    for index in range(4):
        app = submitted_application(program)
        for k in range(3):
            assignment = assigning.assignment_create(
                application=app, reviewer=pool[(index + k) % 4], actor=boss
            )
            reviewing.review_save(
                assignment=assignment,
                reviewer=assignment.reviewer,
                scores={criterion.pk: (totals[index * 3 + k], "")},
                recommendation="maybe",
                note="",
                submit=True,
            )
    return program


@pytest.mark.postgres
def test_the_computation_without_postgresql_equals_postgresqls_sql():
    program = _reviewed_program([2, 5, 9, 3, 7, 10, 1, 4, 8, 6, 6, 0])
    reviews = (
        Review.objects.filter(
            assignment__program=program,
            assignment__status=AssignmentStatus.ACTIVE,
            status=ReviewStatus.SUBMITTED,
        )
        .order_by("id")
        .values_list("assignment__application_id", "assignment__reviewer_id", "total")
    )
    kept = _kept(program)  # computed by PostgreSQL (scoring._REFRESH_SQL)
    computed = scores_compute(reviews)
    assert len(kept) == 4
    # The same arithmetic; only the order PostgreSQL adds rows in may differ.
    assert computed == {pk: pytest.approx(values, rel=1e-12) for pk, values in kept.items()}
    assert [values[0] for values in kept.values()] == [3, 3, 3, 3]


def test_scores_refresh_on_this_database_equals_the_computation():
    program = _reviewed_program([2, 5, 9, 3, 7, 10, 1, 4, 8, 6, 6, 0])
    kept = _kept(program)
    assert scores_rebuild(program_id=program.pk) == 0
    app_ids = sorted(kept)
    reviews = Review.objects.filter(assignment__program=program).order_by("id")
    computed = scores_compute(
        reviews.values_list("assignment__application_id", "assignment__reviewer_id", "total")
    )
    assert sorted(computed) == app_ids
    assert kept == {pk: pytest.approx(values, rel=1e-12) for pk, values in computed.items()}


BOARD_INDEXES = {
    "postgresql": {
        "score_board_normalised": (
            "CREATE INDEX score_board_normalised ON public.programs_applicationscore USING btree "
            "(program_id, ranked, norm_score DESC NULLS LAST, requested_amount, application_id)"
        ),
        "score_board_raw": (
            "CREATE INDEX score_board_raw ON public.programs_applicationscore USING btree "
            "(program_id, ranked, raw_score DESC NULLS LAST, requested_amount, application_id)"
        ),
    },
    # SQLite refuses NULLS LAST in an index (programs.indexes.NullsOrderedIndex).
    "sqlite": {
        "score_board_normalised": (
            'CREATE INDEX "score_board_normalised" ON "programs_applicationscore" '
            '("program_id", "ranked", "norm_score" DESC, "requested_amount" ASC, "application_id")'
        ),
        "score_board_raw": (
            'CREATE INDEX "score_board_raw" ON "programs_applicationscore" '
            '("program_id", "ranked", "raw_score" DESC, "requested_amount" ASC, "application_id")'
        ),
    },
}


def test_the_boards_indexes_exist_on_this_database():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'score_board%'"
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND name LIKE 'score_board%'"
            )
        assert dict(cursor.fetchall()) == BOARD_INDEXES[connection.vendor]


def test_the_trigger_copies_a_changed_amount_and_program():
    program, other = ProgramFactory(), ProgramFactory()
    app = submitted_application(program, requested_amount=Decimal("5000000"))
    Application.objects.filter(pk=app.pk).update(requested_amount=Decimal("7000000"), program=other)
    row = ApplicationScore.objects.get(pk=app.pk)
    assert (row.program_id, row.ranked, row.requested_amount) == (
        other.pk,
        True,
        Decimal("7000000.00"),
    )
