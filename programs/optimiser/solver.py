"""The CP-SAT stages: the best score, then the tie-break keys one by one."""

from __future__ import annotations

import time

from django.utils.translation import gettext_lazy as _
from ortools.sat.python import cp_model

from programs.optimiser.prechecks import general_infeasible
from programs.optimiser.problem import Data, InfeasibleSelection, SelectionTimeout

_RANDOM_SEED = 20240601  # fixed so a time-limited run repeats itself
_ID_BLOCK = 24  # candidates settled per tie-break solve; 2**24 keeps the weights small


def solve(data: Data, time_limit_seconds: float) -> tuple[list[bool], bool]:
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
    exploring mirror images. Each stage starts from the previous stage's set
    as a hint, so CP-SAT's own bounds settle most candidates at once.
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
        raise InfeasibleSelection([general_infeasible(data)])
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

    for pinned, weights, objective in (
        (score, data.score, requested),
        (requested, data.cost, count),
    ):
        model.add(pinned == dot(values, weights))
        model.minimize(objective)
        status, better = _run(model, x, deadline, hint=values)
        if better is not None:
            values = better
        if status != cp_model.OPTIMAL:
            return values, False
    model.add(count == sum(values))
    return _lowest_ids(model, x, values, data, deadline)


def _lowest_ids(
    model: cp_model.CpModel,
    x: list[cp_model.IntVar],
    values: list[bool],
    data: Data,
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


def _break_symmetry(model: cp_model.CpModel, x: list[cp_model.IntVar], data: Data) -> None:
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


def dot(flags: list[bool], weights: list[int]) -> int:
    return sum(w for flag, w in zip(flags, weights, strict=True) if flag)
