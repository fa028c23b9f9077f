"""A reviewer's own assignments: what to review and by when; never money."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from portal.api.auth import REVIEWER_READ
from portal.api.errors import ERRORS
from programs.models import Review
from programs.start_page import reviewer_queue

router = Router(tags=["reviewer"])


class AssignmentOut(Schema):
    id: int
    application_id: int
    program: str
    startup: str
    status: str
    review_status: str | None
    review_deadline: datetime | None
    assigned_at: datetime


@router.get(
    "/reviewer/assignments", response={200: list[AssignmentOut], **ERRORS}, auth=REVIEWER_READ
)
def my_assignments(request: HttpRequest):
    """The token user's active assignments with their review's state (no scores, no money)."""
    assignments = reviewer_queue(user=request.user)
    return [
        AssignmentOut(
            id=a.pk,
            application_id=a.application_id,
            program=a.program.slug,
            startup=a.application.startup.name,
            status=a.status,
            review_status=_review_status(a),
            review_deadline=a.program.review_deadline,
            assigned_at=a.assigned_at,
        )
        for a in assignments
    ]


def _review_status(assignment) -> str | None:
    try:
        return assignment.review.status
    except Review.DoesNotExist:
        return None
