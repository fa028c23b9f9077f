"""Reviewers' feedback to the teams, once the program has decided (reads only).

A program may share, after its decisions, each submitted review's
"comment for the team" (`Program.share_review_comments`) and its scores
(`Program.share_review_scores`). What leaves here never names a reviewer:
reviews are numbered "Reviewer 1", "Reviewer 2"… and carry no user, no
e-mail, no note for the managers and no per-criterion comment (those were
written for the program office). The items are plain dicts of text and
numbers so that the decision e-mail can keep them in its outbox row.

Read by the team's panel (`programs.panels.feedback_panel`) and by the
decision e-mails (`programs.services.decision_mail`).
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch

from programs.models import AssignmentStatus, Review, ReviewStatus, Score
from startups.enums import ApplicationStatus, ProgramStatus
from startups.models import Application, Program

Feedback = list[dict[str, Any]]

# The decision is known to the team: the program has finalised it.
DECIDED_PROGRAM = {ProgramStatus.DECIDED, ProgramStatus.CLOSED}
DECIDED_APPLICATION = {
    ApplicationStatus.SELECTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.FUNDED,
    ApplicationStatus.COMPLETED,
}


def program_shares_feedback(program: Program) -> bool:
    return program.share_review_comments or program.share_review_scores


def feedback_for_applications(
    *, program: Program, application_ids: Iterable[int]
) -> dict[int, Feedback]:
    """Each application's shareable feedback (absent: nothing to share), in two queries."""
    ids = list(application_ids)
    if not ids or not program_shares_feedback(program):
        return {}
    reviews = (
        Review.objects.filter(
            assignment__application_id__in=ids,
            assignment__program=program,
            assignment__status=AssignmentStatus.ACTIVE,
            status=ReviewStatus.SUBMITTED,
        )
        .only("id", "total", "comment_for_team", "assignment__application_id")
        .select_related("assignment")
        .order_by("assignment__application_id", "id")
    )
    if program.share_review_scores:
        reviews = reviews.prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.select_related("criterion").only(
                    "review_id",
                    "value",
                    "criterion__name",
                    # The name in every language, so that reading it costs no query.
                    "criterion__name_en",
                    "criterion__name_ru",
                    "criterion__name_kk",
                    "criterion__scale_max",
                ),
            )
        )
    found: dict[int, Feedback] = {}
    for review in reviews:
        item = _item(program, review)
        if item is None:
            continue
        items = found.setdefault(review.assignment.application_id, [])
        item["n"] = len(items) + 1
        items.append(item)
    return found


def _item(program: Program, review: Review) -> dict[str, Any] | None:
    item: dict[str, Any] = {}
    if program.share_review_comments and review.comment_for_team.strip():
        item["comment"] = review.comment_for_team.strip()
    if program.share_review_scores:
        item["total"] = f"{review.total:.1f}" if review.total is not None else ""
        item["scores"] = [
            {"criterion": s.criterion.name, "value": s.value, "max": s.criterion.scale_max}
            for s in review.scores.all()
        ]
    return item or None


def application_feedback(application: Application) -> Feedback:
    """What the team may read on its page: only once the decision is final."""
    program = application.program
    if (
        program.status not in DECIDED_PROGRAM
        or application.status not in DECIDED_APPLICATION
        or not program_shares_feedback(program)
    ):
        return []
    return feedback_for_applications(program=program, application_ids=[application.pk]).get(
        application.pk, []
    )
