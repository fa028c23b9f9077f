"""The committee's objective: fund in rank order, skipping only what does not fit.

Walk the free candidates best first (score descending, then the smaller
request, then the earlier application: the board's order) and take each
one that still fits in the cap and the budget, unless taking it would
make a minimum impossible to meet with the candidates after it. That is
the lexicographically first feasible set in rank order: the set a
committee gets by reading down the list, with the minimums met at the
least cost to the ranking.

Exact: without minimums "fits" is all there is (the feasible sets are closed
under removal, so taking what fits is the rank-order-first set). With
minimums each "would it still be possible" question is answered by cheap
bounds first (a necessary count/cost bound per field, and a greedy completion
that proves possibility), and only when neither settles it by a small CP-SAT
feasibility model on the later members of the unmet minimums.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from ortools.sat.python import cp_model

from programs.optimiser.explain import MARGIN, _group_values
from programs.optimiser.prechecks import general_infeasible
from programs.optimiser.problem import (
    Data,
    Group,
    InfeasibleSelection,
    Reason,
    Suggestion,
    amount_param,
    format_score,
)

_ORACLE_SECONDS = 10.0


class Objective(models.TextChoices):
    """What the suggestion optimises; the manager picks, rank order by default."""

    RANK_ORDER = "rank_order", _("Fund in rank order")
    MAX_SCORE = "max_score", _("Maximise the total score")


def solve_rank_order(data: Data) -> tuple[list[bool], dict[int, tuple[str, object]]]:
    """The chosen flags per candidate and, per free index, why it was taken or skipped.

    Raises `InfeasibleSelection` when no set meets the limits (the prechecks
    have already run; this is what only a search sees).
    """
    n = len(data.items)
    chosen = list(data.fixed)
    count = sum(chosen)
    spent = sum(data.cost[i] for i in range(n) if chosen[i])
    have = {g.key: sum(1 for i in g.members if chosen[i]) for g in data.groups}
    order = sorted(
        (i for i in range(n) if not data.fixed[i]), key=lambda i: (-data.score[i], data.cost[i], i)
    )
    completion = _Completion(data, order)
    why: dict[int, tuple[str, object]] = {}
    skipped_for_minimum = False

    # A witness: later candidates that would meet every unmet minimum within the limits.
    witness = completion.find(0, data.cap - count, data.budget - spent, have)
    if witness is None:
        raise InfeasibleSelection([general_infeasible(data)])
    for k, i in enumerate(order):
        if count >= data.cap:
            why[i] = ("cap", None)
            continue
        if spent + data.cost[i] > data.budget:
            why[i] = ("budget", data.budget - spent)
            continue
        after = dict(have)
        for group in data.groups:
            if i in group.members:
                after[group.key] += 1
        slots, left = data.cap - count - 1, data.budget - spent - data.cost[i]
        if i in witness:
            witness = witness - {i}  # the rest of the witness still completes
        elif not (len(witness) <= slots and sum(data.cost[j] for j in witness) <= left):
            found = completion.find(k + 1, slots, left, after)
            if found is None:
                unmet = [g for g in data.groups if after[g.key] < g.count and i not in g.members]
                why[i] = ("minimum", unmet)
                skipped_for_minimum = True
                continue
            witness = found
        helps = [g for g in data.groups if i in g.members and have[g.key] < g.count]
        chosen[i] = True
        count, spent, have = count + 1, spent + data.cost[i], after
        why[i] = ("needed", helps) if skipped_for_minimum and helps else ("chosen", k + 1)
    return chosen, why


class _Completion:
    """Answers "can the candidates from rank position k on meet the unmet minimums?"."""

    def __init__(self, data: Data, order: list[int]) -> None:
        self.data, self.order = data, order
        # Per group and position: the `count` cheapest members from that position on.
        self.cheapest: dict[str, list[list[int]]] = {}
        for group in data.groups:
            table: list[list[int]] = [[] for _k in range(len(order) + 1)]
            for k in range(len(order) - 1, -1, -1):
                i = order[k]
                table[k] = table[k + 1]
                if i in group.members and group.count > 0:
                    merged = sorted([*table[k + 1], i], key=lambda j: (data.cost[j], j))
                    table[k] = merged[: group.count]
            self.cheapest[group.key] = table

    def find(
        self, start: int, slots: int, left: int, have: dict[str, int]
    ) -> frozenset[int] | None:
        """A set of later candidates meeting every unmet minimum within the limits, or None."""
        data = self.data
        needs = [(g, g.count - have[g.key]) for g in data.groups if have[g.key] < g.count]
        if not needs:
            return frozenset()
        if slots <= 0 or left < 0:
            return None
        # Necessary: per field the values are disjoint, so needs and cheapest costs add up.
        for field in {g.field for g, _need in needs}:
            total_need, total_cost = 0, 0
            for group, need in needs:
                if group.field != field:
                    continue
                cheapest = self.cheapest[group.key][start]
                if len(cheapest) < need:
                    return None
                total_need += need
                total_cost += sum(data.cost[j] for j in cheapest[:need])
            if total_need > slots or total_cost > left:
                return None
        # Sufficient: the cheapest members of each unmet group, shared where they overlap.
        picked: set[int] = set()
        for group, need in needs:
            missing = need - sum(1 for j in picked if j in group.members)
            for j in self.cheapest[group.key][start]:
                if missing <= 0:
                    break
                if j not in picked:
                    picked.add(j)
                    missing -= 1
        if len(picked) <= slots and sum(data.cost[j] for j in picked) <= left:
            return frozenset(picked)
        return self._oracle(start, needs, slots, left)

    def _oracle(
        self, start: int, needs: list[tuple[Group, int]], slots: int, left: int
    ) -> frozenset[int] | None:
        """Exact, on the later members of the unmet groups (no one else can help)."""
        data = self.data
        # Candidates in the same unmet groups are interchangeable but for their cost, so
        # only the cheapest few of each such pattern can be in a cheapest completion.
        patterns: dict[tuple[str, ...], list[int]] = {}
        for i in self.order[start:]:
            pattern = tuple(g.key for g, _need in needs if i in g.members)
            if pattern:
                patterns.setdefault(pattern, []).append(i)
        need_of = {g.key: need for g, need in needs}
        useful = sorted(
            i
            for pattern, ids in patterns.items()
            for i in sorted(ids, key=lambda j: (data.cost[j], j))[
                : max(need_of[key] for key in pattern)
            ]
        )
        model = cp_model.CpModel()
        x = {i: model.new_bool_var(f"x{i}") for i in useful}
        model.add(cp_model.LinearExpr.sum(list(x.values())) <= slots)
        model.add(
            cp_model.LinearExpr.weighted_sum(list(x.values()), [data.cost[i] for i in x]) <= left
        )
        for group, need in needs:
            model.add(cp_model.LinearExpr.sum([x[i] for i in useful if i in group.members]) >= need)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = _ORACLE_SECONDS
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return frozenset(i for i in useful if solver.boolean_value(x[i]))
        if status == cp_model.INFEASIBLE:
            return None
        raise InfeasibleSelection(
            [_("The optimiser could not settle the minimums within its time limit.")]
        )


def explain_rank_order(
    data: Data, chosen: list[bool], why: dict[int, tuple[str, object]]
) -> Suggestion:
    """Totals, binding limits, the margin and one reason per candidate."""
    n = len(data.items)

    def rank(i: int) -> tuple[int, int]:
        return (-data.score[i], data.items[i].id)

    inside = sorted((i for i in range(n) if chosen[i]), key=rank)
    outside = sorted((i for i in range(n) if not chosen[i]), key=rank)
    free_inside = [i for i in inside if not data.fixed[i]]
    binding: list[str] = []
    if len(inside) == data.cap:
        binding.append("cap")
    if any(code == "budget" for code, _x in why.values()):
        binding.append("budget")
    for code, groups in why.values():
        if code == "minimum":
            binding += [g.key for g in groups if g.key not in binding]  # type: ignore[union-attr]

    reasons = {data.items[i].id: _reason(data, i, why.get(i)) for i in range(n)}
    return Suggestion(
        selected=[data.items[i].id for i in inside],
        total_score=sum((data.items[i].score for i in inside), Decimal(0)),
        total_requested=sum((data.items[i].requested for i in inside), Decimal(0)),
        binding=binding,
        last_in=[data.items[i].id for i in free_inside[-MARGIN:]],
        first_out=[data.items[i].id for i in outside[:MARGIN]],
        reasons=reasons,
        optimal=True,
    )


def _reason(data: Data, i: int, decision: tuple[str, object] | None) -> Reason:
    """The project's reason as a message code and parameters (`programs.optimiser.reasons`)."""
    item = data.items[i]
    values: dict[str, Any] = {
        "score": format_score(data.score[i]),
        "requested": amount_param(data.cost[i]),
    }
    if decision is None:  # fixed
        return Reason(item.id, True, "already_selected", "already_selected")
    code, detail = decision
    if code == "chosen":
        return Reason(item.id, True, "chosen", "rank_chosen", {**values, "place": detail})
    if code == "needed":
        group = detail[0]  # type: ignore[index]
        return Reason(
            item.id, True, "needed_for_minimum", "rank_needed", {**values, **_group_values(group)}
        )
    score = {"score": values["score"]}
    if code == "cap":
        return Reason(item.id, False, "cap", "rank_cap", {**score, "cap": data.cap})
    if code == "budget":
        params = {**values, "left": amount_param(detail)}  # type: ignore[arg-type]
        return Reason(item.id, False, "budget", "rank_budget", params)
    groups: list[Group] = detail  # type: ignore[assignment]
    if groups:
        return Reason(
            item.id, False, "minimum", "rank_minimum", {**score, **_group_values(groups[0])}
        )
    return Reason(item.id, False, "minimum", "rank_minimums", score)


__all__ = ["Objective", "explain_rank_order", "solve_rank_order"]
