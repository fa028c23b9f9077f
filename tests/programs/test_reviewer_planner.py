"""The reviewer-assignment planner (`programs.reviewer_planner`), without a database.

Hand-made cases pin exact plans where only one is right; hypothesis checks the
invariants on random programs: every gap filled with distinct eligible
reviewers, loads as balanced as possible (against a brute force on tiny
programs, a planted balanced plan, an exchange certificate and a greedy
baseline), idempotence and determinism, and exact shortfalls when infeasible.
"""

import random
from collections import Counter
from collections.abc import Iterable
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from programs.reviewer_planner import NotEnoughReviewers, ReviewerPlanProblem, plan_reviewers

PROPERTY = settings(max_examples=150, deadline=None)

Plan = dict[int, list[int]]


# --- helpers ---------------------------------------------------------------


def final_loads(problem: ReviewerPlanProblem, plan: Plan) -> dict[int, int]:
    """Each pool reviewer's load after the plan: current load plus new pairs."""
    loads = {reviewer: problem.loads.get(reviewer, 0) for reviewer in problem.reviewers}
    for chosen in plan.values():
        for reviewer in chosen:
            loads[reviewer] += 1
    return loads


def spread(loads: dict[int, int]) -> int:
    return max(loads.values()) - min(loads.values())


def eligible(problem: ReviewerPlanProblem, app: int) -> list[int]:
    taken = problem.existing.get(app, frozenset())
    return sorted(
        r for r in set(problem.reviewers) if r not in taken and (app, r) not in problem.blocked
    )


def gap(problem: ReviewerPlanProblem, app: int) -> int:
    return max(0, problem.per_application - len(problem.existing.get(app, ())))


def assert_complete(problem: ReviewerPlanProblem, plan: Plan) -> None:
    """Every application ends with k distinct reviewers; new pairs are legal and new."""
    assert set(plan) <= set(problem.applications)
    for app in set(problem.applications):
        new = plan.get(app, [])
        assert new == sorted(set(new))
        assert len(new) == gap(problem, app)
        assert set(new) <= set(eligible(problem, app))
        assert app not in plan or new, "no empty lists in the plan"


def greedy(problem: ReviewerPlanProblem) -> Plan:
    """Baseline: application by application, the least loaded eligible reviewers."""
    loads = Counter({reviewer: problem.loads.get(reviewer, 0) for reviewer in problem.reviewers})
    plan: Plan = {}
    for app in sorted(set(problem.applications)):
        need = gap(problem, app)
        if need:
            chosen = sorted(eligible(problem, app), key=lambda r: (loads[r], r))[:need]
            loads.update(chosen)
            plan[app] = sorted(chosen)
    return plan


def reachable_reviewers(problem: ReviewerPlanProblem, plan: Plan, start: int) -> set[int]:
    """Reviewers that could hand one review to `start` along an exchange chain.

    `start` takes an application it is eligible for and not on; one of that
    application's new reviewers drops it and takes another, and so on.
    """
    holders = {app: set(chosen) for app, chosen in plan.items()}
    seen, frontier = {start}, [start]
    while frontier:
        reviewer = frontier.pop()
        for app in holders:
            if reviewer in holders[app] or reviewer not in eligible(problem, app):
                continue
            for other in holders[app] - seen:
                seen.add(other)
                frontier.append(other)
    return seen


def best_sorted_loads(problem: ReviewerPlanProblem) -> tuple[int, ...]:
    """Brute force: the decreasingly smallest final load vector over all plans."""
    pool = sorted(set(problem.reviewers))
    start = tuple(problem.loads.get(r, 0) for r in pool)
    states = {start}
    for app in sorted(set(problem.applications)):
        options = [
            [pool.index(r) for r in chosen]
            for chosen in combinations(eligible(problem, app), gap(problem, app))
        ]
        states = {
            tuple(load + (i in option) for i, load in enumerate(state))
            for state in states
            for option in options
        }
    return min(tuple(sorted(state, reverse=True)) for state in states)


def shuffled(items: Iterable[int], seed: int) -> list[int]:
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


# --- strategies ------------------------------------------------------------


# Sizes and densities are drawn by hypothesis (so failures shrink towards small
# programs); the per-pair detail comes from a drawn seed, which keeps
# generation fast enough for 150 examples of up to 40 applications.


@st.composite
def programs(draw, max_apps: int = 40, max_pool: int = 12, max_k: int = 4) -> ReviewerPlanProblem:
    """A feasible program: sparse conflicts, partial existing assignments, uneven loads.

    Every application keeps at least as many eligible reviewers as its gap, and
    at least one more whenever the pool allows.
    """
    k = draw(st.integers(1, max_k))
    pool = list(range(100, 100 + draw(st.integers(k, max_pool))))
    apps = list(range(1, 1 + draw(st.integers(1, max_apps))))
    started = draw(st.sampled_from([0.0, 0.3, 1.0]))  # share of apps with some reviewers
    conflicts = draw(st.integers(0, 2))  # most conflicts per application
    extra_load = draw(st.integers(0, 3))  # reviews elsewhere in the program
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    existing: dict[int, frozenset[int]] = {}
    blocked: set[tuple[int, int]] = set()
    for app in apps:
        taken = rng.sample(pool, rng.randint(1, k)) if rng.random() < started else []
        if taken:
            existing[app] = frozenset(taken)
        free = [r for r in pool if r not in taken]
        spare = len(free) - (k - len(taken)) - 1
        blocked |= {
            (app, r) for r in rng.sample(free, rng.randint(0, min(conflicts, max(0, spare))))
        }
    loads = Counter(r for taken in existing.values() for r in taken)
    for reviewer in pool:
        loads[reviewer] += rng.randint(0, extra_load)
    return ReviewerPlanProblem(apps, pool, k, existing, frozenset(blocked), dict(loads))


@st.composite
def planted_programs(draw) -> ReviewerPlanProblem:
    """A program built around a hidden plan whose loads are all within one.

    Reviewers are dealt round-robin (in a random order) to the applications,
    which gives every reviewer floor or ceil of N*k/n; part of that hidden plan
    becomes `existing`, and any pair outside it may be blocked.
    """
    k = draw(st.integers(1, 4))
    n = draw(st.integers(k, 12))
    apps = list(range(1, 1 + draw(st.integers(1, 40))))
    started = draw(st.sampled_from([0.0, 0.5, 1.0]))  # chance a hidden pair already exists
    density = draw(st.sampled_from([0.0, 0.2, 0.6, 1.0]))  # chance another pair is blocked
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    pool = rng.sample(range(200, 200 + n), n)
    hidden = {app: {pool[(i * k + j) % n] for j in range(k)} for i, app in enumerate(apps)}
    existing: dict[int, frozenset[int]] = {}
    blocked: set[tuple[int, int]] = set()
    for app in apps:
        kept = frozenset(r for r in sorted(hidden[app]) if rng.random() < started)
        if kept:
            existing[app] = kept
        blocked |= {(app, r) for r in pool if r not in hidden[app] and rng.random() < density}
    loads = Counter(r for taken in existing.values() for r in taken)
    return ReviewerPlanProblem(apps, sorted(pool), k, existing, frozenset(blocked), dict(loads))


# --- hand-made cases -------------------------------------------------------


def test_plan_assignments_small_pool_takes_everyone():
    problem = ReviewerPlanProblem(applications=[1], reviewers=[30, 10, 20], per_application=3)

    assert plan_reviewers(problem) == {1: [10, 20, 30]}


def test_plan_assignments_blocked_pairs_force_the_only_plan():
    problem = ReviewerPlanProblem(
        applications=[1, 2],
        reviewers=[10, 20, 30],
        per_application=2,
        blocked=frozenset({(1, 10), (2, 30)}),
    )

    assert plan_reviewers(problem) == {1: [20, 30], 2: [10, 20]}


def test_plan_assignments_existing_count_toward_k_and_loads():
    # App 1 already has reviewer 10. Reviewer 10 (load 4) and 20 (load 3) are
    # busier than 30, so 30 takes both apps and app 2's second goes to 20.
    problem = ReviewerPlanProblem(
        applications=[1, 2],
        reviewers=[10, 20, 30],
        per_application=2,
        existing={1: frozenset({10})},
        loads={10: 4, 20: 3},
    )

    plan = plan_reviewers(problem)

    assert plan == {1: [30], 2: [20, 30]}
    assert final_loads(problem, plan) == {10: 4, 20: 4, 30: 2}


def test_plan_assignments_busiest_reviewer_gets_nothing_when_others_can_cover():
    problem = ReviewerPlanProblem(
        applications=[1, 2, 3], reviewers=[10, 20, 30, 40], per_application=1, loads={10: 9}
    )

    plan = plan_reviewers(problem)

    assert sorted(r for chosen in plan.values() for r in chosen) == [20, 30, 40]


def test_plan_assignments_even_split_without_conflicts():
    problem = ReviewerPlanProblem(
        applications=range(1, 11), reviewers=[1, 2, 3, 4, 5], per_application=2
    )

    plan = plan_reviewers(problem)

    assert_complete(problem, plan)
    assert final_loads(problem, plan) == {1: 4, 2: 4, 3: 4, 4: 4, 5: 4}


def test_plan_assignments_forced_reviewer_beyond_water_level():
    # Apps 1-10 can only go to reviewer 10, far above the average of 4: the
    # capped first round is short and the planner must widen the cap.
    only_ten = {(app, r) for app in range(1, 11) for r in (11, 12, 13, 14)}
    problem = ReviewerPlanProblem(
        applications=range(1, 21),
        reviewers=[10, 11, 12, 13, 14],
        per_application=1,
        blocked=frozenset(only_ten),
    )

    plan = plan_reviewers(problem)

    assert {app: plan[app] for app in range(1, 11)} == {app: [10] for app in range(1, 11)}
    assert final_loads(problem, plan)[10] == 10
    assert sorted(final_loads(problem, plan).values()) == [2, 2, 3, 3, 10]


def test_plan_assignments_existing_reviewer_outside_pool_counts_toward_k():
    problem = ReviewerPlanProblem(
        applications=[1],
        reviewers=[10, 20],
        per_application=2,
        existing={1: frozenset({99})},
        loads={10: 1},
    )

    assert plan_reviewers(problem) == {1: [20]}


def test_plan_assignments_complete_and_overfull_applications_are_left_alone():
    problem = ReviewerPlanProblem(
        applications=[1, 2, 3],
        reviewers=[10, 20, 30, 40],
        per_application=2,
        existing={1: frozenset({10, 20}), 2: frozenset({10, 20, 30})},
        loads={10: 2, 20: 2, 30: 1},
    )

    assert plan_reviewers(problem) == {3: [30, 40]}


def test_plan_assignments_nothing_to_do_returns_empty():
    assert plan_reviewers(ReviewerPlanProblem(applications=[], reviewers=[1, 2])) == {}
    assert (
        plan_reviewers(ReviewerPlanProblem(applications=[1], reviewers=[], per_application=0)) == {}
    )


def test_plan_assignments_negative_k_is_refused():
    with pytest.raises(ValueError, match="per_application"):
        plan_reviewers(ReviewerPlanProblem(applications=[1], reviewers=[1], per_application=-1))


def test_plan_assignments_rerun_on_result_returns_empty():
    problem = ReviewerPlanProblem(
        applications=range(1, 31),
        reviewers=range(100, 108),
        per_application=3,
        blocked=frozenset({(1, 100), (2, 101), (3, 102)}),
        existing={4: frozenset({100})},
        loads={100: 1},
    )
    plan = plan_reviewers(problem)
    existing = {
        app: frozenset(problem.existing.get(app, ())) | set(plan.get(app, ()))
        for app in range(1, 31)
    }

    rerun = ReviewerPlanProblem(
        applications=problem.applications,
        reviewers=problem.reviewers,
        per_application=3,
        blocked=problem.blocked,
        existing=existing,
        loads=final_loads(problem, plan),
    )

    assert plan_reviewers(rerun) == {}


def test_plan_assignments_same_answer_for_any_input_order():
    base = ReviewerPlanProblem(
        applications=range(1, 41),
        reviewers=range(100, 111),
        per_application=3,
        blocked=frozenset({(app, 100 + app % 11) for app in range(1, 41)}),
        existing={5: frozenset({101, 102}), 9: frozenset({110})},
        loads={101: 1, 102: 1, 110: 1},
    )
    reordered = ReviewerPlanProblem(
        applications=shuffled(base.applications, 1) + [7, 7],
        reviewers=shuffled(base.reviewers, 2),
        per_application=3,
        blocked=base.blocked,
        existing=dict(reversed(list(base.existing.items()))),
        loads=base.loads,
    )

    first = plan_reviewers(base)

    assert plan_reviewers(base) == first
    assert plan_reviewers(reordered) == first


# --- infeasible cases ------------------------------------------------------


def test_plan_assignments_k_above_pool_size_raises_with_shortfall():
    problem = ReviewerPlanProblem(applications=[2, 1], reviewers=[10, 20], per_application=3)

    with pytest.raises(NotEnoughReviewers) as raised:
        plan_reviewers(problem)

    assert raised.value.shortfall == {1: 1, 2: 1}
    assert str(raised.value) == (
        "2 applications cannot get 3 reviewers: not enough eligible reviewers "
        "(application 1 lacks 1, application 2 lacks 1)"
    )


def test_plan_assignments_all_reviewers_blocked_raises_for_that_application_only():
    problem = ReviewerPlanProblem(
        applications=[1, 2, 3],
        reviewers=[10, 20, 30],
        per_application=2,
        blocked=frozenset({(2, 10), (2, 20), (2, 30), (3, 20), (3, 30)}),
        existing={3: frozenset({10})},
        loads={10: 1},
    )

    # App 1 alone could be filled, but nothing is planned: the whole call raises.
    with pytest.raises(NotEnoughReviewers) as raised:
        plan_reviewers(problem)

    assert raised.value.shortfall == {2: 2, 3: 1}
    assert raised.value.per_application == 2
    assert str(raised.value) == (
        "2 applications cannot get 2 reviewers: not enough eligible reviewers "
        "(application 2 lacks 2, application 3 lacks 1)"
    )


def test_plan_assignments_shortfall_message_names_ten_and_counts_the_rest():
    problem = ReviewerPlanProblem(
        applications=range(1, 13),
        reviewers=[10],
        per_application=1,
        blocked=frozenset((app, 10) for app in range(1, 13)),
    )

    with pytest.raises(NotEnoughReviewers) as raised:
        plan_reviewers(problem)

    assert raised.value.shortfall == {app: 1 for app in range(1, 13)}
    assert str(raised.value).startswith("12 applications cannot get 1 reviewer: ")
    assert str(raised.value).endswith("application 10 lacks 1, and 2 more)")


# --- properties ------------------------------------------------------------


@PROPERTY
@given(programs())
def test_plan_assignments_fills_every_gap_with_distinct_eligible_reviewers(problem):
    assert_complete(problem, plan_reviewers(problem))


@PROPERTY
@given(programs())
def test_plan_assignments_leaves_no_load_reducing_exchange(problem):
    # The optimality certificate: a reviewer two or more below another can never
    # take over one of that reviewer's new reviews, directly or along a chain.
    plan = plan_reviewers(problem)
    loads = final_loads(problem, plan)

    for low in problem.reviewers:
        reachable = reachable_reviewers(problem, plan, low)
        assert not [r for r in reachable if loads[r] >= loads[low] + 2]


@PROPERTY
@given(planted_programs())
def test_plan_assignments_within_one_when_a_balanced_plan_exists(problem):
    plan = plan_reviewers(problem)

    assert_complete(problem, plan)
    assert spread(final_loads(problem, plan)) <= 1


@PROPERTY
@given(programs())
def test_plan_assignments_never_less_balanced_than_greedy(problem):
    ours = final_loads(problem, plan_reviewers(problem))
    theirs = final_loads(problem, greedy(problem))

    assert max(ours.values()) <= max(theirs.values())
    assert min(ours.values()) >= min(theirs.values())
    assert spread(ours) <= spread(theirs)


@settings(max_examples=120, deadline=None)
@given(programs(max_apps=5, max_pool=6, max_k=3))
def test_plan_assignments_matches_brute_force_on_tiny_programs(problem):
    loads = final_loads(problem, plan_reviewers(problem))

    assert tuple(sorted(loads.values(), reverse=True)) == best_sorted_loads(problem)


@PROPERTY
@given(programs(), st.integers(0, 2**16))
def test_plan_assignments_is_idempotent_and_order_independent(problem, seed):
    plan = plan_reviewers(problem)
    reordered = ReviewerPlanProblem(
        shuffled(problem.applications, seed),
        shuffled(problem.reviewers, seed + 1),
        problem.per_application,
        problem.existing,
        problem.blocked,
        problem.loads,
    )
    done = {
        app: problem.existing.get(app, frozenset()) | frozenset(plan.get(app, ()))
        for app in problem.applications
    }
    rerun = ReviewerPlanProblem(
        problem.applications,
        problem.reviewers,
        problem.per_application,
        done,
        problem.blocked,
        final_loads(problem, plan),
    )

    assert plan_reviewers(reordered) == plan
    assert plan_reviewers(rerun) == {}


@PROPERTY
@given(programs(max_apps=15), st.data())
def test_plan_assignments_shortfall_lists_every_incomplete_application(problem, data):
    # Block extra pairs at random, possibly leaving some applications short.
    pairs = [(app, r) for app in problem.applications for r in problem.reviewers]
    extra = data.draw(st.sets(st.sampled_from(pairs)))
    harder = ReviewerPlanProblem(
        problem.applications,
        problem.reviewers,
        problem.per_application,
        problem.existing,
        problem.blocked | extra,
        problem.loads,
    )
    expected = {
        app: gap(harder, app) - len(eligible(harder, app))
        for app in harder.applications
        if gap(harder, app) > len(eligible(harder, app))
    }

    if expected:
        with pytest.raises(NotEnoughReviewers) as raised:
            plan_reviewers(harder)
        assert raised.value.shortfall == expected
    else:
        assert_complete(harder, plan_reviewers(harder))
