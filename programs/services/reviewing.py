"""Writes for reviews: saving and submitting scores, reopening, reminders.

Assigning reviewers and conflicts of interest are `programs.services.assignment`.
Keyword-only services that run in one transaction, lock what they must,
write the audit trail and queue notifications with the event.
"""

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

import rules
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record
from portal.exceptions import DomainError, permission_require
from portal.models import NotificationKind, User
from portal.notifications import notifications_create_many
from portal.transitions import transition
from programs.models import Assignment, AssignmentStatus, Review, ReviewStatus, Score
from programs.rules import MANAGE_PROGRAMS
from programs.scoring import scores_refresh
from programs.states import REVIEW_MACHINE
from startups.models import Program, program_name_for_mail

# A reminder names this many of the reviewer's open reviews, then says how many more.
REMINDER_NAMES = 10

# Asked of the reviewer for their own assignment (`programs/rules.py`).
REVIEW = "programs.review_assignment"


class ReviewRefused(DomainError):
    pass


def review_total(scores: list[tuple[int, Decimal, int, int]]) -> Decimal:
    """Weighted scores scaled to 0–100: each (value, weight, low, high)."""
    weight_sum = sum(weight for _v, weight, _lo, _hi in scores)
    if not weight_sum:
        return Decimal("0")
    weighted = sum(
        Decimal(weight) * (Decimal(value - low) / Decimal(high - low))
        for value, weight, low, high in scores
    )
    return (weighted / weight_sum * 100).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def review_save(
    *,
    assignment: Assignment,
    reviewer: User,
    scores: Mapping[int, tuple[int | None, str]],
    recommendation: str,
    note: str,
    submit: bool,
    comment_for_team: str | None = None,
) -> Review:
    """Save the reviewer's scores as a draft, or submit them (then locked).

    `comment_for_team` None leaves the stored comment as it is.
    """
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update().select_related("program").get(pk=assignment.pk)
        )
        permission_require(
            user=reviewer, perm=REVIEW, obj=assignment, message=_("This is not your assignment.")
        )
        if assignment.status != AssignmentStatus.ACTIVE:
            raise ReviewRefused(_("This assignment was released; it cannot be reviewed."))
        review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
        if not rules.has_perm("programs.edit_review", reviewer, assignment):
            raise ReviewRefused(_("This review is submitted and locked; a manager can reopen it."))
        criteria = list(assignment.program.criteria.all())
        problems: list[str | Promise] = []
        clean: dict[int, tuple[int | None, str]] = {}
        for criterion in criteria:
            value, comment = scores.get(criterion.pk, (None, ""))
            if value is not None and not criterion.scale_min <= value <= criterion.scale_max:
                problems.append(
                    _("%(criterion)s: the score must be from %(low)d to %(high)d.")
                    % {
                        "criterion": criterion.name,
                        "low": criterion.scale_min,
                        "high": criterion.scale_max,
                    }
                )
            clean[criterion.pk] = (value, (comment or "").strip())
        if recommendation and recommendation not in {"fund", "maybe", "do_not_fund"}:
            problems.append(_("Choose a recommendation from the list."))
        if submit:
            missing = [c.name for c in criteria if clean[c.pk][0] is None]
            if missing:
                problems.append(
                    _("Score every criterion before submitting; missing: %(names)s.")
                    % {"names": ", ".join(missing)}
                )
            if not recommendation:
                problems.append(_("Choose a recommendation before submitting."))
            if not criteria:
                problems.append(_("The program has no criteria to score yet."))
        if problems:
            raise ReviewRefused(*problems)
        Score.objects.filter(review=review).delete()
        Score.objects.bulk_create(
            [
                Score(review=review, criterion_id=cid, value=value, comment=comment)
                for cid, (value, comment) in clean.items()
                if value is not None
            ]
        )
        review.recommendation = recommendation
        review.note_for_managers = (note or "").strip()
        if comment_for_team is not None:
            review.comment_for_team = comment_for_team.strip()
        review.save(
            update_fields=["recommendation", "note_for_managers", "comment_for_team", "updated_at"]
        )
        if submit:
            by_id = {c.pk: c for c in criteria}
            total = review_total(
                [
                    (value, by_id[cid].weight, by_id[cid].scale_min, by_id[cid].scale_max)
                    for cid in by_id
                    # Every criterion has its score here: a missing one refused the submit.
                    if (value := clean[cid][0]) is not None
                ]
            )
            transition(
                machine=REVIEW_MACHINE,
                objects=[review],
                to=ReviewStatus.SUBMITTED,
                actor=reviewer,
                values={"total": total},
                audit_action="review.submit",
                audit_after={
                    "total": str(total),
                    "recommendation": review.recommendation,
                    "scores": {str(cid): v for cid, (v, _c) in clean.items()},
                },
            )
            # The program's kept scores move with this review (same transaction).
            scores_refresh(program_id=assignment.program_id)
    return review


def review_reopen(*, review: Review, actor: User, note: str = "") -> Review:
    """A manager unlocks a submitted review for its reviewer (recorded)."""
    permission_require(
        user=actor, perm=MANAGE_PROGRAMS, message=_("Only program managers can reopen a review.")
    )
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.status != ReviewStatus.SUBMITTED:
            raise ReviewRefused(_("Only a submitted review can be reopened."))
        transition(
            machine=REVIEW_MACHINE,
            objects=[review],
            to=ReviewStatus.DRAFT,
            actor=actor,
            note=note,
            values={"reopened_count": F("reopened_count") + 1},
            audit_action="review.reopen",
            audit_before={"total": str(review.total)},
        )
        scores_refresh(program_id=review.assignment.program_id)
    return review


def reviewers_remind_overdue(*, program: Program, actor: User) -> int:
    """Notify every reviewer with an unsubmitted review past the deadline (once a day)."""
    permission_require(
        user=actor, perm=MANAGE_PROGRAMS, message=_("Only program managers send reminders.")
    )
    from programs.selectors import reviewers_overdue

    today = timezone.localdate().isoformat()
    with transaction.atomic():
        sent = reviewers_remind(
            program=program,
            kind=NotificationKind.REVIEW_OVERDUE,
            event_key=f"program:{program.pk}:overdue:{today}:manual",
            reviewers=reviewers_overdue(program=program),
        )
        audit_record(actor=actor, action="reviewing.remind", obj=program, after={"reminded": sent})
    return sent


def reviewers_remind(
    *, program: Program, kind: str, event_key: str, reviewers: Iterable[tuple[User, int]]
) -> int:
    """One reminder per reviewer and run, listing their open reviews; a used key sends nothing.

    `reviewers` are (reviewer, open count) pairs; the e-mail names the first
    `REMINDER_NAMES` startups still waiting for each and says how many more.
    """
    reviewers = list(reviewers)
    waiting: dict[int, list[str]] = {}
    for reviewer_id, startup in (
        Assignment.objects.active()
        .filter(program=program, reviewer__in=[reviewer for reviewer, _count in reviewers])
        .exclude(review__status=ReviewStatus.SUBMITTED)
        .order_by("reviewer_id", "id")
        .values_list("reviewer_id", "application__startup__name")
    ):
        waiting.setdefault(reviewer_id, []).append(startup)
    deadline = program.review_deadline.isoformat() if program.review_deadline else ""
    with transaction.atomic():
        created = notifications_create_many(
            [
                {
                    "kind": kind,
                    "event_key": event_key,
                    "email": reviewer.email,
                    "language": reviewer.preferred_language,
                    "recipient": reviewer,
                    "obj": program,
                    "context": {
                        "recipient_name": reviewer.get_full_name(),
                        "program": program_name_for_mail(program),
                        "count": count,
                        "startups": waiting.get(reviewer.pk, [])[:REMINDER_NAMES],
                        "more": max(0, count - REMINDER_NAMES),
                        "deadline_at": deadline,
                        "timezone": program.timezone,
                        "path": reverse("admin:index"),
                    },
                }
                for reviewer, count in reviewers
            ]
        )
    return len(created)
