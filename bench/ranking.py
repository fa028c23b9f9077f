"""The full ranking of a large program, through the portal's code and as raw SQL.

    .venv/bin/python -m bench.ranking [--count 10000] [--reviewers 100] [--repeat 7] [--write]

A database of its own (DATABASE_URL, default portal_bench_ranking), so that
no other benchmark's rows stand in the way of the clean-up. Fills it with one
program of --count submitted applications, 3 submitted reviews each from
--reviewers reviewers (rows written in bulk, not through the services), keeps
the scores (`scores_rebuild`), then times, best of --repeat, raw and
normalised:

- `programs.ranking.ranking_rows()` fetched completely: `ranking()` as plain
  rows with every figure of the ranking, the way its readers of the whole
  ranking take it (the goal's line), and `ranking()` fetched completely as
  model instances (an application and its startup per row), for comparison;
- the raw SQL that computes the same ranking from the reviews (one statement
  with window functions: the issue's yardstick, goal: ranking() ≤ 1.5× it);
- the raw SQL that reads the same ranking from the kept scores (the floor the
  ORM adds its own cost to);

checks that all three give the same order, prints a table and removes its rows
(children first). `--write` puts the table in bench/RESULTS.md, section
"Ranking and the board".
"""

import argparse
import os
import random
import time
from decimal import Decimal

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_ranking")
# Benchmarks run the development settings (no production secrets needed).
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

RAW_SQL = """
WITH r AS (
    SELECT a.application_id, a.reviewer_id, rv.total::float8 AS total
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
           avg(total) AS raw_score,
           count(*) AS reviews,
           stddev_pop(total) AS spread,
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


KEPT_SQL = """
SELECT ap.id, ap.status, ap.requested_amount, st.name, st.sector, st.region, st.country,
       s.raw_score, s.norm_score, s.reviews, s.spread,
       row_number() OVER w AS rank, sum(s.requested_amount) OVER w AS running
FROM programs_applicationscore s
JOIN startups_application ap ON ap.id = s.application_id
JOIN startups_startup st ON st.id = ap.startup_id
WHERE s.program_id = %(program)s AND s.ranked
WINDOW w AS (ORDER BY {score} DESC NULLS LAST, s.requested_amount ASC NULLS LAST, s.application_id)
ORDER BY {score} DESC NULLS LAST, s.requested_amount ASC NULLS LAST, s.application_id
"""

SLUG = "bench-ranking"
DOMAIN = "ranking.bench.kz"
STARTUPS = "Bench ranking "
GOAL = 1.5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.board import ensure_database, machine, write_results
    from programs.ranking import MIN_REVIEWS_TO_NORMALISE, ranking, ranking_rows

    ensure_database()
    call_command("migrate", verbosity=0)
    program = _fill(args.count, args.reviewers)
    try:
        about = machine()

        def rows(normalised):
            return [(r["pk"], r["score"]) for r in ranking_rows(program, normalised=normalised)]

        def models(normalised):
            return [(a.pk, a.score) for a in list(ranking(program, normalised=normalised))]

        def raw(sql, normalised):
            column = "norm_score" if normalised else "raw_score"
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.format(score=f"p.{column}" if sql is RAW_SQL else f"s.{column}"),
                    {"program": program.pk, "min_n": MIN_REVIEWS_TO_NORMALISE},
                )
                score = (2 if normalised else 1) if sql is RAW_SQL else (8 if normalised else 7)
                return [(row[0], row[score]) for row in cursor.fetchall()]

        lines = [
            f"| ranking of {args.count:,} | best of {args.repeat} | × raw SQL from the reviews "
            "| × raw SQL from the kept scores | goal ≤ 1.5× | same order |",
            "|---|---:|---:|---:|---|---|",
        ]
        for normalised in (False, True):
            label = "normalised" if normalised else "raw"
            raw_rows, raw_time = _best(lambda n=normalised: raw(RAW_SQL, n), args.repeat)
            kept_rows, kept_time = _best(lambda n=normalised: raw(KEPT_SQL, n), args.repeat)
            for name, function in (
                ("`ranking_rows()`", rows),
                ("`ranking()` as model instances", models),
            ):
                got, took = _best(lambda n=normalised, f=function: f(n), args.repeat)
                verdict = "met" if took <= GOAL * raw_time else "**NOT MET**"
                lines.append(
                    f"| {name} {label}, fetched completely | {took * 1000:.0f} ms | "
                    f"{took / raw_time:.2f} | {took / kept_time:.2f} | {verdict} | "
                    f"{_same(got, raw_rows)} |"
                )
            lines += [
                f"| raw SQL from the reviews, {label} | {raw_time * 1000:.0f} ms | 1.00 | | | |",
                f"| raw SQL from the kept scores, {label} | {kept_time * 1000:.0f} ms | "
                f"{kept_time / raw_time:.2f} | 1.00 | | {_same(kept_rows, raw_rows)} |",
            ]
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    finally:
        _clean()
    header = (
        f"Full ranking at {args.count:,} applications × 3 submitted reviews "
        f"({args.reviewers} reviewers), in process: {about}; load average after: {load}."
    )
    table = "\n".join(lines)
    print(header)
    print(table)
    if args.write:
        import sys

        command = ("python -m bench.ranking " + " ".join(sys.argv[1:])).strip()
        write_results("ranking", f"{header}\n\n`{command}`\n\n{table}")


def _clean() -> None:
    """Remove this bench's rows, children first: reviews go with their assignments,
    which protect their reviewer; applications protect their startup and program.
    Only this bench's own program, startups and users are touched."""
    from django.contrib.auth import get_user_model

    from programs.models import Assignment
    from startups.models import Application, Criterion, Program, Startup

    programs = Program.objects.filter(slug=SLUG)
    Assignment.objects.filter(program__in=programs).delete()
    Application.objects.filter(program__in=programs).delete()
    Criterion.objects.filter(program__in=programs).delete()
    programs.delete()
    Startup.objects.filter(name__startswith=STARTUPS).delete()
    get_user_model().objects.filter(email__endswith=f"@{DOMAIN}").delete()


def _same(one: list, other: list) -> bool:
    """The same applications with the same scores place by place. Two means of
    the same floats summed in another order may differ in the last bit, which
    reorders exact ties: scores are compared to 1e-9, not bit for bit."""
    return {pk for pk, _ in one} == {pk for pk, _ in other} and all(
        (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9)
        for (_, a), (_, b) in zip(one, other, strict=True)
    )


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
    from programs.scoring import scores_rebuild
    from startups.models import Application, Criterion, Program, Startup

    rng = random.Random(1)  # noqa: S311 (benchmark data)
    User = get_user_model()
    now = timezone.now()
    _clean()
    with transaction.atomic():
        program = Program.objects.create(
            name="Bench ranking",
            slug=SLUG,
            total_budget=Decimal("100000000000"),
            max_amount_per_project=Decimal("20000000"),
            opens_at=now - timedelta(days=30),
            closes_at=now - timedelta(days=1),
            status="reviewing",
        )
        Criterion.objects.create(program=program, name="Overall")
        reviewers = User.objects.bulk_create(
            [
                User(email=f"reviewer-{program.pk}-{i}@{DOMAIN}", password="!")
                for i in range(reviewer_count)
            ]
        )
        startups = Startup.objects.bulk_create(
            [
                Startup(name=f"{STARTUPS}{i}", sector="fintech", stage="mvp", description="-")
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
        scores_rebuild(program_id=program.pk)
    return program


if __name__ == "__main__":
    main()
