"""The programs app's background jobs and the assignment digest.

Automatic assignment, the second opinion, finalising and the funding exports
run as jobs (`programs.jobs`): eager, they are done before the page answers;
a second start while one runs is refused; only managers start them, see
their results and download an export's file.
"""

import pytest
from django.core import mail
from django.urls import reverse

from portal.exceptions import NotAllowed
from portal.jobs import JobRefused, job_start
from portal.models import Job, JobStatus, Notification, NotificationKind
from programs.jobs import ASSIGNMENT, EXPORT, FINALISE
from programs.models import Assignment
from programs.services import assignment as assigning
from startups.enums import ApplicationStatus
from tests.factories import ProgramFactory, manager, reviewer, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory(reviews_per_application=2, closed=True)


# --- The digest --------------------------------------------------------------


def test_assignment_run_sends_one_digest_per_reviewer_with_the_count(
    program, django_capture_on_commit_callbacks
):
    experts = [reviewer(), reviewer(preferred_language="ru"), reviewer()]
    apps = [submitted_application(program) for _ in range(6)]
    with django_capture_on_commit_callbacks(execute=True):
        created = assigning.assignments_auto(program=program, actor=manager(), seed=5)
    assert len(created) == 12
    rows = Notification.objects.filter(kind=NotificationKind.REVIEWS_ASSIGNED).order_by("email")
    assert rows.count() == 3
    assert Notification.objects.filter(kind=NotificationKind.REVIEWER_ASSIGNED).count() == 0
    by_email = {row.email: row for row in rows}
    for expert in experts:
        row = by_email[expert.email]
        mine = Assignment.objects.filter(reviewer=expert).select_related("application__startup")
        assert row.context["count"] == mine.count() == 4
        assert sorted(row.context["startups"]) == sorted(a.application.startup.name for a in mine)
        assert row.context["path"] == "/admin/"
        assert row.language == expert.preferred_language
        assert row.status == "sent"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.email for e in experts)
    english = next(m for m in mail.outbox if m.to == [experts[0].email])
    assert english.subject == f"4 new applications to review ({program.name})"
    assert "You have 4 new applications to review" in english.body
    assert {a.status for a in apps} == {ApplicationStatus.SUBMITTED}  # the caller's copies


def test_second_run_is_a_new_digest_and_hand_assignment_keeps_its_own_mail(
    program, django_capture_on_commit_callbacks
):
    [reviewer() for _ in range(2)]
    submitted_application(program)
    boss = manager()
    assigning.assignments_auto(program=program, actor=boss, seed=1)
    submitted_application(program)
    assigning.assignments_auto(program=program, actor=boss, seed=1)
    digests = Notification.objects.filter(kind=NotificationKind.REVIEWS_ASSIGNED)
    assert digests.count() == 4  # two runs × two reviewers
    assert digests.values("event_key").distinct().count() == 2
    extra = reviewer()
    assigning.assignment_create(
        application=submitted_application(program), reviewer=extra, actor=boss
    )
    assert (
        Notification.objects.filter(
            kind=NotificationKind.REVIEWER_ASSIGNED, email=extra.email
        ).count()
        == 1
    )


# --- Jobs --------------------------------------------------------------------


def test_assignment_job_completes_eagerly_from_the_admin_action(
    client, program, django_capture_on_commit_callbacks
):
    [reviewer() for _ in range(2)]
    app = submitted_application(program)
    boss = manager()
    client.force_login(boss)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            reverse("admin:startups_program_changelist"),
            {"action": "assign_automatically", "_selected_action": [program.pk]},
        )
    job = Job.objects.get(kind=ASSIGNMENT)
    assert started["Location"] == reverse("admin:job_progress", args=[job.pk])
    assert (job.status, job.progress, job.target, job.started_by) == (
        JobStatus.DONE,
        100,
        str(program.pk),
        boss,
    )
    assert job.result["assignments"] == 2
    page = client.get(started["Location"], follow=True)
    assert page.redirect_chain == [
        (reverse("admin:startups_program_job_result", args=[program.pk, job.pk]), 302)
    ]
    assert f"{program.name}: 2 assignments made; 2 reviewers get one e-mail each." in page.text
    assert app.assignments.count() == 2


def test_second_start_of_a_running_job_is_refused_with_a_message(client, program):
    boss = manager()
    Job.objects.create(kind=FINALISE, target=str(program.pk), status=JobStatus.RUNNING)
    with pytest.raises(JobRefused):
        job_start(kind=FINALISE, target=program.pk, actor=boss, params={})
    client.force_login(boss)
    response = client.post(
        reverse("admin:startups_program_finalise", args=[program.pk]),
        {"undecided": "rejected"},
        follow=True,
    )
    assert "This is already running; wait for it to finish and see its result." in response.text
    assert Job.objects.filter(kind=FINALISE).count() == 1


@pytest.mark.parametrize("kind", [ASSIGNMENT, FINALISE, EXPORT])
def test_only_managers_start_the_jobs(program, kind):
    with pytest.raises(NotAllowed):
        job_start(kind=kind, target=program.pk, actor=reviewer(), params={})
    assert Job.objects.count() == 0


def test_non_manager_cannot_start_assignment_from_the_admin(client, program):
    client.force_login(reviewer())
    response = client.post(
        reverse("admin:startups_program_finalise", args=[program.pk]), {"undecided": "rejected"}
    )
    assert response.status_code == 404
    assert Job.objects.count() == 0


# --- Exports -----------------------------------------------------------------


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def test_ledger_export_job_writes_a_private_file_for_managers_only(
    client, private_storage, django_capture_on_commit_callbacks
):
    boss = manager()
    client.force_login(boss)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            reverse("admin:programs_award_export_start"), {"what": "ledger", "format": "csv"}
        )
    job = Job.objects.get(kind=EXPORT)
    assert job.status == JobStatus.DONE
    assert job.target == "ledger:csv:all::"
    page = client.get(started["Location"], follow=True)
    assert page.redirect_chain == [
        (reverse("admin:programs_award_export_result", args=[job.pk]), 302)
    ]
    download = reverse("admin:programs_award_export_download", args=[job.pk])
    assert download in page.text
    response = client.get(download)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response["Content-Disposition"].startswith("attachment;")
    # The same file as the direct export of the same scope.
    direct = client.get(reverse("admin:programs_award_ledger_export") + "?format=csv")
    assert b"".join(response.streaming_content) == b"".join(direct.streaming_content)
    assert (private_storage / job.result["file"]).exists()
    client.force_login(reviewer())
    assert client.get(download).status_code == 404
    assert (
        client.get(reverse("admin:programs_award_export_result", args=[job.pk])).status_code == 404
    )


def test_export_start_refuses_an_unknown_format(client):
    client.force_login(manager())
    response = client.post(
        reverse("admin:programs_award_export_start"), {"what": "ledger", "format": "pdf"}
    )
    assert response["Location"] == reverse("admin:programs_award_report")
    assert Job.objects.count() == 0
