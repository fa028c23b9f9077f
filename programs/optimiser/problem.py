"""The optimiser's input and output types, and the input in solver units."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

FIELDS = ("region", "sector")
FIELD_LABELS = {"region": _("region"), "sector": _("sector")}

SCORE_SCALE = 1000  # scores have at most 3 decimals
MONEY_SCALE = 100  # amounts are in cents / tiyn
_MAX_TOTAL = 2**53  # totals stay far inside CP-SAT's int64


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

    `message` names the sentence and `params` fill it
    (`programs.optimiser.reasons`): stored as data, written in the reader's
    language when shown. `text` is that sentence now, without a currency.
    """

    id: int
    selected: bool
    code: str
    message: str
    params: dict[str, Any] = dataclass_field(default_factory=dict)

    @property
    def text(self) -> str:
        from programs.optimiser.reasons import reason_text

        return reason_text(self.message, self.params)


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


# --- input -----------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """A merged minimum with the indices of the candidates that count for it."""

    field: str
    value: str
    count: int
    members: frozenset[int]

    @property
    def key(self) -> str:
        return f"minimum:{self.field}={self.value}"


@dataclass(frozen=True)
class Data:
    """The problem in solver units, candidates sorted by id."""

    items: list[Candidate]
    score: list[int]  # x SCORE_SCALE
    cost: list[int]  # x MONEY_SCALE
    fixed: list[bool]
    cap: int
    budget: int  # x MONEY_SCALE, rounded down
    groups: list[Group]


def _scaled(value: Decimal | int, scale: int, what: str) -> int:
    """`value * scale` as an int, refusing values that do not scale exactly."""
    number = value if isinstance(value, Decimal) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    scaled = number * scale
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{what} has more decimals than the optimiser uses: {value!r}")
    return int(scaled)


def prepare(problem: SelectionProblem) -> Data:
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
        Group(
            field,
            value,
            count,
            frozenset(i for i, c in enumerate(items) if getattr(c, field) == value),
        )
        for (field, value), count in counts.items()
    ]
    return Data(
        items=items,
        score=score,
        cost=cost,
        fixed=[c.id in problem.fixed for c in items],
        cap=problem.cap,
        budget=int((budget * MONEY_SCALE).to_integral_value(rounding=ROUND_FLOOR)),
        groups=groups,
    )


# --- formatting for messages and reasons ------------------------------------


def value_name(value: str) -> str:
    """The region's or sector's name in the reader's language (codes stay as they are)."""
    from startups.enums import Region, Sector

    names = dict(Region.choices) | dict(Sector.choices)
    return str(names.get(value, value)) if value else str(_("(blank)"))


def format_score(scaled: int) -> str:
    """One decimal, rounded half up as people do (80.25 -> 80.3)."""
    return str((Decimal(scaled) / SCORE_SCALE).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def amount_param(cents: int) -> str:
    """An amount in solver units as the decimal string a reason's parameters keep."""
    amount = Decimal(cents) / MONEY_SCALE
    if amount == amount.to_integral_value():
        return str(amount.quantize(Decimal(1)))
    return str(amount.quantize(Decimal("0.01")))


def format_cents(cents: int) -> str:
    amount = Decimal(cents) / MONEY_SCALE
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
