"""The outbox: one row per event and recipient, sent once, in the reader's language."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal import tasks
from portal.models import Notification, NotificationKind, NotificationStatus
from portal.notifications import notification_create, notification_render
from startups.models import Membership
from startups.services import application_submit, invitation_create
from tests.factories import ApplicationFactory, StartupFactory, UserFactory

pytestmark = pytest.mark.django_db

SUBJECTS = {
    "en": "Application to Demo Call submitted",
    "ru": "Заявка на программу «Demo Call» подана",
    "kk": "«Demo Call» бағдарламасына өтінім жіберілді",
}


@pytest.fixture
def team_application():
    owner = UserFactory(preferred_language="en", full_name="Aliya Owner")
    startup = StartupFactory(owner=owner, name="Qazaq Cold")
    for language in ("ru", "kk"):
        Membership.objects.create(startup=startup, user=UserFactory(preferred_language=language))
    application = ApplicationFactory(
        startup=startup, complete=True, program__name="Demo Call", program__min_team_size=1
    )
    return application


def _submit(application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(
            application=application, actor=application.startup.memberships.first().user
        )


def test_submitted_event_mails_each_member_in_their_language(
    team_application, django_capture_on_commit_callbacks
):
    _submit(team_application, django_capture_on_commit_callbacks)
    rows = Notification.objects.filter(kind=NotificationKind.APPLICATION_SUBMITTED)
    assert sorted(rows.values_list("language", "status")) == [
        ("en", "sent"),
        ("kk", "sent"),
        ("ru", "sent"),
    ]
    by_language = {
        row.language: next(m for m in mail.outbox if m.to == [row.email]) for row in rows
    }
    assert {lang: m.subject for lang, m in by_language.items()} == SUBJECTS
    english = by_language["en"]
    assert "Qazaq Cold" in english.body
    assert f"http://127.0.0.1:8000{team_application.get_absolute_url()}" in english.body
    assert "Startup Portal" in english.body
    html = english.alternatives[0]
    assert html.mimetype == "text/html" and "Qazaq Cold" in html.content


def test_same_event_twice_makes_one_row(team_application, django_capture_on_commit_callbacks):
    owner = team_application.startup.memberships.first().user
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            notification_create(
                kind=NotificationKind.APPLICATION_SUBMITTED,
                event_key=f"application:{team_application.pk}:submitted",
                email=owner.email.upper(),
                language="en",
                context={"program": "P", "startup": "S", "actor": "A", "path": "/"},
            )
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_task_run_twice_sends_once(team_application):
    row = notification_create(
        kind=NotificationKind.APPLICATION_SUBMITTED,
        event_key="x",
        email="a@example.kz",
        language="ru",
        context={"program": "P", "startup": "S", "actor": "A", "path": "/"},
    )
    assert tasks.send_notification.apply(kwargs={"notification_id": row.pk}).get() == "sent"
    assert tasks.send_notification.apply(kwargs={"notification_id": row.pk}).get() is None
    assert len(mail.outbox) == 1


def test_task_for_missing_row_returns_quietly():
    assert tasks.send_notification.apply(kwargs={"notification_id": 999999}).get() is None


def _row(**overrides):
    values = {
        "kind": NotificationKind.APPLICATION_SUBMITTED,
        "event_key": "e",
        "email": "a@example.kz",
        "language": "en",
        "context": {"program": "P", "startup": "S", "actor": "A", "path": "/"},
    }
    values.update(overrides)
    return Notification.objects.create(**values)


def test_temporary_smtp_error_is_retried_then_sent(smtp_server):
    from django.core.mail import mailers

    smtp_server.fail_next = ["451 4.3.0 Try again later"]
    row = _row()
    assert tasks.deliver(row.pk, mailers.default) == "retry"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("SMTPDataError: (451")
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=25)
    assert tasks.deliver(row.pk, mailers.default) == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert len(smtp_server.messages) == 1


def test_backoff_grows_exponentially():
    assert [tasks.retry_delay(n) for n in range(1, 6)] == [30, 60, 120, 240, 480]


def test_permanent_smtp_error_fails_at_once(smtp_server):
    from django.core.mail import mailers

    smtp_server.fail_next = ["554 5.7.1 Rejected"]
    row = _row()
    assert tasks.deliver(row.pk, mailers.default) == "failed"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)
    assert "554" in row.last_error


def test_last_attempt_marks_failed(smtp_server):
    from django.core.mail import mailers

    smtp_server.fail_next = ["451 busy"] * tasks.MAX_ATTEMPTS
    row = _row()
    outcomes = [tasks.deliver(row.pk, mailers.default) for _ in range(tasks.MAX_ATTEMPTS)]
    assert outcomes == ["retry"] * (tasks.MAX_ATTEMPTS - 1) + ["failed"]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", tasks.MAX_ATTEMPTS)
    assert smtp_server.messages == []


def test_eager_task_leaves_row_pending_on_temporary_error(smtp_server):
    smtp_server.fail_next = ["451 busy"]
    row = _row()
    assert tasks.send_notification.apply(kwargs={"notification_id": row.pk}).get() == "retry"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert smtp_server.messages == []


def test_smtp_server_down_is_temporary(settings):
    from django.core.mail import mailers

    from tests.conftest import free_port

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    row = _row()
    assert tasks.deliver(row.pk, mailers.default) == "retry"
    row.refresh_from_db()
    assert row.last_error.startswith("ConnectionRefusedError")


def test_resend_action_requeues_failed_row(client, smtp_server, django_capture_on_commit_callbacks):
    row = _row(status=NotificationStatus.FAILED, attempts=5, last_error="554 no")
    sent_row = _row(event_key="other", status=NotificationStatus.SENT)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:portal_notification_changelist"),
            {"action": "resend", "_selected_action": [row.pk, sent_row.pk]},
            follow=True,
        )
    assert "1 notification queued again." in response.text
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert len(smtp_server.messages) == 1


def test_failed_rows_are_listed_with_error_in_admin(client):
    _row(status=NotificationStatus.FAILED, last_error="SMTPDataError: 554 rejected")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:portal_notification_changelist") + "?status__exact=failed")
    assert page.status_code == 200
    assert "a@example.kz" in page.text


def test_sweep_takes_rows_older_than_a_minute(smtp_server):
    old = _row(event_key="old", next_attempt_at=timezone.now() - timedelta(minutes=2))
    fresh = _row(event_key="fresh")
    assert tasks.notifications_sweep.apply().get() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status) == ("sent", "pending")


def test_batch_sends_over_one_connection(smtp_server):
    rows = [_row(event_key=f"b{i}", email=f"u{i}@example.kz") for i in range(5)]
    counts = tasks.send_notification_batch.apply(
        kwargs={"notification_ids": [r.pk for r in rows] + [rows[0].pk]}
    ).get()
    assert counts == {"sent": 5, "retry": 0, "failed": 0, "skipped": 1}
    assert sorted(m["To"] for m in smtp_server.messages) == [f"u{i}@example.kz" for i in range(5)]


def test_broker_down_event_succeeds_and_row_stays_pending(
    client, settings, broker_relay, team_application, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    owner = team_application.startup.memberships.get(role="owner").user
    client.force_login(owner)
    broker_relay.stop()  # the test broker's port refuses: a broker that is down
    started = time.monotonic()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("startups:application_submit", args=[team_application.pk])
            )
    finally:
        broker_relay.start()
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    team_application.refresh_from_db()
    assert team_application.status == "submitted"
    assert list(Notification.objects.values_list("status", flat=True)) == ["pending"] * 3
    assert elapsed < 15  # a sanity bound: without broker timeouts this hangs far longer


ALL_KINDS = list(NotificationKind)


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_every_kind_renders_in_every_language(kind, language):
    row = _row(
        kind=kind,
        language=language,
        context={
            "program": "Demo Call",
            "startup": "Qazaq Cold",
            "actor": "Aliya",
            "inviter": "Aliya",
            "recipient_name": "Dana",
            "count": 2,
            "startups": ["Qazaq Cold"],
            "submitted_at": "2026-03-01T13:00:00+00:00",
            "deadline_at": "2026-03-01T13:00:00+00:00",
            "expires_at": "2026-03-01T13:00:00+00:00",
            "timezone": "Asia/Almaty",
            "path": "/dashboard/",
        },
    )
    message = notification_render(row)
    assert message.subject and "\n" not in message.subject
    assert "{{" not in message.body and "{%" not in message.body
    assert "http://127.0.0.1:8000/dashboard/" in message.body
    if kind not in (NotificationKind.REVIEW_DUE, NotificationKind.REVIEW_OVERDUE):
        assert "Qazaq Cold" in message.body
    else:
        assert "Demo Call" in message.body
    html = message.alternatives[0].content
    assert "http://127.0.0.1:8000/dashboard/" in html
    if kind in (
        NotificationKind.CALL_CLOSING_1D,
        NotificationKind.CALL_CLOSING_7D,
        NotificationKind.REVIEW_DUE,
        NotificationKind.REVIEW_OVERDUE,
        NotificationKind.REVIEWER_ASSIGNED,
        NotificationKind.REVIEWS_ASSIGNED,
    ):
        # 13:00 UTC is 18:00 in Almaty; formatted for the reader's language.
        assert "18:00" in message.body or "6 p.m." in message.body
    if language != "en":
        assert not message.subject.isascii()  # translated, not the English fallback


def test_invitation_is_an_outbox_notification(django_capture_on_commit_callbacks):
    owner = UserFactory(full_name="Aliya Owner")
    startup = StartupFactory(owner=owner, name="Qazaq Cold")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            startup=startup, email="co@example.kz", actor=owner, language="kk"
        )
    row = Notification.objects.get(kind=NotificationKind.COFOUNDER_INVITATION)
    assert (row.email, row.language, row.status) == ("co@example.kz", "kk", "sent")
    assert invitation.get_absolute_url() in mail.outbox[0].body
    assert "Qazaq Cold" in mail.outbox[0].subject


def test_a_program_name_written_in_three_languages_reaches_each_reader_in_theirs():
    """The outbox keeps every language's name; the e-mail shows the reader's."""
    from startups.models import program_name_for_mail
    from tests.factories import ProgramFactory

    program = ProgramFactory(name_en="Startup Kazakhstan", name_ru="Стартап Казахстан", name_kk="")
    context = {"program": program_name_for_mail(program), "startup": "Steppe Robotics"}
    bodies = {}
    for language in ("en", "ru", "kk"):
        row = Notification.objects.create(
            kind=NotificationKind.AWARD_MADE,
            email=f"{language}@example.com",
            language=language,
            event_key=f"test:program-name:{language}",
            context={**context, "amount": "1 KZT", "path": "/"},
        )
        bodies[language] = notification_render(row).body
    assert "Startup Kazakhstan" in bodies["en"]
    assert "Стартап Казахстан" in bodies["ru"]
    # No Kazakh name: the program's main language (English here) stands in.
    assert "Startup Kazakhstan" in bodies["kk"]
