"""Scores and ranking of a program's applications, computed in the database.

- A review's total is its weighted criterion scores scaled to 0–100 (stored
  on submit by `review_save`).
- An application's raw score is the mean of its submitted reviews (from
  active assignments), with their number and their spread (population
  standard deviation).
- Normalised score: each reviewer's totals are standardised across the
  program (z = (total − reviewer's mean) / reviewer's deviation) and put
  back on the program's scale (program mean + z × program deviation),
  clamped to 0–100; the application's normalised score is the mean of its
  reviews' normalised totals.
- Rule for reviewers who cannot be standardised: with fewer than
  MIN_REVIEWS_TO_NORMALISE submitted reviews in the program, or with all
  their totals equal (deviation 0), their totals are used as they are.

The scores are kept as data (`programs.models.ApplicationScore`, refreshed
by `programs.scoring` in the transaction of each review event); `ranking()`
reads them, so a page of the board is one index range on the score table.
`ranking_from_reviews()` computes the same figures from the reviews
directly (the old way: program and reviewer statistics, then one grouped
query with a CASE per reviewer); the tests compare the two.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    StdDev,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Greatest, Least, RowNumber

from programs.models import AssignmentStatus, Review, ReviewStatus
from startups.enums import ApplicationStatus as S
from startups.models import Application, Program

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

MIN_REVIEWS_TO_NORMALISE = 3


class ScoredFields(TypedDict):
    """What `ranked_applications` adds to each application."""

    raw_score: float | None
    norm_score: float | None
    reviews: int
    spread: float | None
    score: float | None
    score_se: float | None


class RankedFields(ScoredFields):
    """What `ranking` adds to each application: the above, its place and running total."""

    rank: int
    running_requested: Decimal | None


# The type checker's names for an application with those fields.
type ScoredApplication = "WithAnnotations[Application, ScoredFields]"
type RankedApplication = "WithAnnotations[Application, RankedFields]"

# Applications that take part in the ranking: submitted and onwards.
RANKED_STATES = [
    S.SUBMITTED,
    S.UNDER_REVIEW,
    S.SELECTED,
    S.WAITLISTED,
    S.REJECTED,
    S.FUNDED,
    S.COMPLETED,
]
SELECTED_STATES = [S.SELECTED, S.FUNDED, S.COMPLETED]


@dataclass(frozen=True)
class Scale:
    """One reviewer's linear map from raw total to normalised total."""

    offset: float
    factor: float


def _submitted_reviews(program: Program) -> QuerySet[Review]:
    return Review.objects.filter(
        status=ReviewStatus.SUBMITTED,
        assignment__status=AssignmentStatus.ACTIVE,
        assignment__program=program,
    )


def reviewer_scales(program: Program) -> dict[int, Scale]:
    """norm = offset + factor × total for every reviewer who can be standardised."""
    reviews = _submitted_reviews(program)
    overall = reviews.aggregate(mean=Avg("total"), deviation=StdDev("total"))
    if overall["mean"] is None:
        return {}
    mean_all, dev_all = float(overall["mean"]), float(overall["deviation"] or 0)
    scales = {}
    for row in reviews.values("assignment__reviewer").annotate(
        mean=Avg("total"), deviation=StdDev("total"), n=Count("id")
    ):
        deviation = float(row["deviation"] or 0)
        if row["n"] < MIN_REVIEWS_TO_NORMALISE or deviation == 0:
            continue
        factor = dev_all / deviation
        scales[row["assignment__reviewer"]] = Scale(
            offset=mean_all - float(row["mean"]) * factor, factor=factor
        )
    return scales


def _normalised_total(scales: dict[int, Scale], prefix: str = "assignments__") -> Func:
    total = Cast(F(f"{prefix}review__total"), FloatField())
    if not scales:
        return total
    mapped = Case(
        *[
            When(
                **{f"{prefix}reviewer": reviewer_id},
                then=ExpressionWrapper(
                    Value(scale.offset) + total * Value(scale.factor), output_field=FloatField()
                ),
            )
            for reviewer_id, scale in sorted(scales.items())
        ],
        default=total,
        output_field=FloatField(),
    )
    return Least(Greatest(mapped, Value(0.0)), Value(100.0))


def ranking_from_reviews(program: Program) -> QuerySet[Application]:
    """From scratch: every application of the program with raw_score, norm_score,
    reviews and spread computed from the submitted reviews (slow; for checks)."""
    counted = Q(
        assignments__status=AssignmentStatus.ACTIVE,
        assignments__review__status=ReviewStatus.SUBMITTED,
    )
    return Application.objects.filter(program=program).annotate(
        raw_score=Avg("assignments__review__total", filter=counted),
        reviews=Count("assignments__review", filter=counted),
        spread=StdDev("assignments__review__total", filter=counted),
        norm_score=Avg(_normalised_total(reviewer_scales(program)), filter=counted),
    )


def score_field(normalised: bool) -> str:
    return "score_record__norm_score" if normalised else "score_record__raw_score"


def rank_order(normalised: bool) -> list:
    """Best first, then the smaller request, then the older application: the
    order of the board's index (`score_board_normalised` / `score_board_raw`)."""
    return [
        F(score_field(normalised)).desc(nulls_last=True),
        F("score_record__requested_amount").asc(nulls_last=True),
        F("score_record__application_id").asc(),
    ]


def ranked_applications(program: Program, *, normalised: bool) -> QuerySet[ScoredApplication]:
    """The ranked applications with their kept scores, unordered and without windows."""
    se = "score_record__norm_se" if normalised else "score_record__raw_se"
    return (
        Application.objects.filter(score_record__program=program, score_record__ranked=True)
        .select_related("startup")
        .annotate(
            raw_score=F("score_record__raw_score"),
            norm_score=F("score_record__norm_score"),
            reviews=F("score_record__reviews"),
            spread=F("score_record__spread"),
            score=F(score_field(normalised)),
            score_se=F(se),
        )
    )


def ranking(program: Program, *, normalised: bool | None = None) -> QuerySet[RankedApplication]:
    """The program's applications with raw_score, norm_score, reviews, spread, score,
    score_se, rank and running_requested, best first (no score last).

    Read from the kept scores; the window functions run over the index order,
    so a slice of the first rows stops early.
    """
    if normalised is None:
        normalised = program.normalise_reviewers
    order = rank_order(normalised)
    return (
        ranked_applications(program, normalised=normalised)
        .annotate(
            rank=Window(RowNumber(), order_by=order),
            running_requested=Window(
                Sum(
                    "score_record__requested_amount",
                    output_field=DecimalField(max_digits=18, decimal_places=2),
                ),
                order_by=order,
            ),
        )
        .order_by(*order)
    )


# Every field of a row of the ranking, as `ranking_rows` gives them.
RANKING_FIELDS = (
    "pk",
    "status",
    "requested_amount",
    "startup__name",
    "startup__sector",
    "startup__region",
    "startup__country",
    "raw_score",
    "norm_score",
    "reviews",
    "spread",
    "score",
    "score_se",
    "rank",
    "running_requested",
)


def ranking_rows(program: Program, *, normalised: bool | None = None) -> QuerySet:
    """`ranking()` as plain rows (dicts of RANKING_FIELDS), best first: for readers of
    the whole ranking (exports, `rank_applications`), which need its figures, not
    20,000 model instances (an application and its startup per row, every column)."""
    return ranking(program, normalised=normalised).values(*RANKING_FIELDS)


def selection_totals(program: Program) -> tuple[int, Decimal]:
    """How many are selected and the sum of their requested amounts.

    "Requested by the selected" is what the cap and the budget are checked
    against while selecting. It is not "committed": that word means the sum
    of the awards actually made (`Program.committed`, the funding report).
    """
    totals = Application.objects.filter(program=program, status__in=SELECTED_STATES).aggregate(
        count=Count("id"), requested=Sum("requested_amount")
    )
    return totals["count"], totals["requested"] or Decimal("0")
