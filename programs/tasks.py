"""Periodic jobs of the programs app (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from portal.models import NotificationKind
from portal.notifications import notification_create_for_users
from startups.enums import ApplicationStatus, ProgramStatus
from startups.models import Application, Program, program_name_for_mail
from startups.selectors import team_recipients

# Each reminder is sent once per application and window: its event key
# names both, so running the job twice (or daily) sends nothing twice.
CLOSING_WINDOWS = [
    (timedelta(days=1), NotificationKind.CALL_CLOSING_1D, "1d"),
    (timedelta(days=7), NotificationKind.CALL_CLOSING_7D, "7d"),
]


@shared_task
def remind_calls_closing() -> int:
    """Tell teams with a draft that the call closes in 7 days, then in 1 day."""
    now = timezone.now()
    created = 0
    programs = Program.objects.accepting(now).filter(closes_at__lte=now + timedelta(days=7))
    for program in programs:
        left = program.closes_at - now
        window, kind, label = next((w, k, lbl) for w, k, lbl in CLOSING_WINDOWS if left <= w)
        drafts = (
            Application.objects.filter(program=program, status=ApplicationStatus.DRAFT)
            .select_related("startup")
            .prefetch_related("startup__memberships__user")
            .order_by("id")
        )
        for application in drafts.iterator(chunk_size=500):
            users = team_recipients(startup=application.startup)
            with transaction.atomic():
                created += len(
                    notification_create_for_users(
                        kind=kind,
                        event_key=f"program:{program.pk}:closing-{label}:application:"
                        f"{application.pk}",
                        users=users,
                        obj=application,
                        context={
                            "program": program_name_for_mail(program),
                            "startup": application.startup.name,
                            "deadline_at": program.closes_at.isoformat(),
                            "timezone": program.timezone,
                            "path": application.get_absolute_url(),
                        },
                    )
                )
    return created


@shared_task
def remind_reviews() -> int:
    """Reviewers with unsubmitted reviews: once 3 days before the deadline, daily after it."""
    from programs.selectors import reviewers_with_open_reviews
    from programs.services.reviewing import reviewers_remind

    now = timezone.now()
    today = timezone.localdate().isoformat()
    created = 0
    programs = Program.objects.filter(
        review_deadline__isnull=False, review_deadline__lte=now + timedelta(days=3)
    ).exclude(status__in=[ProgramStatus.DRAFT, ProgramStatus.DECIDED, ProgramStatus.CLOSED])
    for program in programs:
        # The query keeps only programs with a deadline.
        overdue = program.review_deadline is not None and program.review_deadline < now
        created += reviewers_remind(
            program=program,
            kind=NotificationKind.REVIEW_OVERDUE if overdue else NotificationKind.REVIEW_DUE,
            event_key=f"program:{program.pk}:overdue:{today}"
            if overdue
            else f"program:{program.pk}:due",
            reviewers=reviewers_with_open_reviews(program=program),
        )
    return created


@shared_task
def remind_milestone_reports() -> int:
    """Teams whose milestone report is due within 7 days, then overdue: each reminder once.

    The event key names the report, the kind and the due date, so a daily
    run sends each reminder once, and a moved due date earns a fresh one.
    """
    from programs.milestones import DUE_SOON
    from programs.models import MilestoneReport
    from programs.services.milestones import report_mail_context

    today = timezone.localdate()
    reports = (
        MilestoneReport.objects.open()
        .filter(
            due_date__lte=today + DUE_SOON,
            tranche__award__application__status=ApplicationStatus.FUNDED,
        )
        .select_related("tranche__award__program", "tranche__award__application__startup")
        .prefetch_related("tranche__award__application__startup__memberships__user")
        .order_by("id")
    )
    created = 0
    for report in reports.iterator(chunk_size=500):
        award = report.tranche.award
        overdue = report.due_date < today
        kind = NotificationKind.REPORT_OVERDUE if overdue else NotificationKind.REPORT_DUE
        label = "overdue" if overdue else "due"
        with transaction.atomic():
            created += len(
                notification_create_for_users(
                    kind=kind,
                    event_key=f"milestone-report:{report.pk}:{label}:{report.due_date.isoformat()}",
                    users=team_recipients(startup=award.application.startup),
                    obj=report,
                    context=report_mail_context(award, report),
                )
            )
    return created
