"""The selection optimiser (`programs.optimiser`), without a database.

Hand-made cases pin exact selections, reasons and messages; hypothesis checks
the optimiser against a brute force that applies the same tie-break rule
(largest score, then smallest request, then fewest projects, then the
lexicographically smallest ids) on random small programs, and checks the
explanation invariants on larger ones.
"""

import random
from decimal import Decimal
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from programs.optimiser import (
    Candidate,
    InfeasibleSelection,
    Minimum,
    SelectionProblem,
    Suggestion,
    suggest_selection,
)

PROPERTY = settings(max_examples=200, deadline=None)

SELECTED_CODES = {"already_selected", "chosen", "needed_for_minimum"}
OUT_CODES = {"lower_score", "tie_break", "budget", "minimum", "cap", "no_gain"}


def cand(
    id: int,
    score: str | int,
    requested: str | int,
    region: str = "",
    sector: str = "",
    label: str = "",
) -> Candidate:
    return Candidate(id, Decimal(str(score)), Decimal(str(requested)), region, sector, label)


def codes(suggestion: Suggestion) -> dict[int, str]:
    return {cid: reason.code for cid, reason in suggestion.reasons.items()}


def texts(suggestion: Suggestion) -> dict[int, str]:
    return {cid: reason.text for cid, reason in suggestion.reasons.items()}


# --- brute force -----------------------------------------------------------


def feasible(problem: SelectionProblem, chosen: tuple[Candidate, ...]) -> bool:
    ids = {c.id for c in chosen}
    return (
        problem.fixed <= ids
        and len(chosen) <= problem.cap
        and sum((c.requested for c in chosen), Decimal(0)) <= problem.budget
        and all(
            sum(1 for c in chosen if getattr(c, m.field) == m.value) >= m.count
            for m in problem.minimums
        )
    )


def brute_force(problem: SelectionProblem) -> list[int] | None:
    """The rule's answer by enumeration: the sorted ids of the best feasible set, or None."""
    best: tuple | None = None
    for size in range(min(problem.cap, len(problem.candidates)) + 1):
        for chosen in combinations(problem.candidates, size):
            if not feasible(problem, chosen):
                continue
            key = (
                -sum((c.score for c in chosen), Decimal(0)),
                sum((c.requested for c in chosen), Decimal(0)),
                size,
                sorted(c.id for c in chosen),
            )
            if best is None or key < best:
                best = key
    return None if best is None else best[3]


# --- explanation invariants ------------------------------------------------


def assert_explained(problem: SelectionProblem, suggestion: Suggestion) -> None:
    """Everything the board relies on, whatever the instance."""
    by_id = {c.id: c for c in problem.candidates}
    chosen = set(suggestion.selected)
    assert len(chosen) == len(suggestion.selected)
    assert suggestion.selected == sorted(chosen, key=lambda i: (-by_id[i].score, i))
    assert suggestion.total_score == sum((by_id[i].score for i in chosen), Decimal(0))
    assert suggestion.total_requested == sum((by_id[i].requested for i in chosen), Decimal(0))
    left = problem.budget - suggestion.total_requested
    out = sorted(set(by_id) - chosen, key=lambda i: (-by_id[i].score, i))
    free = [i for i in suggestion.selected if i not in problem.fixed]

    # One reason per candidate, agreeing with the selection.
    assert sorted(suggestion.reasons) == sorted(by_id)
    for cid, reason in suggestion.reasons.items():
        assert reason.id == cid
        assert reason.selected == (cid in chosen)
        assert reason.text
        if cid in problem.fixed:
            assert reason.code == "already_selected"
        else:
            assert reason.code in (
                SELECTED_CODES - {"already_selected"} if cid in chosen else OUT_CODES
            )
        candidate = by_id[cid]
        if reason.code == "lower_score":
            assert len(chosen) == problem.cap
            assert candidate.score < min(by_id[i].score for i in free)
        if reason.code in {"budget", "minimum"}:
            assert len(chosen) == problem.cap or candidate.requested > left
        if reason.code == "budget" and len(chosen) < problem.cap:
            assert candidate.requested > left
        if reason.code == "minimum":
            assert any(by_id[i].score < candidate.score for i in free)
        if reason.code == "no_gain":
            assert candidate.score == 0
        if reason.code == "needed_for_minimum":
            assert any(
                getattr(candidate, m.field) == m.value
                and sum(1 for i in chosen if getattr(by_id[i], m.field) == m.value) == m.count
                for m in problem.minimums
            )

    # The margin: the weakest free members in, the strongest out.
    assert suggestion.last_in == free[-3:]
    assert suggestion.first_out == out[:3]
    if suggestion.last_in:
        assert all(
            by_id[i].score >= by_id[j].score
            for i in free[: -len(suggestion.last_in)]
            for j in suggestion.last_in
        )
    if suggestion.first_out:
        assert all(by_id[i].score >= by_id[j].score for i in suggestion.first_out for j in out[3:])

    assert ("cap" in suggestion.binding) == (len(chosen) == problem.cap)
    fits = [i for i in out if by_id[i].requested <= left]
    assert ("budget" in suggestion.binding) == bool(out and not fits)


# --- hand-checked examples -------------------------------------------------


def test_suggest_selection_budget_binding_prefers_two_cheaper_projects():
    problem = SelectionProblem(
        candidates=[
            cand(1, 90, 1_000_000, label="Alpha"),
            cand(2, 60, 500_000, label="Beta"),
            cand(3, 50, 500_000, label="Gamma"),
            cand(4, 10, "100000.50", label="Delta"),
        ],
        cap=3,
        budget=Decimal(1_000_000),
    )

    suggestion = suggest_selection(problem)

    assert suggestion.selected == [2, 3]
    assert suggestion.total_score == Decimal(110)
    assert suggestion.total_requested == Decimal(1_000_000)
    assert suggestion.binding == ["budget"]
    assert suggestion.last_in == [2, 3]
    assert suggestion.first_out == [1, 4]
    assert suggestion.optimal is True
    assert codes(suggestion) == {1: "budget", 2: "chosen", 3: "chosen", 4: "budget"}
    assert texts(suggestion) == {
        1: "Scores 90.0, above Gamma (50.0), but requests 1,000,000 and only 0 is left: "
        "swapping would exceed the budget.",
        2: "Chosen: score 60.0, requests 500,000.",
        3: "Chosen: score 50.0, requests 500,000.",
        4: "Requests 100,000.50, more than the 0 left in the budget.",
    }


def test_suggest_selection_cap_binding_takes_the_best_scores():
    problem = SelectionProblem(
        candidates=[cand(1, 70, 10), cand(2, 95, 10), cand(3, "80.25", 10), cand(4, 60, 10)],
        cap=2,
        budget=Decimal(1000),
    )

    suggestion = suggest_selection(problem)

    assert suggestion.selected == [2, 3]
    assert suggestion.total_score == Decimal("175.25")
    assert suggestion.binding == ["cap"]
    assert suggestion.first_out == [1, 4]
    assert codes(suggestion) == {1: "lower_score", 2: "chosen", 3: "chosen", 4: "lower_score"}
    assert suggestion.reasons[1].text == (
        "Score 70.0 is below 80.3, the lowest score among the chosen projects."
    )


def test_suggest_selection_minimum_forces_a_lower_scored_project_in():
    problem = SelectionProblem(
        candidates=[
            cand(1, 90, 100, region="almaty", label="Alpha"),
            cand(2, 85, 100, region="almaty", label="Beta"),
            cand(3, 60, 100, region="astana", label="Gamma"),
            cand(4, 50, 100, region="astana", label="Delta"),
        ],
        cap=2,
        budget=Decimal(1000),
        minimums=[Minimum("region", "astana", 1)],
    )

    suggestion = suggest_selection(problem)

    assert suggestion.selected == [1, 3]
    assert suggestion.binding == ["cap", "minimum:region=astana"]
    assert codes(suggestion) == {
        1: "chosen",
        2: "minimum",
        3: "needed_for_minimum",
        4: "lower_score",
    }
    assert suggestion.reasons[3].text == (
        "Needed for the minimum of 1 in region Astana (city); Beta scores higher (85.0 vs 60.0) "
        "but does not count for it."
    )
    assert suggestion.reasons[2].text == (
        "Scores 85.0, above Gamma (60.0), but that place is needed for the minimum of 1 "
        "in region Astana (city)."
    )


def test_suggest_selection_region_and_sector_minimums_share_a_project():
    # One project counts for both minimums, so cap 1 is enough.
    problem = SelectionProblem(
        candidates=[
            cand(1, 90, 100, region="almaty", sector="fintech"),
            cand(2, 40, 100, region="astana", sector="agritech"),
        ],
        cap=1,
        budget=Decimal(100),
        minimums=[Minimum("region", "astana", 1), Minimum("sector", "agritech", 1)],
    )

    suggestion = suggest_selection(problem)

    assert suggestion.selected == [2]
    assert suggestion.binding == [
        "cap",
        "budget",
        "minimum:region=astana",
        "minimum:sector=agritech",
    ]
    assert codes(suggestion) == {1: "minimum", 2: "needed_for_minimum"}


def test_suggest_selection_fixed_projects_stay_in_and_count():
    problem = SelectionProblem(
        candidates=[
            cand(1, 95, 600),
            cand(2, 90, 300),
            cand(3, 20, 300, region="astana"),
            cand(4, 80, 300),
        ],
        cap=2,
        budget=Decimal(700),
        minimums=[Minimum("region", "astana", 1)],
        fixed=frozenset({3}),
    )

    suggestion = suggest_selection(problem)

    # 3 is fixed (and meets the minimum); 1 no longer fits next to it.
    assert suggestion.selected == [2, 3]
    assert suggestion.last_in == [2]
    assert suggestion.binding == ["cap", "budget"]
    assert codes(suggestion) == {1: "budget", 2: "chosen", 3: "already_selected", 4: "lower_score"}
    assert suggestion.reasons[3].text == "Already selected; it stays in."


def test_suggest_selection_all_places_fixed_means_cap():
    problem = SelectionProblem(
        candidates=[cand(1, 10, 1), cand(2, 99, 1)],
        cap=1,
        budget=Decimal(10),
        fixed=frozenset({1}),
    )

    suggestion = suggest_selection(problem)

    assert suggestion.selected == [1]
    assert suggestion.last_in == []
    assert suggestion.reasons[2].code == "cap"
    assert suggestion.reasons[2].text == "The cap of 1 is filled by already selected projects."


def test_suggest_selection_zero_score_is_not_taken():
    problem = SelectionProblem(
        candidates=[cand(1, 50, 10), cand(2, 0, 0)], cap=5, budget=Decimal(100)
    )

    suggestion = suggest_selection(problem)

    assert suggestion.selected == [1]
    assert suggestion.binding == []
    assert suggestion.reasons[2].code == "no_gain"


def test_suggest_selection_tie_prefers_smaller_request():
    problem = SelectionProblem(
        candidates=[cand(1, 80, 300), cand(2, 80, 200), cand(3, 90, 100)],
        cap=2,
        budget=Decimal(1000),
    )

    suggestion = suggest_selection(problem)

    assert suggestion.selected == [3, 2]
    assert suggestion.reasons[1].code == "tie_break"


def test_suggest_selection_tie_prefers_fewer_projects():
    problem = SelectionProblem(
        candidates=[cand(1, 25, 10), cand(2, 25, 20), cand(3, 50, 30)],
        cap=2,
        budget=Decimal(30),
    )

    assert suggest_selection(problem).selected == [3]


def test_suggest_selection_tie_prefers_lower_ids_in_any_input_order():
    # {1, 4} and {2, 3} have the same score, request and size; 1 is the earliest id.
    candidates = [
        cand(1, 40, 20, region="astana"),
        cand(2, 30, 15, region="almaty"),
        cand(3, 30, 15, sector="edtech"),
        cand(4, 20, 10, sector="fintech"),
        cand(5, 30, 15, region="astana"),
    ]
    results = set()
    for seed in range(5):
        shuffled = candidates[:]
        random.Random(seed).shuffle(shuffled)
        problem = SelectionProblem(candidates=shuffled, cap=2, budget=Decimal(30))
        results.add(tuple(suggest_selection(problem).selected))

    assert results == {(1, 4)}


def test_suggest_selection_tie_across_regions_takes_the_lower_id():
    problem = SelectionProblem(
        candidates=[
            cand(1, 40, 10, region="astana"),
            cand(2, 10, 30, region="almaty"),
            cand(3, 40, 10, region="almaty"),
        ],
        cap=1,
        budget=Decimal(50),
    )

    suggestion = suggest_selection(problem)

    assert suggestion.selected == [1]
    assert suggestion.reasons[3].code == "tie_break"
    assert suggestion.reasons[3].text == (
        "Score 40.0 ties with the lowest chosen score; ties go to the smaller total request, "
        "then the earlier application."
    )


def test_suggest_selection_many_equal_projects_in_different_groups_take_the_lowest_ids():
    # Equal on score and request but spread over regions and sectors: many tied sets,
    # which only the id rule separates.
    problem = SelectionProblem(
        candidates=[
            cand(i, 50, 10, region=["astana", "almaty", "shymkent"][i % 3], sector=str(i % 4))
            for i in range(60, 0, -1)
        ],
        cap=7,
        budget=Decimal(1000),
        minimums=[Minimum("region", "shymkent", 3)],
    )

    suggestion = suggest_selection(problem)

    # Ids 2, 5 (shymkent, i % 3 == 2) are among 1..7; the third shymkent is 8.
    assert sorted(suggestion.selected) == [1, 2, 3, 4, 5, 6, 8]
    assert suggestion.optimal is True


def test_suggest_selection_identical_candidates_take_the_lowest_ids():
    problem = SelectionProblem(
        candidates=[cand(i, 70, 100) for i in (9, 3, 7, 5, 1)],
        cap=3,
        budget=Decimal(1000),
    )

    suggestion = suggest_selection(problem)

    assert suggestion.selected == [1, 3, 5]
    assert suggestion.first_out == [7, 9]
    assert codes(suggestion)[7] == "tie_break"


def test_suggest_selection_empty_program():
    suggestion = suggest_selection(SelectionProblem(candidates=[], cap=50, budget=Decimal(0)))

    assert suggestion == Suggestion(
        selected=[],
        total_score=Decimal(0),
        total_requested=Decimal(0),
        binding=[],
        last_in=[],
        first_out=[],
        reasons={},
        optimal=True,
    )


# --- infeasible constraints and bad input ----------------------------------


def infeasible_messages(problem: SelectionProblem) -> list[str]:
    with pytest.raises(InfeasibleSelection) as caught:
        suggest_selection(problem)
    assert str(caught.value) == " ".join(caught.value.messages)
    return caught.value.messages


def test_infeasible_fixed_exceed_cap_and_budget():
    problem = SelectionProblem(
        candidates=[cand(1, 50, 800_000), cand(2, 50, 700_000), cand(3, 50, 1)],
        cap=1,
        budget=Decimal(1_000_000),
        fixed=frozenset({1, 2}),
    )

    assert infeasible_messages(problem) == [
        "The already selected projects (2) exceed the cap of 1.",
        "The already selected projects request 1,500,000, more than the budget of 1,000,000.",
    ]


def test_infeasible_region_minimums_exceed_cap():
    problem = SelectionProblem(
        candidates=[cand(i, 50, 1, region="astana" if i < 3 else "almaty") for i in range(1, 5)],
        cap=3,
        budget=Decimal(100),
        minimums=[Minimum("region", "astana", 2), Minimum("region", "almaty", 2)],
    )

    assert infeasible_messages(problem) == [
        "The region minimums ask for 4 projects but the cap is 3."
    ]


def test_infeasible_minimums_exceed_cap_beside_fixed():
    problem = SelectionProblem(
        candidates=[
            cand(1, 50, 1, region="almaty"),
            cand(2, 50, 1, region="almaty"),
            cand(3, 50, 1, sector="agritech"),
            cand(4, 50, 1, sector="agritech"),
        ],
        cap=3,
        budget=Decimal(100),
        minimums=[Minimum("sector", "agritech", 2)],
        fixed=frozenset({1, 2}),
    )

    assert infeasible_messages(problem) == [
        "The sector minimums ask for 2 more projects besides the 2 already selected, "
        "but the cap is 3."
    ]


def test_infeasible_too_few_candidates_for_a_minimum():
    problem = SelectionProblem(
        candidates=[cand(i, 50, 1, region="astana") for i in (1, 2)] + [cand(3, 50, 1)],
        cap=5,
        budget=Decimal(100),
        minimums=[Minimum("region", "astana", 3)],
    )

    assert infeasible_messages(problem) == [
        "Only 2 candidates are in region Astana (city); the minimum asks for 3."
    ]


def test_infeasible_cheapest_way_to_meet_a_minimum_exceeds_budget():
    problem = SelectionProblem(
        candidates=[
            cand(1, 50, 100_000, sector="agritech"),
            cand(2, 50, 200_000, sector="agritech"),
            cand(3, 50, 500_000, sector="agritech"),
            cand(4, 50, 1),
        ],
        cap=5,
        budget=Decimal(250_000),
        minimums=[Minimum("sector", "agritech", 2)],
    )

    assert infeasible_messages(problem) == [
        "Meeting the minimum of 2 in sector Agritech costs at least 300,000, "
        "more than the budget of 250,000."
    ]


def test_infeasible_minimum_cost_counts_what_fixed_projects_spent():
    problem = SelectionProblem(
        candidates=[cand(1, 50, 200_000), cand(2, 50, "60000.5", region="astana")],
        cap=5,
        budget=Decimal(250_000),
        minimums=[Minimum("region", "astana", 1)],
        fixed=frozenset({1}),
    )

    assert infeasible_messages(problem) == [
        "Meeting the minimum of 1 in region Astana (city) costs at least 60,000.50, "
        "more than the 50,000 left after the already selected projects."
    ]


def test_infeasible_minimums_of_one_field_together_exceed_budget():
    problem = SelectionProblem(
        candidates=[cand(1, 50, 60, region="astana"), cand(2, 50, 60, region="almaty")],
        cap=5,
        budget=Decimal(100),
        minimums=[Minimum("region", "astana", 1), Minimum("region", "almaty", 1)],
    )

    assert infeasible_messages(problem) == [
        "Meeting all region minimums together costs at least 120, more than the 100 left "
        "in the budget."
    ]


def test_infeasible_only_the_solver_sees_it():
    # Each field alone fits the cap of 1, but no project is in both astana and agritech.
    problem = SelectionProblem(
        candidates=[
            cand(1, 50, 1, region="astana", sector="fintech"),
            cand(2, 50, 1, region="almaty", sector="agritech"),
        ],
        cap=1,
        budget=Decimal(1000),
        minimums=[Minimum("region", "astana", 1), Minimum("sector", "agritech", 1)],
    )

    assert infeasible_messages(problem) == [
        "No selection meets all the constraints together (cap 1; budget 1,000; "
        "at least 1 in region Astana (city); at least 1 in sector Agritech)."
    ]


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (
            SelectionProblem([cand(1, 1, 1)], 1, Decimal(1), [Minimum("stage", "seed", 1)]),
            "unknown minimum field 'stage'",
        ),
        (SelectionProblem([cand(1, 1, 1), cand(1, 2, 2)], 1, Decimal(1)), "must be unique"),
        (SelectionProblem([cand(1, 1, 1)], 1, Decimal(1), fixed=frozenset({2})), "not candidates"),
        (SelectionProblem([cand(1, "1.0005", 1)], 1, Decimal(1)), "more decimals"),
        (SelectionProblem([cand(1, 1, "0.001")], 1, Decimal(1)), "more decimals"),
        (SelectionProblem([cand(1, 1, -1)], 1, Decimal(1)), "must be >= 0"),
        (SelectionProblem([cand(1, 1, 1)], -1, Decimal(1)), "cap must be >= 0"),
        (SelectionProblem([cand(1, 1, 1)], 1, Decimal(-1)), "budget must be"),
    ],
)
def test_suggest_selection_malformed_input_raises_value_error(problem, message):
    with pytest.raises(ValueError, match=message):
        suggest_selection(problem)


# --- properties ------------------------------------------------------------

REGIONS = ["astana", "almaty", ""]
SECTORS = ["agritech", "fintech"]

# Coarse values make ties (and so the tie-break rule) common; fine ones test the scaling.
scores = st.one_of(
    st.integers(0, 10).map(lambda v: Decimal(v * 10)),
    st.integers(0, 100_000).map(lambda v: Decimal(v) / 1000),
)
amounts = st.one_of(
    st.integers(0, 6).map(lambda v: Decimal(v * 100)),
    st.integers(0, 100_000).map(lambda v: Decimal(v) / 100),
)


@st.composite
def problems(draw, max_candidates: int = 11) -> SelectionProblem:
    n = draw(st.integers(0, max_candidates))
    ids = draw(st.lists(st.integers(1, 999), min_size=n, max_size=n, unique=True))
    candidates = [
        Candidate(
            id=i,
            score=draw(scores),
            requested=draw(amounts),
            region=draw(st.sampled_from(REGIONS)),
            sector=draw(st.sampled_from(SECTORS)),
        )
        for i in ids
    ]
    total = sum((c.requested for c in candidates), Decimal(0))
    budget = (total * draw(st.integers(0, 110)) / 100).quantize(Decimal("0.01"))
    minimum = st.one_of(
        st.builds(Minimum, st.just("region"), st.sampled_from(REGIONS), st.integers(0, 2)),
        st.builds(Minimum, st.just("sector"), st.sampled_from(SECTORS), st.integers(0, 2)),
    )
    minimums = draw(st.lists(minimum, max_size=3))
    fixed = draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)) if ids else []
    return SelectionProblem(
        candidates=candidates,
        cap=draw(st.integers(0, n + 1)),
        budget=budget,
        minimums=minimums,
        fixed=frozenset(fixed),
    )


@PROPERTY
@given(problems())
def test_suggest_selection_matches_brute_force(problem):
    expected = brute_force(problem)

    if expected is None:
        with pytest.raises(InfeasibleSelection) as caught:
            suggest_selection(problem)
        assert caught.value.messages
        return
    suggestion = suggest_selection(problem)

    assert sorted(suggestion.selected) == expected
    assert suggestion.optimal is True
    assert_explained(problem, suggestion)


@settings(max_examples=40, deadline=None)
@given(problems(max_candidates=40))
def test_suggest_selection_explains_every_candidate(problem):
    try:
        suggestion = suggest_selection(problem)
    except InfeasibleSelection as error:
        assert error.messages
        return

    assert suggestion.optimal is True
    assert_explained(problem, suggestion)
