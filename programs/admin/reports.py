"""The funding report and its exports, as admin views for program managers.

The views check the role, read the filters and hand the selectors'
figures (`programs.reports`) to a template or a file writer; nothing is
summed here. The HTML shows money formatted for the viewer's language;
the CSV and XLSX files carry plain numbers with the currency in its own
column, so a spreadsheet can compute with them.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portal.money import format_money
from portal.validators import FORMULA_STARTS, export_text, spreadsheet_text
from programs.models import Disbursement
from programs.reports import ReportScope, Row, currencies, funding_report, ledger_entries
from programs.rules import is_program_manager
from startups.models import Program

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MONEY = ("budget", "committed", "disbursed", "remaining", "undisbursed")
MONEY_FORMAT = "#,##0.00"


class ReportFilterForm(forms.Form):
    program = forms.ModelChoiceField(
        label=gettext_lazy("Program"),
        queryset=Program.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("All programs"),
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def scope(self) -> ReportScope:
        data = self.cleaned_data
        return ReportScope(
            program=data.get("program"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


def _require_manager(request: HttpRequest) -> None:
    # 404, not 403: the report's existence is none of a reviewer's business.
    if not is_program_manager(request.user):
        raise Http404


def _filters(request: HttpRequest) -> tuple[ReportFilterForm, str]:
    keep = {k: v for k, v in request.GET.items() if k in ReportFilterForm.base_fields and v}
    return ReportFilterForm(request.GET), urlencode(keep)


# --- The page ---------------------------------------------------------------


def report_view(model_admin, request: HttpRequest) -> TemplateResponse:
    _require_manager(request)
    form, query = _filters(request)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Funding report"),
        "opts": model_admin.model._meta,
        "form": form,
        "query": query,
    }
    if form.is_valid():
        scope = form.scope()
        context.update(_page(funding_report(scope)), scope=scope)
    return TemplateResponse(request, "admin/programs/report/report.html", context)


def _format(row: Row) -> Row:
    shown = dict(row)
    for name in (*MONEY, "committed_cumulative", "disbursed_cumulative"):
        if name in row:
            shown[f"{name}_display"] = format_money(row[name], row["currency"])
    if "month" in row:
        shown["month_display"] = date_format(row["month"], "YEAR_MONTH_FORMAT")
    return shown


def _page(report: dict[str, list[Row]]) -> dict[str, Any]:
    """Tables grouped by currency (never summed across), and the charts' data."""
    sections, charts = [], []
    # A section per currency that has money moving or projects selected.
    for currency in currencies(report["by_month"] + report["by_region"] + report["by_sector"]):
        rows = {
            part: [_format(r) for r in report[part] if r["currency"] == currency]
            for part in ("by_month", "by_region", "by_sector")
        }
        sections.append({"currency": currency, **rows})
        charts += _charts(currency, rows)
    return {
        "programs": [_format(r) for r in report["programs"]],
        "totals": [_format(r) for r in report["totals"]],
        "sections": sections,
        "chart_data": {"locale": get_language(), "charts": charts},
    }


def _charts(currency: str, rows: dict[str, list[Row]]) -> list[dict]:
    committed, disbursed = _("Committed"), _("Disbursed")
    months = rows["by_month"]
    charts = []
    if months:
        charts.append(
            {
                "canvas": f"chart-month-{currency}",
                "type": "line",
                "currency": currency,
                "labels": [r["month_display"] for r in months],
                "series": [
                    _series(committed, "committed", months, "committed_cumulative"),
                    _series(disbursed, "disbursed", months, "disbursed_cumulative"),
                ],
            }
        )
    for part in ("by_region", "by_sector"):
        if rows[part]:
            charts.append(
                {
                    "canvas": f"chart-{part.removeprefix('by_')}-{currency}",
                    "type": "bar",
                    "currency": currency,
                    "labels": [r["label"] for r in rows[part]],
                    "series": [
                        _series(committed, "committed", rows[part], "committed"),
                        _series(disbursed, "disbursed", rows[part], "disbursed"),
                    ],
                }
            )
    return charts


def _series(label: str, kind: str, rows: list[Row], name: str) -> dict:
    # Floats only for drawing; the tables and exports keep the exact Decimals.
    return {"label": label, "kind": kind, "data": [float(r[name]) for r in rows]}


# --- Exports ----------------------------------------------------------------


@dataclass
class Table:
    """One sheet of an export: a header row and rows of typed values."""

    title: str
    header: list[str]
    rows: Iterable[list[Any]]
    widths: list[int] = field(default_factory=list)


class Month(date):
    """A month (its first day), written as 2026-03 in CSV and yyyy-mm in XLSX."""


def _export_scope(request: HttpRequest) -> ReportScope | HttpResponse:
    """The export's scope, or the response that refuses it (bad format or filters)."""
    _require_manager(request)
    form, query = _filters(request)
    if request.GET.get("format") not in FORMATS:
        return HttpResponse(
            _("Choose the format: csv or xlsx."), status=400, content_type="text/plain"
        )
    if not form.is_valid():  # the form page says what is wrong
        return redirect(f"{reverse('admin:programs_award_report')}?{query}")
    return form.scope()


def report_export_view(model_admin, request: HttpRequest) -> HttpResponse:
    scope = _export_scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    kind = request.GET["format"]
    tables = _report_tables(funding_report(scope))
    return _export(tables, kind, _filename("funding-report", scope, kind))


def ledger_export_view(model_admin, request: HttpRequest) -> HttpResponse:
    scope = _export_scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    kind = request.GET["format"]
    table = Table(
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
        rows=(_ledger_row(entry) for entry in ledger_entries(scope).iterator(chunk_size=2000)),
        widths=[8, 12, 30, 30, 8, 40, 16, 9, 20, 9, 24, 20, 40],
    )
    return _export([table], kind, _filename("funding-ledger", scope, kind), stream=True)


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


def _report_tables(report: dict[str, list[Row]]) -> list[Table]:
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


def _filename(stem: str, scope: ReportScope, kind: str) -> str:
    parts = [stem, scope.program.slug if scope.program else "all-programs"]
    if scope.date_from:
        parts.append(f"from-{scope.date_from.isoformat()}")
    if scope.date_to:
        parts.append(f"to-{scope.date_to.isoformat()}")
    return f"{'-'.join(parts)}.{kind}"


def _export(tables: list[Table], kind: str, filename: str, *, stream: bool = False):
    headers = {"Content-Disposition": content_disposition_header(True, filename)}
    if kind == "xlsx":
        return HttpResponse(_xlsx(tables), content_type=FORMATS[kind], headers=headers)
    if stream:  # the ledger can be long: rows go out as they are read
        return StreamingHttpResponse(
            _csv_lines(tables, titled=False), content_type=FORMATS[kind], headers=headers
        )
    return HttpResponse("".join(_csv_lines(tables)), content_type=FORMATS[kind], headers=headers)


class _Line:
    """A file-like sink for csv.writer that hands back each line."""

    def write(self, text: str) -> str:
        return text


def _csv_lines(tables: list[Table], *, titled: bool = True) -> Iterator[str]:
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


def _xlsx(tables: list[Table]) -> bytes:
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
