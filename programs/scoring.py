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

Elsewhere (SQLite, the embedded default) the same figures are computed in
Python from one query of the program's submitted reviews, with PostgreSQL's
own float8 arithmetic (`_Moments`), and only the changed rows are written.
SQLite needs no lock: it has one writer at a time, and the event's
transaction already holds the write lock (it wrote the review) when it
refreshes, so no other refresh can commit in between.
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from programs.models import AssignmentStatus, ReviewStatus
from programs.ranking import MIN_REVIEWS_TO_NORMALISE
from startups.enums import ApplicationStatus

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


# SQLite: the same statements without PostgreSQL's casts, and the score
# computation in Python (below).
_ENSURE_SQL_SQLITE = """
INSERT INTO programs_applicationscore (application_id, program_id, ranked, requested_amount)
SELECT ap.id, ap.program_id, ap.status NOT IN (%(draft)s, %(withdrawn)s), ap.requested_amount
FROM startups_application ap
WHERE (%(program)s IS NULL OR ap.program_id = %(program)s)
ON CONFLICT (application_id) DO UPDATE
SET program_id = excluded.program_id, ranked = excluded.ranked,
    requested_amount = excluded.requested_amount
"""

_REVIEWS_SQL = """
SELECT a.application_id, a.reviewer_id, r.total
FROM programs_review r
JOIN programs_assignment a ON a.id = r.assignment_id
WHERE a.program_id = %s AND a.status = %s AND r.status = %s
ORDER BY r.id
"""

_KEPT_SQL = """
SELECT application_id, reviews, raw_score, norm_score, spread, raw_se, norm_se
FROM programs_applicationscore WHERE program_id = %s
"""

_UPDATE_SQL = """
UPDATE programs_applicationscore
SET reviews = %s, raw_score = %s, norm_score = %s, spread = %s, raw_se = %s, norm_se = %s
WHERE application_id = %s
"""

# reviews, raw_score, norm_score, spread, raw_se, norm_se
type ScoreValues = tuple[int, float | None, float | None, float | None, float | None, float | None]
NO_REVIEWS: ScoreValues = (0, None, None, None, None, None)


class _Moments:
    """PostgreSQL's float8 aggregate state (`float8_accum`, Youngs–Cramer): count,
    sum and sum of squared deviations, updated value by value as PostgreSQL does,
    so avg, stddev_pop and stddev_samp round as they do there."""

    __slots__ = ("n", "sx", "sxx")

    def __init__(self) -> None:
        self.n = 0
        self.sx = 0.0
        self.sxx = 0.0

    def add(self, value: float) -> None:
        self.n += 1
        self.sx += value
        if self.n > 1:
            tmp = value * self.n - self.sx
            self.sxx += tmp * tmp / (self.n * (self.n - 1))

    def mean(self) -> float | None:
        return self.sx / self.n if self.n else None

    def stddev_pop(self) -> float | None:
        return math.sqrt(self.sxx / self.n) if self.n else None

    def stddev_samp(self) -> float | None:
        return math.sqrt(self.sxx / (self.n - 1)) if self.n > 1 else None

    def standard_error(self) -> float | None:
        """stddev_samp / sqrt(count), as `_REFRESH_SQL` divides."""
        deviation = self.stddev_samp()
        return None if deviation is None else deviation / math.sqrt(self.n)


def scores_compute(
    reviews: Iterable[tuple[int, int, float | Decimal]], *, min_n: int = MIN_REVIEWS_TO_NORMALISE
) -> dict[int, ScoreValues]:
    """`_REFRESH_SQL`'s figures from (application id, reviewer id, total) rows, one
    per submitted review: the program's mean and deviation, each reviewer's,
    the normalised totals (reviewers with fewer than `min_n` reviews or all
    totals equal keep theirs), then per application its count, raw and
    normalised means, spread and both standard errors. Applications without
    reviews are absent (their values are `NO_REVIEWS`)."""
    rows = [(application, reviewer, float(total)) for application, reviewer, total in reviews]
    overall = _Moments()
    scales: defaultdict[int, _Moments] = defaultdict(_Moments)
    for _application, reviewer, total in rows:
        overall.add(total)
        scales[reviewer].add(total)
    program_mean = overall.mean() or 0.0  # None only without reviews: then unused
    program_deviation = overall.stddev_pop() or 0.0  # coalesce(stddev_pop(total), 0)

    raw: defaultdict[int, _Moments] = defaultdict(_Moments)
    normed: defaultdict[int, _Moments] = defaultdict(_Moments)
    for application, reviewer, total in rows:
        scale = scales[reviewer]
        deviation = scale.stddev_pop()
        norm = total
        if scale.n >= min_n and deviation is not None and deviation > 0:
            reviewer_mean = scale.sx / scale.n
            factor = program_deviation / deviation
            mapped = (program_mean - reviewer_mean * factor) + total * factor
            norm = min(max(mapped, 0.0), 100.0)
        raw[application].add(total)
        normed[application].add(norm)

    return {
        application: (
            moments.n,
            moments.mean(),
            normed[application].mean(),
            moments.stddev_pop(),
            moments.standard_error(),
            normed[application].standard_error(),
        )
        for application, moments in raw.items()
    }


def _refresh_elsewhere(cursor: CursorWrapper, program_id: int) -> int:
    """`_REFRESH_SQL` for databases without it (SQLite): one read of the program's
    submitted reviews, one of its kept rows, and an UPDATE per changed row."""
    cursor.execute(_REVIEWS_SQL, [program_id, AssignmentStatus.ACTIVE, ReviewStatus.SUBMITTED])
    fresh = scores_compute(cursor.fetchall())
    cursor.execute(_KEPT_SQL, [program_id])
    changed = []
    for application, *kept in cursor.fetchall():
        values = fresh.get(application, NO_REVIEWS)
        if tuple(kept) != values:  # IS DISTINCT FROM: None equals None here
            changed.append([*values, application])
    if changed:
        cursor.executemany(_UPDATE_SQL, changed)
    return len(changed)


def scores_refresh(*, program_id: int) -> int:
    """Recompute the program's kept scores; call inside the event's transaction.

    Returns the number of score rows that changed.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # No advisory lock (nor any need for one): see the module's docstring.
            return _refresh_elsewhere(cursor, program_id)
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
            if connection.vendor == "postgresql":
                cursor.execute(_ENSURE_SQL, {"program": program_id})
                cursor.execute(
                    "SELECT id FROM programs_program WHERE %(program)s::bigint IS NULL "
                    "OR id = %(program)s ORDER BY id",
                    {"program": program_id},
                )
            else:
                cursor.execute(
                    _ENSURE_SQL_SQLITE,
                    {
                        "program": program_id,
                        "draft": ApplicationStatus.DRAFT,
                        "withdrawn": ApplicationStatus.WITHDRAWN,
                    },
                )
                cursor.execute(
                    "SELECT id FROM programs_program WHERE %(program)s IS NULL "
                    "OR id = %(program)s ORDER BY id",
                    {"program": program_id},
                )
            ids = [row[0] for row in cursor.fetchall()]
        for pk in ids:
            changed += scores_refresh(program_id=pk)
    return changed
