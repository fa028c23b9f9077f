"""The milestone-report reminder through a real Celery worker, Redis and SMTP."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import Notification, NotificationKind
from programs.models import MilestoneReport
from programs.tasks import remind_milestone_reports
from tests.portal.test_notifications_broker import _wait_for, live_worker  # noqa: F401
from tests.programs.test_milestones import funded_award

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_overdue_reminder_runs_on_the_worker_and_is_mailed_once(live_worker):  # noqa: F811
    award, _boss, owner = funded_award(tranches=2)
    report = MilestoneReport.objects.get(tranche__award=award)
    MilestoneReport.objects.filter(pk=report.pk).update(
        due_date=timezone.localdate() - timedelta(days=2)
    )
    remind_milestone_reports.delay().get(timeout=30)
    remind_milestone_reports.delay().get(timeout=30)  # the second run sends nothing
    assert _wait_for(
        lambda: (
            Notification.objects.filter(kind=NotificationKind.REPORT_OVERDUE, status="sent").count()
            == 1
        )
    )
    assert _wait_for(lambda: not Notification.objects.filter(status="pending").exists())
    # The award and the first payment were mailed too; the reminder is one message.
    path = f"/reports/{report.pk}/"
    reminders = [m for m in live_worker.messages if path in m.get_body(("plain",)).get_content()]
    assert len(reminders) == 1
    message = reminders[0]
    assert message["To"] == owner.email
    assert "Steppe Robotics" in message["Subject"]
    assert path in message.get_body(("plain",)).get_content()
