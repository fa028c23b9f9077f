"""The funding report, its exports and the ledger export, against hand-computed sums.

The data (built through the funding services, as the admin does):

KZT program "Alpha", budget 100,000,000
- S1 Astana, fintech: award 12,000,000 agreed 2025-02-10; tranches 6M + 6M;
  paid 6,000,000 on 2025-03-05 (P-1) and 2,500,000 on 2025-06-10 (P-2).
- S2 Turkistan, agritech: award 8,000,000 agreed 2025-03-20; one tranche;
  paid 3,000,000 on 2025-04-15 (P-3), 3,000,000 on 2025-04-20 (P-4),
  then P-3 reversed (-3,000,000, dated the day of the reversal: today).
- S3 Astana, agritech: selected, no award.  S4: submitted only.
USD program "Beta", budget 500,000
- U1 no region (Uzbekistan), AI: award 75,000.50 agreed 2025-03-15;
  tranches 40,000.50 + 35,000.00; paid 40,000.50 on 2025-04-02 (U-1).
"""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from portal.money import format_money
from programs.models import Disbursement
from programs.reports import ReportScope, funding_report
from programs.services.funding import (
    award_create,
    disbursement_record,
    disbursement_reverse,
    tranches_set,
)
from programs.services.selection import application_decide
from startups.enums import Region, Sector
from startups.models import Program
from tests.factories import (
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    milestone_reports_approved,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db

D = Decimal
REPORT = "admin:programs_award_report"
REPORT_EXPORT = "admin:programs_award_report_export"
LEDGER_EXPORT = "admin:programs_award_ledger_export"


@dataclass
class Funding:
    boss: object
    kzt: Program
    usd: Program
    p1: Disbursement
    p3: Disbursement
    reversal: Disbursement


def _awarded(program, boss, *, startup, requested, amount, agreed, schedule):
    application = submitted_application(program, startup=startup, requested_amount=requested)
    application_decide(
        application=application,
        decision="selected",
        actor=boss,
        exception_reason="Decided before review (test).",
    )
    award = award_create(application=application, amount=amount, agreement_date=agreed, actor=boss)
    tranches = tranches_set(
        award=award,
        schedule=[
            {"amount": a, "planned_date": planned, "milestone": milestone}
            for a, planned, milestone in schedule
        ],
        actor=boss,
    )
    milestone_reports_approved(award, actor=boss)  # so later tranches may be paid
    return award, tranches


def _pay(tranche, amount, paid_on, reference, boss):
    return disbursement_record(
        tranche=tranche, amount=amount, paid_on=paid_on, reference=reference, actor=boss
    )


@pytest.fixture
def funding() -> Funding:
    boss = manager(full_name="Aigerim Manager")
    kzt = ProgramFactory(name="Alpha", slug="alpha", total_budget=D("100000000"))
    usd = ProgramFactory(
        name="Beta",
        slug="beta",
        currency="USD",
        total_budget=D("500000"),
        max_amount_per_project=D("100000"),
    )
    _, (t11, t12) = _awarded(
        kzt,
        boss,
        startup=StartupFactory(name="Sun Pay", region="astana", sector="fintech"),
        requested=D("15000000"),
        amount=D("12000000"),
        agreed=date(2025, 2, 10),
        schedule=[
            (D("6000000"), date(2025, 3, 1), "MVP"),
            (D("6000000"), date(2025, 6, 1), "Pilot"),
        ],
    )
    p1 = _pay(t11, D("6000000"), date(2025, 3, 5), "P-1", boss)
    _pay(t12, D("2500000"), date(2025, 6, 10), "P-2", boss)
    _, (t21,) = _awarded(
        kzt,
        boss,
        startup=StartupFactory(name="Алма Агро", region="turkistan", sector="agritech"),
        requested=D("9000000"),
        amount=D("8000000"),
        agreed=date(2025, 3, 20),
        schedule=[(D("8000000"), date(2025, 4, 1), "Launch")],
    )
    p3 = _pay(t21, D("3000000"), date(2025, 4, 15), "P-3", boss)
    _pay(t21, D("3000000"), date(2025, 4, 20), "P-4", boss)
    reversal = disbursement_reverse(disbursement=p3, actor=boss, note="Wrong account")
    s3 = submitted_application(
        kzt, startup=StartupFactory(region="astana", sector="agritech"), requested_amount=D("1")
    )
    application_decide(
        application=s3,
        decision="selected",
        actor=boss,
        exception_reason="Decided before review (test).",
    )
    submitted_application(kzt, startup=StartupFactory(region="astana", sector="edtech"))
    _, (u1, _u2) = _awarded(
        usd,
        boss,
        startup=StartupFactory(name="=SUM(1,2)", country="UZ", region="", sector="ai"),
        requested=D("80000"),
        amount=D("75000.50"),
        agreed=date(2025, 3, 15),
        schedule=[
            (D("40000.50"), date(2025, 4, 1), "Prototype"),
            (D("35000.00"), date(2025, 9, 1), "Customers"),
        ],
    )
    _pay(u1, D("40000.50"), date(2025, 4, 2), "U-1", boss)
    return Funding(boss=boss, kzt=kzt, usd=usd, p1=p1, p3=p3, reversal=reversal)


def _figures(row, *names):
    return tuple(row[name] for name in names)


MONEY = ("budget", "committed", "disbursed", "remaining", "undisbursed")


# --- The figures --------------------------------------------------------------


def test_report_per_program_and_per_currency_equal_the_hand_sums(funding):
    report = funding_report(ReportScope())

    by_name = {row["name"]: row for row in report["programs"]}
    assert _figures(by_name["Alpha"], "currency", *MONEY, "selected", "funded") == (
        "KZT",
        D("100000000"),
        D("20000000"),
        D("11500000"),
        D("80000000"),
        D("8500000"),
        3,
        2,
    )
    assert _figures(by_name["Beta"], "currency", *MONEY, "selected", "funded") == (
        "USD",
        D("500000"),
        D("75000.50"),
        D("40000.50"),
        D("424999.50"),
        D("35000.00"),
        1,
        1,
    )
    # One total per currency, never one sum of tenge and dollars.
    assert [_figures(r, "currency", "programs", *MONEY) for r in report["totals"]] == [
        ("KZT", 1, D("100000000"), D("20000000"), D("11500000"), D("80000000"), D("8500000")),
        ("USD", 1, D("500000"), D("75000.50"), D("40000.50"), D("424999.50"), D("35000.00")),
    ]


def test_report_committed_equals_the_programs_stored_total(funding):
    report = funding_report(ReportScope())

    stored = dict(Program.objects.values_list("name", "committed"))
    assert {row["name"]: row["committed"] for row in report["programs"]} == stored


def test_report_by_region_and_sector_split_by_currency(funding):
    report = funding_report(ReportScope())

    assert [
        _figures(r, "key", "currency", "committed", "disbursed", "selected", "funded")
        for r in report["by_region"]
    ] == [
        ("astana", "KZT", D("12000000"), D("8500000"), 2, 1),
        ("turkistan", "KZT", D("8000000"), D("3000000"), 1, 1),
        ("", "USD", D("75000.50"), D("40000.50"), 1, 1),
    ]
    assert [
        _figures(r, "key", "currency", "committed", "disbursed", "selected", "funded")
        for r in report["by_sector"]
    ] == [
        ("fintech", "KZT", D("12000000"), D("8500000"), 1, 1),
        ("agritech", "KZT", D("8000000"), D("3000000"), 2, 1),
        ("ai", "USD", D("75000.50"), D("40000.50"), 1, 1),
    ]
    assert [r["label"] for r in report["by_region"]] == [
        "Astana (city)",
        "Turkistan Region",
        "Not given",
    ]


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def test_report_by_month_with_cumulative_series(funding):
    report = funding_report(ReportScope())
    today = funding.reversal.paid_on
    this_month = today.replace(day=1)

    kzt = {r["month"]: r for r in report["by_month"] if r["currency"] == "KZT"}
    usd = {r["month"]: r for r in report["by_month"] if r["currency"] == "USD"}
    # Every month from the first movement to the reversal, gaps included.
    assert len(kzt) == _months_between(date(2025, 2, 1), today)
    columns = ("committed", "disbursed", "committed_cumulative", "disbursed_cumulative")
    assert _figures(kzt[date(2025, 2, 1)], *columns) == (D("12000000"), 0, D("12000000"), 0)
    assert _figures(kzt[date(2025, 3, 1)], *columns) == (
        D("8000000"),
        D("6000000"),
        D("20000000"),
        D("6000000"),
    )
    assert _figures(kzt[date(2025, 4, 1)], *columns) == (
        0,
        D("6000000"),
        D("20000000"),
        D("12000000"),
    )
    assert _figures(kzt[date(2025, 5, 1)], *columns) == (0, 0, D("20000000"), D("12000000"))
    assert _figures(kzt[date(2025, 6, 1)], *columns) == (
        0,
        D("2500000"),
        D("20000000"),
        D("14500000"),
    )
    assert _figures(kzt[this_month], *columns) == (
        0,
        D("-3000000"),
        D("20000000"),
        D("11500000"),
    )
    assert [_figures(usd[m], *columns) for m in sorted(usd)] == [
        (D("75000.50"), 0, D("75000.50"), 0),
        (0, D("40000.50"), D("75000.50"), D("40000.50")),
    ]


def test_report_date_range_filters_awards_by_agreement_and_ledger_by_payment(funding):
    scope = ReportScope(date_from=date(2025, 3, 1), date_to=date(2025, 4, 30))
    report = funding_report(scope)

    # Alpha: only S2's award (03-20); payments P-1, P-3, P-4 (the reversal is today).
    by_name = {row["name"]: row for row in report["programs"]}
    assert _figures(by_name["Alpha"], *MONEY, "selected", "funded") == (
        D("100000000"),
        D("8000000"),
        D("12000000"),
        D("92000000"),
        D("-4000000"),
        3,
        1,
    )
    assert _figures(by_name["Beta"], "committed", "disbursed", "funded") == (
        D("75000.50"),
        D("40000.50"),
        1,
    )
    assert [
        (r["currency"], r["month"], r["committed"], r["disbursed"]) for r in report["by_month"]
    ] == [
        ("KZT", date(2025, 3, 1), D("8000000"), D("6000000")),
        ("KZT", date(2025, 4, 1), 0, D("6000000")),
        ("USD", date(2025, 3, 1), D("75000.50"), 0),
        ("USD", date(2025, 4, 1), 0, D("40000.50")),
    ]


def test_report_program_filter_keeps_one_program_and_its_currency(funding):
    report = funding_report(ReportScope(program=funding.usd))

    assert [row["name"] for row in report["programs"]] == ["Beta"]
    assert [row["currency"] for row in report["totals"]] == ["USD"]
    assert {row["currency"] for row in report["by_region"] + report["by_month"]} == {"USD"}


def test_report_with_no_money_yet_is_all_zero():
    ProgramFactory(total_budget=D("1000"), max_amount_per_project=D("10"))

    report = funding_report(ReportScope())

    assert _figures(report["totals"][0], *MONEY) == (D("1000"), 0, 0, D("1000"), 0)
    assert report["by_region"] == report["by_sector"] == report["by_month"] == []


# --- The page -----------------------------------------------------------------


def test_report_page_shows_money_in_the_viewers_language(client, funding):
    viewer = manager(preferred_language="ru")
    client.force_login(viewer)

    response = client.get(reverse(REPORT))

    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("ru"):
        assert format_money(D("11500000"), "KZT") in html
        assert format_money(D("424999.50"), "USD") in html
        assert str(Region.ASTANA.label) in html
        assert str(Sector.AGRITECH.label) in html
    assert "Астана (город)" in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert 'id="funding-chart-data"' in html
    charts = {c["canvas"]: c for c in response.context["chart_data"]["charts"]}
    assert set(charts) == {
        f"chart-{kind}-{currency}"
        for kind in ("month", "region", "sector")
        for currency in ("KZT", "USD")
    }
    assert charts["chart-region-KZT"]["series"][1]["data"] == [8500000.0, 3000000.0]
    assert charts["chart-month-USD"]["series"][0]["data"] == [75000.5, 75000.5]
    for canvas in charts:
        assert f'id="{canvas}"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "2025-13-40"}, "Enter a valid date."),
        ({"date_to": "yesterday"}, "Enter a valid date."),
        ({"program": "999999"}, "Select a valid choice"),
        ({"date_from": "2025-05-01", "date_to": "2025-04-01"}, "The start date is after"),
    ],
)
def test_report_page_bad_filters_show_a_form_error(client, funding, query, message):
    client.force_login(funding.boss)

    response = client.get(reverse(REPORT), query)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "programs" not in response.context


def test_report_export_with_bad_filters_goes_back_to_the_form(client, funding):
    client.force_login(funding.boss)

    response = client.get(reverse(REPORT_EXPORT), {"format": "csv", "date_to": "2025-02-30"})

    assert response.status_code == 302
    assert response.url == reverse(REPORT) + "?date_to=2025-02-30"


def test_report_export_unknown_format_is_refused(client, funding):
    client.force_login(funding.boss)

    assert client.get(reverse(REPORT_EXPORT), {"format": "pdf"}).status_code == 400
    assert client.get(reverse(LEDGER_EXPORT)).status_code == 400


@pytest.mark.parametrize("name", [REPORT, REPORT_EXPORT, LEDGER_EXPORT])
def test_report_views_are_hidden_from_reviewers_and_other_staff(client, funding, name):
    for user in (reviewer(), UserFactory(is_staff=True)):
        client.force_login(user)
        assert client.get(reverse(name), {"format": "csv"}).status_code == 404


@pytest.mark.parametrize("name", [REPORT, REPORT_EXPORT, LEDGER_EXPORT])
def test_report_views_send_founders_to_the_admin_login(client, funding, name):
    client.force_login(UserFactory())

    response = client.get(reverse(name), {"format": "csv"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- Exports ------------------------------------------------------------------


def _xlsx(response):
    return load_workbook(io.BytesIO(response.content))


def _values(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _dec(value):
    """A number read back from a file, as the exact Decimal it stands for."""
    return D(str(value)) if value is not None else None


def test_report_export_xlsx_has_the_sheets_and_numeric_cells(client, funding):
    client.force_login(funding.boss)

    response = client.get(reverse(REPORT_EXPORT), {"format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == (
        'attachment; filename="funding-report-all-programs.xlsx"'
    )
    book = _xlsx(response)
    assert book.sheetnames == ["Summary", "By region", "By sector", "By month"]
    summary = _values(book["Summary"])
    assert summary[0] == [
        "Program",
        "Currency",
        "Budget",
        "Committed",
        "Disbursed",
        "Remaining",
        "Undisbursed",
        "Selected",
        "Funded",
    ]
    rows = {row[0]: [row[1], *map(_dec, row[2:7]), row[7], row[8]] for row in summary[1:]}
    assert rows["Alpha"] == [
        "KZT",
        D("100000000"),
        D("20000000"),
        D("11500000"),
        D("80000000"),
        D("8500000"),
        3,
        2,
    ]
    assert rows["All programs (USD)"] == [
        "USD",
        D("500000"),
        D("75000.50"),
        D("40000.50"),
        D("424999.50"),
        D("35000.00"),
        1,
        1,
    ]
    assert len(rows) == 4  # two programs, two currency totals
    money_cell = book["Summary"]["D2"]
    assert money_cell.data_type == "n" and money_cell.number_format == "#,##0.00"
    regions = _values(book["By region"])
    assert regions[0] == ["Region", "Currency", "Committed", "Disbursed", "Selected", "Funded"]
    assert [[r[0], r[1], _dec(r[2]), _dec(r[3]), r[4], r[5]] for r in regions[1:]] == [
        ["Astana (city)", "KZT", D("12000000"), D("8500000"), 2, 1],
        ["Turkistan Region", "KZT", D("8000000"), D("3000000"), 1, 1],
        ["Not given", "USD", D("75000.50"), D("40000.50"), 1, 1],
    ]
    sectors = _values(book["By sector"])
    assert [r[0] for r in sectors[1:]] == [
        "Fintech",
        "Agritech",
        "Artificial intelligence and data",
    ]
    months = _values(book["By month"])
    assert months[0][:2] == ["Month", "Currency"]
    usd = [r for r in months[1:] if r[1] == "USD"]
    assert [(r[0].date(), *map(_dec, r[2:])) for r in usd] == [
        (date(2025, 3, 1), D("75000.50"), D("0"), D("75000.50"), D("0")),
        (date(2025, 4, 1), D("0"), D("40000.50"), D("75000.50"), D("40000.50")),
    ]
    assert book["By month"]["A2"].number_format == "yyyy-mm"


def _csv_sections(response) -> dict[str, list[list[str]]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    sections, current = {}, None
    for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"))):
        if not row:
            current = None
        elif current is None:
            current = sections.setdefault(row[0], [])
        else:
            current.append(row)
    return sections


def test_report_export_csv_has_plain_numbers_and_the_currency_column(client, funding):
    client.force_login(funding.boss)

    response = client.get(
        reverse(REPORT_EXPORT),
        {"format": "csv", "program": funding.kzt.pk, "date_from": "2025-03-01"},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="funding-report-alpha-from-2025-03-01.csv"'
    )
    sections = _csv_sections(response)
    assert list(sections) == ["Summary", "By region", "By sector", "By month"]

    def row(name):
        money = ["100000000.00", "8000000.00", "11500000.00", "92000000.00", "-3500000.00"]
        return [name, "KZT", *money, "3", "1"]

    # From March: S2's award only; P-1, P-2, P-3, P-4 and the reversal.
    assert sections["Summary"] == [
        [
            "Program",
            "Currency",
            "Budget",
            "Committed",
            "Disbursed",
            "Remaining",
            "Undisbursed",
            "Selected",
            "Funded",
        ],
        row("Alpha"),
        row("All programs (KZT)"),
    ]
    assert sections["By region"][1:] == [
        ["Turkistan Region", "KZT", "8000000.00", "3000000.00", "1", "1"],
        ["Astana (city)", "KZT", "0.00", "8500000.00", "2", "0"],
    ]
    assert sections["By month"][1][:4] == ["2025-03", "KZT", "8000000.00", "6000000.00"]


def test_report_export_csv_in_russian_keeps_cyrillic(client, funding):
    client.force_login(manager(preferred_language="ru"))

    response = client.get(reverse(REPORT_EXPORT), {"format": "csv"})

    sections = _csv_sections(response)
    assert sections["By region"][1][:2] == ["Астана (город)", "KZT"]


LEDGER_HEADER = [
    "ID",
    "Date",
    "Program",
    "Startup",
    "Tranche",
    "Milestone",
    "Amount",
    "Currency",
    "Payment reference",
    "Reverses",
    "Recorded by",
    "Recorded at",
    "Note",
]


def test_ledger_export_xlsx_lists_every_entry_with_reversals(client, funding):
    client.force_login(funding.boss)

    response = client.get(reverse(LEDGER_EXPORT), {"format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="funding-ledger-all-programs.xlsx"'
    )
    book = _xlsx(response)
    assert book.sheetnames == ["Ledger"]
    rows = _values(book["Ledger"])
    assert rows[0] == LEDGER_HEADER
    entries = rows[1:]
    assert [(r[1].date(), r[8], _dec(r[6]), r[7]) for r in entries] == [
        (date(2025, 3, 5), "P-1", D("6000000"), "KZT"),
        (date(2025, 4, 2), "U-1", D("40000.50"), "USD"),
        (date(2025, 4, 15), "P-3", D("3000000"), "KZT"),
        (date(2025, 4, 20), "P-4", D("3000000"), "KZT"),
        (date(2025, 6, 10), "P-2", D("2500000"), "KZT"),
        (funding.reversal.paid_on, "P-3", D("-3000000"), "KZT"),
    ]
    for currency, disbursed in (("KZT", D("11500000")), ("USD", D("40000.50"))):
        assert sum(_dec(r[6]) for r in entries if r[7] == currency) == disbursed
    first, reversal = entries[0], entries[-1]
    assert first[:6] == [funding.p1.pk, first[1], "Alpha", "Sun Pay", 1, "MVP"]
    assert first[9] is None and first[10] == "Aigerim Manager"
    assert reversal[0] == funding.reversal.pk and reversal[9] == funding.p3.pk
    assert reversal[12] == "Wrong account"
    assert reversal[11].replace(microsecond=0) == timezone.localtime(
        funding.reversal.recorded_at
    ).replace(tzinfo=None, microsecond=0)
    # A startup named like a formula stays text, never a formula.
    formula = book["Ledger"]["D3"]
    assert formula.value == "=SUM(1,2)" and formula.data_type == "s"
    assert book["Ledger"]["G2"].number_format == "#,##0.00"


def test_ledger_export_csv_is_filtered_like_the_report(client, funding):
    client.force_login(funding.boss)

    response = client.get(
        reverse(LEDGER_EXPORT),
        {"format": "csv", "date_from": "2025-04-01", "date_to": "2025-04-30"},
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="funding-ledger-all-programs-from-2025-04-01-to-2025-04-30.csv"'
    )
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == LEDGER_HEADER
    assert [(r[1], r[3], r[6], r[7], r[8], r[9]) for r in rows[1:]] == [
        ("2025-04-02", "'=SUM(1,2)", "40000.50", "USD", "U-1", ""),
        ("2025-04-15", "Алма Агро", "3000000.00", "KZT", "P-3", ""),
        ("2025-04-20", "Алма Агро", "3000000.00", "KZT", "P-4", ""),
    ]


def test_ledger_export_csv_names_the_reversed_entry(client, funding):
    client.force_login(funding.boss)

    response = client.get(reverse(LEDGER_EXPORT), {"format": "csv", "program": funding.kzt.pk})

    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == 5
    reversal = rows[-1]
    assert reversal["Amount"] == "-3000000.00"
    assert reversal["Reverses"] == str(funding.p3.pk)
    assert reversal["Date"] == funding.reversal.paid_on.isoformat()
    assert sum(D(r["Amount"]) for r in rows) == D("11500000")


# --- Query counts ---------------------------------------------------------------


def _more_awards(program, boss, count):
    regions, sectors = list(Region.values), list(Sector.values)
    for number in range(count):
        _, (tranche,) = _awarded(
            program,
            boss,
            startup=StartupFactory(
                region=regions[number % len(regions)], sector=sectors[number % len(sectors)]
            ),
            requested=D("1000000"),
            amount=D("1000000"),
            agreed=date(2024, 1 + number % 12, 5),
            schedule=[(D("1000000"), date(2024, 12, 1), "All")],
        )
        _pay(tranche, D("400000"), date(2024, 1 + number % 12, 20), f"M-{number}", boss)


REQUESTS = [
    (REPORT, {}),
    (REPORT_EXPORT, {"format": "xlsx"}),
    (REPORT_EXPORT, {"format": "csv"}),
    (LEDGER_EXPORT, {"format": "xlsx"}),
    (LEDGER_EXPORT, {"format": "csv"}),
]
CEILING = 24  # 5 for the session, user and permissions; 16 for the figures; 1 the form


def _fetch(client, name, query):
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize(("name", "query"), REQUESTS)
def test_report_query_count_does_not_grow_with_rows(
    client, funding, django_assert_max_num_queries, name, query
):
    client.force_login(funding.boss)
    with django_assert_max_num_queries(CEILING):
        _fetch(client, name, query)

    _more_awards(funding.kzt, funding.boss, 24)
    with django_assert_max_num_queries(CEILING):
        _fetch(client, name, query)
