"""The suggested selection: the optimiser's input built from the ranking, and its answer.

A read: nothing is selected here. `selection_suggest` turns the program's
ranked applications (by the scores the program ranks by: normalised or raw)
into a `SelectionProblem` (the already selected stay in), asks
`programs.optimiser` for the set under the chosen objective (by default in
rank order, skipping only what does not fit; or the largest total score),
works out what the other objective would change, and returns plain values
the suggestion job stores as JSON (`programs.jobs`). The manager accepts it
through `programs.services.selection.selection_accept`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from programs.optimiser import (
    Candidate,
    InfeasibleSelection,
    Minimum,
    Objective,
    SelectionProblem,
    Suggestion,
    suggest,
)
from programs.optimiser.reasons import limits_params
from programs.ranking import SELECTED_STATES, ranking
from startups.enums import ApplicationStatus as S
from startups.models import Program

# Who can be in a suggestion: everyone still in the running, and those already selected.
SUGGESTION_STATES = [S.SUBMITTED, S.UNDER_REVIEW, S.WAITLISTED, *SELECTED_STATES]
MARGINAL = 3  # how many on each side of the cut-off the page marks
COMPARE_SECONDS = 3.0  # the other objective's time limit (the answer says if it was proven)

ProgressCallback = Callable[[float, str], None]


@dataclass(frozen=True)
class SuggestionRow:
    """One application on the suggestion page, with the optimiser's reason."""

    id: int
    name: str
    selected: bool
    code: str
    message: str  # the reason, rendered in the reader's language when shown
    params: dict[str, Any]
    marginal: bool  # among the last taken or the first left out
    score: float | None
    requested: str


@dataclass(frozen=True)
class Comparison:
    """What the other objective would choose, against this one."""

    objective: str
    problems: list[str] = field(default_factory=list)
    count: int = 0
    only_here: int = 0  # projects this suggestion takes and the other does not
    only_there: int = 0
    total_score: str = "0"
    total_requested: str = "0"
    score_difference: str = "0"  # the other minus this one
    money_difference: str = "0"
    optimal: bool = True


@dataclass(frozen=True)
class SuggestionResult:
    """The answer for the page; `problems` when no set meets the limits."""

    objective: str = Objective.RANK_ORDER
    normalised: bool = True
    suggestion: Suggestion | None = None
    problems: list[str] = field(default_factory=list)
    rows: list[SuggestionRow] = field(default_factory=list)
    new_count: int = 0  # suggested projects not selected yet
    comparison: Comparison | None = None
    limits: list = field(default_factory=list)  # [code, params] per binding limit
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """The job's stored result (`programs.jobs`); the result page reads it back."""
        s = self.suggestion
        return {
            "objective": str(self.objective),
            "normalised": self.normalised,
            "problems": self.problems,
            "selected": s.selected if s else [],
            "total_score": str(s.total_score) if s else "0",
            "total_requested": str(s.total_requested) if s else "0",
            "binding": s.binding if s else [],
            "limits": self.limits,
            "optimal": s.optimal if s else True,
            "new_count": self.new_count,
            "rows": [asdict(row) for row in self.rows],
            "comparison": asdict(self.comparison) if self.comparison else None,
            "seconds": round(self.seconds, 3),
        }


def selection_suggest(
    *,
    program: Program,
    minimums: list[Minimum],
    objective: str = Objective.RANK_ORDER,
    compare: bool = True,
    progress: ProgressCallback | None = None,
) -> SuggestionResult:
    """The set for `program` under its cap and budget, the minimums and `objective`."""
    started = time.perf_counter()
    say = progress or (lambda percent, message: None)
    normalised = program.normalise_reviewers
    rows = list(
        ranking(program)
        .filter(status__in=SUGGESTION_STATES)
        .values_list(
            "pk",
            "status",
            "score",
            "requested_amount",
            "startup__name",
            "startup__region",
            "startup__sector",
        )
    )
    say(30, _("Finding the suggested set"))
    by_id = {row[0]: row for row in rows}
    candidates = [
        Candidate(
            id=pk,
            score=Decimal(str(round(score, 3))),
            requested=requested,
            region=region,
            sector=sector,
            label=name,
        )
        for pk, _status, score, requested, name, region, sector in rows
        if score is not None and requested is not None
    ]
    problem = SelectionProblem(
        candidates=candidates,
        cap=program.selection_cap,
        budget=program.total_budget,
        minimums=minimums,
        fixed=frozenset(c.id for c in candidates if by_id[c.id][1] in SELECTED_STATES),
    )
    try:
        suggestion = suggest(problem, objective=objective)
    except InfeasibleSelection as error:
        return SuggestionResult(
            objective=objective,
            normalised=normalised,
            problems=[str(message) for message in error.messages],
            seconds=time.perf_counter() - started,
        )
    say(60, _("Comparing with the other objective"))
    comparison = _compare(problem, suggestion, objective) if compare else None
    say(90, _("Writing the reasons"))
    return SuggestionResult(
        objective=objective,
        normalised=normalised,
        suggestion=suggestion,
        rows=_rows(suggestion, by_id),
        new_count=sum(1 for i in suggestion.selected if by_id[i][1] not in SELECTED_STATES),
        comparison=comparison,
        limits=limits_params(
            suggestion.binding, cap=problem.cap, budget=problem.budget, minimums=minimums
        ),
        seconds=time.perf_counter() - started,
    )


def _compare(problem: SelectionProblem, mine: Suggestion, objective: str) -> Comparison:
    other_objective = (
        Objective.MAX_SCORE if objective == Objective.RANK_ORDER else Objective.RANK_ORDER
    )
    try:
        other = suggest(problem, objective=other_objective, time_limit_seconds=COMPARE_SECONDS)
    except InfeasibleSelection as error:
        return Comparison(objective=other_objective, problems=list(error.messages))
    here, there = set(mine.selected), set(other.selected)
    return Comparison(
        objective=other_objective,
        count=len(there),
        only_here=len(here - there),
        only_there=len(there - here),
        total_score=str(other.total_score),
        total_requested=str(other.total_requested),
        score_difference=str(other.total_score - mine.total_score),
        money_difference=str(other.total_requested - mine.total_requested),
        optimal=other.optimal,
    )


def _rows(suggestion: Suggestion, by_id: dict[int, tuple]) -> list[SuggestionRow]:
    """The chosen first, each group best score first."""
    marginal = set(suggestion.last_in[:MARGINAL]) | set(suggestion.first_out[:MARGINAL])
    rows = []
    for app_id, reason in suggestion.reasons.items():
        _pk, _status, score, requested, name, _region, _sector = by_id[app_id]
        rows.append(
            SuggestionRow(
                id=app_id,
                name=name,
                selected=reason.selected,
                code=reason.code,
                message=reason.message,
                params=reason.params,
                marginal=app_id in marginal,
                score=score,
                requested=str(requested),
            )
        )
    rows.sort(key=lambda row: (not row.selected, -(row.score or 0), Decimal(row.requested), row.id))
    return rows
