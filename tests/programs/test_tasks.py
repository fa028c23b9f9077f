from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal.models import Notification, NotificationKind
from programs.tasks import remind_calls_closing
from startups.enums import ApplicationStatus
from startups.models import Membership
from tests.factories import ApplicationFactory, ProgramFactory, StartupFactory, UserFactory

pytestmark = pytest.mark.django_db


def _draft(program, members=1, status=ApplicationStatus.DRAFT):
    owner = UserFactory()
    startup = StartupFactory(owner=owner)
    for _ in range(members - 1):
        Membership.objects.create(startup=startup, user=UserFactory(preferred_language="ru"))
    return ApplicationFactory(startup=startup, program=program, status=status)


def test_reminder_seven_days_before_to_teams_with_a_draft(django_capture_on_commit_callbacks):
    program = ProgramFactory(closes_at=timezone.now() + timedelta(days=6, hours=20))
    draft = _draft(program, members=2)
    _draft(program, status=ApplicationStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_calls_closing() == 2
    rows = Notification.objects.all()
    assert {row.kind for row in rows} == {NotificationKind.CALL_CLOSING_7D}
    assert {row.email for row in rows} == {
        m.user.email for m in draft.startup.memberships.select_related("user")
    }
    assert len(mail.outbox) == 2


def test_reminder_job_twice_sends_nothing_twice(django_capture_on_commit_callbacks):
    program = ProgramFactory(closes_at=timezone.now() + timedelta(days=3))
    _draft(program)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_calls_closing() == 1
        assert remind_calls_closing() == 0
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_reminder_one_day_before_after_the_seven_day_one(django_capture_on_commit_callbacks):
    program = ProgramFactory(closes_at=timezone.now() + timedelta(days=5))
    _draft(program)
    with django_capture_on_commit_callbacks(execute=True):
        remind_calls_closing()
        program.closes_at = timezone.now() + timedelta(hours=20)
        program.save()
        assert remind_calls_closing() == 1
    assert sorted(Notification.objects.values_list("kind", flat=True)) == [
        NotificationKind.CALL_CLOSING_1D,
        NotificationKind.CALL_CLOSING_7D,
    ]


def test_no_reminder_when_far_from_deadline_or_closed():
    _draft(ProgramFactory(closes_at=timezone.now() + timedelta(days=8)))
    _draft(ProgramFactory(closed=True))
    assert remind_calls_closing() == 0
    assert not Notification.objects.exists()


def test_beat_schedule_runs_sweep_and_reminders(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks == {
        "portal.tasks.notifications_sweep",
        "programs.tasks.remind_calls_closing",
        "programs.tasks.remind_reviews",
        "programs.tasks.remind_milestone_reports",
    }


def _assigned_program(deadline_in, *, submitted=False):
    from decimal import Decimal

    from programs.services.assignment import assignment_create
    from programs.services.reviewing import review_save
    from tests.factories import CriterionFactory, manager, reviewer, submitted_application

    program = ProgramFactory(
        opens_at=timezone.now() - timedelta(days=40),
        closes_at=timezone.now() - timedelta(days=10),
        review_deadline=timezone.now() + deadline_in,
        status="reviewing",
    )
    criterion = CriterionFactory(program=program, weight=Decimal("1"))
    expert = reviewer(preferred_language="kk")
    boss = manager()
    for _ in range(2):
        assignment = assignment_create(
            application=submitted_application(program), reviewer=expert, actor=boss
        )
    if submitted:
        review_save(
            assignment=assignment,
            reviewer=expert,
            scores={criterion.pk: (5, "")},
            recommendation="maybe",
            note="",
            submit=True,
        )
    Notification.objects.all().delete()  # only the reminders are under test
    return program, expert


def test_review_due_reminder_three_days_before_once():
    from programs.tasks import remind_reviews

    program, expert = _assigned_program(timedelta(days=2), submitted=True)
    assert remind_reviews() == 1
    assert remind_reviews() == 0
    row = Notification.objects.get()
    assert (row.kind, row.email, row.context["count"]) == (
        NotificationKind.REVIEW_DUE,
        expert.email,
        1,  # one of the two reviews is already submitted
    )


def test_review_overdue_reminder_once_a_day():
    from programs.tasks import remind_reviews

    _program, expert = _assigned_program(-timedelta(days=1))
    assert remind_reviews() == 1
    assert remind_reviews() == 0
    assert Notification.objects.get().kind == NotificationKind.REVIEW_OVERDUE


def test_no_review_reminder_far_from_the_deadline():
    from programs.tasks import remind_reviews

    _assigned_program(timedelta(days=10))
    assert remind_reviews() == 0
