"""Fairness of the ranking: simulated reviews of known hidden quality, through the services.

    .venv/bin/python -m bench.fairness [--count 600] [--reviewers 40] [--seed 1]
                                       [--second 2] [--band 1.0]

A database of its own (DATABASE_URL, default portal_bench_fairness). One
program of --count submitted applications, each with a hidden quality
q ~ N(60, 12) and a requested amount of 10-40 million; --reviewers reviewers,
each with a harshness (an offset, N(0, 10)), a scale (0.6-1.4) and a noise
(standard deviation 6-14). A reviewer scores an application
50 + offset + scale * (q - 60) + noise, clipped to 0-100, on one 0-100 criterion.

Everything goes through the portal's services: `assignments_auto` (3 reviewers
each, balanced, conflict-free, seeded), `review_save` for every review (which
keeps the scores), `ranking()` for the board's order, the second opinion
(`second_opinion_plan` / `second_opinion_assign`) for --second more reviewers
on the applications too close to call within --band standard errors, and
`selection_suggest` for the suggestion under a binding budget with both
objectives. Printed: precision@50 (the share of the true top 50 in the top 50
of the ranking) for raw means, normalised means, and normalised after the
second round, the extra reviews it used, and the suggestion's precision.
"""

import argparse
import os
import random
import time
from decimal import Decimal

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_fairness")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

TOP = 50
SLUG = "bench-fairness"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--reviewers", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--second", type=int, default=2, help="more reviewers each near the cut")
    parser.add_argument("--band", type=float, default=1.0, help="standard errors around the cut")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench.notifications_throughput import _ensure_database

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _ensure_database()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    figures = run(args.count, args.reviewers, args.seed, args.second, args.band)
    for line in figures:
        print(line)
    print(f"(run took {time.perf_counter() - started:.0f} s)")


def run(count: int, reviewer_count: int, seed: int, second: int, band: float) -> list[str]:
    from programs.optimiser import Objective
    from programs.ranking import ranking
    from programs.services.assignment import assignments_auto
    from programs.services.second_opinion import second_opinion_assign, second_opinion_plan
    from programs.services.suggestion import selection_suggest

    rng = random.Random(seed)  # noqa: S311 (simulation)
    program, criterion, boss, reviewers, applications = _fill(count, reviewer_count, rng)
    quality = {a.pk: rng.gauss(60, 12) for a in applications}
    bias = {r.pk: (rng.gauss(0, 10), rng.uniform(0.6, 1.4), rng.uniform(6, 14)) for r in reviewers}
    true_top = set(sorted(quality, key=lambda pk: -quality[pk])[:TOP])

    def review_all(assignments) -> None:
        from programs.services.reviewing import review_save

        for assignment in assignments:
            offset, scale, noise = bias[assignment.reviewer_id]
            mark = 50 + offset + scale * (quality[assignment.application_id] - 60)
            mark += rng.gauss(0, noise)
            review_save(
                assignment=assignment,
                reviewer=assignment.reviewer,
                scores={criterion.pk: (int(round(min(100, max(0, mark)))), "")},
                recommendation="maybe",
                note="",
                submit=True,
            )

    def precision(normalised: bool) -> float:
        top = list(ranking(program, normalised=normalised).values_list("pk", flat=True)[:TOP])
        return len(true_top & set(top)) / TOP

    first = assignments_auto(program=program, actor=boss, seed=seed)
    review_all(first)
    raw, normalised = precision(False), precision(True)

    plan = second_opinion_plan(program=program, reviewers=second, band=band, seed=seed)
    extra = second_opinion_assign(
        program=program, reviewers=second, band=band, seed=seed, actor=boss
    )
    review_all(extra)
    after = precision(True)

    lines = [
        f"{count} applications, {reviewer_count} reviewers, 3 reviews each, seed {seed}",
        f"precision@{TOP} raw means:                {raw:.2f}",
        f"precision@{TOP} normalised:               {normalised:.2f}",
        f"precision@{TOP} normalised + 2nd round:   {after:.2f}"
        f"   ({len(plan.applications)} applications within {band} SE of the cut, "
        f"+{second} reviewers each: {len(extra)} more reviews = "
        f"{100 * len(extra) / len(first):.1f}% of {len(first)})",
    ]
    # The suggestion under a budget that binds: 50 places, money for about 35 average requests.
    program.selection_cap = TOP
    program.total_budget = Decimal(35 * 25_000_000)
    program.save(update_fields=["selection_cap", "total_budget"])
    for objective in (Objective.RANK_ORDER, Objective.MAX_SCORE):
        started = time.perf_counter()
        result = selection_suggest(program=program, minimums=[], objective=objective, compare=False)
        seconds = time.perf_counter() - started
        chosen = set(result.suggestion.selected) if result.suggestion else set()
        lines.append(
            f"suggestion, budget binding, {objective.label.lower():<26} "
            f"{len(chosen)} projects, {len(chosen & true_top)} of the true top {TOP} "
            f"({len(chosen & true_top) / TOP:.2f}), {seconds:.2f} s"
        )
    return lines


def _fill(count: int, reviewer_count: int, rng: random.Random):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from programs.roles import PROGRAM_MANAGERS, REVIEWERS, roles_sync
    from startups.models import Application, Criterion, Program, Startup

    User = get_user_model()
    now = timezone.now()
    _clean()
    roles_sync()
    with transaction.atomic():
        program = Program.objects.create(
            name="Bench fairness",
            slug=SLUG,
            total_budget=Decimal("100000000000"),
            max_amount_per_project=Decimal("40000000"),
            opens_at=now - timedelta(days=30),
            closes_at=now - timedelta(days=1),
            reviews_per_application=3,
            status="reviewing",
        )
        criterion = Criterion.objects.create(
            program=program, name="Overall", scale_min=0, scale_max=100
        )
        boss = User.objects.create(email="bench-manager@fairness.bench.kz", is_staff=True)
        boss.groups.add(Group.objects.get(name=PROGRAM_MANAGERS))
        reviewers = User.objects.bulk_create(
            [
                User(email=f"bench-reviewer-{i}@fairness.bench.kz", is_staff=True, password="!")
                for i in range(reviewer_count)
            ]
        )
        Group.objects.get(name=REVIEWERS).user_set.add(*reviewers)
        startups = Startup.objects.bulk_create(
            [
                Startup(name=f"Fairness sim {i}", sector="fintech", stage="mvp", description="-")
                for i in range(count)
            ]
        )
        applications = Application.objects.bulk_create(
            [
                Application(
                    startup=s,
                    program=program,
                    status="submitted",
                    submitted_at=now - timedelta(days=2),
                    requested_amount=Decimal(rng.randrange(20, 81) * 500_000),
                )
                for s in startups
            ]
        )
    return program, criterion, boss, reviewers, applications


def _clean() -> None:
    from django.contrib.auth import get_user_model

    from portal.models import Notification
    from programs.models import Assignment
    from startups.models import Application, Program, Startup

    Notification.objects.filter(email__endswith="@fairness.bench.kz").delete()
    Assignment.objects.filter(program__slug=SLUG).delete()
    Application.objects.filter(program__slug=SLUG).delete()
    Program.objects.filter(slug=SLUG).delete()
    Startup.objects.filter(name__startswith="Fairness sim ").delete()
    get_user_model().objects.filter(email__endswith="@fairness.bench.kz").delete()


if __name__ == "__main__":
    main()
