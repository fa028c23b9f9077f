"""The reviewer planner: which expert reviews which application of one program.

A pure algorithm: ids in, ids out, no database. The service that calls it
locks the rows, builds a `ReviewerPlanProblem` from them, and writes the plan.

The model
---------
A min-cost flow on::

    source -> application  capacity = its gap (k minus reviewers it already has), cost 0
    application -> reviewer  capacity 1, only for eligible pairs (in the pool, not
                             blocked, not already on it), cost 0
    reviewer -> sink  one unit arc per extra review; the t-th costs L + t, where L is
                      the reviewer's current load in the program

so a reviewer who ends with load ``L'`` costs ``f(L+1) + ... + f(L')`` with the
strictly increasing ``f(x) = x``: the objective is a separable, strictly convex
function of the final loads, and a min-cost flow is exactly a minimiser of it
among all ways to fill the gaps.

Why this balances the loads
---------------------------
Flow optimality means the residual graph has no negative cycle. Suppose that
reviewers ``a`` and ``b`` end with loads ``La >= Lb + 2`` and that ``b`` could
take over one of ``a``'s reviews, directly or along a chain (``b`` takes
application p1 from ``c``, ``c`` takes p2 from ``a``...). That chain plus the
two sink arcs is a residual cycle of cost ``f(Lb + 1) - f(La) < 0``: impossible.
The vectors of new reviews per reviewer that fill all gaps form an M-convex set
(the degree vectors of a bipartite b-matching), and on an M-convex set this
absence of an improving exchange makes the load vector *decreasingly minimal*,
which is also *increasingly maximal* (Frank & Murota, "Decreasing minimization
on M-convex sets", 2022). So the largest final load is as small as any plan can
make it and the smallest is as large: the spread ``max - min`` is the smallest
of all feasible plans, and when some plan has all loads within one of each
other, this one has too. Reviewers who can take nothing new (everything
blocked, or already loaded above the rest) simply keep their load.

Keeping the graph small
-----------------------
Unit arcs for every review a reviewer could take would be as many as the
eligible pairs. No plan can have a largest load below the "water level" ``C``
(the least ``C`` at which ``sum(min(eligible_r, C - L_r))`` covers the total
gap), so reviewer ``r`` first gets only ``C - L_r`` unit arcs. If that flow
fills every gap, it is the global optimum: an optimum using a unit above ``C``
could move it (by the exchange above) to a reviewer who stays at or below ``C``,
lowering the cost. If it does not, ``C`` grows in doubling steps; at the last
step every reviewer has a unit arc per eligible application, which is the
uncapped problem.

Feasibility
-----------
Reviewers have no capacity limit, so the gaps can all be filled exactly when
each application, on its own, has at least as many eligible reviewers as its
gap; there is no shortfall that comes only from applications competing for
reviewers. That check runs first, so the function either returns a complete
plan or raises `NotEnoughReviewers` with every application's exact shortfall,
and nothing is ever half planned.

Determinism: ids are deduplicated and sorted before the graph is built, so the
same problem (in any input order) gives the same plan; among equally balanced
plans the solver's choice follows that id order, unless `seed` is given: then
each eligible pair gets a small random cost drawn with that seed (below the
scale of the load costs, so balance is untouched), and the cheapest of the
balanced plans in that draw wins. Neighbouring applications then no longer
share the same reviewers ("banding"), and the same seed gives the same plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

__all__ = ["ReviewerPlanProblem", "NotEnoughReviewers", "plan_reviewers"]

# How many short applications the exception message names before "and N more".
_MESSAGE_LIMIT = 10
# The random pair costs that pick among equally balanced plans are below this.
_NOISE = 1000


@dataclass(frozen=True)
class ReviewerPlanProblem:
    """Everything the planner needs about one program's reviewing, as plain ids.

    `existing` pairs count toward `per_application` and are never moved;
    `loads` are the reviewers' current active assignments in the program
    (including `existing`), so balancing continues from where the program is.
    """

    applications: Sequence[int]
    reviewers: Sequence[int]
    per_application: int = 3
    existing: Mapping[int, frozenset[int]] = field(default_factory=dict)
    blocked: frozenset[tuple[int, int]] = frozenset()
    loads: Mapping[int, int] = field(default_factory=dict)
    # Reviewers wanted per application where it differs from `per_application`
    # (a second opinion: the ones it has plus N).
    targets: Mapping[int, int] = field(default_factory=dict)
    # None: the plan follows the id order. A number: among the equally balanced
    # plans, one drawn with this seed (the same seed, the same plan).
    seed: int | None = None


class NotEnoughReviewers(Exception):
    """Some applications cannot reach `per_application` eligible reviewers.

    `shortfall` maps every such application id to how many reviewers it would
    still lack after taking every eligible one (sorted by id).
    """

    def __init__(self, shortfall: Mapping[int, int], per_application: int) -> None:
        self.shortfall: dict[int, int] = dict(sorted(shortfall.items()))
        self.per_application = per_application
        super().__init__(self._describe())

    def _describe(self) -> str:
        count = len(self.shortfall)
        items = [f"application {app} lacks {n}" for app, n in self.shortfall.items()]
        if count > _MESSAGE_LIMIT:
            items = [*items[:_MESSAGE_LIMIT], f"and {count - _MESSAGE_LIMIT} more"]
        return (
            f"{count} application{'s' if count != 1 else ''} cannot get "
            f"{self.per_application} reviewer{'s' if self.per_application != 1 else ''}: "
            f"not enough eligible reviewers ({', '.join(items)})"
        )


def plan_reviewers(problem: ReviewerPlanProblem) -> dict[int, list[int]]:
    """New (application id -> sorted reviewer ids) pairs that fill every gap.

    Existing pairs are untouched and not repeated; applications that already
    have enough reviewers are absent, so a second run on the result returns
    ``{}``. Raises `NotEnoughReviewers` before planning anything if any
    application cannot be completed; ``ValueError`` on a negative
    `per_application`.
    """
    k = problem.per_application
    if k < 0:
        raise ValueError(f"per_application must be >= 0, got {k}")
    reviewers = sorted(set(problem.reviewers))
    needy: list[int] = []
    gap_list: list[int] = []
    for app in sorted(set(problem.applications)):
        gap = problem.targets.get(app, k) - len(problem.existing.get(app, ()))
        if gap > 0:
            needy.append(app)
            gap_list.append(gap)
    if not needy:
        return {}
    gaps = np.array(gap_list, dtype=np.int64)

    eligible = _eligibility(problem, needy, reviewers)
    short = gaps - eligible.sum(axis=1)
    if (short > 0).any():
        raise NotEnoughReviewers({needy[i]: int(short[i]) for i in np.flatnonzero(short > 0)}, k)

    loads = np.array([problem.loads.get(r, 0) for r in reviewers], dtype=np.int64)
    pair_apps, pair_reviewers = np.nonzero(eligible)  # row-major: by app id, then reviewer id
    noise = None
    if problem.seed is not None:
        noise = np.random.default_rng(problem.seed).integers(0, _NOISE, size=len(pair_apps))
    flows = _balanced_flow(gaps, loads, eligible.sum(axis=0), pair_apps, pair_reviewers, noise)

    plan: dict[int, list[int]] = {}
    for i, j in zip(pair_apps[flows > 0].tolist(), pair_reviewers[flows > 0].tolist(), strict=True):
        plan.setdefault(needy[i], []).append(reviewers[j])
    return plan


def _eligibility(
    problem: ReviewerPlanProblem, needy: list[int], reviewers: list[int]
) -> np.ndarray:
    """Boolean matrix (needy application x reviewer): may this pair be added?"""
    eligible = np.ones((len(needy), len(reviewers)), dtype=bool)
    app_index = {app: i for i, app in enumerate(needy)}
    reviewer_index = {reviewer: j for j, reviewer in enumerate(reviewers)}
    for app, reviewer in problem.blocked:
        i, j = app_index.get(app), reviewer_index.get(reviewer)
        if i is not None and j is not None:
            eligible[i, j] = False
    for app, i in app_index.items():
        for reviewer in problem.existing.get(app, ()):
            j = reviewer_index.get(reviewer)
            if j is not None:
                eligible[i, j] = False
    return eligible


def _water_level(total: int, loads: np.ndarray, capacity: np.ndarray) -> int:
    """Least C with sum(min(capacity, C - loads)) >= total: a floor on any plan's max load."""

    def covered(level: int) -> int:
        return int(np.minimum(capacity, np.maximum(0, level - loads)).sum())

    low, high = int(loads.min()), int((loads + capacity).max())
    while low < high:
        middle = (low + high) // 2
        if covered(middle) >= total:
            high = middle
        else:
            low = middle + 1
    return low


def _balanced_flow(
    gaps: np.ndarray,
    loads: np.ndarray,
    capacity: np.ndarray,
    pair_apps: np.ndarray,
    pair_reviewers: np.ndarray,
    noise: np.ndarray | None = None,
) -> np.ndarray:
    """Flow (0 or 1) on each eligible pair of a min-cost flow filling all gaps.

    With `noise` (one cost in [0, _NOISE) per pair) the load costs are scaled
    by more than the flow's largest possible total noise, so the loads stay
    exactly as balanced as without it and the noise only picks among the
    equally balanced plans.

    The caller has checked that every gap is coverable, so the uncapped last
    round always fills them; the rounds before it are only a speed-up.
    """
    total = int(gaps.sum())
    n_apps, n_reviewers = len(gaps), len(loads)
    source, sink = 0, 1 + n_apps + n_reviewers
    app_nodes = np.arange(1, 1 + n_apps, dtype=np.int32)
    reviewer_nodes = np.arange(1 + n_apps, sink, dtype=np.int32)
    ceiling = int((loads + capacity).max())
    scale = 1 if noise is None else _NOISE * total + 1
    pair_costs = np.zeros(len(pair_apps), np.int64) if noise is None else noise.astype(np.int64)
    level, step = _water_level(total, loads, capacity), 1
    while True:
        units = np.minimum(capacity, np.maximum(0, level - loads))
        solver = min_cost_flow.SimpleMinCostFlow()
        solver.add_arcs_with_capacity_and_unit_cost(
            np.full(n_apps, source, dtype=np.int32), app_nodes, gaps, np.zeros(n_apps, np.int64)
        )
        pair_arcs = solver.add_arcs_with_capacity_and_unit_cost(
            app_nodes[pair_apps],
            reviewer_nodes[pair_reviewers],
            np.ones(len(pair_apps), np.int64),
            pair_costs,
        )
        # Unit arc t (1-based) of reviewer r costs loads[r] + t: increasing marginal cost.
        starts = np.cumsum(units) - units
        rank = np.arange(int(units.sum()), dtype=np.int64) - np.repeat(starts, units) + 1
        solver.add_arcs_with_capacity_and_unit_cost(
            np.repeat(reviewer_nodes, units),
            np.full(len(rank), sink, dtype=np.int32),
            np.ones(len(rank), np.int64),
            (np.repeat(loads, units) + rank) * scale,
        )
        solver.set_nodes_supplies(
            np.array([source, sink], dtype=np.int32), np.array([total, -total], np.int64)
        )
        status = solver.solve_max_flow_with_min_cost()
        if status != solver.OPTIMAL:
            raise RuntimeError(f"min-cost flow solver failed with status {status}")
        if solver.maximum_flow() == total:
            return np.asarray(solver.flows(pair_arcs))
        if level >= ceiling:
            raise RuntimeError("uncapped flow left a gap although every gap is coverable")
        level, step = min(ceiling, level + step), step * 2
