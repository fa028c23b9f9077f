"""The state tables of the programs app's nouns: program, assignment, review, award, report.

Each is a `portal.transitions.StateMachine`; every status change goes
through `portal.transitions.transition` with one of them (the services
say which). Nouns without a history table keep their history in the
audit trail: one entry per move, with the actor, before and after.
"""

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from portal.audit import Actor
from portal.models import User
from portal.transitions import HistoryNote, Move, StateMachine
from programs.models import (
    Assignment,
    AssignmentStatus,
    Award,
    AwardStatus,
    MilestoneReport,
    MilestoneReportChange,
    MilestoneReportStatus,
    Review,
    ReviewStatus,
)
from startups.enums import ProgramStatus
from startups.models import Program

PROGRAM_TRANSITIONS: dict[str, frozenset[str]] = {
    ProgramStatus.DRAFT: frozenset({ProgramStatus.OPEN}),
    ProgramStatus.OPEN: frozenset({ProgramStatus.REVIEWING, ProgramStatus.DRAFT}),
    ProgramStatus.REVIEWING: frozenset({ProgramStatus.DECIDED}),
    ProgramStatus.DECIDED: frozenset({ProgramStatus.CLOSED}),
    ProgramStatus.CLOSED: frozenset(),
}

PROGRAM_MACHINE = StateMachine(
    model=Program,
    states=ProgramStatus,
    table=PROGRAM_TRANSITIONS,
    audit_action="program.status",
    refused_message=_("A program cannot go from “%(source)s” to “%(target)s”."),
)

# Released is final: a released pair is never assigned again.
ASSIGNMENT_MACHINE = StateMachine(
    model=Assignment,
    states=AssignmentStatus,
    table={
        AssignmentStatus.ACTIVE: frozenset({AssignmentStatus.RELEASED}),
        AssignmentStatus.RELEASED: frozenset(),
    },
    audit_action="assignment.status",
    refused_message=_("An assignment cannot go from “%(source)s” to “%(target)s”."),
)


def _review_fields(target: str, now: datetime) -> dict[str, Any]:
    if target == ReviewStatus.SUBMITTED:
        return {"submitted_at": now}
    return {"submitted_at": None, "total": None}


# Submitted locks the review; only a manager's reopening unlocks it.
REVIEW_MACHINE = StateMachine(
    model=Review,
    states=ReviewStatus,
    table={
        ReviewStatus.DRAFT: frozenset({ReviewStatus.SUBMITTED}),
        ReviewStatus.SUBMITTED: frozenset({ReviewStatus.DRAFT}),
    },
    audit_action="review.status",
    refused_message=_("A review cannot go from “%(source)s” to “%(target)s”."),
    fields_for=_review_fields,
)

# Completed when fully paid; a reversal that leaves it short makes it active again.
AWARD_MACHINE = StateMachine(
    model=Award,
    states=AwardStatus,
    table={
        AwardStatus.ACTIVE: frozenset({AwardStatus.COMPLETED}),
        AwardStatus.COMPLETED: frozenset({AwardStatus.ACTIVE}),
    },
    audit_action="award.status",
    refused_message=_("An award cannot go from “%(source)s” to “%(target)s”."),
)


def _report_fields(target: str, now: datetime) -> dict[str, Any]:
    if target == MilestoneReportStatus.SUBMITTED:
        return {"submitted_at": now}
    if target in (MilestoneReportStatus.RETURNED, MilestoneReportStatus.APPROVED):
        return {"decided_at": now}
    return {}


def _report_history(
    moves: list[Move[MilestoneReport]], actor: Actor, note: HistoryNote
) -> list[MilestoneReportChange]:
    # A report's notes are the manager's own comments (text); the portal writes none.
    by = actor if isinstance(actor, User) and actor.pk else None
    return [
        MilestoneReportChange(
            report=move.obj,
            from_status=move.source,
            to_status=move.target,
            at=move.at,
            actor=by,
            note=note.text,
        )
        for move in moves
    ]


# The team submits; the manager returns (with comments) or approves; approved is final:
# it is what releases the tranche, and the ledger may already have paid it.
MILESTONE_REPORT_MACHINE = StateMachine(
    model=MilestoneReport,
    states=MilestoneReportStatus,
    table={
        MilestoneReportStatus.DRAFT: frozenset({MilestoneReportStatus.SUBMITTED}),
        MilestoneReportStatus.SUBMITTED: frozenset(
            {MilestoneReportStatus.RETURNED, MilestoneReportStatus.APPROVED}
        ),
        MilestoneReportStatus.RETURNED: frozenset({MilestoneReportStatus.SUBMITTED}),
        MilestoneReportStatus.APPROVED: frozenset(),
    },
    audit_action="milestone_report.status",
    refused_message=_("A milestone report cannot go from “%(source)s” to “%(target)s”."),
    fields_for=_report_fields,
    history=_report_history,
)
