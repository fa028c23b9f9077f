"""Keeping `ApplicationScore` current: one set-based statement per program.

The normalised score (see `programs.ranking`) maps each reviewer's totals
onto the program's scale (program mean + z × program deviation), so one
submitted or reopened review moves the program's mean and deviation and
with them every normalised score in the program, not only the reviewer's
applications. The refresh therefore recomputes the whole program in one
UPDATE (about 30,000 reviews at 10,000 applications: tens of milliseconds)
and writes only the rows whose values changed.

Concurrency: two reviews of one program submitted at once would each
compute from a snapshot missing the other's review, and the later commit
would keep stale values. A transaction-scoped advisory lock per program
serialises the refreshes; each statement after the lock sees the other's
committed review (READ COMMITTED takes a new snapshot per statement).
"""

from django.db import connection, transaction

from programs.ranking import MIN_REVIEWS_TO_NORMALISE

# pg_advisory_xact_lock(class, object): the class keeps these locks apart
# from any other advisory lock on the same program id.
_LOCK_CLASS = 7_301

_REFRESH_SQL = """
WITH rv AS (
    SELECT a.application_id, a.reviewer_id, r.total::float8 AS total
    FROM programs_review r
    JOIN programs_assignment a ON a.id = r.assignment_id
    WHERE a.program_id = %(program)s AND a.status = 'active' AND r.status = 'submitted'
),
overall AS (
    SELECT avg(total) AS m, coalesce(stddev_pop(total), 0) AS d FROM rv
),
scales AS (
    SELECT reviewer_id, count(*) AS n, avg(total) AS m, stddev_pop(total) AS d
    FROM rv GROUP BY reviewer_id
),
normed AS (
    SELECT rv.application_id, rv.total,
           CASE WHEN s.n >= %(min_n)s AND s.d > 0
                THEN least(greatest((o.m - s.m * (o.d / s.d)) + rv.total * (o.d / s.d), 0.0), 100.0)
                ELSE rv.total END AS norm
    FROM rv JOIN scales s USING (reviewer_id) CROSS JOIN overall o
),
agg AS (
    SELECT application_id,
           count(*) AS n,
           avg(total) AS raw_score,
           avg(norm) AS norm_score,
           stddev_pop(total) AS spread,
           stddev_samp(total) / sqrt(count(*)) AS raw_se,
           stddev_samp(norm) / sqrt(count(*)) AS norm_se
    FROM normed GROUP BY application_id
),
fresh AS (
    SELECT s.application_id, coalesce(agg.n, 0) AS n, agg.raw_score, agg.norm_score,
           agg.spread, agg.raw_se, agg.norm_se
    FROM programs_applicationscore s
    LEFT JOIN agg ON agg.application_id = s.application_id
    WHERE s.program_id = %(program)s
)
UPDATE programs_applicationscore t
SET reviews = fresh.n, raw_score = fresh.raw_score, norm_score = fresh.norm_score,
    spread = fresh.spread, raw_se = fresh.raw_se, norm_se = fresh.norm_se
FROM fresh
WHERE t.application_id = fresh.application_id
  AND (t.reviews, t.raw_score, t.norm_score, t.spread, t.raw_se, t.norm_se)
      IS DISTINCT FROM
      (fresh.n, fresh.raw_score, fresh.norm_score, fresh.spread, fresh.raw_se, fresh.norm_se)
"""

# Rows for applications the trigger has not seen (created before it existed).
_ENSURE_SQL = """
INSERT INTO programs_applicationscore (application_id, program_id, ranked, requested_amount)
SELECT ap.id, ap.program_id, ap.status NOT IN ('draft', 'withdrawn'), ap.requested_amount
FROM startups_application ap
WHERE (%(program)s::bigint IS NULL OR ap.program_id = %(program)s)
ON CONFLICT (application_id) DO UPDATE
SET program_id = EXCLUDED.program_id, ranked = EXCLUDED.ranked,
    requested_amount = EXCLUDED.requested_amount
"""


def scores_refresh(*, program_id: int) -> int:
    """Recompute the program's kept scores; call inside the event's transaction.

    Returns the number of score rows that changed.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, program_id])
        cursor.execute(_REFRESH_SQL, {"program": program_id, "min_n": MIN_REVIEWS_TO_NORMALISE})
        return cursor.rowcount


def scores_rebuild(*, program_id: int | None = None) -> int:
    """Every score row from scratch (all programs, or one): the rebuild command's work.

    Raw SQL only, so that migrations can call it whatever the models look like.
    """
    changed = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_ENSURE_SQL, {"program": program_id})
            cursor.execute(
                "SELECT id FROM programs_program WHERE %(program)s::bigint IS NULL "
                "OR id = %(program)s ORDER BY id",
                {"program": program_id},
            )
            ids = [row[0] for row in cursor.fetchall()]
        for pk in ids:
            changed += scores_refresh(program_id=pk)
    return changed
