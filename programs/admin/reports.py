"""The funding report and its exports, as admin views for program managers.

The views check the role, read the filters and hand the selectors'
figures (`programs.reports`) to a template or to the file writers
(`programs.exports`); nothing is summed here. The HTML shows money
formatted for the viewer's language; the files carry plain numbers.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.money import format_money
from programs.exports import (
    FORMATS,
    MONEY,
    Table,
    csv_lines,
    export_filename,
    ledger_table,
    report_tables,
    xlsx_bytes,
)
from programs.forms import ReportFilterForm
from programs.milestones import reports_attention
from programs.reports import ReportScope, Row, currencies, funding_report, ledger_entries
from programs.rules import MANAGE_PROGRAMS


def _require_manager(request: HttpRequest) -> None:
    # 404, not 403: the report's existence is none of a reviewer's business.
    if not request.user.has_perm(MANAGE_PROGRAMS):
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
        context["reports_attention"] = reports_attention(program=scope.program)
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
    tables = report_tables(funding_report(scope))
    return _export(tables, kind, export_filename("funding-report", scope, kind))


def ledger_export_view(model_admin, request: HttpRequest) -> HttpResponse:
    scope = _export_scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    kind = request.GET["format"]
    table = ledger_table(ledger_entries(scope).iterator(chunk_size=2000))
    return _export([table], kind, export_filename("funding-ledger", scope, kind), stream=True)


def _export(
    tables: list[Table], kind: str, filename: str, *, stream: bool = False
) -> HttpResponse | StreamingHttpResponse:
    headers = {"Content-Disposition": content_disposition_header(True, filename)}
    if kind == "xlsx":
        return HttpResponse(xlsx_bytes(tables), content_type=FORMATS[kind], headers=headers)
    if stream:  # the ledger can be long: rows go out as they are read
        return StreamingHttpResponse(
            csv_lines(tables, titled=False), content_type=FORMATS[kind], headers=headers
        )
    return HttpResponse("".join(csv_lines(tables)), content_type=FORMATS[kind], headers=headers)
