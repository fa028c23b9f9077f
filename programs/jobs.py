"""The programs app's background jobs (see `portal.jobs`).

The suggested selection, automatic assignment, the second opinion,
finalising the decisions and the large exports (funding report, ledger).
Each returns a JSON result with a translated `summary` (the job runs in the
starter's language); the program jobs' result page is
`programs.admin.jobs.program_job_result_view`, the exports'
`programs.admin.jobs.export_result_view` with the download.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.jobs import Progress, job_kind
from portal.models import Job
from programs.exports import (
    FORMATS,
    csv_lines,
    export_filename,
    ledger_table,
    report_tables,
    xlsx_bytes,
)
from programs.optimiser import Minimum, Objective
from programs.reports import ReportScope, funding_report, ledger_entries
from programs.rules import MANAGE_PROGRAMS
from programs.services.assignment import assignments_auto
from programs.services.second_opinion import second_opinion_assign
from programs.services.selection import decisions_finalise
from programs.services.suggestion import selection_suggest
from startups.models import Program

SUGGESTION = "programs.suggestion"
ASSIGNMENT = "programs.assignment"
SECOND_OPINION = "programs.second_opinion"
FINALISE = "programs.finalise"
EXPORT = "programs.export"


def _suggestion_url(job: Job) -> str:
    return reverse("admin:startups_program_suggest_result", args=[int(job.target), job.pk])


@job_kind(SUGGESTION, perm=MANAGE_PROGRAMS, result_url=_suggestion_url)
def suggestion_job(*, job: Job, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """params: {"objective": an Objective value, "minimums": [[field, value, count], ...]}."""
    program = Program.objects.filter(pk=int(job.target)).first()
    if program is None:
        return {"problems": [_("The program no longer exists.")]}
    progress(5, _("Reading the ranking"))
    result = selection_suggest(
        program=program,
        minimums=[Minimum(field, value, int(count)) for field, value, count in params["minimums"]],
        objective=Objective(params.get("objective") or Objective.RANK_ORDER),
        progress=progress,
    )
    return result.as_json()


# --- Outside the work's transaction -----------------------------------------


def _progress_outside(job: Job, progress: Progress) -> Progress:
    """`progress` that the page sees at once, even from inside one long transaction.

    A service that does its work in one transaction (automatic assignment,
    finalising) reports its steps from inside it; written on the job's own
    connection those updates would wait for the commit. On PostgreSQL they
    go through a connection of their own (autocommit); SQLite has one writer
    at a time, so there they are left out until the transaction ends (in the
    embedded default the job is done before the page answers anyway).
    """

    def report(percent: float, message: str = "") -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        if not connection.in_atomic_block:
            progress(percent, message)
            return
        if connection.vendor != "postgresql":
            return
        side = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Job._meta.db_table} SET progress = %s, message = %s WHERE id = %s",  # noqa: S608
                    [max(0, min(100, int(percent))), str(message)[:200], job.pk],
                )
        finally:
            side.close()

    return report


def _program(job: Job) -> Program | None:
    return Program.objects.filter(pk=int(job.target)).first()


def _program_result_url(job: Job) -> str:
    return reverse("admin:startups_program_job_result", args=[int(job.target), job.pk])


# --- Assignment, second opinion, finalising ---------------------------------


@job_kind(ASSIGNMENT, perm=MANAGE_PROGRAMS, result_url=_program_result_url)
def assignment_job(*, job: Job, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Automatic assignment of the program's gaps (params: none)."""
    program = _program(job)
    if program is None:
        return {"summary": _("The program no longer exists.")}
    progress(5, _("Reading the applications and the reviewers"))
    created = assignments_auto(
        program=program, actor=job.started_by, progress=_progress_outside(job, progress)
    )
    reviewers = len({a.reviewer_id for a in created})
    return {
        "summary": _(
            "%(program)s: %(n)d assignments made; %(reviewers)d reviewers get one e-mail each."
        )
        % {"program": program.name, "n": len(created), "reviewers": reviewers},
        "assignments": len(created),
        "applications": len({a.application_id for a in created}),
        "reviewers": reviewers,
    }


@job_kind(SECOND_OPINION, perm=MANAGE_PROGRAMS, result_url=_program_result_url)
def second_opinion_job(*, job: Job, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """params: {"reviewers": N more each, "band": z or None, "seed": the previewed plan's seed}."""
    program = _program(job)
    if program is None:
        return {"summary": _("The program no longer exists.")}
    progress(10, _("Planning the second opinion"))
    created = second_opinion_assign(
        program=program,
        reviewers=int(params["reviewers"]),
        band=params.get("band"),
        seed=int(params["seed"]),
        actor=job.started_by,
    )
    return {
        "summary": _("Second opinion: %(n)d reviews assigned.") % {"n": len(created)},
        "assignments": len(created),
    }


@job_kind(FINALISE, perm=MANAGE_PROGRAMS, result_url=_program_result_url)
def finalise_job(*, job: Job, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """params: {"undecided": "rejected" or "waitlisted"}."""
    program = _program(job)
    if program is None:
        return {"summary": _("The program no longer exists.")}
    progress(10, _("Finalising the decisions"))
    summary = decisions_finalise(
        program=program, actor=job.started_by, undecided=params.get("undecided", "rejected")
    )
    return {
        "summary": _(
            "Decisions finalised: %(selected)d selected, %(waitlisted)d waitlisted, "
            "%(rejected)d not selected; %(emails)d e-mails queued."
        )
        % summary,
        **summary,
    }


# --- Large exports -----------------------------------------------------------


def _export_result_url(job: Job) -> str:
    return reverse("admin:programs_award_export_result", args=[job.pk])


def export_target(*, what: str, fmt: str, scope: ReportScope) -> str:
    """One export of the same report, format and scope at a time."""
    program = scope.program.pk if scope.program else "all"
    return f"{what}:{fmt}:{program}:{scope.date_from or ''}:{scope.date_to or ''}"


@job_kind(EXPORT, perm=MANAGE_PROGRAMS, result_url=_export_result_url)
def export_job(*, job: Job, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """params: {"what": "report" or "ledger", "format": "csv" or "xlsx", "program",
    "date_from", "date_to"}. The file goes to private storage (never served by
    URL); `programs.admin.exports.export_download_view` hands it to managers."""
    what, fmt = params["what"], params["format"]
    if what not in ("report", "ledger") or fmt not in FORMATS:
        raise ValueError(f"Unknown export {what!r} as {fmt!r}")
    program = Program.objects.filter(pk=params["program"]).first() if params["program"] else None
    scope = ReportScope(
        program=program,
        date_from=date.fromisoformat(params["date_from"]) if params.get("date_from") else None,
        date_to=date.fromisoformat(params["date_to"]) if params.get("date_to") else None,
    )
    progress(10, _("Reading the figures"))
    if what == "report":
        tables = report_tables(funding_report(scope))
        filename = export_filename("funding-report", scope, fmt)
    else:
        tables = [ledger_table(ledger_entries(scope).iterator(chunk_size=2000))]
        filename = export_filename("funding-ledger", scope, fmt)
    progress(50, _("Writing the file"))
    if fmt == "xlsx":
        content = xlsx_bytes(tables)
    else:
        content = "".join(csv_lines(tables, titled=what == "report")).encode("utf-8")
    stored = default_storage.save(f"exports/job-{job.pk}/{filename}", ContentFile(content))
    return {
        "summary": _("The file is ready: %(name)s.") % {"name": filename},
        "file": stored,
        "filename": filename,
        "content_type": FORMATS[fmt],
        "size": len(content),
    }
