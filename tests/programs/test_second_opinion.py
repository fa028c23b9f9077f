"""Second opinion near the cut-off and less banding in automatic assignment."""

from decimal import Decimal

import numpy as np
import pytest

from portal.models import AuditEntry
from programs.models import Assignment, ConflictOfInterest
from programs.reviewer_planner import ReviewerPlanProblem, plan_reviewers
from programs.services import assignment as assigning
from programs.services import reviewing
from programs.services.second_opinion import second_opinion_assign, second_opinion_plan
from tests.factories import (
    CriterionFactory,
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    reviewer,
    submitted_application,
)

# Each application's two review scores (criterion 0-10, so totals x10): cap 2 puts the
# cut-off at B (70); B and C cannot be told from it, A, D and E are far from it.
SCORES = {"A": (9, 9), "B": (6, 8), "C": (5, 8), "D": (3, 3), "E": (2, 2)}


def _program_reviewed_twice():
    program = ProgramFactory(
        closed=True,
        reviews_per_application=2,
        selection_cap=2,
        total_budget=Decimal("100000000"),
        normalise_reviewers=False,
    )
    criterion = CriterionFactory(program=program, scale_min=0, scale_max=10)
    boss = manager()
    pool = [reviewer() for _ in range(6)]
    apps = {
        name: submitted_application(
            program,
            requested_amount=Decimal(10_000_000),
            startup=StartupFactory(owner=UserFactory()),
        )
        for name in SCORES
    }
    assigning.assignments_auto(program=program, actor=boss, seed=3)
    for name, app in apps.items():
        for assignment, score in zip(
            Assignment.objects.filter(application=app).order_by("id"), SCORES[name], strict=True
        ):
            reviewing.review_save(
                assignment=assignment,
                reviewer=assignment.reviewer,
                scores={criterion.pk: (score, "")},
                recommendation="maybe",
                note="",
                submit=True,
            )
    return program, apps, boss, pool


def _loads(program) -> list[int]:
    counts: dict[int, int] = {}
    for reviewer_id in (
        Assignment.objects.active().filter(program=program).values_list("reviewer_id", flat=True)
    ):
        counts[reviewer_id] = counts.get(reviewer_id, 0) + 1
    return sorted(counts.values())


@pytest.mark.django_db
def test_second_opinion_assigns_only_near_the_cut_off_conflict_free_and_balanced():
    program, apps, boss, pool = _program_reviewed_twice()
    on_b = set(
        Assignment.objects.filter(application=apps["B"]).values_list("reviewer_id", flat=True)
    )
    conflicted = next(r for r in pool if r.pk not in on_b)
    ConflictOfInterest.objects.create(reviewer=conflicted, startup=apps["B"].startup, reason="x")
    before = {a.pk for a in Assignment.objects.all()}
    assert _loads(program) == [1, 1, 2, 2, 2, 2]

    plan = second_opinion_plan(program=program, reviewers=2, band=1.96, seed=8)
    assert plan.near == 2
    assert set(plan.applications) == {apps["B"].pk, apps["C"].pk}
    assert plan.reviews_added == 4
    assert plan.reviews_now == 10
    assert sum(added for _name, _now, added in plan.extra_load) == 4

    created = second_opinion_assign(program=program, reviewers=2, band=1.96, seed=8, actor=boss)
    # The same seed, the same plan as the preview.
    assert {(a.application_id, a.reviewer_id) for a in created} == {
        (app_id, reviewer_id) for app_id, ids in plan.plan.items() for reviewer_id in ids
    }
    assert {a.application_id for a in created} == {apps["B"].pk, apps["C"].pk}
    for app in apps.values():
        reviewers = list(
            Assignment.objects.filter(application=app).values_list("reviewer_id", flat=True)
        )
        assert len(reviewers) == len(set(reviewers))  # nobody twice on one application
    assert conflicted.pk not in {a.reviewer_id for a in created if a.application_id == apps["B"].pk}
    assert not {a.pk for a in created} & before
    assert _loads(program) == [2, 2, 2, 2, 3, 3]  # 14 reviews on 6 reviewers: within one
    entry = AuditEntry.objects.get(action="assignment.second_opinion")
    assert entry.after == {
        "assignments": 4,
        "applications": 2,
        "reviewers_each": 2,
        "band": 1.96,
        "seed": 8,
    }


@pytest.mark.django_db
def test_second_opinion_narrower_band_fewer_applications():
    program, apps, _boss, _pool = _program_reviewed_twice()
    plan = second_opinion_plan(program=program, reviewers=1, band=0.1, seed=1)
    assert plan.applications == [apps["B"].pk]  # at the cut-off itself
    assert plan.reviews_added == 1


@pytest.mark.django_db
def test_automatic_assignment_records_its_seed():
    program, _apps, _boss, _pool = _program_reviewed_twice()
    entry = AuditEntry.objects.get(action="assignment.auto", object_id=str(program.pk))
    assert entry.after == {"assignments": 10, "applications": 5, "seed": 3}


def _problem(seed):
    return ReviewerPlanProblem(
        applications=list(range(1, 61)),
        reviewers=list(range(100, 112)),
        per_application=3,
        blocked=frozenset({(1, 100), (2, 101), (3, 102), (7, 105)}),
        seed=seed,
    )


def _check(plan):
    loads: dict[int, int] = {}
    for app, reviewers in plan.items():
        assert len(reviewers) == len(set(reviewers)) == 3
        assert not {(app, r) for r in reviewers} & _problem(None).blocked
        for r in reviewers:
            loads[r] = loads.get(r, 0) + 1
    return sorted(loads.values())


def _banding(plan) -> int:
    """Neighbouring applications with the same three reviewers."""
    return sum(1 for a in range(1, 60) if plan[a] == plan[a + 1])


def test_planner_same_seed_same_plan_different_seeds_same_loads():
    first, again, other = (plan_reviewers(_problem(s)) for s in (1, 1, 2))
    assert first == again
    assert first != other
    assert _check(first) == _check(other) == [15] * 12  # 180 reviews on 12 reviewers
    unseeded = plan_reviewers(_problem(None))
    assert _check(unseeded) == [15] * 12
    assert _banding(first) < _banding(unseeded)
    # Neighbours rarely share a reviewer at all once the draw is seeded.
    shared = np.mean([len(set(first[a]) & set(first[a + 1])) for a in range(1, 60)])
    assert shared < 1.0


def test_planner_seeded_second_round_targets_keep_balance():
    existing = {app: frozenset({100 + app % 12, 100 + (app + 1) % 12}) for app in range(1, 25)}
    loads: dict[int, int] = {}
    for reviewers in existing.values():
        for r in reviewers:
            loads[r] = loads.get(r, 0) + 1
    problem = ReviewerPlanProblem(
        applications=[3, 4, 5, 6],
        reviewers=list(range(100, 112)),
        per_application=2,
        existing=existing,
        loads=loads,
        targets={app: 4 for app in (3, 4, 5, 6)},
        seed=9,
    )
    plan = plan_reviewers(problem)
    assert sorted(plan) == [3, 4, 5, 6]
    assert all(len(plan[a]) == 2 and not set(plan[a]) & existing[a] for a in plan)
    after = dict(loads)
    for reviewers in plan.values():
        for r in reviewers:
            after[r] = after.get(r, 0) + 1
    assert max(after.values()) - min(after.values()) <= 1
