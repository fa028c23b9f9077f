"""Decision e-mails: each team is told its decision when it is made, once.

The rule (docs/architecture.md, "Decision e-mails"): a team is told when
its application's decision (selected, waitlisted, rejected) differs from
the last decision it was told. Each telling is a `DecisionNotice` row,
numbered per application, and the e-mails' outbox key carries that
number, so:

- a decision is told when it is made (`application_decide`), and a
  changed decision (waitlisted -> selected) is told once more;
- finalising tells only the teams whose decision was not told yet;
- the same decision made twice, or finalising run twice, tells nothing.

Callers hold the program's row lock (every decision takes it first), which
keeps the numbering in order; should two tellers still race, the unique
(application, sequence) refuses the second one's notice and its rows.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from portal.audit import Actor
from portal.models import NotificationKind, User
from portal.money import format_money
from portal.notifications import (
    NotificationSpec,
    notifications_create_many,
    notifications_enqueue,
)
from programs.feedback import Feedback, feedback_for_applications
from programs.models import DecisionNotice
from startups.enums import ApplicationStatus as S
from startups.models import Application
from startups.models.program import content_in
from startups.selectors import team_recipients

DECISION_KINDS: dict[str, NotificationKind] = {
    S.SELECTED: NotificationKind.DECISION_SELECTED,
    S.WAITLISTED: NotificationKind.DECISION_WAITLISTED,
    S.REJECTED: NotificationKind.DECISION_REJECTED,
}


def decision_context(
    application: Application, recipient: User, feedback: Feedback
) -> dict[str, Any]:
    """What the decision e-mail says (the templates are `email/decision_<status>/`)."""
    return {
        "recipient_name": recipient.get_full_name(),
        # The program's texts in the recipient's language (else its main one).
        "program": content_in(application.program, "name", recipient.preferred_language),
        "decision_message": content_in(
            application.program, "decision_message", recipient.preferred_language
        ),
        "startup": application.startup.name,
        "amount": format_money(application.requested_amount, application.program.currency),
        "path": application.get_absolute_url(),
        "feedback": feedback,
    }


def _decision_feedback(applications: list[Application]) -> dict[int, Feedback]:
    """The reviewers' shared feedback for the decision e-mails, per program in one go.

    Sent with the decision whenever the program shares feedback: the
    e-mail is how the team learns its decision, so it carries the reasons.
    """
    feedback: dict[int, Feedback] = {}
    programs = {application.program_id: application.program for application in applications}
    for program in programs.values():
        feedback.update(
            feedback_for_applications(
                program=program,
                application_ids=[a.pk for a in applications if a.program_id == program.pk],
            )
        )
    return feedback


def _last_told(ids: list[int]) -> dict[int, tuple[int, str]]:
    """Each application's last telling: (sequence, decision)."""
    last: dict[int, tuple[int, str]] = {}
    rows = (
        DecisionNotice.objects.filter(application__in=ids)
        .order_by("sequence")
        .values_list("application", "sequence", "decision")
    )
    for application, sequence, decision in rows:
        last[application] = (sequence, decision)
    return last


def decisions_notify(*, applications: Iterable[Application], actor: Actor) -> list[int]:
    """Tell each team its decision unless it was told this decision last.

    Inside the decision's transaction: writes the notices and the outbox
    rows, and queues their delivery after commit. The applications come
    with `startup` and `program` (and ideally `startup__memberships__user`).
    Returns the outbox rows' ids.
    """
    decided = [a for a in applications if a.status in DECISION_KINDS]
    last = _last_told([a.pk for a in decided])
    untold = [a for a in decided if last.get(a.pk, (0, ""))[1] != a.status]
    if not untold:
        return []
    by = actor if isinstance(actor, User) and actor.pk else None
    notices = DecisionNotice.objects.bulk_create(
        [
            DecisionNotice(
                application=a, sequence=last.get(a.pk, (0, ""))[0] + 1, decision=a.status, actor=by
            )
            for a in untold
        ]
    )
    feedback = _decision_feedback(untold)
    specs: list[NotificationSpec] = [
        {
            "kind": DECISION_KINDS[application.status],
            "event_key": f"application:{application.pk}:decision:{notice.sequence}",
            "email": recipient.email,
            "language": recipient.preferred_language,
            "recipient": recipient,
            "obj": application,
            "context": decision_context(application, recipient, feedback.get(application.pk, [])),
        }
        for application, notice in zip(untold, notices, strict=True)
        for recipient in team_recipients(startup=application.startup)
    ]
    ids = [row.pk for row in notifications_create_many(specs, enqueue=False)]
    if ids:
        transaction.on_commit(lambda: notifications_enqueue(ids))
    return ids
