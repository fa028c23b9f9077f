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
constraint; see `_solve` for why each stage is exact and fits in 64 bits.

Explanations
------------
Every candidate gets one `Reason`, from simple exchange arguments on the
optimum: a selected project that scores below a left-out project which would
fit in its place must be holding a minimum; a left-out project that scores
above a chosen one must be blocked by the budget or by a minimum; the rest are
cap and score. The texts are short and carry the numbers.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

__all__ = [
    "Candidate",
    "InfeasibleSelection",
    "Minimum",
    "Reason",
    "SelectionProblem",
    "SelectionTimeout",
    "Suggestion",
    "suggest_selection",
]

FIELDS = ("region", "sector")
_FIELD_LABELS = {"region": _("region"), "sector": _("sector")}

SCORE_SCALE = 1000  # scores have at most 3 decimals
MONEY_SCALE = 100  # amounts are in cents / tiyn
_MAX_TOTAL = 2**53  # totals stay far inside CP-SAT's int64 and exact as floats in its LP
MARGIN = 3  # how many projects `last_in` and `first_out` name
_RANDOM_SEED = 20240601  # fixed so a time-limited run repeats itself
_ID_BLOCK = 24  # candidates settled per tie-break solve; 2**24 keeps the weights small


@dataclass(frozen=True)
class Candidate:
    """One application as the optimiser sees it."""

    id: int
    score: Decimal  # 0–100, raw or normalised, at most 3 decimals
    requested: Decimal  # in the program's currency, at most 2 decimals
    region: str  # may be ""
    sector: str
    label: str = ""  # e.g. the startup's name, for explanations


@dataclass(frozen=True)
class Minimum:
    """At least `count` selected projects must have `field` equal to `value`."""

    field: str  # "region" or "sector"
    value: str
    count: int


@dataclass(frozen=True)
class SelectionProblem:
    """What the manager asks: the best set within `cap` and `budget`.

    `fixed` ids are already selected and stay in; they count toward the cap,
    the budget and the minimums.
    """

    candidates: Sequence[Candidate]
    cap: int
    budget: Decimal
    minimums: Sequence[Minimum] = ()
    fixed: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Reason:
    """Why one candidate is in or out, for the manager.

    Codes: selected — "already_selected", "chosen", "needed_for_minimum";
    not selected — "lower_score", "tie_break", "budget", "minimum", "cap",
    "no_gain" (a score of 0 adds nothing), "not_reached" (only when the
    solver stopped at its time limit before proving optimality).
    """

    id: int
    selected: bool
    code: str
    text: str


@dataclass(frozen=True)
class Suggestion:
    """The proposed set, its totals, what limits it, and a reason per candidate."""

    selected: list[int]  # ids, best score first (ties: lower id first)
    total_score: Decimal
    total_requested: Decimal
    binding: list[str]  # "cap", "budget", "minimum:<field>=<value>"
    last_in: list[int]  # up to 3 lowest-scored selected, not fixed; same order as `selected`
    first_out: list[int]  # up to 3 highest-scored not selected, best first
    reasons: dict[int, Reason]  # one per candidate
    optimal: bool  # True when CP-SAT proved every tie-break stage optimal


class InfeasibleSelection(Exception):
    """No set meets the constraints; `messages` say why, one sentence each."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages: list[str] = [str(message) for message in messages]
        super().__init__(" ".join(self.messages))


class SelectionTimeout(InfeasibleSelection):
    """The solver found no set at all within the time limit (it did not prove infeasibility).

    A subclass so that a view catching `InfeasibleSelection` also shows this
    message instead of crashing.
    """


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
    data = _prepare(problem)
    messages = _prechecks(data)
    if messages:
        raise InfeasibleSelection(messages)
    chosen, optimal = _solve(data, time_limit_seconds)
    return _explain(data, chosen, optimal)


# --- input -----------------------------------------------------------------


@dataclass(frozen=True)
class _Group:
    """A merged minimum with the indices of the candidates that count for it."""

    field: str
    value: str
    count: int
    members: frozenset[int]

    @property
    def key(self) -> str:
        return f"minimum:{self.field}={self.value}"


@dataclass(frozen=True)
class _Data:
    """The problem in solver units, candidates sorted by id."""

    items: list[Candidate]
    score: list[int]  # x SCORE_SCALE
    cost: list[int]  # x MONEY_SCALE
    fixed: list[bool]
    cap: int
    budget: int  # x MONEY_SCALE, rounded down
    groups: list[_Group]


def _scaled(value: Decimal | int, scale: int, what: str) -> int:
    """`value * scale` as an int, refusing values that do not scale exactly."""
    number = value if isinstance(value, Decimal) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    scaled = number * scale
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{what} has more decimals than the optimiser uses: {value!r}")
    return int(scaled)


def _prepare(problem: SelectionProblem) -> _Data:
    """Validate and scale; merge minimums on the same value (the largest count wins)."""
    items = sorted(problem.candidates, key=lambda c: c.id)
    ids = [c.id for c in items]
    repeated = sorted({i for a, i in zip(ids, ids[1:], strict=False) if a == i})
    if repeated:
        raise ValueError(f"candidate ids must be unique; repeated: {repeated}")
    unknown = sorted(set(problem.fixed) - set(ids))
    if unknown:
        raise ValueError(f"fixed ids are not candidates: {unknown}")
    if problem.cap < 0:
        raise ValueError(f"cap must be >= 0, got {problem.cap}")
    budget = Decimal(problem.budget)
    if not budget.is_finite() or budget < 0:
        raise ValueError(f"budget must be a finite amount >= 0, got {problem.budget!r}")
    score = [_scaled(c.score, SCORE_SCALE, f"score of candidate {c.id}") for c in items]
    cost = [
        _scaled(c.requested, MONEY_SCALE, f"requested amount of candidate {c.id}") for c in items
    ]
    negative = [c.id for c, amount in zip(items, cost, strict=True) if amount < 0]
    if negative:
        raise ValueError(f"requested amounts must be >= 0; negative for {negative}")
    if sum(cost) >= _MAX_TOTAL or sum(score) >= _MAX_TOTAL:
        raise ValueError("scores or requested amounts are too large to add up exactly")

    counts: dict[tuple[str, str], int] = {}
    for minimum in problem.minimums:
        if minimum.field not in FIELDS:
            raise ValueError(f"unknown minimum field {minimum.field!r}; expected one of {FIELDS}")
        if minimum.count < 0:
            raise ValueError(f"minimum count must be >= 0, got {minimum.count}")
        key = (minimum.field, minimum.value)
        counts[key] = max(counts.get(key, 0), minimum.count)
    groups = [
        _Group(
            field,
            value,
            count,
            frozenset(i for i, c in enumerate(items) if getattr(c, field) == value),
        )
        for (field, value), count in counts.items()
    ]
    return _Data(
        items=items,
        score=score,
        cost=cost,
        fixed=[c.id in problem.fixed for c in items],
        cap=problem.cap,
        budget=int((budget * MONEY_SCALE).to_integral_value(rounding=ROUND_FLOOR)),
        groups=groups,
    )


# --- pre-checks ------------------------------------------------------------


def _prechecks(data: _Data) -> list[str]:
    """Necessary conditions, each with a sentence a manager can act on.

    They are not sufficient (minimums on different fields can still clash
    through the budget); the solver's own INFEASIBLE is reported separately.
    The per-field sums are valid because values of one field are disjoint:
    a project in region A is not in region B, but it can count for a region
    and a sector minimum at once, so regions and sectors are never added up.
    """
    messages: list[str] = []
    fixed = [i for i, is_fixed in enumerate(data.fixed) if is_fixed]
    fixed_cost = sum(data.cost[i] for i in fixed)
    if len(fixed) > data.cap:
        messages.append(
            _("The already selected projects (%(count)d) exceed the cap of %(cap)d.")
            % {"count": len(fixed), "cap": data.cap}
        )
    budget_ok = fixed_cost <= data.budget
    if not budget_ok:
        messages.append(
            _(
                "The already selected projects request %(requested)s, "
                "more than the budget of %(budget)s."
            )
            % {"requested": _cents(fixed_cost), "budget": _cents(data.budget)}
        )
    left = data.budget - fixed_cost

    for field in FIELDS:
        groups = [g for g in data.groups if g.field == field and g.count > 0]
        label = _FIELD_LABELS[field]
        extra_total = 0
        cheapest_total = 0
        field_has_message = False
        for group in groups:
            if len(group.members) < group.count:
                messages.append(
                    ngettext(
                        "Only %(available)d candidate is in %(field)s %(value)s; "
                        "the minimum asks for %(count)d.",
                        "Only %(available)d candidates are in %(field)s %(value)s; "
                        "the minimum asks for %(count)d.",
                        len(group.members),
                    )
                    % {
                        "available": len(group.members),
                        "field": label,
                        "value": _value(group.value),
                        "count": group.count,
                    }
                )
                field_has_message = True
            fixed_in = sum(1 for i in group.members if data.fixed[i])
            extra = max(0, group.count - fixed_in)
            extra_total += extra
            cheapest = sum(sorted(data.cost[i] for i in group.members if not data.fixed[i])[:extra])
            cheapest_total += cheapest
            if budget_ok and len(group.members) >= group.count and cheapest > left:
                messages.append(_minimum_cost_message(group, cheapest, left, bool(fixed), data))
                field_has_message = True
        if extra_total and len(fixed) + extra_total > data.cap:
            if fixed:
                text = _(
                    "The %(field)s minimums ask for %(extra)d more projects besides the "
                    "%(fixed)d already selected, but the cap is %(cap)d."
                )
            else:
                text = _(
                    "The %(field)s minimums ask for %(extra)d projects but the cap is %(cap)d."
                )
            messages.append(
                text % {"field": label, "extra": extra_total, "fixed": len(fixed), "cap": data.cap}
            )
        elif budget_ok and not field_has_message and len(groups) > 1 and cheapest_total > left:
            messages.append(
                _(
                    "Meeting all %(field)s minimums together costs at least %(cost)s, "
                    "more than the %(left)s left in the budget."
                )
                % {"field": label, "cost": _cents(cheapest_total), "left": _cents(left)}
            )
    return messages


def _minimum_cost_message(
    group: _Group, cheapest: int, left: int, has_fixed: bool, data: _Data
) -> str:
    values = {
        "count": group.count,
        "field": _FIELD_LABELS[group.field],
        "value": _value(group.value),
        "cost": _cents(cheapest),
        "left": _cents(left),
        "budget": _cents(data.budget),
    }
    if has_fixed:
        return (
            _(
                "Meeting the minimum of %(count)d in %(field)s %(value)s costs at least %(cost)s, "
                "more than the %(left)s left after the already selected projects."
            )
            % values
        )
    return (
        _(
            "Meeting the minimum of %(count)d in %(field)s %(value)s costs at least %(cost)s, "
            "more than the budget of %(budget)s."
        )
        % values
    )


def _general_infeasible(data: _Data) -> str:
    parts = [
        _("cap %(cap)d") % {"cap": data.cap},
        _("budget %(budget)s") % {"budget": _cents(data.budget)},
    ]
    parts += [
        _("at least %(count)d in %(field)s %(value)s")
        % {"count": g.count, "field": _FIELD_LABELS[g.field], "value": _value(g.value)}
        for g in data.groups
        if g.count > 0
    ]
    fixed = sum(data.fixed)
    if fixed:
        parts.append(_("%(count)d already selected") % {"count": fixed})
    return _("No selection meets all the constraints together (%(constraints)s).") % {
        "constraints": "; ".join(str(part) for part in parts)
    }


# --- solving ---------------------------------------------------------------


def _solve(data: _Data, time_limit_seconds: float) -> tuple[list[bool], bool]:
    """The chosen flags per candidate and whether every stage was proven optimal.

    Stage 1 maximises the score; stage 2 pins the score at its optimum and
    minimises the total requested; stage 3 pins that too and minimises the
    count; `_lowest_ids` settles key 4. Pinning the earlier keys as equality
    constraints makes each stage exact with small integer objectives (a
    single weighted objective would need weights beyond 64 bits once ids are
    in it). Identical candidates (same score, request, region and sector,
    not fixed) are ordered "a higher id only if the lower one is in" in every
    stage: swapping two of them changes no total and no minimum, and the
    swap towards the lower id is what key 4 prefers, so the rule's answer
    always satisfies these constraints; they only spare the solver from
    exploring mirror images. Once the best score is known, an LP bound rules
    most candidates in or out of every optimal set (`_implied_by_lp_bound`),
    which keeps the later stages small.
    """
    deadline = time.monotonic() + time_limit_seconds
    n = len(data.items)
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{c.id}") for c in data.items]
    for i in range(n):
        if data.fixed[i]:
            model.add(x[i] == 1)
    count = cp_model.LinearExpr.sum(x)
    requested = cp_model.LinearExpr.weighted_sum(x, data.cost)
    score = cp_model.LinearExpr.weighted_sum(x, data.score)
    model.add(count <= data.cap)
    model.add(requested <= min(data.budget, sum(data.cost)))  # a huge budget binds nothing
    for group in data.groups:
        if group.count > 0:
            model.add(cp_model.LinearExpr.sum([x[i] for i in sorted(group.members)]) >= group.count)
    _break_symmetry(model, x, data)

    model.maximize(score)
    status, values = _run(model, x, deadline, hint=None)
    if status == cp_model.INFEASIBLE:
        raise InfeasibleSelection([_general_infeasible(data)])
    if status == cp_model.MODEL_INVALID:
        raise ValueError("the solver rejected the model; are the amounts absurdly large?")
    if values is None:
        raise SelectionTimeout(
            [
                _("The optimiser found no selection within %(seconds)s seconds.")
                % {"seconds": f"{time_limit_seconds:g}"}
            ]
        )
    if status != cp_model.OPTIMAL:
        return values, False

    best = _dot(values, data.score)
    for i, flag in _implied_by_lp_bound(data, best).items():
        model.add(x[i] == int(flag))
    for pinned, weights, objective in (
        (score, data.score, requested),
        (requested, data.cost, count),
    ):
        model.add(pinned == _dot(values, weights))
        model.minimize(objective)
        status, better = _run(model, x, deadline, hint=values)
        if better is not None:
            values = better
        if status != cp_model.OPTIMAL:
            return values, False
    model.add(count == sum(values))
    return _lowest_ids(model, x, values, data, deadline)


def _implied_by_lp_bound(data: _Data, best: int) -> dict[int, bool]:
    """Candidates that are in (True) or out (False) of every set scoring `best`, the optimum.

    Reduced-cost fixing, done once by hand because the later stages keep
    re-proving the same thing: take multipliers from the LP relaxation (GLOP)
    and form the Lagrangian bound

        U = lam * cap + mu * budget - sum(nu_m * count_m) + sum(max(0, rc_i)),
        rc_i = score_i - lam - mu * requested_i + sum(nu_m for the minimums i counts for)

    (fixed candidates add rc_i whatever its sign). For any multipliers >= 0,
    every feasible set scores at most U, and at most ``U - max(0, rc_i) + rc_i``
    if it contains i, or ``U - max(0, rc_i)`` if it does not. When that is below
    `best`, no optimal set does it. Only the validity of U matters, not the
    LP's accuracy: the multipliers are clamped to >= 0 and U is computed in
    exact fractions, so a rough LP only fixes fewer candidates. On the usual
    boards this leaves a few dozen of 1,000 candidates for the tie stages.
    """
    n = len(data.items)
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None or n == 0:
        return {}
    y = [lp.NumVar(1.0 if data.fixed[i] else 0.0, 1.0, f"y{i}") for i in range(n)]
    cap_row = lp.Add(lp.Sum(y) <= data.cap)
    budget_row = lp.Add(lp.Sum([data.cost[i] * y[i] for i in range(n)]) <= data.budget)
    groups = [g for g in data.groups if g.count > 0]
    group_rows = [lp.Add(lp.Sum([y[i] for i in sorted(g.members)]) >= g.count) for g in groups]
    lp.Maximize(lp.Sum([data.score[i] * y[i] for i in range(n)]))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return {}

    zero = Fraction(0)
    lam = max(Fraction(cap_row.dual_value()), zero)
    mu = max(Fraction(budget_row.dual_value()), zero)
    # In a maximisation a ">=" row has a non-positive dual; its multiplier is minus that.
    nu = [max(-Fraction(row.dual_value()), zero) for row in group_rows]
    bonus = [zero] * n
    for group, weight in zip(groups, nu, strict=True):
        for i in group.members:
            bonus[i] += weight
    rc = [data.score[i] - lam - mu * data.cost[i] + bonus[i] for i in range(n)]
    bound = (
        lam * data.cap
        + mu * data.budget
        - sum(w * g.count for g, w in zip(groups, nu, strict=True))
    )
    bound += sum(rc[i] if data.fixed[i] else max(rc[i], zero) for i in range(n))

    implied: dict[int, bool] = {}
    for i in range(n):
        if data.fixed[i]:
            continue
        if rc[i] < 0 and bound + rc[i] < best:
            implied[i] = False
        elif rc[i] > 0 and bound - rc[i] < best:
            implied[i] = True
    return implied


def _lowest_ids(
    model: cp_model.CpModel,
    x: list[cp_model.IntVar],
    values: list[bool],
    data: _Data,
    deadline: float,
) -> tuple[list[bool], bool]:
    """Key 4: among the sets with the optimal score, request and count, the lowest ids.

    `model` already pins keys 1-3, so its solutions are exactly the tied sets
    (the "ties"). Read a set's flags in ascending id order as a binary word;
    key 4 asks for the largest word.

    1. Which left-out candidates appear in any tie? Repeatedly maximise how
       many not-yet-seen left-out candidates a tie takes, until the proven
       answer is 0. Usually the first answer is 0: the incumbent is the only
       tie and we are done after one solve.
    2. The others are out of every tie, so only the incumbent's free members
       and the left-out candidates seen in step 1 can vary ("movable"). In
       ascending id order, blocks of `_ID_BLOCK` movable candidates are
       settled one after another by maximising ``sum 2**(B-1-k) * x_k`` over
       the block with earlier blocks pinned: each weight exceeds the sum of
       all weights after it, so this is the lexicographic best for the block.
       Blocks keep the weights far inside 64 bits; one weight per candidate
       (2**n) would not fit, and such long integer objectives also strain the
       solver's floating-point LP.
    """
    n = len(x)
    seen: set[int] = set()
    while True:
        unseen = [i for i in range(n) if not values[i] and i not in seen]
        if not unseen:
            break
        model.maximize(cp_model.LinearExpr.sum([x[i] for i in unseen]))
        status, other = _run(model, x, deadline, hint=values)
        if status != cp_model.OPTIMAL or other is None:
            return values, False
        found = {i for i in unseen if other[i]}
        if not found:
            break
        seen |= found
    if not seen:
        return values, True

    for i in range(n):
        if not values[i] and i not in seen:
            model.add(x[i] == 0)
    movable = [i for i in range(n) if not data.fixed[i] and (values[i] or i in seen)]
    for begin in range(0, len(movable), _ID_BLOCK):
        block = movable[begin : begin + _ID_BLOCK]
        if not all(values[i] for i in block):  # else the incumbent already takes them all
            weights = [1 << (len(block) - 1 - k) for k in range(len(block))]
            model.maximize(cp_model.LinearExpr.weighted_sum([x[i] for i in block], weights))
            status, best = _run(model, x, deadline, hint=values)
            if status != cp_model.OPTIMAL or best is None:
                return values, False
            values = best
        for i in block:
            model.add(x[i] == int(values[i]))
    return values, True


def _break_symmetry(model: cp_model.CpModel, x: list[cp_model.IntVar], data: _Data) -> None:
    """Among identical free candidates, a higher id only if every lower one is in."""
    last: dict[tuple[int, int, str, str], int] = {}
    for i, c in enumerate(data.items):  # ascending id
        if data.fixed[i]:
            continue
        key = (data.score[i], data.cost[i], c.region, c.sector)
        if key in last:
            model.add(x[last[key]] >= x[i])
        last[key] = i


def _run(
    model: cp_model.CpModel,
    x: list[cp_model.IntVar],
    deadline: float,
    hint: list[bool] | None,
) -> tuple[int, list[bool] | None]:
    """Solve with one worker and a fixed seed, so a run repeats even when it times out.

    Returns the status and, when a solution was found, its flags.
    """
    model.clear_hints()
    if hint is not None:
        for var, flag in zip(x, hint, strict=True):
            model.add_hint(var, flag)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return cp_model.UNKNOWN, None
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = _RANDOM_SEED
    solver.parameters.max_time_in_seconds = remaining
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, [bool(solver.boolean_value(var)) for var in x]
    return status, None


def _dot(flags: list[bool], weights: list[int]) -> int:
    return sum(w for flag, w in zip(flags, weights, strict=True) if flag)


# --- explanations ----------------------------------------------------------


def _explain(data: _Data, chosen: list[bool], optimal: bool) -> Suggestion:
    """Totals, binding constraints, the margin and one reason per candidate."""
    n = len(data.items)

    def rank(i: int) -> tuple[int, int]:
        return (-data.score[i], data.items[i].id)

    inside = sorted((i for i in range(n) if chosen[i]), key=rank)
    outside = sorted((i for i in range(n) if not chosen[i]), key=rank)
    free_inside = [i for i in inside if not data.fixed[i]]
    spent = _dot(chosen, data.cost)
    left = data.budget - spent
    cap_full = len(inside) >= data.cap
    in_group = {g.key: sum(1 for i in g.members if chosen[i]) for g in data.groups}
    tight = [g for g in data.groups if g.count > 0 and in_group[g.key] == g.count]

    binding: list[str] = []
    if len(inside) == data.cap:
        binding.append("cap")
    if outside and left < min(data.cost[i] for i in outside):
        binding.append("budget")
    if outside:
        # A minimum binds when it holds in a project the scores alone would not take;
        # fixed projects are in for another reason, so they do not count here.
        best_out = data.score[outside[0]]
        for group in tight:
            if any(data.score[i] < best_out for i in free_inside if i in group.members):
                binding.append(group.key)

    reasons: dict[int, Reason] = {}
    for i in inside:
        reasons[data.items[i].id] = _reason_in(data, i, outside, tight, spent)
    for i in outside:
        reasons[data.items[i].id] = _reason_out(
            data, i, free_inside, tight, left, cap_full, optimal
        )

    return Suggestion(
        selected=[data.items[i].id for i in inside],
        total_score=sum((data.items[i].score for i in inside), Decimal(0)),
        total_requested=sum((data.items[i].requested for i in inside), Decimal(0)),
        binding=binding,
        last_in=[data.items[i].id for i in free_inside[-MARGIN:]],
        first_out=[data.items[i].id for i in outside[:MARGIN]],
        reasons={c.id: reasons[c.id] for c in data.items},
        optimal=optimal,
    )


def _reason_in(data: _Data, i: int, outside: list[int], tight: list[_Group], spent: int) -> Reason:
    """A selected project: fixed, held in for a minimum, or simply among the best."""
    item = data.items[i]
    if data.fixed[i]:
        return Reason(item.id, True, "already_selected", str(_("Already selected; it stays in.")))
    # A better project that could take this one's place within the budget: at an
    # optimum that swap must break a minimum this project counts for.
    for u in outside:  # best first
        if data.score[u] <= data.score[i]:
            break
        if spent - data.cost[i] + data.cost[u] > data.budget:
            continue
        group = next((g for g in tight if i in g.members and u not in g.members), None)
        if group is not None:
            text = _(
                "Needed for the minimum of %(count)d in %(field)s %(value)s; "
                "%(other)s scores higher (%(other_score)s vs %(score)s) but does not count for it."
            ) % {
                **_group_values(group),
                "other": _who(data.items[u]),
                "other_score": _score(data.score[u]),
                "score": _score(data.score[i]),
            }
            return Reason(item.id, True, "needed_for_minimum", str(text))
    text = _("Chosen: score %(score)s, requests %(requested)s.") % {
        "score": _score(data.score[i]),
        "requested": _cents(data.cost[i]),
    }
    return Reason(item.id, True, "chosen", str(text))


def _reason_out(
    data: _Data,
    u: int,
    free_inside: list[int],
    tight: list[_Group],
    left: int,
    cap_full: bool,
    optimal: bool,
) -> Reason:
    """A left-out project: what would have to give way for it to come in."""
    item = data.items[u]
    score, cost = data.score[u], data.cost[u]

    def out(code: str, text: str) -> Reason:
        return Reason(item.id, False, code, str(text))

    if not cap_full and cost <= left:
        if score <= 0:
            return out(
                "no_gain",
                _("Its score of %(score)s would add nothing to the total.")
                % {"score": _score(score)},
            )
        return out("not_reached", _not_reached())

    # Chosen projects it outscores (lowest first): each swap must break the budget
    # or a minimum, or the chosen set would not be optimal.
    beaten = [i for i in reversed(free_inside) if data.score[i] < score]
    if beaten:
        swappable = [
            i for i in beaten if not any(i in g.members and u not in g.members for g in tight)
        ]
        if swappable:
            if not optimal and any(cost - data.cost[i] <= left for i in swappable):
                return out("not_reached", _not_reached())
            weakest = data.items[swappable[0]]
            return out(
                "budget",
                _(
                    "Scores %(score)s, above %(other)s (%(other_score)s), but requests "
                    "%(requested)s and only %(left)s is left: swapping would exceed the budget."
                )
                % {
                    "score": _score(score),
                    "other": _who(weakest),
                    "other_score": _score(data.score[swappable[0]]),
                    "requested": _cents(cost),
                    "left": _cents(left),
                },
            )
        holder = beaten[0]
        group = next(g for g in tight if holder in g.members and u not in g.members)
        return out(
            "minimum",
            _(
                "Scores %(score)s, above %(other)s (%(other_score)s), but that place is needed "
                "for the minimum of %(count)d in %(field)s %(value)s."
            )
            % {
                **_group_values(group),
                "score": _score(score),
                "other": _who(data.items[holder]),
                "other_score": _score(data.score[holder]),
            },
        )

    if not cap_full:
        return out(
            "budget",
            _("Requests %(requested)s, more than the %(left)s left in the budget.")
            % {"requested": _cents(cost), "left": _cents(left)},
        )
    if not free_inside:
        return out(
            "cap",
            _("The cap of %(cap)d is filled by already selected projects.") % {"cap": data.cap},
        )
    lowest = data.score[free_inside[-1]]
    if score < lowest:
        return out(
            "lower_score",
            _("Score %(score)s is below %(needed)s, the lowest score among the chosen projects.")
            % {"score": _score(score), "needed": _score(lowest)},
        )
    return out(
        "tie_break",
        _(
            "Score %(score)s ties with the lowest chosen score; ties go to the smaller total "
            "request, then the earlier application."
        )
        % {"score": _score(score)},
    )


def _not_reached() -> str:
    return str(_("The optimiser stopped at its time limit before it could take this project in."))


def _group_values(group: _Group) -> dict[str, object]:
    return {"count": group.count, "field": _FIELD_LABELS[group.field], "value": _value(group.value)}


def _who(item: Candidate) -> str:
    return item.label or f"#{item.id}"


def _value(value: str) -> str:
    """The region's or sector's name in the reader's language (codes stay as they are)."""
    from startups.enums import Region, Sector

    names = dict(Region.choices) | dict(Sector.choices)
    return str(names.get(value, value)) if value else str(_("(blank)"))


def _score(scaled: int) -> str:
    """One decimal, rounded half up as people do (80.25 -> 80.3)."""
    return str((Decimal(scaled) / SCORE_SCALE).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _cents(cents: int) -> str:
    amount = Decimal(cents) / MONEY_SCALE
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


if __name__ == "__main__":  # pragma: no cover - timing, not a test
    # .venv/bin/python -m programs.optimiser [n] [cap] [seed]
    import random
    import sys

    from django.conf import settings

    settings.configure(USE_I18N=False)  # the reasons need gettext; no project settings needed
    n, cap, seed = (int(a) for a in (sys.argv[1:] + ["1000", "50", "1"][len(sys.argv) - 1 :])[:3])
    regions = ["astana", "almaty", "shymkent", "karaganda", "aktobe", ""]
    sectors = ["agritech", "fintech", "edtech", "healthtech", "cleantech", "logistics"]
    for variant in ("fine amounts", "round amounts (many ties)"):
        rng = random.Random(seed)  # noqa: S311 - reproducible test data
        candidates = [
            Candidate(
                id=k + 1,
                score=Decimal(rng.randint(30_000, 98_000)) / SCORE_SCALE
                if variant == "fine amounts"
                else Decimal(rng.randint(60, 195)) / 2,
                requested=Decimal(rng.randint(100_000_000, 3_000_000_000)) / MONEY_SCALE
                if variant == "fine amounts"
                else Decimal(rng.choice([5, 10, 15, 20, 25, 30]) * 1_000_000),
                region=rng.choice(regions),
                sector=rng.choice(sectors),
            )
            for k in range(n)
        ]
        problem = SelectionProblem(
            candidates=candidates,
            cap=cap,
            budget=Decimal(400_000_000),
            minimums=(
                Minimum("region", "shymkent", 8),
                Minimum("sector", "agritech", 10),
                Minimum("region", "aktobe", 5),
            ),
        )
        started = time.perf_counter()
        result = suggest_selection(problem)
        elapsed = time.perf_counter() - started
        print(
            f"{variant}: n={n} cap={cap} -> {len(result.selected)} selected, "
            f"score {result.total_score}, requested {result.total_requested:,}, "
            f"binding {result.binding}, optimal={result.optimal}, {elapsed:.2f} s"
        )
