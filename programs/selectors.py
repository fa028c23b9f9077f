"""Reads of programs, with their related rows loaded up front.

The milestone reports' reads live in `programs.milestones`; the two the
public pages ask for (completed projects, the teams' reported figures) are
re-exported here.
"""

from datetime import datetime

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from portal.models import User
from programs.milestones import completed_applications as completed_applications
from programs.milestones import program_reported_figures as program_reported_figures
from programs.models import Assignment, AssignmentStatus, Review, ReviewStatus, Score
from startups.enums import ApplicationStatus, ProgramStatus
from startups.models import Program


def program_list_public(*, now: datetime | None = None) -> QuerySet[Program]:
    """Published programs, those accepting applications first, soonest deadline first."""
    now = now or timezone.now()
    return (
        Program.objects.public()
        .annotate(
            accepting_rank=Case(
                When(status=ProgramStatus.OPEN, opens_at__lte=now, closes_at__gt=now, then=0),
                When(status=ProgramStatus.OPEN, opens_at__gt=now, then=1),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("accepting_rank", "closes_at", "id")
    )


def program_list_accepting(*, now: datetime | None = None) -> QuerySet[Program]:
    return Program.objects.accepting(now).order_by("closes_at", "id")


def program_get_public(*, slug: str) -> Program:
    """A published program with its criteria; Http404 semantics left to the view."""
    return Program.objects.public().prefetch_related("criteria").get(slug=slug)


# --- Reviewing --------------------------------------------------------------


def reviewers_overdue(*, program: Program, now: datetime | None = None) -> list[tuple[User, int]]:
    """(reviewer, unsubmitted count) for reviewers late on this program."""
    now = now or timezone.now()
    if program.review_deadline is None or program.review_deadline >= now:
        return []
    return reviewers_with_open_reviews(program=program)


def reviewers_with_open_reviews(*, program: Program) -> list[tuple[User, int]]:
    """(reviewer, unsubmitted count) for every reviewer with work left on this program."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    late = (
        User.objects.filter(
            review_assignments__program=program, review_assignments__status=AssignmentStatus.ACTIVE
        )
        .annotate(
            open_count=Count(
                "review_assignments",
                filter=Q(
                    review_assignments__program=program,
                    review_assignments__status=AssignmentStatus.ACTIVE,
                )
                & ~Q(review_assignments__review__status=ReviewStatus.SUBMITTED),
                distinct=True,
            )
        )
        .filter(open_count__gt=0)
        .order_by("id")
        .distinct()
    )
    return [(user, user.open_count) for user in late]


def review_progress_by_reviewer(
    *, program: Program, overdue_only: bool = False, now: datetime | None = None
) -> QuerySet:
    """Per reviewer: assigned, submitted and overdue counts for one program.

    `overdue_only` keeps the reviewers with at least one overdue review.
    """
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    active = Q(
        review_assignments__program=program, review_assignments__status=AssignmentStatus.ACTIVE
    )
    submitted = active & Q(review_assignments__review__status=ReviewStatus.SUBMITTED)
    overdue_possible = program.review_deadline is not None and program.review_deadline < now
    rows = (
        get_user_model()
        .objects.filter(active)
        .annotate(
            assigned=Count("review_assignments", filter=active, distinct=True),
            submitted=Count("review_assignments", filter=submitted, distinct=True),
        )
        .annotate(
            overdue=(F("assigned") - F("submitted"))
            if overdue_possible
            else Value(0, output_field=IntegerField())
        )
        .order_by("-overdue", "email")
        .distinct()
    )
    return rows.filter(overdue__gt=0) if overdue_only else rows


def review_progress_by_application(*, program: Program, show: str = "") -> QuerySet:
    """Per submitted application: reviewers and reviews submitted of the required number.

    `show` keeps the applications with fewer submitted reviews ("incomplete")
    or fewer active reviewers ("unassigned") than required; anything else, all.
    """
    from startups.models import Application

    active = Q(assignments__status=AssignmentStatus.ACTIVE)
    rows = (
        Application.objects.filter(program=program)
        .exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
        .select_related("startup")
        .annotate(
            reviewers=Count("assignments", filter=active, distinct=True),
            reviews_submitted=Count(
                "assignments", filter=active & Q(assignments__review__status=ReviewStatus.SUBMITTED)
            ),
        )
        .order_by("reviews_submitted", "id")
    )
    required = program.reviews_per_application
    if show == "incomplete":
        rows = rows.filter(reviews_submitted__lt=required)
    elif show == "unassigned":
        rows = rows.filter(reviewers__lt=required)
    return rows


def reviews_submitted_by_others(*, assignment: Assignment) -> QuerySet[Review]:
    """Other reviewers' submitted reviews of the same application, scores loaded, oldest first."""
    return (
        Review.objects.filter(
            assignment__application=assignment.application_id,
            assignment__status=AssignmentStatus.ACTIVE,
            status=ReviewStatus.SUBMITTED,
        )
        .exclude(assignment=assignment)
        .select_related("assignment__reviewer")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("submitted_at", "id")
    )


def review_progress_totals(*, program: Program) -> dict[str, int]:
    """The program's active assignments and, of them, the submitted reviews."""
    return program.assignments.filter(status=AssignmentStatus.ACTIVE).aggregate(
        assigned=Count("id"),
        submitted=Count("id", filter=Q(review__status=ReviewStatus.SUBMITTED)),
    )
