"""The committee's objective: fund in rank order, skipping only what does not fit.

Brute force: the rank-order set is the lexicographically first feasible set
when the free candidates are read best first (score descending, then the
lower id); without a binding minimum it is exactly "take each one that fits".
"""

from decimal import Decimal
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from programs.optimiser import (
    Candidate,
    InfeasibleSelection,
    Minimum,
    Objective,
    SelectionProblem,
    suggest,
    suggest_in_rank_order,
)

from .test_optimiser import feasible, problems


def rank_key(c: Candidate) -> tuple[Decimal, Decimal, int]:
    return (-c.score, c.requested, c.id)


def greedy(problem: SelectionProblem) -> list[int]:
    """Take each candidate that fits in the cap and the budget, best first (minimums ignored)."""
    fixed = [c for c in problem.candidates if c.id in problem.fixed]
    taken = [c.id for c in fixed]
    spent = sum((c.requested for c in fixed), Decimal(0))
    for c in sorted(problem.candidates, key=rank_key):
        if c.id in problem.fixed:
            continue
        if len(taken) < problem.cap and spent + c.requested <= problem.budget:
            taken.append(c.id)
            spent += c.requested
    return sorted(taken)


def brute_force_rank_order(problem: SelectionProblem) -> list[int] | None:
    """The lexicographically first feasible set in rank order, by enumeration."""
    order = sorted((c for c in problem.candidates if c.id not in problem.fixed), key=rank_key)
    best: tuple | None = None
    for size in range(min(problem.cap, len(problem.candidates)) + 1):
        for chosen in combinations(problem.candidates, size):
            if not feasible(problem, chosen):
                continue
            ids = {c.id for c in chosen}
            word = tuple(0 if c.id in ids else 1 for c in order)  # smaller word = earlier ones in
            if best is None or word < best[0]:
                best = (word, sorted(ids))
    return None if best is None else best[1]


def cand(id: int, score: int, requested: int, region: str = "", sector: str = "") -> Candidate:
    return Candidate(id, Decimal(score), Decimal(requested), region, sector)


def test_rank_order_skips_only_what_does_not_fit():
    problem = SelectionProblem(
        candidates=[cand(1, 90, 60), cand(2, 85, 50), cand(3, 80, 45), cand(4, 50, 5)],
        cap=3,
        budget=Decimal(100),
    )
    rank = suggest_in_rank_order(problem)
    assert rank.selected == [1, 4]
    assert {i: r.code for i, r in rank.reasons.items()} == {
        1: "chosen",
        2: "budget",
        3: "budget",
        4: "chosen",
    }
    assert rank.reasons[2].text == (
        "Requests 50, more than the 40 left in the budget when its turn came (score 85.0)."
    )
    assert rank.binding == ["budget"]
    # Maximising the total score trades the best project for two cheaper ones.
    best_sum = suggest(problem, objective=Objective.MAX_SCORE)
    assert best_sum.selected == [2, 3, 4]


def test_rank_order_meets_a_minimum_at_the_least_cost_to_the_ranking():
    problem = SelectionProblem(
        candidates=[
            cand(1, 90, 10, region="a"),
            cand(2, 80, 10, region="a"),
            cand(3, 70, 10, region="b"),
            cand(4, 60, 10, region="b"),
        ],
        cap=2,
        budget=Decimal(100),
        minimums=[Minimum("region", "b", 1)],
    )
    suggestion = suggest_in_rank_order(problem)
    assert suggestion.selected == [1, 3]
    assert suggestion.reasons[2].code == "minimum"
    assert suggestion.reasons[3].code == "needed_for_minimum"
    assert suggestion.reasons[4].code == "cap"
    assert suggestion.binding == ["cap", "minimum:region=b"]


def test_rank_order_infeasible_is_refused():
    problem = SelectionProblem(
        candidates=[cand(1, 90, 60, sector="x"), cand(2, 80, 60, region="b")],
        cap=2,
        budget=Decimal(100),
        minimums=[Minimum("region", "b", 1), Minimum("sector", "x", 1)],
    )
    with pytest.raises(InfeasibleSelection):
        suggest_in_rank_order(problem)


@settings(max_examples=200, deadline=None)
@given(problems())
def test_rank_order_matches_brute_force(problem):
    expected = brute_force_rank_order(problem)
    if expected is None:
        with pytest.raises(InfeasibleSelection):
            suggest_in_rank_order(problem)
        return
    suggestion = suggest_in_rank_order(problem)
    assert sorted(suggestion.selected) == expected
    assert len(suggestion.reasons) == len(problem.candidates)
    assert all(r.selected == (i in expected) for i, r in suggestion.reasons.items())


@settings(max_examples=200, deadline=None)
@given(problems(), st.booleans())
def test_rank_order_is_the_greedy_set_when_no_minimum_binds(problem, drop_minimums):
    if drop_minimums:
        problem = SelectionProblem(
            candidates=problem.candidates,
            cap=problem.cap,
            budget=problem.budget,
            fixed=problem.fixed,
        )
    taken = greedy(problem)
    chosen = tuple(c for c in problem.candidates if c.id in set(taken))
    if not feasible(problem, chosen):
        return  # a minimum binds (or the fixed exceed a limit): covered above
    assert sorted(suggest_in_rank_order(problem).selected) == taken
