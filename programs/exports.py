"""The funding report and the ledger as CSV and XLSX files (no HTTP here).

Tables of typed values (Decimal, dates, text) become files whose numbers
stay numbers, with the currency in its own column, so a spreadsheet can
compute with them. Text loses control characters and cannot run as a
formula, whatever its origin (old rows were not validated).
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portal.validators import FORMULA_STARTS, export_text, spreadsheet_text
from programs.models import Disbursement
from programs.reports import ReportScope, Row

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MONEY = ("budget", "committed", "disbursed", "remaining", "undisbursed")
MONEY_FORMAT = "#,##0.00"


@dataclass
class Table:
    """One sheet of an export: a header row and rows of typed values."""

    title: str
    header: list[str]
    rows: Iterable[list[Any]]
    widths: list[int] = field(default_factory=list)


class Month(date):
    """A month (its first day), written as 2026-03 in CSV and yyyy-mm in XLSX."""


def ledger_table(entries: Iterable[Disbursement]) -> Table:
    """The ledger, one row per entry (payments and reversals), as read."""
    return Table(
        title="Ledger",
        header=[
            _("ID"),
            _("Date"),
            _("Program"),
            _("Startup"),
            _("Tranche"),
            _("Milestone"),
            _("Amount"),
            _("Currency"),
            _("Payment reference"),
            _("Reverses"),
            _("Recorded by"),
            _("Recorded at"),
            _("Note"),
        ],
        rows=(_ledger_row(entry) for entry in entries),
        widths=[8, 12, 30, 30, 8, 40, 16, 9, 20, 9, 24, 20, 40],
    )


def _ledger_row(entry: Disbursement) -> list[Any]:
    return [
        entry.pk,
        entry.paid_on,
        entry.award.program.name,
        entry.award.application.startup.name,
        entry.tranche.sequence,
        entry.tranche.milestone,
        entry.amount,
        entry.award.currency,
        entry.reference,
        entry.reverses_id,
        entry.recorded_by.get_full_name(),
        timezone.localtime(entry.recorded_at).replace(microsecond=0),
        entry.note,
    ]


def report_tables(report: dict[str, list[Row]]) -> list[Table]:
    currency, money = _("Currency"), [_("Committed"), _("Disbursed")]
    counts = [_("Selected"), _("Funded")]
    summary = [
        [r["name"], r["currency"], *(r[m] for m in MONEY), r["selected"], r["funded"]]
        for r in report["programs"]
    ] + [
        [
            _("All programs (%(currency)s)") % {"currency": r["currency"]},
            r["currency"],
            *(r[m] for m in MONEY),
            r["selected"],
            r["funded"],
        ]
        for r in report["totals"]
    ]

    def breakdown(rows: list[Row]) -> list[list[Any]]:
        return [
            [r["label"], r["currency"], r["committed"], r["disbursed"], r["selected"], r["funded"]]
            for r in rows
        ]

    return [
        Table(
            "Summary",
            [
                _("Program"),
                currency,
                _("Budget"),
                *money,
                _("Remaining"),
                _("Undisbursed"),
                *counts,
            ],
            summary,
            [36, 9, 18, 18, 18, 18, 18, 10, 10],
        ),
        Table(
            "By region",
            [_("Region"), currency, *money, *counts],
            breakdown(report["by_region"]),
            [32, 9, 18, 18, 10, 10],
        ),
        Table(
            "By sector",
            [_("Sector"), currency, *money, *counts],
            breakdown(report["by_sector"]),
            [32, 9, 18, 18, 10, 10],
        ),
        Table(
            "By month",
            [
                _("Month"),
                currency,
                *money,
                _("Committed, cumulative"),
                _("Disbursed, cumulative"),
            ],
            [
                [
                    Month(r["month"].year, r["month"].month, 1),
                    r["currency"],
                    r["committed"],
                    r["disbursed"],
                    r["committed_cumulative"],
                    r["disbursed_cumulative"],
                ]
                for r in report["by_month"]
            ],
            [10, 9, 18, 18, 22, 22],
        ),
    ]


def export_filename(stem: str, scope: ReportScope, kind: str) -> str:
    parts = [stem, scope.program.slug if scope.program else "all-programs"]
    if scope.date_from:
        parts.append(f"from-{scope.date_from.isoformat()}")
    if scope.date_to:
        parts.append(f"to-{scope.date_to.isoformat()}")
    return f"{'-'.join(parts)}.{kind}"


class _Line:
    """A file-like sink for csv.writer that hands back each line."""

    def write(self, text: str) -> str:
        return text


def csv_lines(tables: list[Table], *, titled: bool = True) -> Iterator[str]:
    """CSV with a BOM (Excel then reads UTF-8, Cyrillic included); sections titled.

    A multi-table report puts each table under a line with its title and
    leaves a blank line between tables, as the XLSX has one sheet each.
    """
    writer = csv.writer(_Line())
    yield "\ufeff"
    for number, table in enumerate(tables):
        if titled:
            if number:
                yield writer.writerow([])
            yield writer.writerow([table.title])
        yield writer.writerow(table.header)
        for row in table.rows:
            yield writer.writerow([_csv_value(value) for value in row])


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, Month):
        return f"{value:%Y-%m}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    # Text (of whatever origin: old rows were not validated) loses control
    # characters and cannot run as a formula; numbers above stay numbers.
    return spreadsheet_text(str(value))


def xlsx_bytes(tables: list[Table]) -> bytes:
    """A write-only workbook (constant memory), one sheet per table."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(table.title)
        sheet.freeze_panes = "A2"
        for number, width in enumerate(table.widths, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        header = []
        for title in table.header:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet, value: Any) -> WriteOnlyCell:
    if isinstance(value, datetime) and value.tzinfo:
        value = value.replace(tzinfo=None)  # Excel has no time zones: local time, as shown
    elif isinstance(value, str):
        # openpyxl refuses control characters (the whole file would be a 500)
        # and old rows may hold them.
        value = export_text(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, Decimal):
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, Month):
        cell.number_format = "yyyy-mm"
    elif isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        if value.startswith(FORMULA_STARTS):
            # Text, even when someone edits the cell: Excel's leading apostrophe,
            # without changing the value.
            cell.quotePrefix = True
    return cell
