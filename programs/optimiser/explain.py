"""The suggestion's totals, binding limits, margin and one reason per candidate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from programs.optimiser.problem import (
    Candidate,
    Data,
    Group,
    Reason,
    Suggestion,
    amount_param,
    format_score,
)
from programs.optimiser.solver import dot

MARGIN = 3  # how many projects `last_in` and `first_out` name


def explain(data: Data, chosen: list[bool], optimal: bool) -> Suggestion:
    """Totals, binding constraints, the margin and one reason per candidate."""
    n = len(data.items)

    def rank(i: int) -> tuple[int, int]:
        return (-data.score[i], data.items[i].id)

    inside = sorted((i for i in range(n) if chosen[i]), key=rank)
    outside = sorted((i for i in range(n) if not chosen[i]), key=rank)
    free_inside = [i for i in inside if not data.fixed[i]]
    spent = dot(chosen, data.cost)
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


def _reason_in(data: Data, i: int, outside: list[int], tight: list[Group], spent: int) -> Reason:
    """A selected project: fixed, held in for a minimum, or simply among the best."""
    item = data.items[i]
    if data.fixed[i]:
        return Reason(item.id, True, "already_selected", "already_selected")
    # A better project that could take this one's place within the budget: at an
    # optimum that swap must break a minimum this project counts for.
    for u in outside:  # best first
        if data.score[u] <= data.score[i]:
            break
        if spent - data.cost[i] + data.cost[u] > data.budget:
            continue
        group = next((g for g in tight if i in g.members and u not in g.members), None)
        if group is not None:
            params = {
                **_group_values(group),
                "other": _who(data.items[u]),
                "other_score": format_score(data.score[u]),
                "score": format_score(data.score[i]),
            }
            return Reason(item.id, True, "needed_for_minimum", "needed_for_minimum", params)
    params = {"score": format_score(data.score[i]), "requested": amount_param(data.cost[i])}
    return Reason(item.id, True, "chosen", "chosen", params)


def _reason_out(
    data: Data,
    u: int,
    free_inside: list[int],
    tight: list[Group],
    left: int,
    cap_full: bool,
    optimal: bool,
) -> Reason:
    """A left-out project: what would have to give way for it to come in."""
    item = data.items[u]
    score, cost = data.score[u], data.cost[u]

    def out(code: str, message: str, **params: Any) -> Reason:
        return Reason(item.id, False, code, message, params)

    if not cap_full and cost <= left:
        if score <= 0:
            return out("no_gain", "no_gain", score=format_score(score))
        return out("not_reached", "not_reached")

    # Chosen projects it outscores (lowest first): each swap must break the budget
    # or a minimum, or the chosen set would not be optimal.
    beaten = [i for i in reversed(free_inside) if data.score[i] < score]
    if beaten:
        swappable = [
            i for i in beaten if not any(i in g.members and u not in g.members for g in tight)
        ]
        if swappable:
            if not optimal and any(cost - data.cost[i] <= left for i in swappable):
                return out("not_reached", "not_reached")
            weakest = data.items[swappable[0]]
            return out(
                "budget",
                "budget_swap",
                score=format_score(score),
                other=_who(weakest),
                other_score=format_score(data.score[swappable[0]]),
                requested=amount_param(cost),
                left=amount_param(left),
            )
        holder = beaten[0]
        group = next(g for g in tight if holder in g.members and u not in g.members)
        return out(
            "minimum",
            "minimum_swap",
            **_group_values(group),
            score=format_score(score),
            other=_who(data.items[holder]),
            other_score=format_score(data.score[holder]),
        )

    if not cap_full:
        return out("budget", "budget", requested=amount_param(cost), left=amount_param(left))
    if not free_inside:
        return out("cap", "cap_fixed", cap=data.cap)
    lowest = data.score[free_inside[-1]]
    if score < lowest:
        return out(
            "lower_score", "lower_score", score=format_score(score), needed=format_score(lowest)
        )
    return out("tie_break", "tie_break", score=format_score(score))


def _group_values(group: Group) -> dict[str, Any]:
    """The minimum's parameters: its count, and the field and value as codes."""
    return {"count": group.count, "field": group.field, "value": group.value}


def _who(item: Candidate) -> str:
    return item.label or f"#{item.id}"
