"""Reads for the selection board: its rows, their count, the cut-off lines and
the applications too close to call, all from the kept scores
(`programs.models.ApplicationScore`, see `programs.ranking`)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Abs, RowNumber

from programs.models import ApplicationScore
from programs.ranking import rank_order, ranked_applications
from startups.enums import ApplicationStatus, Country, Region, Sector
from startups.models import Application, Program

BOARD_SORTS: dict[str, list[str | OrderBy]] = {
    "rank": ["rank"],
    "score": ["rank"],
    "requested": [F("requested_amount").asc(nulls_last=True), "rank"],
    "name": ["application__startup__name", "rank"],
    "reviews": ["reviews", "rank"],
    "spread": [F("spread").desc(nulls_last=True), "rank"],
}
BOARD_FLAGS = ("not_enough", "disagreement", "too_close")

# "Too close to call": the application's score lies within TOO_CLOSE_Z
# standard errors of the cut-off score (its 95% interval, score ± 1.96 × SE,
# contains the cut-off), or it has a score but fewer than two submitted
# reviews (no standard error, so nothing tells it apart from the cut-off).
# The cut-off score is the score at place `cap` of the program's ranking.
TOO_CLOSE_Z = 1.96


@dataclass(frozen=True)
class BoardCutoff:
    """Where the board draws its lines, over the program's whole ranking."""

    cap_place: int  # the last place inside the cap (the line is drawn after it)
    score: float | None  # the score at that place; None when fewer scored rows than the cap
    ties: int  # ranked applications with exactly that score
    budget_place: int | None  # the first place whose running total passes the budget


def board_cutoff(*, program: Program, normalised: bool) -> BoardCutoff:
    """Two short index ranges: the row at place `cap` (with how many share its
    score), and the first row whose running total of requested amounts passes
    the budget."""
    score = "norm_score" if normalised else "raw_score"
    rows = ApplicationScore.objects.filter(program=program, ranked=True)
    order = score_order(normalised)
    cap = program.selection_cap
    # The row at the cap with the number of rows sharing its score, in one query.
    sharing = (
        rows.filter(**{score: OuterRef(score)})
        .order_by()
        .values("program")
        .annotate(n=Count("pk"))
        .values("n")
    )
    at_cap = (
        rows.order_by(*order)
        .annotate(ties=Subquery(sharing))
        .values_list(score, "ties")[cap - 1 : cap]
        if cap
        else []
    )
    cut, ties = next(iter(at_cap), (None, 0))
    ties = (ties or 0) if cut is not None else 0
    passing = (
        rows.annotate(
            place=Window(RowNumber(), order_by=order),
            running=Window(
                Sum("requested_amount", output_field=DecimalField(max_digits=18, decimal_places=2)),
                order_by=order,
            ),
        )
        .filter(running__gt=program.total_budget)
        # In the index's order (the same as the place's), so the scan stops at
        # the first row past the budget instead of sorting every place.
        .order_by(*order)
        .values_list("place", flat=True)[:1]
    )
    return BoardCutoff(cap_place=cap, score=cut, ties=ties, budget_place=next(iter(passing), None))


def _too_close(cutoff: float | None, band: float) -> Q:
    if cutoff is None:
        return Q(pk__in=[])
    if band <= 0:
        raise ValueError("The band is a positive number of standard errors.")
    distance = Abs(F("score") - Value(cutoff))
    return Q(score__isnull=False) & (
        Q(score_se__isnull=True)
        | Q(score_se__gte=ExpressionWrapper(distance / Value(band), output_field=FloatField()))
    )


def applications_too_close_to_call(*, program: Program, band: float | None = None) -> QuerySet:
    """The ranked applications whose score cannot be told apart from the cut-off.

    `band` is the half-width of the interval in standard errors (default
    TOO_CLOSE_Z = 1.96, a 95% interval): an application is too close to
    call when |score − cut-off score| ≤ band × its standard error, or when
    it has a score from a single review. The score is the one the program
    ranks by (normalised or raw). Best first; empty when fewer applications
    have a score than the cap (every one of them fits).
    """
    normalised = program.normalise_reviewers
    cutoff = board_cutoff(program=program, normalised=normalised).score
    band = TOO_CLOSE_Z if band is None else float(band)
    return (
        ranked_applications(program, normalised=normalised)
        .filter(_too_close(cutoff, band))
        .order_by(*rank_order(normalised))
    )


def board_search(term: str) -> Q | None:
    """The rows a manager's search finds: part of the startup's name, the start
    of its BIN, or the application's number (its id, with or without "#" or "№")."""
    term = (term or "").strip()
    if not term:
        return None
    found = Q(application__startup__name__icontains=term)
    digits = term.lstrip("#№ ")
    if digits.isdigit():
        found |= Q(application__startup__bin__startswith=digits)
        if len(digits) <= 18:  # an id fits a bigint; a longer string is a BIN or nothing
            found |= Q(application_id=int(digits))
    return found


def _searched(rows: QuerySet, term: str) -> QuerySet:
    """Keep the rows the search finds *after* the ranking: each keeps its place
    and running total in the whole board (a filter in the WHERE clause would
    rank the hits among themselves). A window over the row itself makes the
    condition one that Django applies outside the windowed query."""
    found = board_search(term)
    if found is None:
        return rows
    hit = Window(Max(Case(When(found, then=Value(1)), default=Value(0))), partition_by=[F("pk")])
    return rows.annotate(search_hit=hit).filter(search_hit=1)


def _board_filters(rows: QuerySet, program: Program, prefix: str, **filters: str) -> QuerySet:
    if filters.get("sector"):
        rows = rows.filter(**{f"{prefix}startup__sector": filters["sector"]})
    if filters.get("region"):
        rows = rows.filter(**{f"{prefix}startup__region": filters["region"]})
    if filters.get("status"):
        rows = rows.filter(**{f"{prefix}status": filters["status"]})
    return rows


def selection_board_count(
    *,
    program: Program,
    normalised: bool,
    sector: str = "",
    region: str = "",
    status: str = "",
    flag: str = "",
    q: str = "",
    cutoff: BoardCutoff | None = None,
) -> int:
    """The board's row count from the score table, without ranking (for the paginator)."""
    rows = _board_filters(
        ApplicationScore.objects.filter(program=program, ranked=True),
        program,
        "application__",
        sector=sector,
        region=region,
        status=status,
    )
    if flag == "not_enough":
        rows = rows.filter(reviews__lt=program.reviews_per_application)
    elif flag == "disagreement":
        rows = rows.filter(spread__gt=float(program.disagreement_threshold))
    elif flag == "too_close":
        cutoff = cutoff or board_cutoff(program=program, normalised=normalised)
        score, se = ("norm_score", "norm_se") if normalised else ("raw_score", "raw_se")
        rows = rows.annotate(score=F(score), score_se=F(se)).filter(
            _too_close(cutoff.score, TOO_CLOSE_Z)
        )
    found = board_search(q)
    if found is not None:
        rows = rows.filter(found)
    return rows.count()


def selection_board_rows(
    *,
    program: Program,
    normalised: bool,
    sector: str = "",
    region: str = "",
    status: str = "",
    flag: str = "",
    q: str = "",
    sort: str = "rank",
    cutoff: BoardCutoff | None = None,
) -> QuerySet[ApplicationScore]:
    """The board's rows on the score table, filtered and sorted, each with its place
    (`rank`), running total of requested amounts and flags; the page's
    applications are loaded by `board_page_applications`.

    `not_enough`: fewer submitted reviews than the program asks for;
    `disagreement`: the reviewers' spread is above the program's threshold;
    `too_close`: too close to call at the cut-off (see TOO_CLOSE_Z);
    `tie`: the same score as the row at place `cap`, shared by several.
    `q` finds rows by startup name, BIN or application number
    (`board_search`); a found row keeps its place in the board.
    All computed in SQL from the kept scores, so the filter and the row agree.

    The window functions run over the narrow score table alone (in the score
    index's order), not over application and startup rows joined to it: in
    rank order a page is an index range they stop early on; in another order
    they read the program's index once and the database keeps the top rows.
    """
    cutoff = cutoff or board_cutoff(program=program, normalised=normalised)
    score, se = ("norm_score", "norm_se") if normalised else ("raw_score", "raw_se")
    order = score_order(normalised)
    tie = Q(score=cutoff.score) if cutoff.score is not None and cutoff.ties > 1 else Q(pk__in=[])
    rows = ApplicationScore.objects.filter(program=program, ranked=True).annotate(
        score=F(score),
        score_se=F(se),
        rank=Window(RowNumber(), order_by=order),
        running_requested=Window(
            Sum("requested_amount", output_field=DecimalField(max_digits=18, decimal_places=2)),
            order_by=order,
        ),
        not_enough=Case(
            When(reviews__lt=program.reviews_per_application, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        disagreement=Case(
            When(spread__gt=float(program.disagreement_threshold), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        too_close=Case(
            When(_too_close(cutoff.score, TOO_CLOSE_Z), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        tie=Case(When(tie, then=Value(True)), default=Value(False), output_field=BooleanField()),
    )
    rows = _board_filters(
        rows, program, "application__", sector=sector, region=region, status=status
    )
    if flag == "not_enough":
        rows = rows.filter(reviews__lt=program.reviews_per_application)
    elif flag == "disagreement":
        rows = rows.filter(spread__gt=float(program.disagreement_threshold))
    elif flag == "too_close":
        rows = rows.filter(_too_close(cutoff.score, TOO_CLOSE_Z))
    rows = _searched(rows, q)
    return rows.order_by(*board_order(sort, normalised=normalised))


def score_order(normalised: bool) -> list[OrderBy]:
    """The ranking's order on the score table: the score index's order
    (`score_board_normalised` / `score_board_raw`), as `ranking.rank_order`."""
    return [
        F("norm_score" if normalised else "raw_score").desc(nulls_last=True),
        F("requested_amount").asc(nulls_last=True),
        F("application_id").asc(),
    ]


def board_order(sort: str, *, normalised: bool) -> list[str | OrderBy]:
    """The board's ORDER BY for `sort`, with "rank" spelled as the ranking's own
    order, so that page 1 in rank order is an index range, not a sort of every
    row by its place."""
    order: list[str | OrderBy] = []
    for key in BOARD_SORTS.get(sort or "rank", BOARD_SORTS["rank"]):
        order.extend(score_order(normalised) if key == "rank" else [key])
    return order


# What the board shows of an application and its startup.
BOARD_ROW_FIELDS = (
    "id",
    "status",
    "requested_amount",
    "startup__id",
    "startup__name",
    "startup__sector",
    "startup__region",
    "startup__country",
)
BOARD_ROW_FIGURES = (
    "raw_score",
    "norm_score",
    "reviews",
    "spread",
    "score",
    "score_se",
    "rank",
    "running_requested",
    "not_enough",
    "disagreement",
    "too_close",
    "tie",
)


def board_page_applications(rows: Iterable[ApplicationScore]) -> list[Application]:
    """One page of `selection_board_rows` as its applications (startup loaded, one
    query by primary key), each carrying its row's figures and flags as attributes,
    and the labels of its sector, region, country and status."""
    rows = list(rows)
    # Labels looked up once per page: `get_FOO_display` hashes every choice's
    # lazy label on each call (a translation lookup per choice, per row).
    labels = {
        "sector_label": ("sector", dict(Sector.choices)),
        "region_label": ("region", dict(Region.choices)),
        "country_label": ("country", dict(Country.choices)),
    }
    statuses = dict(ApplicationStatus.choices)
    applications = (
        Application.objects.select_related("startup")
        .only(*BOARD_ROW_FIELDS)
        .order_by()
        .in_bulk([row.pk for row in rows])
    )
    page = []
    for row in rows:
        application = applications.get(row.pk)
        if application is None:  # deleted between the two reads
            continue
        for name in BOARD_ROW_FIGURES:
            setattr(application, name, getattr(row, name))
        shown = [(name, getattr(application.startup, f), c) for name, (f, c) in labels.items()]
        shown.append(("status_label", application.status, statuses))
        for name, value, choices in shown:
            setattr(application, name, choices.get(value, value))
        page.append(application)
    return page
