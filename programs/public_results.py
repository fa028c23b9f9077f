"""A decided program's public results: the selected projects and the money (reads only).

What the page and its open data may show, and nothing else:
- the selected projects (selected, funded or completed): with the team's
  consent (`Application.publish_consent`) the startup's name, sector,
  region and one-line pitch; without it only "a startup in <sector>",
  listed after the named ones, so that not even its place in an
  alphabetical list says who it is;
- counts and money (awarded, disbursed) by region and by sector, summed
  by the database from the awards and the ledger, as in the funding
  report (`programs.reports`);
- the outcomes the teams reported on their approved milestone reports,
  once there are any (`reported_figures`).
No person's name, e-mail, city or amount per project.

The page and the CSV are rendered once per language and kept in the shared
cache (`programs.public_pages`); a new award, ledger entry, decision,
consent or program change forgets them (`programs.apps`,
`startups.workflow`, `startups.publication`).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from programs.exports import Table
from programs.ranking import SELECTED_STATES
from programs.reports import ReportScope, Row, _figures, _grouped, _money_and_counts, money
from startups.enums import Country, ProgramStatus, Region, Sector
from startups.models import Application, Program

# A program publishes its results once its decisions are final.
RESULTS_PROGRAM = (ProgramStatus.DECIDED, ProgramStatus.CLOSED)


def program_results_get(*, slug: str) -> Program:
    """A decided (or closed) program; `Program.DoesNotExist` for any other."""
    return Program.objects.filter(status__in=RESULTS_PROGRAM).get(slug=slug)


def program_has_results(program: Program) -> bool:
    return program.status in RESULTS_PROGRAM


@dataclass(frozen=True)
class PublicProject:
    """One selected project as the public sees it: named only with consent."""

    sector: str
    name: str = ""
    region: str = ""
    pitch: str = ""

    @property
    def named(self) -> bool:
        return bool(self.name)


def _place(country: str, region: str) -> tuple[str, str]:
    """(code, label) of where a startup is: its region in Kazakhstan, else its country."""
    if region:
        return region, str(dict(Region.choices).get(region, region))
    return country, str(dict(Country.choices).get(country, country))


def selected_projects(program: Program) -> list[PublicProject]:
    """The selected projects, named ones by name first, then the others by sector."""
    rows = (
        Application.objects.filter(program=program, status__in=SELECTED_STATES)
        .order_by()
        .values(
            "publish_consent",
            "one_line_pitch",
            "startup__name",
            "startup__sector",
            "startup__country",
            "startup__region",
        )
    )
    sectors = dict(Sector.choices)
    named, unnamed = [], []
    for row in rows:
        sector = str(sectors.get(row["startup__sector"], row["startup__sector"]))
        if row["publish_consent"]:
            named.append(
                PublicProject(
                    sector=sector,
                    name=row["startup__name"],
                    region=_place(row["startup__country"], row["startup__region"])[1],
                    pitch=row["one_line_pitch"],
                )
            )
        else:
            # Nothing of the team's own: not its name, not its pitch, not its place.
            unnamed.append(PublicProject(sector=sector))
    named.sort(key=lambda p: (p.name.casefold(), p.sector))
    unnamed.sort(key=lambda p: p.sector)
    return named + unnamed


def _breakdown(scope: ReportScope, fields: list[str]) -> dict[tuple, Row]:
    """Awarded, disbursed, selected and funded grouped by startup fields."""
    return _figures(
        (
            _grouped(
                scope.awards(),
                [f"application__startup__{f}" for f in fields],
                c=Sum("amount"),
                n=Count("id"),
            ),
            {"c": "committed", "n": "funded"},
        ),
        (
            _grouped(
                scope.ledger(),
                [f"award__application__startup__{f}" for f in fields],
                d=Sum("amount"),
            ),
            {"d": "disbursed"},
        ),
        (
            _grouped(scope.selected(), [f"startup__{f}" for f in fields], s=Count("id")),
            {"s": "selected"},
        ),
    )


def _rows(grouped: dict[tuple, Row], label) -> list[Row]:
    merged: dict[str, Row] = {}
    for key, row in grouped.items():
        code, name = label(*key)
        figures = _money_and_counts(row)
        target = merged.setdefault(code, {"code": code, "label": name, **dict.fromkeys(figures, 0)})
        for field, value in figures.items():
            target[field] += value
    rows = list(merged.values())
    rows.sort(key=lambda r: (-r["committed"], -r["selected"], r["label"]))
    return rows


def results_figures(program: Program) -> dict[str, Any]:
    """Totals and the breakdowns by region and by sector, in the program's currency.

    Awards and payments are in the program's currency (an award takes it);
    "awarded" is the sum of the awards, "disbursed" the sum of the ledger
    (payments less reversals), "selected" the projects selected, funded or
    completed, "funded" the projects with an award.
    """
    scope = ReportScope(program=program)
    sectors = dict(Sector.choices)
    by_region = _rows(_breakdown(scope, ["country", "region"]), _place)
    by_sector = _rows(
        _breakdown(scope, ["sector"]),
        lambda code: (code, str(sectors.get(code, code))),
    )
    total = {
        "selected": sum(r["selected"] for r in by_sector),
        "funded": sum(r["funded"] for r in by_sector),
        "committed": money(sum((r["committed"] for r in by_sector), Decimal(0))),
        "disbursed": money(sum((r["disbursed"] for r in by_sector), Decimal(0))),
    }
    return {
        "currency": program.currency,
        "total": total,
        "by_region": by_region,
        "by_sector": by_sector,
    }


def reported_figures(program: Program) -> list[Row]:
    """The outcomes the funded teams reported on their approved milestone reports.

    The sums come from `programs.milestones.program_reported_figures`; before
    the first approved report there are none, and the page and the CSV leave
    the section out.
    """
    from programs.milestones import program_reported_figures

    return reported_rows(program_reported_figures(program))


# (key in `program_reported_figures`, whether it is money); labels below.
REPORTED = [
    ("teams", False),
    ("revenue", True),
    ("users", False),
    ("jobs_created", False),
    ("investment_raised", True),
]


def reported_rows(figures: dict[str, Any]) -> list[Row]:
    """Rows {"key", "label", "value", "unit", "money"}; none before the first approved report."""
    if not figures.get("reports"):
        return []
    labels = {
        "teams": _("Teams that reported"),
        "revenue": _("Revenue reported"),
        "users": _("Users reported"),
        "jobs_created": _("Jobs created"),
        "investment_raised": _("Investment raised"),
    }
    return [
        {
            "key": key,
            "label": labels[key],
            "value": money(figures.get(key)) if is_money else int(figures.get(key) or 0),
            "unit": figures["currency"] if is_money else "",
            "money": is_money,
        }
        for key, is_money in REPORTED
    ]


def results_chart_data(figures: dict[str, Any]) -> dict[str, Any]:
    """What `static/js/results-charts.js` draws: two bar charts, awarded and disbursed."""

    def chart(canvas: str, rows: list[Row]) -> dict[str, Any]:
        return {
            "canvas": canvas,
            "type": "bar",
            "currency": figures["currency"],
            "labels": [r["label"] for r in rows],
            "series": [
                {
                    "kind": "committed",
                    "label": _("Awarded"),
                    "data": [float(r["committed"]) for r in rows],
                },
                {
                    "kind": "disbursed",
                    "label": _("Disbursed"),
                    "data": [float(r["disbursed"]) for r in rows],
                },
            ],
        }

    return {
        "charts": [
            chart("results-chart-region", figures["by_region"]),
            chart("results-chart-sector", figures["by_sector"]),
        ]
    }


def results_tables(
    program: Program,
    figures: dict[str, Any],
    projects: list[PublicProject],
    reported: list[Row],
) -> list[Table]:
    """The open data: the figures (one row per total, region and sector), projects, outcomes."""
    currency = figures["currency"]

    def line(dimension: str, code: str, label: str, row: Row) -> list[Any]:
        return [
            dimension,
            code,
            label,
            row["selected"],
            row["funded"],
            row["committed"],
            row["disbursed"],
            currency,
        ]

    figure_rows = [line("total", "", program.name, figures["total"])]
    figure_rows += [line("region", r["code"], r["label"], r) for r in figures["by_region"]]
    figure_rows += [line("sector", r["code"], r["label"], r) for r in figures["by_sector"]]
    tables = [
        Table(
            "Figures",
            [
                "dimension",
                "code",
                "label",
                "selected",
                "funded",
                "awarded",
                "disbursed",
                "currency",
            ],
            figure_rows,
        ),
        Table(
            "Projects",
            ["startup", "sector", "region", "pitch"],
            [
                [p.name, p.sector, p.region, p.pitch]
                if p.named
                else [_("a startup in %(sector)s") % {"sector": p.sector}, p.sector, "", ""]
                for p in projects
            ],
        ),
    ]
    if reported:
        tables.append(
            Table(
                "Reported outcomes",
                ["figure", "label", "value", "currency"],
                [[r["key"], r["label"], r["value"], r["unit"]] for r in reported],
            )
        )
    return tables
