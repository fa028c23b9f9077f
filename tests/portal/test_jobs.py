"""Background jobs (portal.jobs): one at a time per kind and target, progress, result, failure."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal.exceptions import DomainError
from portal.jobs import JobRefused, job_kind, job_start
from portal.models import Job, JobStatus
from programs.rules import MANAGE_PROGRAMS
from tests.factories import manager, reviewer

pytestmark = pytest.mark.django_db
seen_progress: list[tuple[int, str]] = []


@job_kind("tests.echo", perm=MANAGE_PROGRAMS)
def echo(*, job, params, progress):
    progress(50, "half way")
    seen_progress.append(tuple(Job.objects.values_list("progress", "message").get(pk=job.pk)))
    if params.get("fail"):
        raise DomainError("The input was refused.")
    return {"echo": params["value"], "target": job.target}


def test_job_runs_on_commit_and_records_progress_and_result(django_capture_on_commit_callbacks):
    boss = manager()
    seen_progress.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.echo", target=7, actor=boss, params={"value": 3})
    job.refresh_from_db()
    assert (job.status, job.progress, job.result, job.error) == (
        JobStatus.DONE,
        100,
        {"echo": 3, "target": "7"},
        "",
    )
    assert seen_progress == [(50, "half way")]
    assert job.started_by == boss
    assert job.started_at is not None and job.finished_at is not None


def test_job_failure_is_recorded(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.echo", target=1, actor=manager(), params={"fail": True})
    job.refresh_from_db()
    assert (job.status, job.error, job.result) == (JobStatus.FAILED, "The input was refused.", None)


def test_second_start_while_one_runs_is_refused():
    boss = manager()
    job_start(kind="tests.echo", target=1, actor=boss, params={"value": 1})  # stays queued
    with pytest.raises(JobRefused):
        job_start(kind="tests.echo", target=1, actor=boss, params={"value": 2})
    job_start(kind="tests.echo", target=2, actor=boss, params={"value": 1})  # another target
    assert Job.objects.filter(kind="tests.echo").count() == 2


def test_database_allows_one_active_job_per_kind_and_target():
    Job.objects.create(kind="k", target="1", status=JobStatus.DONE)
    Job.objects.create(kind="k", target="1", status=JobStatus.FAILED)
    Job.objects.create(kind="k", target="1", status=JobStatus.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind="k", target="1", status=JobStatus.QUEUED)


def test_only_who_may_start_the_kind_starts_it():
    with pytest.raises(DomainError):
        job_start(kind="tests.echo", target=1, actor=reviewer(), params={})
    assert not Job.objects.exists()


def test_progress_page_and_status_json(client):
    boss = manager()
    job = Job.objects.create(
        kind="tests.echo", target="1", started_by=boss, progress=40, message="reading"
    )
    client.force_login(boss)
    page = client.get(reverse("admin:job_progress", args=[job.pk]))
    assert page.status_code == 200
    assert f'data-status-url="/admin/jobs/{job.pk}/status/"' in page.text
    assert "js/job-progress.js" in page.text
    assert "<script>" not in page.text  # the CSP allows no inline script
    state = client.get(reverse("admin:job_status", args=[job.pk])).json()
    assert state == {
        "status": "queued",
        "status_label": "queued",
        "progress": 40,
        "message": "reading",
        "error": "",
        "result_url": "",
    }
    client.force_login(reviewer())
    assert client.get(reverse("admin:job_status", args=[job.pk])).status_code == 404
