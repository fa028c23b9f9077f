"""The application's life: the one place where its status changes.

    draft ──submit──> submitted ──> under review ──> selected ──> funded ──> completed
      │                  │                      ├──> waitlisted ──> selected
      └──withdraw──>  withdrawn <──withdraw──┘  └──> rejected

`applications_transition` (through `portal.transitions.transition`) is the
only writer of `Application.status`: it locks the rows, refuses a move the
table does not allow, writes an `ApplicationStatusChange` history row and
an audit entry per moved application. `application_transition` is the
same path with one item. Whoever must tell people about a move (the team,
the reviewers) writes the notification rows in the same transaction, in
the service that made the move; nothing listens for status changes (only
the cached public pages are forgotten after a commit that moves an
application into or out of the published statuses).

`completed` is reached when the award is fully paid and every milestone
report approved, in the transaction of the payment (or approval) that
completes it (`programs.services.funding`); a reversal that leaves the award
short again moves the application back to `funded`.
"""

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from portal.audit import Actor
from portal.models import User
from portal.transitions import HistoryNote, Move, StateMachine, transition
from startups.enums import ApplicationStatus as S
from startups.models import Application, ApplicationStatusChange
from startups.public_cache import public_cache_invalidate

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.WITHDRAWN}),
    S.UNDER_REVIEW: frozenset({S.SELECTED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN}),
    S.WAITLISTED: frozenset({S.SELECTED, S.REJECTED, S.WITHDRAWN}),
    S.SELECTED: frozenset({S.FUNDED, S.WITHDRAWN}),
    S.FUNDED: frozenset({S.COMPLETED}),
    # A reversed payment can leave a completed award short again.
    S.COMPLETED: frozenset({S.FUNDED}),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


def _fields_for(target: str, now: datetime) -> dict[str, Any]:
    return {"submitted_at": now} if target == S.SUBMITTED else {}


def _history(
    moves: list[Move[Application]], actor: Actor, note: HistoryNote
) -> list[ApplicationStatusChange]:
    actor_or_none = actor if isinstance(actor, User) and actor.pk else None
    return [
        ApplicationStatusChange(
            application=move.obj,
            from_status=move.source,
            to_status=move.target,
            at=move.at,
            actor=actor_or_none,
            note=note.text,
            note_code=note.code,
            note_params=dict(note.params),
        )
        for move in moves
    ]


# The public results list the projects in these statuses (programs.public_results).
PUBLISHED = frozenset({S.SELECTED, S.FUNDED, S.COMPLETED})


def _results_changed(moves: list[Move[Application]]) -> None:
    """A move into or out of the published statuses ends the cached public pages."""
    if any((move.source in PUBLISHED) != (move.target in PUBLISHED) for move in moves):
        public_cache_invalidate()


APPLICATION_MACHINE = StateMachine(
    model=Application,
    states=S,
    table=TRANSITIONS,
    audit_action="application.status",
    refused_message=_("An application cannot go from “%(source)s” to “%(target)s”."),
    fields_for=_fields_for,
    history=_history,
    after_commit=(_results_changed,),
)


def allowed_targets(status: str) -> frozenset[str]:
    return APPLICATION_MACHINE.allowed_targets(status)


def applications_transition(
    *,
    applications: list[Application],
    to: str,
    actor: Actor,
    note: str = "",
    note_code: str = "",
    note_params: dict[str, Any] | None = None,
) -> list[ApplicationStatusChange]:
    """Move the applications to `to`: one locked, all-or-nothing batch.

    Those already at `to` are left alone; one refused move refuses them all
    (`portal.transitions.TransitionRefused`). Returns the history rows.
    `note_code` (`portal.history_notes`) is the portal's reason, shown in each
    reader's language; `note` a person's own words.
    """
    moves = transition(
        machine=APPLICATION_MACHINE,
        objects=applications,
        to=to,
        actor=actor,
        note=note,
        note_code=note_code,
        note_params=note_params,
    )
    return [_change(move) for move in moves]


def _change(move: Move[Application]) -> ApplicationStatusChange:
    # The machine writes a history row for every move (`_history`).
    if not isinstance(move.history, ApplicationStatusChange):
        raise TypeError(f"No status change recorded for application {move.obj.pk}")
    return move.history


def application_transition(
    *,
    application: Application,
    to: str,
    actor: Actor,
    note: str = "",
    note_code: str = "",
    note_params: dict[str, Any] | None = None,
) -> ApplicationStatusChange | None:
    """`applications_transition` with one item; None when it is already there."""
    changes = applications_transition(
        applications=[application],
        to=to,
        actor=actor,
        note=note,
        note_code=note_code,
        note_params=note_params,
    )
    return changes[0] if changes else None


def application_record_creation(
    *, application: Application, actor: User | None
) -> ApplicationStatusChange:
    """The first history row: the draft was started."""
    return ApplicationStatusChange.objects.create(
        application=application, from_status="", to_status=S.DRAFT, actor=actor
    )
