"""Background jobs: heavy admin work in a Celery worker, with a page that shows progress.

An app declares a kind in its own ``jobs.py`` (found like ``admin.py``, so
the portal imports no app)::

    @job_kind("programs.suggestion", perm=MANAGE_PROGRAMS, result_url=...)
    def suggestion(*, job, params, progress):
        progress(10, "Ranking")
        ...
        return {...}  # JSON, stored as the job's result

`job_start` (a request) creates the row and queues `portal.tasks.run_job`
on commit; a second start of the same kind and target while one is queued or
running is refused (the partial unique constraint on `Job` is the guarantee).
`job_run` (the worker) claims the row, runs the function in the starter's
language with a `progress(percent, message)` callback, and records the result
or the error. With Celery eager (no Redis) the job is done before the page
that started it answers.

Progress is written with single-row UPDATEs outside any transaction, so the
page sees it at once; a job function that wraps its work in one transaction
should keep it (and the progress calls) outside that transaction's lock
order or accept that the page sees the progress only as it is written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from portal.exceptions import DomainError, permission_require
from portal.models import JOB_ACTIVE, Job, JobStatus

logger = logging.getLogger(__name__)


class Progress(Protocol):
    def __call__(self, percent: float, message: str | Promise = "") -> None: ...


@dataclass(frozen=True)
class JobKind:
    """A kind of job: the function that runs it, who may start and watch it, where its result is."""

    name: str
    run: Callable[..., Any]
    perm: str
    result_url: Callable[[Job], str] | None = None


_KINDS: dict[str, JobKind] = {}


class JobRefused(DomainError):
    pass


def job_kind(
    name: str, *, perm: str, result_url: Callable[[Job], str] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the job kind `name`."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        _KINDS[name] = JobKind(name=name, run=function, perm=perm, result_url=result_url)
        return function

    return register


def job_kind_get(name: str) -> JobKind:
    if name not in _KINDS:
        autodiscover_modules("jobs")
    return _KINDS[name]


def _stale_before() -> Any:
    """A job still active after the task's hard time limit was lost (a worker died)."""
    limit = getattr(settings, "CELERY_TASK_TIME_LIMIT", None) or 180
    return timezone.now() - timedelta(seconds=limit + 60)


def job_start(*, kind: str, target: str | int, actor: Any, params: dict[str, Any]) -> Job:
    """Queue a job; refuse while one of the same kind and target is queued or running."""
    spec = job_kind_get(kind)
    permission_require(user=actor, perm=spec.perm, message=_("You may not start this job."))
    target = str(target)
    try:
        with transaction.atomic():
            # A job whose worker died would block its kind forever: fail it first.
            Job.objects.filter(
                kind=kind, target=target, status__in=JOB_ACTIVE, created_at__lt=_stale_before()
            ).update(
                status=JobStatus.FAILED,
                error=str(_("The job stopped without finishing.")),
                finished_at=timezone.now(),
            )
            job = Job.objects.create(
                kind=kind,
                target=target,
                params=params,
                started_by=actor if getattr(actor, "pk", None) else None,
                language=translation.get_language() or "",
            )
            transaction.on_commit(lambda: _enqueue(job.pk))
    except IntegrityError as error:
        raise JobRefused(
            _("This is already running; wait for it to finish and see its result.")
        ) from error
    return job


@shared_task(name="portal.run_job", acks_late=False)
def run_job(*, job_id: int) -> None:
    """The Celery task (registered by `PortalConfig.ready`); a rerun finds the job claimed."""
    job_run(job_id=job_id)


def _enqueue(job_id: int) -> None:
    try:
        run_job.delay(job_id=job_id)
    except Exception:  # the broker is down: say so on the page instead of a 500
        logger.exception("job %s could not be queued", job_id)
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED,
            error=str(_("The job could not be queued; try again in a minute.")),
            finished_at=timezone.now(),
        )


def job_run(*, job_id: int) -> None:
    """The worker's side: claim a queued job, run it, record the result or the error."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=0
    )
    if not claimed:  # gone, or a redelivered message for a job already run
        return
    job = Job.objects.select_related("started_by").get(pk=job_id)

    def progress(percent: float, message: str = "") -> None:
        Job.objects.filter(pk=job_id).update(
            progress=max(0, min(100, int(percent))), message=str(message)[:200]
        )

    try:
        with translation.override(job.language or None):
            result = job_kind_get(job.kind).run(job=job, params=job.params, progress=progress)
    except DomainError as error:
        _finish(job_id, JobStatus.FAILED, error=" ".join(error.messages))
    except Exception:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        _finish(job_id, JobStatus.FAILED, error=str(_("The job failed; the error is logged.")))
    else:
        _finish(job_id, JobStatus.DONE, result=result)


def _finish(job_id: int, status: str, *, result: Any = None, error: str = "") -> None:
    values: dict[str, Any] = {"progress": 100} if status == JobStatus.DONE else {}
    Job.objects.filter(pk=job_id).update(
        status=status, result=result, error=error, finished_at=timezone.now(), **values
    )


# --- reads -----------------------------------------------------------------


def job_active(*, kind: str, target: str | int) -> Job | None:
    """The queued or running job of this kind and target, if any."""
    return Job.objects.filter(kind=kind, target=str(target), status__in=JOB_ACTIVE).first()


def job_latest_done(*, kind: str, target: str | int) -> Job | None:
    return Job.objects.filter(kind=kind, target=str(target), status=JobStatus.DONE).first()


def job_may_view(*, job: Job, user: Any) -> bool:
    """The starter, or anyone who may start jobs of this kind."""
    if job.started_by_id is not None and job.started_by_id == getattr(user, "pk", None):
        return True
    return bool(user.has_perm(job_kind_get(job.kind).perm))


def job_result_url(job: Job) -> str:
    """Where the finished job's result is shown; empty when its own page shows it."""
    spec = job_kind_get(job.kind)
    return spec.result_url(job) if spec.result_url and job.status == JobStatus.DONE else ""
