"""Public results of a decided program: how many were selected and funded, and the
money by region and sector (open data; no team is named, since the portal
records no team's consent to be named)."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from portal.api.errors import ERRORS
from portal.api.schemas import Money, money
from programs.api.common import Slug
from programs.reports import ReportScope, program_figures, region_breakdown, sector_breakdown
from startups.enums import ProgramStatus
from startups.models import Program

router = Router(tags=["public"])

PUBLISHED = (ProgramStatus.DECIDED, ProgramStatus.CLOSED)


class BreakdownOut(Schema):
    key: str
    label: str
    selected: int
    funded: int
    committed: Money
    disbursed: Money


class ResultsOut(Schema):
    program: str
    status: ProgramStatus
    selected: int
    funded: int
    budget: Money
    committed: Money
    disbursed: Money
    by_region: list[BreakdownOut]
    by_sector: list[BreakdownOut]


def _rows(rows, currency: str) -> list[BreakdownOut]:
    return [
        BreakdownOut(
            key=row["key"] or "",
            label=str(row["label"]),
            selected=row["selected"],
            funded=row["funded"],
            committed=money(row["committed"], currency),
            disbursed=money(row["disbursed"], currency),
        )
        for row in rows
        if row["currency"] == currency
    ]


@router.get("/programs/{slug}/results", response={200: ResultsOut, **ERRORS})
def program_results(request: HttpRequest, slug: Slug):
    """The results of a decided or closed program (404 before the decision)."""
    program = get_object_or_404(Program.objects.filter(status__in=PUBLISHED), slug=slug)
    scope = ReportScope(program=program)
    (figures,) = program_figures(scope)
    currency = program.currency
    return ResultsOut(
        program=program.slug,
        status=program.status,
        selected=figures["selected"],
        funded=figures["funded"],
        budget=money(figures["budget"], currency),
        committed=money(figures["committed"], currency),
        disbursed=money(figures["disbursed"], currency),
        by_region=_rows(region_breakdown(scope), currency),
        by_sector=_rows(sector_breakdown(scope), currency),
    )
