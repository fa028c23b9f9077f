"""The e-mails of assigning reviewers: one per hand assignment, one digest per run.

A hand assignment tells its reviewer at once about that one application
(`reviewer_assigned`). A run (automatic assignment, the reassignment after a
declared conflict, the second opinion) gives each reviewer one digest
(`reviews_assigned`: how many, the first names, the link to their queue):
at 10,000 applications and 100 reviewers that is 100 outbox rows, not 30,000.
Both write outbox rows in the caller's transaction; delivery is queued on commit.
"""

from django.urls import reverse

from portal.models import NotificationKind, User
from portal.notifications import notifications_create_many
from programs.models import Assignment
from startups.models import Program, program_name_for_mail

# The digest lists this many startups by name; the count says how many in all.
DIGEST_NAMES = 10


def assignments_notify_digest(
    *, program: Program, assignments: list[Assignment], reviewers: dict[int, User]
) -> int:
    """One e-mail per reviewer for this run, listing their new applications; the rows written.

    `assignments` come from one run (their `application.startup` loaded);
    the run is named by its first assignment id, so the event key is new
    for every run and the outbox's unique key keeps one row per reviewer.
    """
    if not assignments:
        return 0
    run = min(a.pk for a in assignments)
    by_reviewer: dict[int, list[str]] = {}
    for assignment in sorted(assignments, key=lambda a: a.pk):
        by_reviewer.setdefault(assignment.reviewer_id, []).append(
            assignment.application.startup.name
        )
    deadline = program.review_deadline.isoformat() if program.review_deadline else ""
    path = reverse("admin:index")
    created = notifications_create_many(
        [
            {
                "kind": NotificationKind.REVIEWS_ASSIGNED,
                "event_key": f"program:{program.pk}:assignment-run:{run}",
                "email": reviewers[reviewer_id].email,
                "language": reviewers[reviewer_id].preferred_language,
                "recipient": reviewers[reviewer_id],
                "obj": program,
                "context": {
                    "recipient_name": reviewers[reviewer_id].get_full_name(),
                    "program": program_name_for_mail(program),
                    "count": len(names),
                    "startups": names[:DIGEST_NAMES],
                    "more": max(0, len(names) - DIGEST_NAMES),
                    "deadline_at": deadline,
                    "timezone": program.timezone,
                    "path": path,
                },
            }
            for reviewer_id, names in sorted(by_reviewer.items())
        ]
    )
    return len(created)


def assignment_notify(*, assignment: Assignment) -> None:
    """The hand assignment's one e-mail to its reviewer, queued after commit."""
    notifications_create_many(
        [
            {
                "kind": NotificationKind.REVIEWER_ASSIGNED,
                "event_key": f"assignment:{assignment.pk}",
                "email": assignment.reviewer.email,
                "language": assignment.reviewer.preferred_language,
                "recipient": assignment.reviewer,
                "obj": assignment,
                "context": {
                    "recipient_name": assignment.reviewer.get_full_name(),
                    "program": program_name_for_mail(assignment.program),
                    "startup": assignment.application.startup.name,
                    "deadline_at": assignment.program.review_deadline.isoformat()
                    if assignment.program.review_deadline
                    else "",
                    "timezone": assignment.program.timezone,
                    "path": assignment.get_review_url(),
                },
            }
        ]
    )
