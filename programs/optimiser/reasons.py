"""The suggestion's reasons as codes with parameters, and their sentences.

The optimiser states each candidate's reason as a message code and plain
parameters (`Reason.message`, `Reason.params`: scores and amounts as decimal
strings, counts as integers, the field and its value as codes), stored so in
the suggestion job's result. `reason_text` writes the sentence at display
time in the reader's language: numbers in its format, amounts with the
program's currency, regions and sectors by their names.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from portal.money import format_money
from programs.optimiser.problem import FIELD_LABELS, value_name

REASON_TEXTS: dict[str, Any] = {
    # explain (the largest total score)
    "already_selected": _("Already selected; it stays in."),
    "needed_for_minimum": _(
        "Needed for the minimum of %(count)d in %(field)s %(value)s; "
        "%(other)s scores higher (%(other_score)s vs %(score)s) but does not count for it."
    ),
    "chosen": _("Chosen: score %(score)s, requests %(requested)s."),
    "no_gain": _("Its score of %(score)s would add nothing to the total."),
    "not_reached": _(
        "The optimiser stopped at its time limit before it could take this project in."
    ),
    "budget_swap": _(
        "Scores %(score)s, above %(other)s (%(other_score)s), but requests "
        "%(requested)s and only %(left)s is left: swapping would exceed the budget."
    ),
    "minimum_swap": _(
        "Scores %(score)s, above %(other)s (%(other_score)s), but that place is needed "
        "for the minimum of %(count)d in %(field)s %(value)s."
    ),
    "budget": _("Requests %(requested)s, more than the %(left)s left in the budget."),
    "cap_fixed": _("The cap of %(cap)d is filled by already selected projects."),
    "lower_score": _(
        "Score %(score)s is below %(needed)s, the lowest score among the chosen projects."
    ),
    "tie_break": _(
        "Score %(score)s ties with the lowest chosen score; ties go to the smaller total "
        "request, then the earlier application."
    ),
    # rank order (the committee's default)
    "rank_chosen": _(
        "Chosen in rank order (place %(place)s): score %(score)s, requests %(requested)s."
    ),
    "rank_needed": _(
        "Needed for the minimum of %(count)d in %(field)s %(value)s; score %(score)s."
    ),
    "rank_cap": _("The cap of %(cap)d was full when its turn came (score %(score)s)."),
    "rank_budget": _(
        "Requests %(requested)s, more than the %(left)s left in the budget when its turn "
        "came (score %(score)s)."
    ),
    "rank_minimum": _(
        "Taking it would leave too few places or too little money for the minimum of "
        "%(count)d in %(field)s %(value)s (score %(score)s)."
    ),
    "rank_minimums": _("Taking it would leave the minimums impossible to meet (score %(score)s)."),
}

SCORES = frozenset({"score", "other_score", "needed"})
AMOUNTS = frozenset({"requested", "left"})


def amount_text(amount: Decimal, currency: str | None) -> str:
    """An amount in the reader's number format, with the currency when it is known."""
    if currency:
        return format_money(amount, currency)
    places = 0 if amount == amount.to_integral_value() else 2
    return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)


def reason_text(message: str, params: Mapping[str, Any], currency: str | None = None) -> str:
    """The reason's sentence in the active language (an unknown code shows as itself)."""
    template = REASON_TEXTS.get(message)
    if template is None:
        return message
    values: dict[str, Any] = {}
    for key, value in params.items():
        if key in SCORES:
            values[key] = number_format(Decimal(value), decimal_pos=1, use_l10n=True)
        elif key in AMOUNTS:
            values[key] = amount_text(Decimal(value), currency)
        elif key == "field":
            values[key] = str(FIELD_LABELS.get(value, value))
        elif key == "value":
            values[key] = value_name(value)
        else:
            values[key] = value
    return str(template) % values if values else str(template)


LIMIT_TEXTS: dict[str, Any] = {
    "cap": _("the number of projects (%(cap)s)"),
    "budget": _("the budget (%(budget)s)"),
    "minimum": _("the minimum of %(count)s in %(field)s %(value)s"),
}


def limits_params(binding: list[str], *, cap: int, budget: Decimal, minimums: Any) -> list:
    """The binding limits as [code, params] pairs for the stored result."""
    counts: dict[str, int] = {}
    for minimum in minimums:
        key = f"minimum:{minimum.field}={minimum.value}"
        counts[key] = max(counts.get(key, 0), minimum.count)
    limits: list = []
    for key in binding:
        if key == "cap":
            limits.append(["cap", {"cap": cap}])
        elif key == "budget":
            limits.append(["budget", {"budget": str(budget)}])
        elif key.startswith("minimum:"):
            field, _sep, value = key.removeprefix("minimum:").partition("=")
            limits.append(
                ["minimum", {"field": field, "value": value, "count": counts.get(key, 0)}]
            )
    return limits


def limits_text(limits: list, currency: str | None = None) -> str:
    """ "Limits reached: the number of projects (50) and the budget (1 000 000 KZT)."."""
    parts = []
    for code, params in limits:
        template = LIMIT_TEXTS.get(code)
        if template is None:
            parts.append(str(code))
            continue
        values = dict(params)
        if "cap" in values:
            values["cap"] = number_format(values["cap"], use_l10n=True, force_grouping=True)
        if "count" in values:
            values["count"] = number_format(values["count"], use_l10n=True, force_grouping=True)
        if "budget" in values:
            values["budget"] = amount_text(Decimal(values["budget"]), currency)
        if "field" in values:
            values["field"] = str(FIELD_LABELS.get(values["field"], values["field"]))
        if "value" in values:
            values["value"] = value_name(values["value"])
        parts.append(str(template) % values)
    if not parts:
        return str(_("Limits reached: none."))
    if len(parts) == 1:
        listed = parts[0]
    else:
        listed = str(_("%(first)s and %(last)s")) % {
            "first": ", ".join(parts[:-1]),
            "last": parts[-1],
        }
    return str(_("Limits reached: %(limits)s.")) % {"limits": listed}
