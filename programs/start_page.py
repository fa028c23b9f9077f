"""Reads for the admin's start page: the reviewer's queue, the manager's programs
and what needs their attention.

Every function here runs a fixed number of queries, whatever the number of
programs, applications or assignments (the admin index is opened all day):
counts are grouped in SQL, never per row.
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import NamedTuple

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerChoices,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from portal.models import User
from programs.models import (
    Assignment,
    AssignmentStatus,
    Award,
    AwardStatus,
    ReviewStatus,
    Score,
)
from startups.enums import ApplicationStatus, ProgramStatus
from startups.models import Program

# --- The reviewer's queue ------------------------------------------------------


class QueueState(IntegerChoices):
    """Where an assignment stands for its reviewer; the queue's order."""

    TODO = 0, _("To do")
    IN_PROGRESS = 1, _("In progress")
    SUBMITTED = 2, _("Submitted")


def queue_state() -> Case:
    """The assignment's `QueueState` in SQL: submitted; a draft with a score or a
    recommendation is in progress; anything else (no review yet, an empty
    draft) is still to do."""
    scored = Exists(Score.objects.filter(review__assignment=OuterRef("pk")))
    return Case(
        When(review__status=ReviewStatus.SUBMITTED, then=Value(QueueState.SUBMITTED)),
        When(
            Q(review__isnull=False) & (scored | ~Q(review__recommendation="")),
            then=Value(QueueState.IN_PROGRESS),
        ),
        default=Value(QueueState.TODO),
    )


QUEUE_ORDER = ["queue_state", "program__review_deadline", "assigned_at", "id"]


def reviewer_queue(*, user: User) -> QuerySet[Assignment]:
    """The reviewer's active assignments, to do first, then in progress, then
    submitted; soonest deadline first within each; program, startup and review
    loaded."""
    return (
        Assignment.objects.active()
        .filter(reviewer=user)
        .select_related("program", "application__startup", "review")
        .annotate(queue_state=queue_state())
        .order_by(*QUEUE_ORDER)
    )


class QueueSummary(NamedTuple):
    todo: int
    in_progress: int
    submitted: int
    overdue: int
    nearest_deadline: datetime | None  # the soonest deadline still ahead with work left


def reviewer_queue_summary(*, user: User, now: datetime | None = None) -> QueueSummary:
    """The reviewer's counts per queue state, the overdue ones and the nearest
    deadline, in one query."""
    now = now or timezone.now()
    open_work = ~Q(queue_state=QueueState.SUBMITTED)
    figures = (
        Assignment.objects.active()
        .filter(reviewer=user)
        .annotate(queue_state=queue_state())
        .aggregate(
            todo=Count("pk", filter=Q(queue_state=QueueState.TODO)),
            in_progress=Count("pk", filter=Q(queue_state=QueueState.IN_PROGRESS)),
            submitted=Count("pk", filter=Q(queue_state=QueueState.SUBMITTED)),
            overdue=Count("pk", filter=open_work & Q(program__review_deadline__lt=now)),
            nearest=Min(
                "program__review_deadline",
                filter=open_work & Q(program__review_deadline__gte=now),
            ),
        )
    )
    return QueueSummary(
        todo=figures["todo"],
        in_progress=figures["in_progress"],
        submitted=figures["submitted"],
        overdue=figures["overdue"],
        nearest_deadline=figures["nearest"],
    )


# --- The manager's programs and what needs attention ----------------------------

ACTIVE_PROGRAM_STATES = (ProgramStatus.OPEN, ProgramStatus.REVIEWING, ProgramStatus.DECIDED)


def programs_active() -> list[Program]:
    """Programs in their call, reviewing or funding, each with its links and
    figures (`submitted` applications, `assigned` and `reviewed` assignments):
    three queries for any number of programs."""
    programs = list(
        Program.objects.filter(status__in=ACTIVE_PROGRAM_STATES).order_by("closes_at", "id")
    )
    ids = [program.pk for program in programs]
    applications = dict(
        Program.objects.filter(pk__in=ids)
        .annotate(
            n=Count(
                "applications",
                filter=~Q(
                    applications__status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN]
                ),
            )
        )
        .values_list("pk", "n")
    )
    reviews = {
        row["program"]: row
        for row in Assignment.objects.filter(program__in=ids, status=AssignmentStatus.ACTIVE)
        .values("program")
        .annotate(
            assigned=Count("pk"),
            reviewed=Count("pk", filter=Q(review__status=ReviewStatus.SUBMITTED)),
        )
        .order_by()
    }
    for program in programs:
        program.submitted_count = applications.get(program.pk, 0)
        figures = reviews.get(program.pk, {})
        program.assigned_count = figures.get("assigned", 0)
        program.reviewed_count = figures.get("reviewed", 0)
        program.links = _program_links(program)
    return programs


def _program_links(program: Program) -> list[tuple[str, str]]:
    return [
        (_("Selection board"), reverse("admin:startups_program_board", args=[program.pk])),
        (_("Review progress"), reverse("admin:startups_program_progress", args=[program.pk])),
        (_("Suggest selection"), reverse("admin:startups_program_suggest", args=[program.pk])),
        (
            _("Funding report"),
            reverse("admin:programs_award_report") + "?" + urlencode({"program": program.pk}),
        ),
    ]


class AttentionItem(NamedTuple):
    """One line of "needs attention": what, how many, and where to act on it."""

    label: str
    count: int
    url: str


AttentionSource = Callable[[list[Program], datetime], Iterable[AttentionItem]]


def _reviews_overdue(programs: list[Program], now: datetime) -> Iterable[AttentionItem]:
    """Active assignments not submitted past their program's review deadline."""
    names = {program.pk: program.name for program in programs}
    rows = (
        Assignment.objects.filter(
            program__in=list(names),
            status=AssignmentStatus.ACTIVE,
            program__review_deadline__lt=now,
        )
        .exclude(review__status=ReviewStatus.SUBMITTED)
        .values("program")
        .annotate(n=Count("pk"))
        .order_by("program")
    )
    for row in rows:
        url = reverse("admin:startups_program_progress", args=[row["program"]])
        yield AttentionItem(
            label=_("%(program)s: reviews overdue") % {"program": names[row["program"]]},
            count=row["n"],
            url=url + "?reviewers=overdue",
        )


def _awards_without_schedule(programs: list[Program], now: datetime) -> Iterable[AttentionItem]:
    """Active awards with no tranche yet: the link opens the oldest one's schedule."""
    names = {program.pk: program.name for program in programs}
    rows = (
        Award.objects.filter(
            program__in=list(names), status=AwardStatus.ACTIVE, tranches__isnull=True
        )
        .values("program")
        .annotate(n=Count("pk"), first=Min("pk"))
        .order_by("program")
    )
    for row in rows:
        yield AttentionItem(
            label=_("%(program)s: awards without a tranche schedule")
            % {"program": names[row["program"]]},
            count=row["n"],
            url=reverse("admin:programs_award_schedule", args=[row["first"]]),
        )


def _milestone_reports(programs: list[Program], now: datetime) -> Iterable[AttentionItem]:
    """Milestone reports overdue, due within a week, and submitted for review."""
    from programs.milestones import reports_attention_by_program
    from programs.models import MilestoneReportStatus

    names = {program.pk: program.name for program in programs}
    today = timezone.localdate(now)
    url = reverse("admin:programs_milestonereport_changelist")
    lines = [
        ("overdue", _("%(program)s: milestone reports overdue"), {"overdue": "yes"}),
        ("due", _("%(program)s: milestone reports due within a week"), {"overdue": "soon"}),
        (
            "waiting",
            _("%(program)s: milestone reports to review"),
            {"status__exact": MilestoneReportStatus.SUBMITTED},
        ),
    ]
    for row in reports_attention_by_program(program_ids=list(names), today=today):
        for key, label, query in lines:
            yield AttentionItem(
                label=label % {"program": names[row["program"]]},
                count=row[key],
                url=url
                + "?"
                + urlencode({**query, "tranche__award__program__id__exact": row["program"]}),
            )


# One query each. A new kind of attention is one more function here, taking
# the active programs and the time.
ATTENTION_SOURCES: list[AttentionSource] = [
    _reviews_overdue,
    _awards_without_schedule,
    _milestone_reports,
]


def manager_attention(
    *, programs: list[Program], now: datetime | None = None
) -> list[AttentionItem]:
    """What needs a manager's attention in the active programs, as (label, count, url)."""
    now = now or timezone.now()
    if not programs:
        return []
    return [
        item for source in ATTENTION_SOURCES for item in source(programs, now) if item.count > 0
    ]
