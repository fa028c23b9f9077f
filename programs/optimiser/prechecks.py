"""Infeasibility found before solving, each cause in a sentence a manager can act on."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programs.optimiser.problem import (
    FIELD_LABELS,
    FIELDS,
    Data,
    Group,
    format_cents,
    value_name,
)


def prechecks(data: Data) -> list[str]:
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
            % {"requested": format_cents(fixed_cost), "budget": format_cents(data.budget)}
        )
    left = data.budget - fixed_cost

    for field in FIELDS:
        groups = [g for g in data.groups if g.field == field and g.count > 0]
        label = FIELD_LABELS[field]
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
                        "value": value_name(group.value),
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
                % {"field": label, "cost": format_cents(cheapest_total), "left": format_cents(left)}
            )
    return messages


def _minimum_cost_message(
    group: Group, cheapest: int, left: int, has_fixed: bool, data: Data
) -> str:
    values = {
        "count": group.count,
        "field": FIELD_LABELS[group.field],
        "value": value_name(group.value),
        "cost": format_cents(cheapest),
        "left": format_cents(left),
        "budget": format_cents(data.budget),
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


def general_infeasible(data: Data) -> str:
    parts = [
        _("cap %(cap)d") % {"cap": data.cap},
        _("budget %(budget)s") % {"budget": format_cents(data.budget)},
    ]
    parts += [
        _("at least %(count)d in %(field)s %(value)s")
        % {"count": g.count, "field": FIELD_LABELS[g.field], "value": value_name(g.value)}
        for g in data.groups
        if g.count > 0
    ]
    fixed = sum(data.fixed)
    if fixed:
        parts.append(_("%(count)d already selected") % {"count": fixed})
    return _("No selection meets all the constraints together (%(constraints)s).") % {
        "constraints": "; ".join(str(part) for part in parts)
    }
