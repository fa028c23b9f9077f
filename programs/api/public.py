"""Public results of a decided program, as the public results page shows them
(`programs.public_results`): the selected projects (named only with the team's
consent), counts and money by region and sector. No person, no amount per project."""

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from portal.api.errors import ERRORS
from portal.api.schemas import Money, money
from programs.api.common import Slug
from programs.public_results import program_results_get, results_figures, selected_projects
from startups.enums import ProgramStatus
from startups.models import Program

router = Router(tags=["public"])


class ProjectOut(Schema):
    named: bool
    name: str
    sector: str
    region: str
    pitch: str


class BreakdownOut(Schema):
    code: str
    label: str
    selected: int
    funded: int
    awarded: Money
    disbursed: Money


class ResultsOut(Schema):
    program: str
    status: ProgramStatus
    selected: int
    funded: int
    awarded: Money
    disbursed: Money
    projects: list[ProjectOut]
    by_region: list[BreakdownOut]
    by_sector: list[BreakdownOut]


def _rows(rows, currency: str) -> list[BreakdownOut]:
    return [
        BreakdownOut(
            code=row["code"] or "",
            label=str(row["label"]),
            selected=row["selected"],
            funded=row["funded"],
            awarded=money(row["committed"], currency),
            disbursed=money(row["disbursed"], currency),
        )
        for row in rows
    ]


@router.get("/programs/{slug}/results", response={200: ResultsOut, **ERRORS})
def program_results(request: HttpRequest, slug: Slug):
    """The results of a decided or closed program (404 before the decision)."""
    try:
        program = program_results_get(slug=slug)
    except Program.DoesNotExist as exc:
        raise Http404 from exc
    figures = results_figures(program)
    currency, total = figures["currency"], figures["total"]
    return ResultsOut(
        program=program.slug,
        status=program.status,
        selected=total["selected"],
        funded=total["funded"],
        awarded=money(total["committed"], currency),
        disbursed=money(total["disbursed"], currency),
        projects=[
            ProjectOut(named=p.named, name=p.name, sector=p.sector, region=p.region, pitch=p.pitch)
            for p in selected_projects(program)
        ],
        by_region=_rows(figures["by_region"], currency),
        by_sector=_rows(figures["by_sector"], currency),
    )
