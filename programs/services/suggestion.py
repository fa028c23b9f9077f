"""The suggested selection: the optimiser's input built from the board, and its answer.

A read: nothing is selected here. `selection_suggest` turns the program's
ranked applications into a `SelectionProblem` (the already selected stay in),
asks `programs.optimiser` for the best set within the cap, the budget and the
manager's minimums, and returns the rows the suggestion page shows. The
manager accepts it through `programs.services.selection.selection_accept`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from programs.optimiser import (
    Candidate,
    InfeasibleSelection,
    Minimum,
    SelectionProblem,
    Suggestion,
    suggest_selection,
)
from programs.ranking import SELECTED_STATES, ranking
from startups.enums import ApplicationStatus as S
from startups.models import Application, Program

# Who can be in a suggestion: everyone still in the running, and those already selected.
SUGGESTION_STATES = [S.SUBMITTED, S.UNDER_REVIEW, S.WAITLISTED, *SELECTED_STATES]
MARGINAL = 3  # how many on each side of the cut-off the page marks


@dataclass(frozen=True)
class SuggestionRow:
    """One application on the suggestion page, with the optimiser's reason."""

    application: Application
    selected: bool
    reason: str
    marginal: bool  # among the last taken or the first left out
    score: float | None
    requested_amount: Decimal | None


@dataclass(frozen=True)
class SuggestionResult:
    """The optimiser's answer for the page; `problems` when no set meets the limits."""

    suggestion: Suggestion | None = None
    problems: list[str] = field(default_factory=list)
    rows: list[SuggestionRow] = field(default_factory=list)
    new_count: int = 0  # suggested projects not selected yet


def selection_suggest(*, program: Program, minimums: list[Minimum]) -> SuggestionResult:
    """The best set for `program` under its cap and budget and the given minimums."""
    applications = list(ranking(program).filter(status__in=SUGGESTION_STATES))
    by_id = {application.pk: application for application in applications}
    candidates = [
        Candidate(
            id=application.pk,
            score=Decimal(str(round(application.score, 3))),
            requested=application.requested_amount or Decimal("0"),
            region=application.startup.region,
            sector=application.startup.sector,
            label=application.startup.name,
        )
        for application in applications
        if application.score is not None and application.requested_amount is not None
    ]
    fixed = frozenset(
        candidate.id for candidate in candidates if by_id[candidate.id].status in SELECTED_STATES
    )
    try:
        suggestion = suggest_selection(
            SelectionProblem(
                candidates=candidates,
                cap=program.selection_cap,
                budget=program.total_budget,
                minimums=minimums,
                fixed=fixed,
            )
        )
    except InfeasibleSelection as error:
        return SuggestionResult(problems=[str(message) for message in error.messages])
    return SuggestionResult(
        suggestion=suggestion,
        rows=_rows(suggestion, by_id),
        new_count=sum(1 for i in suggestion.selected if by_id[i].status not in SELECTED_STATES),
    )


def _rows(suggestion: Suggestion, by_id: dict[int, Application]) -> list[SuggestionRow]:
    """The chosen first, each group best score first."""
    marginal = set(suggestion.last_in[:MARGINAL]) | set(suggestion.first_out[:MARGINAL])
    rows = [
        SuggestionRow(
            application=by_id[app_id],
            selected=reason.selected,
            reason=reason.text,
            marginal=app_id in marginal,
            score=by_id[app_id].score,
            requested_amount=by_id[app_id].requested_amount,
        )
        for app_id, reason in suggestion.reasons.items()
    ]
    rows.sort(key=lambda row: (not row.selected, -(row.score or 0)))
    return rows
