"""The programs app's background jobs (see `portal.jobs`): the suggested selection."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.jobs import Progress, job_kind
from portal.models import Job
from programs.optimiser import Minimum, Objective
from programs.rules import MANAGE_PROGRAMS
from programs.services.suggestion import selection_suggest
from startups.models import Program

SUGGESTION = "programs.suggestion"


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
