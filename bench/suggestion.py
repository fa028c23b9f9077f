"""The suggestion at 10,000 applications, cap 50: the background job's time, and the page's.

    .venv/bin/python -m bench.suggestion [--count 10000] [--reviewers 100]

A database of its own (DATABASE_URL, default portal_bench). Fills one program
in bulk as `bench.ranking` does (--count applications, 3 submitted reviews
each), rebuilds the kept scores (`scores_rebuild`), sets cap 50 and a budget
that binds, then for each objective starts the suggestion job the way the
page does (`portal.jobs.job_start`; Celery eager, so it runs on commit) and
prints the job's own time (started to finished, as the worker records it),
with the comparison against the other objective included.
"""

import argparse
import os
import time
from decimal import Decimal

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=100)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench.notifications_throughput import _ensure_database
    from bench.ranking import _fill
    from portal.jobs import job_start
    from portal.models import Job
    from programs.jobs import SUGGESTION
    from programs.optimiser import Objective
    from programs.roles import PROGRAM_MANAGERS, roles_sync

    settings.CELERY_TASK_ALWAYS_EAGER = True
    _ensure_database()
    call_command("migrate", verbosity=0)
    program = _fill(args.count, args.reviewers)
    call_command("scores_rebuild", verbosity=0)
    program.selection_cap = 50
    program.total_budget = Decimal(50 * 8_000_000)  # the average request is 12.5 million
    program.save(update_fields=["selection_cap", "total_budget"])
    roles_sync()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    boss = get_user_model().objects.create(
        email=f"bench-manager-{program.pk}@bench.kz", is_staff=True
    )
    boss.groups.add(Group.objects.get(name=PROGRAM_MANAGERS))
    print(f"{args.count} applications, {args.count * 3} reviews, cap 50, budget binding")
    for objective in (Objective.RANK_ORDER, Objective.MAX_SCORE):
        started = time.perf_counter()
        job = job_start(
            kind=SUGGESTION,
            target=program.pk,
            actor=boss,
            params={"objective": objective, "minimums": []},
        )
        wall = time.perf_counter() - started
        job = Job.objects.get(pk=job.pk)
        took = (job.finished_at - job.started_at).total_seconds()
        result = job.result
        comparison = result.get("comparison") or {}
        print(
            f"job {objective.label.lower():<26} {job.status}: {took:.2f} s in the task "
            f"({wall:.2f} s wall, suggestion alone {result.get('seconds', 0):.2f} s incl. "
            f"comparison), {len(result.get('selected', []))} selected, optimal "
            f"{result.get('optimal')}; other objective differs by "
            f"{comparison.get('only_there')} projects (proven {comparison.get('optimal')})"
        )


if __name__ == "__main__":
    main()
