"""Selectors for the funding report and the ledger export (reads only).

Every figure is summed by the database (`GROUP BY` with `Sum`/`Count`,
`TruncMonth` for the months), so the number of queries is fixed whatever
the number of awards or payments; Python only joins the few grouped rows
and runs the cumulative totals along the months.

Money is never added across currencies: every total is keyed by its
currency (a program's budget by the program's, awards and payments by the
award's), so "all programs" yields one total per currency.

The date range applies to the money movements: awards by their agreement
date, ledger entries (payments and reversals) by the day they are dated.
Budgets and the count of selected applications are not dated, so the
range leaves them as they are.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from programs.models import Award, Disbursement
from programs.ranking import SELECTED_STATES
from startups.enums import Region, Sector
from startups.models import Application, Program

CENT = Decimal("0.01")

Row = dict[str, Any]


@dataclass(frozen=True)
class ReportScope:
    """What a report or ledger export covers: one program or all, and a date range."""

    program: Program | None = None
    date_from: date | None = None
    date_to: date | None = None

    def programs(self) -> QuerySet[Program]:
        programs = Program.objects.all()
        return programs.filter(pk=self.program.pk) if self.program else programs

    def awards(self) -> QuerySet[Award]:
        awards = Award.objects.all()
        if self.program:
            awards = awards.filter(program=self.program)
        if self.date_from:
            awards = awards.filter(agreement_date__gte=self.date_from)
        if self.date_to:
            awards = awards.filter(agreement_date__lte=self.date_to)
        return awards

    def ledger(self) -> QuerySet[Disbursement]:
        entries = Disbursement.objects.all()
        if self.program:
            entries = entries.filter(award__program=self.program)
        if self.date_from:
            entries = entries.filter(paid_on__gte=self.date_from)
        if self.date_to:
            entries = entries.filter(paid_on__lte=self.date_to)
        return entries

    def selected(self) -> QuerySet[Application]:
        """Applications selected or further on (funded, completed): not dated."""
        applications = Application.objects.filter(status__in=SELECTED_STATES)
        return applications.filter(program=self.program) if self.program else applications


def money(value: Decimal | None) -> Decimal:
    """An SQL sum as money: an empty group is zero, and always two decimal places."""
    return (value or Decimal(0)).quantize(CENT)


def _grouped(queryset: QuerySet, keys: list[str], **aggregates) -> dict[tuple, Row]:
    """One `GROUP BY keys` query, its rows keyed by the tuple of key values.

    `order_by()` drops the models' default ordering, which would otherwise
    leak into the grouping on some backends.
    """
    rows = queryset.order_by().values(*keys).annotate(**aggregates)
    return {tuple(row[key] for key in keys): row for row in rows}


def _figures(*sources: tuple[dict[tuple, Row], dict[str, str]]) -> dict[tuple, Row]:
    """Join grouped results on their keys, renaming their fields (absent: no such group)."""
    joined: dict[tuple, Row] = {}
    for grouped, fields in sources:
        for key, row in grouped.items():
            target = joined.setdefault(key, {})
            for source_name, name in fields.items():
                target[name] = row[source_name]
    return joined


def _money_and_counts(row: Row) -> Row:
    return {
        "committed": money(row.get("committed")),
        "disbursed": money(row.get("disbursed")),
        "selected": row.get("selected") or 0,
        "funded": row.get("funded") or 0,
    }


def _balances(row: Row, budget: Decimal | None) -> Row:
    return {
        "budget": money(budget),
        **row,
        "remaining": money(budget) - row["committed"],
        "undisbursed": row["committed"] - row["disbursed"],
    }


def program_figures(scope: ReportScope) -> list[Row]:
    """Per program: budget, committed, disbursed, remaining, undisbursed, selected, funded.

    Ordered by currency then name, so that programs whose sums belong
    together stand together.
    """
    joined = _figures(
        (
            _grouped(scope.awards(), ["program_id"], c=Sum("amount"), n=Count("id")),
            {"c": "committed", "n": "funded"},
        ),
        (_grouped(scope.ledger(), ["award__program_id"], d=Sum("amount")), {"d": "disbursed"}),
        (_grouped(scope.selected(), ["program_id"], s=Count("id")), {"s": "selected"}),
    )
    rows = []
    for program in (
        scope.programs()
        .order_by("currency", "name", "id")
        .values("id", "name", "slug", "currency", "total_budget")
    ):
        figures = _money_and_counts(joined.get((program["id"],), {}))
        rows.append(
            {
                "program_id": program["id"],
                "name": program["name"],
                "slug": program["slug"],
                "currency": program["currency"],
                **_balances(figures, program["total_budget"]),
            }
        )
    return rows


def currency_totals(scope: ReportScope) -> list[Row]:
    """Across the programs in scope: the same figures, one row per currency."""
    budgets = _grouped(scope.programs(), ["currency"], b=Sum("total_budget"), p=Count("id"))
    joined = _figures(
        (budgets, {"b": "budget", "p": "programs"}),
        (
            _grouped(scope.awards(), ["currency"], c=Sum("amount"), n=Count("id")),
            {"c": "committed", "n": "funded"},
        ),
        (_grouped(scope.ledger(), ["award__currency"], d=Sum("amount")), {"d": "disbursed"}),
        (_grouped(scope.selected(), ["program__currency"], s=Count("id")), {"s": "selected"}),
    )
    return [
        {
            "currency": currency,
            "programs": row.get("programs") or 0,
            **_balances(_money_and_counts(row), row.get("budget")),
        }
        for (currency,), row in sorted(joined.items())
    ]


def _labelled_breakdown(scope: ReportScope, field: str, labels: dict[str, str]) -> list[Row]:
    """Committed, disbursed and counts by a startup field (region or sector) and currency."""
    joined = _figures(
        (
            _grouped(
                scope.awards(),
                [f"application__startup__{field}", "currency"],
                c=Sum("amount"),
                n=Count("id"),
            ),
            {"c": "committed", "n": "funded"},
        ),
        (
            _grouped(
                scope.ledger(),
                [f"award__application__startup__{field}", "award__currency"],
                d=Sum("amount"),
            ),
            {"d": "disbursed"},
        ),
        (
            _grouped(scope.selected(), [f"startup__{field}", "program__currency"], s=Count("id")),
            {"s": "selected"},
        ),
    )
    rows = [
        {
            "key": key,
            "label": str(labels.get(key, key)) if key else _("Not given"),
            "currency": currency,
            **_money_and_counts(row),
        }
        for (key, currency), row in joined.items()
    ]
    # Largest first within each currency: the order a bar chart reads best in.
    rows.sort(key=lambda r: (r["currency"], -r["committed"], -r["disbursed"], r["label"]))
    return rows


def region_breakdown(scope: ReportScope) -> list[Row]:
    """By the startup's region, in the active language."""
    return _labelled_breakdown(scope, "region", dict(Region.choices))


def sector_breakdown(scope: ReportScope) -> list[Row]:
    """By the startup's sector, in the active language."""
    return _labelled_breakdown(scope, "sector", dict(Sector.choices))


def _months(first: date, last: date) -> Iterator[date]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield date(year, month, 1)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def month_breakdown(scope: ReportScope) -> list[Row]:
    """Committed (by agreement month) and disbursed (by payment month), per currency.

    Every month between a currency's first and last movement has a row,
    so the cumulative series ("committed vs disbursed over time") have no
    gaps; the cumulative figures start from the range's first day.
    """
    joined = _figures(
        (
            _grouped(
                scope.awards().annotate(month=TruncMonth("agreement_date")),
                ["currency", "month"],
                c=Sum("amount"),
            ),
            {"c": "committed"},
        ),
        (
            _grouped(
                scope.ledger().annotate(month=TruncMonth("paid_on")),
                ["award__currency", "month"],
                d=Sum("amount"),
            ),
            {"d": "disbursed"},
        ),
    )
    rows: list[Row] = []
    for currency in sorted({currency for currency, _month in joined}):
        months = [month for c, month in joined if c == currency]
        committed_total = disbursed_total = Decimal("0.00")
        for month in _months(min(months), max(months)):
            found = joined.get((currency, month), {})
            committed, disbursed = money(found.get("committed")), money(found.get("disbursed"))
            committed_total += committed
            disbursed_total += disbursed
            rows.append(
                {
                    "currency": currency,
                    "month": month,
                    "committed": committed,
                    "disbursed": disbursed,
                    "committed_cumulative": committed_total,
                    "disbursed_cumulative": disbursed_total,
                }
            )
    return rows


def funding_report(scope: ReportScope) -> dict[str, list[Row]]:
    """The whole report: a fixed number of grouped queries, whatever the data's size."""
    return {
        "programs": program_figures(scope),
        "totals": currency_totals(scope),
        "by_region": region_breakdown(scope),
        "by_sector": sector_breakdown(scope),
        "by_month": month_breakdown(scope),
    }


def ledger_entries(scope: ReportScope) -> QuerySet[Disbursement]:
    """The ledger in scope, oldest first, with what each export row names joined in."""
    return (
        scope.ledger()
        .select_related("award__program", "award__application__startup", "tranche", "recorded_by")
        .order_by("paid_on", "id")
    )


def currencies(rows: Iterable[Row]) -> list[str]:
    """The currencies present in some rows, in a stable order."""
    return sorted({row["currency"] for row in rows})
