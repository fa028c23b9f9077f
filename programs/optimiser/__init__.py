"""Suggest which applications to fund: the best set within cap, budget and minimums.

A pure algorithm (no database): the service that calls it builds a
`SelectionProblem` from the board, shows the `Suggestion` with its reasons,
and the program manager decides. Nothing here selects anything.

The model
---------
One boolean per candidate, and CP-SAT on::

    maximise   sum(score_i * x_i)
    subject to sum(x_i) <= cap
               sum(requested_i * x_i) <= budget
               sum(x_i for i with field == value) >= count    for each minimum
               x_i = 1                                         for each fixed id

a 0/1 knapsack with a cardinality row and a few covering rows. Scores have at
most three decimals and amounts two, so they are scaled to integers exactly
(x1000 and x100); a value with more decimals is refused rather than rounded,
because rounding could change which set is best. A budget with more than two
decimals is rounded down to whole cents: requests are whole cents, so that
cannot change which sets fit.

Tie-breaking (the rule)
-----------------------
Among all feasible sets, the suggestion is the one that

1. has the largest total score; among those,
2. has the smallest total requested; among those,
3. has the fewest projects (one 50-point project and two 25-point ones can
   tie on score and request); among those,
4. has the lexicographically smallest list of ids in ascending order (at the
   first id where two such sets differ, the one that includes it wins: the
   earlier application).

Key 4 makes the answer unique, so a proven-optimal suggestion does not depend
on the solver's search path, worker count or timing. The keys are solved in
stages, each adding "the previous key keeps its optimal value" as a
constraint; see `solver.solve` for why each stage is exact and fits in 64 bits.

Explanations
------------
Every candidate gets one `Reason`, from simple exchange arguments on the
optimum: a selected project that scores below a left-out project which would
fit in its place must be holding a minimum; a left-out project that scores
above a chosen one must be blocked by the budget or by a minimum; the rest are
cap and score. The texts are short and carry the numbers.

The committee's objective
-------------------------
`suggest_selection` maximises the total score (keys 1-4 above). The default
of the suggestion page is `suggest_in_rank_order` (module `rank_order`):
the first feasible set reading down the ranking, which is what a committee
signs; it is exact too, and usually instant.

The package
-----------
`problem` (input and output types, scaling and validation), `prechecks`
(infeasibility a manager can act on, found before solving), `solver` (the
CP-SAT stages), `explain` (totals, margin and one reason per candidate).
``python -m programs.optimiser [n] [cap] [seed]`` times a random program.
"""

from __future__ import annotations

from programs.optimiser.explain import explain
from programs.optimiser.prechecks import prechecks
from programs.optimiser.problem import (
    Candidate,
    InfeasibleSelection,
    Minimum,
    Reason,
    SelectionProblem,
    SelectionTimeout,
    Suggestion,
    prepare,
)
from programs.optimiser.rank_order import Objective, explain_rank_order, solve_rank_order
from programs.optimiser.solver import solve

__all__ = [
    "Candidate",
    "InfeasibleSelection",
    "Minimum",
    "Objective",
    "Reason",
    "SelectionProblem",
    "SelectionTimeout",
    "Suggestion",
    "suggest",
    "suggest_in_rank_order",
    "suggest_selection",
]


def suggest_selection(problem: SelectionProblem, *, time_limit_seconds: float = 10.0) -> Suggestion:
    """The best set under the tie-break rule in the module docstring, with reasons.

    Raises `InfeasibleSelection` (checked before solving, with one message per
    violated condition, or with a general message if only the solver sees it),
    `SelectionTimeout` if no set is found in time, and ``ValueError`` on
    malformed input (duplicate ids, unknown fixed ids or minimum fields,
    negative limits, too many decimals).
    """
    if not time_limit_seconds > 0:
        raise ValueError(f"time_limit_seconds must be positive, got {time_limit_seconds}")
    data = prepare(problem)
    messages = prechecks(data)
    if messages:
        raise InfeasibleSelection(messages)
    chosen, optimal = solve(data, time_limit_seconds)
    return explain(data, chosen, optimal)


def suggest_in_rank_order(problem: SelectionProblem) -> Suggestion:
    """The committee's set: in rank order, skipping only what does not fit (see `rank_order`).

    Raises `InfeasibleSelection` and ``ValueError`` as `suggest_selection` does.
    """
    data = prepare(problem)
    messages = prechecks(data)
    if messages:
        raise InfeasibleSelection(messages)
    chosen, why = solve_rank_order(data)
    return explain_rank_order(data, chosen, why)


def suggest(
    problem: SelectionProblem, *, objective: str, time_limit_seconds: float = 10.0
) -> Suggestion:
    """The suggestion under `objective` (an `Objective` value)."""
    if objective == Objective.RANK_ORDER:
        return suggest_in_rank_order(problem)
    if objective == Objective.MAX_SCORE:
        return suggest_selection(problem, time_limit_seconds=time_limit_seconds)
    raise ValueError(f"unknown objective {objective!r}")
