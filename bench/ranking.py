"""The ranking of a large program, through the ORM selector and as one raw SQL query.

    .venv/bin/python -m bench.ranking [--count 10000] [--reviewers 100] [--repeat 5]

Needs PostgreSQL (DATABASE_URL, default a database of its own, portal_bench).
Fills it with one program of --count submitted applications, 3 submitted
reviews each from --reviewers reviewers (rows written in bulk, not through
the services), then times, best of --repeat: `programs.ranking.ranking()`
raw and normalised (all rows fetched), and the same ranking computed by a
single SQL statement with window functions, and checks both agree.
"""

import argparse
import os
import random
import time
from decimal import Decimal

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
# Benchmarks run the development settings (no production secrets needed).
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

RAW_SQL = """
WITH r AS (
    SELECT a.application_id, a.reviewer_id, rv.total AS exact, rv.total::float AS total
    FROM programs_review rv
    JOIN programs_assignment a ON a.id = rv.assignment_id
    WHERE a.program_id = %(program)s AND a.status = 'active' AND rv.status = 'submitted'
), stats AS (
    SELECT r.*,
           avg(total) OVER (PARTITION BY reviewer_id) AS mu,
           stddev_pop(total) OVER (PARTITION BY reviewer_id) AS sigma,
           count(*) OVER (PARTITION BY reviewer_id) AS n,
           avg(total) OVER () AS mu_all,
           stddev_pop(total) OVER () AS sigma_all
    FROM r
), per_app AS (
    SELECT application_id,
           avg(exact) AS raw_score,
           count(*) AS reviews,
           stddev_pop(exact) AS spread,
           avg(CASE WHEN n >= %(min_n)s AND sigma > 0
                    THEN least(greatest(mu_all + (total - mu) / sigma * sigma_all, 0), 100)
                    ELSE total END) AS norm_score
    FROM stats GROUP BY application_id
)
SELECT ap.id, p.raw_score, p.norm_score, p.reviews, p.spread,
       row_number() OVER w AS rank,
       sum(ap.requested_amount) OVER w AS running
FROM startups_application ap
LEFT JOIN per_app p ON p.application_id = ap.id
WHERE ap.program_id = %(program)s AND ap.status <> 'draft' AND ap.status <> 'withdrawn'
WINDOW w AS (ORDER BY {score} DESC NULLS LAST, ap.requested_amount ASC NULLS LAST, ap.id)
ORDER BY rank
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.notifications_throughput import _ensure_database
    from programs.ranking import MIN_REVIEWS_TO_NORMALISE, ranking

    _ensure_database()
    call_command("migrate", verbosity=0)
    program = _fill(args.count, args.reviewers)

    def orm(normalised):
        return [(a.pk, a.rank) for a in ranking(program, normalised=normalised)]

    def raw(normalised):
        sql = RAW_SQL.format(score="p.norm_score" if normalised else "p.raw_score")
        with connection.cursor() as cursor:
            cursor.execute(sql, {"program": program.pk, "min_n": MIN_REVIEWS_TO_NORMALISE})
            return [(row[0], row[5]) for row in cursor.fetchall()]

    print(f"{args.count} applications, {args.count * 3} reviews, {args.reviewers} reviewers")
    print(f"{'query':<32} {'best of ' + str(args.repeat):>12}")
    for normalised in (False, True):
        label = "normalised" if normalised else "raw"
        orm_rows, orm_time = _best(lambda n=normalised: orm(n), args.repeat)
        raw_rows, raw_time = _best(lambda n=normalised: raw(n), args.repeat)
        same = orm_rows == raw_rows
        print(f"{'ranking() ' + label:<32} {orm_time * 1000:>9.0f} ms")
        print(f"{'raw SQL ' + label:<32} {raw_time * 1000:>9.0f} ms   same order: {same}")
    _clean()


def _clean() -> None:
    """Remove an earlier run's rows (applications protect their program and startup)."""
    from django.contrib.auth import get_user_model

    from startups.models import Application, Program, Startup

    Application.objects.filter(program__slug="bench-ranking").delete()
    Program.objects.filter(slug="bench-ranking").delete()
    Startup.objects.filter(name__startswith="Bench ").delete()
    get_user_model().objects.filter(email__endswith="@bench.kz").delete()


def _best(function, repeat):
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return result, best


def _fill(count: int, reviewer_count: int):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from programs.models import Assignment, Review
    from startups.models import Application, Criterion, Program, Startup

    rng = random.Random(1)  # noqa: S311 (benchmark data)
    User = get_user_model()
    now = timezone.now()
    _clean()
    with transaction.atomic():
        program = Program.objects.create(
            name="Bench ranking",
            slug="bench-ranking",
            total_budget=Decimal("100000000000"),
            max_amount_per_project=Decimal("20000000"),
            opens_at=now - timedelta(days=30),
            closes_at=now - timedelta(days=1),
            status="reviewing",
        )
        Criterion.objects.create(program=program, name="Overall")
        reviewers = User.objects.bulk_create(
            [
                User(email=f"bench-reviewer-{program.pk}-{i}@bench.kz", password="!")
                for i in range(reviewer_count)
            ]
        )
        startups = Startup.objects.bulk_create(
            [
                Startup(name=f"Bench {i}", sector="fintech", stage="mvp", description="-")
                for i in range(count)
            ],
            batch_size=2000,
        )
        applications = Application.objects.bulk_create(
            [
                Application(
                    startup=s,
                    program=program,
                    status="under_review",
                    requested_amount=Decimal(rng.randrange(10, 41) * 500_000),
                )
                for s in startups
            ],
            batch_size=2000,
        )
        assignments = Assignment.objects.bulk_create(
            [
                Assignment(
                    program=program,
                    application=a,
                    reviewer=reviewers[(i * 3 + j) % reviewer_count],
                )
                for i, a in enumerate(applications)
                for j in range(3)
            ],
            batch_size=5000,
        )
        bias = {r.pk: rng.uniform(-15, 15) for r in reviewers}
        Review.objects.bulk_create(
            [
                Review(
                    assignment=a,
                    status="submitted",
                    recommendation="maybe",
                    submitted_at=now,
                    total=Decimal(
                        f"{max(0.0, min(100.0, rng.uniform(20, 90) + bias[a.reviewer_id])):.3f}"
                    ),
                )
                for a in assignments
            ],
            batch_size=5000,
        )
    return program


if __name__ == "__main__":
    main()
