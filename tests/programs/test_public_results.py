"""The public results page of a decided program: consent, figures, open data, cache."""

import csv
import io
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from portal.money import format_money
from programs import public_results
from programs.models import Award, Disbursement
from programs.services import funding
from startups.enums import ApplicationStatus, ProgramStatus, Region
from startups.models import Application, Program
from startups.workflow import application_transition
from tests.factories import ApplicationFactory, ProgramFactory, StartupFactory, manager

pytestmark = pytest.mark.django_db

# Everything of the declining team's own: none of it may leave the portal.
DECLINER = ["Quietfin Secret Ltd", "QUIETFIN-PITCH-MARKER"]
REJECTED = ["Rejected Consenting Co", "REJECTED-PITCH-MARKER"]


def _selected(program, *, name, sector, region="astana", country="KZ", consent, pitch):
    return ApplicationFactory(
        program=program,
        status=ApplicationStatus.SELECTED,
        complete=True,
        startup=StartupFactory(name=name, sector=sector, region=region, country=country),
        publish_consent=consent,
        one_line_pitch=pitch,
    )


def _award(application, boss, amount, payments=()):
    award = funding.award_create(
        application=application,
        amount=Decimal(amount),
        agreement_date=date(2026, 1, 10),
        actor=boss,
    )
    (tranche,) = funding.tranches_set(
        award=award,
        schedule=[{"amount": Decimal(amount), "planned_date": date(2026, 2, 1), "milestone": "M"}],
        actor=boss,
    )
    entries = [
        funding.disbursement_record(
            tranche=tranche,
            amount=Decimal(paid),
            paid_on=date(2026, 2, 2),
            reference=f"R-{application.pk}-{n}",
            actor=boss,
        )
        for n, paid in enumerate(payments)
    ]
    return award, tranche, entries


@pytest.fixture
def decided():
    boss = manager()
    program = ProgramFactory(
        name="Steppe Results", slug="steppe-results", closed=True, status=ProgramStatus.DECIDED
    )
    aurora = _selected(
        program,
        name="Aurora Agro",
        sector="agritech",
        region="almaty-city",
        consent=True,
        pitch="Cold storage for small farms",
    )
    quiet = _selected(
        program,
        name=DECLINER[0],
        sector="fintech",
        region="astana",
        consent=False,
        pitch=DECLINER[1],
    )
    tashkent = _selected(
        program,
        name="Tashkent Health",
        sector="healthtech",
        region="",
        country="UZ",
        consent=True,
        pitch='=HYPERLINK("http://evil")',
    )
    ApplicationFactory(
        program=program,
        status=ApplicationStatus.REJECTED,
        startup=StartupFactory(name=REJECTED[0], sector="edtech"),
        publish_consent=True,
        one_line_pitch=REJECTED[1],
    )
    _award(aurora, boss, "5000000", ["2000000"])
    _, _, paid = _award(quiet, boss, "3000000", ["1000000", "500000"])
    funding.disbursement_reverse(disbursement=paid[1], actor=boss, note="Wrong account.")
    return {"program": program, "boss": boss, "aurora": aurora, "quiet": quiet, "uz": tashkent}


def _page(client, program, language="en"):
    response = client.get(
        reverse("programs:results", args=[program.slug]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return response.content.decode()


def _csv(client, program, language="en"):
    response = client.get(
        reverse("programs:results_csv", args=[program.slug]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response.content.decode("utf-8")


def _sections(text: str) -> dict[str, list[dict[str, str]]]:
    """The CSV's titled sections, each as a list of rows keyed by its header."""
    sections: dict[str, list[dict[str, str]]] = {}
    lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    index = 0
    while index < len(lines):
        if not lines[index]:
            index += 1
            continue
        title, header = lines[index][0], lines[index + 1]
        rows = []
        index += 2
        while index < len(lines) and lines[index]:
            rows.append(dict(zip(header, lines[index], strict=True)))
            index += 1
        sections[title] = rows
    return sections


# --- Consent ------------------------------------------------------------------


def test_page_names_a_consenting_team_and_not_a_declining_one(client, decided):
    page = _page(client, decided["program"])
    assert "Aurora Agro" in page
    assert "Cold storage for small farms" in page
    assert "Almaty (city)" in page
    assert "Tashkent Health" in page and "Uzbekistan" in page
    assert "a startup in Fintech" in page
    assert [m for m in DECLINER + REJECTED if m in page] == []


def test_csv_names_a_consenting_team_and_not_a_declining_one(client, decided):
    text = _csv(client, decided["program"])
    assert text.startswith("\ufeff")
    assert [m for m in DECLINER + REJECTED if m in text] == []
    projects = _sections(text)["Projects"]
    assert projects == [
        {
            "startup": "Aurora Agro",
            "sector": "Agritech",
            "region": "Almaty (city)",
            "pitch": "Cold storage for small farms",
        },
        {
            "startup": "Tashkent Health",
            "sector": "Healthtech",
            "region": "Uzbekistan",
            # Formula-like text stays text in a spreadsheet.
            "pitch": '\'=HYPERLINK("http://evil")',
        },
        {"startup": "a startup in Fintech", "sector": "Fintech", "region": "", "pitch": ""},
    ]


def test_cached_copy_holds_nothing_of_a_declining_team(client, decided):
    program = decided["program"]
    _page(client, program)
    _csv(client, program)
    key = f"programs:public:en:results:{program.slug}"
    kept = cache.get(key)
    assert kept is not None, "the results were not kept in the cache"
    text = repr(kept)
    assert "Aurora Agro" in text
    assert [m for m in DECLINER + REJECTED if m in text] == []


def test_a_declining_team_is_not_placed_among_the_named_ones(decided):
    """Named projects by name, then the unnamed: a place in the list says nothing."""
    projects = public_results.selected_projects(decided["program"])
    assert [(p.name, p.sector) for p in projects] == [
        ("Aurora Agro", "Agritech"),
        ("Tashkent Health", "Healthtech"),
        ("", "Fintech"),
    ]


# --- The figures equal the ledger ---------------------------------------------


def _expected_from_ledger(program):
    """Per region and sector code, summed in Python row by row (not by the code under test)."""
    expected = defaultdict(
        lambda: {"selected": 0, "funded": 0, "awarded": Decimal(0), "disbursed": Decimal(0)}
    )

    def keys(startup):
        return [("region", startup.region or startup.country), ("sector", startup.sector)]

    for application in Application.objects.filter(program=program).select_related("startup"):
        if application.status in (
            ApplicationStatus.SELECTED,
            ApplicationStatus.FUNDED,
            ApplicationStatus.COMPLETED,
        ):
            for key in keys(application.startup):
                expected[key]["selected"] += 1
    for award in Award.objects.filter(program=program).select_related("application__startup"):
        for key in keys(award.application.startup):
            expected[key]["funded"] += 1
            expected[key]["awarded"] += award.amount
    for entry in Disbursement.objects.filter(award__program=program).select_related(
        "award__application__startup"
    ):
        for key in keys(entry.award.application.startup):
            expected[key]["disbursed"] += entry.amount
    return dict(expected)


def test_csv_figures_equal_the_ledger(client, decided):
    program = decided["program"]
    expected = _expected_from_ledger(program)
    rows = _sections(_csv(client, program))["Figures"]
    found = {
        (row["dimension"], row["code"]): {
            "selected": int(row["selected"]),
            "funded": int(row["funded"]),
            "awarded": Decimal(row["awarded"]),
            "disbursed": Decimal(row["disbursed"]),
        }
        for row in rows
        if row["dimension"] != "total"
    }
    assert found == expected
    assert {row["currency"] for row in rows} == {"KZT"}
    (total,) = [row for row in rows if row["dimension"] == "total"]
    assert (total["selected"], total["awarded"], total["disbursed"]) == (
        "3",
        "8000000.00",
        "3000000.00",
    )
    # The reversal counts: 1,000,000 + 500,000 − 500,000 paid to the Fintech team.
    assert expected[("sector", "fintech")]["disbursed"] == Decimal("1000000")


def test_page_figures_equal_the_ledger(client, decided):
    program = decided["program"]
    page = _page(client, program)
    expected = _expected_from_ledger(program)
    for (dimension, code), figures in expected.items():
        section = page.split(f'id="results-by-{dimension}"')[1].split("</section>")[0]
        row = re.search(rf'<tr data-code="{code}">(.*?)</tr>', section, re.DOTALL).group(1)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        assert cells[1:] == [
            str(figures["selected"]),
            format_money(figures["awarded"], "KZT"),
            format_money(figures["disbursed"], "KZT"),
        ], (dimension, code)
    total = page.split('id="results-awarded"')[1].split("</div>")[0]
    assert format_money(Decimal("8000000"), "KZT") in total


def test_chart_data_is_a_json_script_with_the_same_figures(client, decided):
    page = _page(client, decided["program"])
    assert '<script id="results-chart-data" type="application/json">' in page
    assert "results-charts.js" in page and "chart.umd.min.js" in page
    assert not re.search(r"<script(?![^>]*(?:src=|application/json))[^>]*>", page)


# --- Cache: per language, forgotten on a payment or a decision -----------------


def test_second_visit_reads_no_row(client, decided, django_assert_num_queries):
    program = decided["program"]
    first = _page(client, program)
    with django_assert_num_queries(0):
        second = _page(client, program)
    assert second.split("<main")[1] == first.split("<main")[1]


def test_each_language_has_its_own_copy(client, decided):
    program = decided["program"]
    english = _page(client, program, "en")
    russian = _page(client, program, "ru")
    with translation.override("ru"):
        almaty_ru = str(dict(Region.choices)["almaty-city"])
    assert almaty_ru != "Almaty (city)"
    assert "Almaty (city)" in english and almaty_ru not in english
    assert almaty_ru in russian and "Almaty (city)" not in russian
    assert "Almaty (city)" in _page(client, program, "en")


def test_new_disbursement_is_shown_at_once(client, decided):
    program = decided["program"]
    assert format_money(Decimal("3000000"), "KZT") in _page(client, program)
    award = Award.objects.get(application=decided["aurora"])
    funding.disbursement_record(
        tranche=award.tranches.get(),
        amount=Decimal("1234567"),
        paid_on=date(2026, 3, 1),
        reference="NEW-PAYMENT",
        actor=decided["boss"],
    )
    page = _page(client, program)
    disbursed = page.split('id="results-disbursed"')[1].split("</div>")[0]
    assert format_money(Decimal("4234567"), "KZT") in disbursed
    assert "4234567.00" in _csv(client, program)


def test_a_new_selection_is_shown_at_once(client, decided, django_capture_on_commit_callbacks):
    program = decided["program"]
    late = ApplicationFactory(
        program=program,
        status=ApplicationStatus.WAITLISTED,
        complete=True,
        startup=StartupFactory(name="Late Bloom", sector="edtech"),
        publish_consent=True,
        one_line_pitch="Tutors on demand",
    )
    assert "Late Bloom" not in _page(client, program)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(
            application=late, to=ApplicationStatus.SELECTED, actor=decided["boss"]
        )
    assert "Late Bloom" in _page(client, program)


# --- Where the page exists --------------------------------------------------------


@pytest.mark.parametrize("status", [ProgramStatus.OPEN, ProgramStatus.REVIEWING])
def test_no_results_before_the_decision(client, status):
    program = ProgramFactory(status=status)
    for name in ("programs:results", "programs:results_csv"):
        assert client.get(reverse(name, args=[program.slug])).status_code == 404


def test_no_results_for_an_unknown_program(client):
    assert client.get(reverse("programs:results", args=["no-such"])).status_code == 404


def test_program_page_links_its_results_once_decided(client, decided):
    link = reverse("programs:results", args=[decided["program"].slug])
    assert link in client.get(decided["program"].get_absolute_url()).content.decode()
    open_program = ProgramFactory()
    page = client.get(open_program.get_absolute_url()).content.decode()
    assert 'id="results-link"' not in page


# --- Reported outcomes: the hook ------------------------------------------------


def test_reported_outcomes_shown_once_there_are_figures(client, decided, monkeypatch):
    program = decided["program"]
    assert 'id="results-reported"' not in _page(client, program)
    assert "Reported outcomes" not in _csv(client, program)
    cache.clear()
    figures = {
        "currency": "KZT",
        "reports": 3,
        "teams": 2,
        "revenue": Decimal("1500000.00"),
        "users": 420,
        "jobs_created": 7,
        "investment_raised": Decimal("0.00"),
    }
    monkeypatch.setattr(
        "programs.views.reported_figures", lambda p: public_results.reported_rows(figures)
    )
    page = _page(client, program)
    reported = page.split('id="results-reported"')[1].split("</section>")[0]
    assert "Jobs created" in reported and format_money(Decimal("1500000"), "KZT") in reported
    assert _sections(_csv(client, program))["Reported outcomes"] == [
        {"figure": "teams", "label": "Teams that reported", "value": "2", "currency": ""},
        {
            "figure": "revenue",
            "label": "Revenue reported",
            "value": "1500000.00",
            "currency": "KZT",
        },
        {"figure": "users", "label": "Users reported", "value": "420", "currency": ""},
        {"figure": "jobs_created", "label": "Jobs created", "value": "7", "currency": ""},
        {
            "figure": "investment_raised",
            "label": "Investment raised",
            "value": "0.00",
            "currency": "KZT",
        },
    ]


def test_no_reported_outcomes_before_the_first_approved_report():
    assert public_results.reported_rows({"currency": "KZT", "reports": 0, "teams": 0}) == []


# --- Query count -----------------------------------------------------------------


def _queries_of_a_cold_page(client, program, django_assert_max_num_queries):
    cache.clear()
    with django_assert_max_num_queries(RESULTS_CEILING):
        _page(client, program)


# One of them sums the teams' reported figures (`program_reported_figures`).
RESULTS_CEILING = 9


def test_results_page_queries_do_not_grow_with_projects(client, django_assert_max_num_queries):
    boss = manager()
    program = ProgramFactory(closed=True, status=ProgramStatus.DECIDED)
    few = [
        _selected(program, name=f"Few {n}", sector="fintech", consent=True, pitch="P")
        for n in range(2)
    ]
    for application in few:
        _award(application, boss, "1000000", ["1000"])
    _queries_of_a_cold_page(client, program, django_assert_max_num_queries)
    sectors = ["agritech", "edtech", "healthtech", "ai", "greentech"]
    regions = ["astana", "shymkent", "abai", "aktobe", "atyrau"]
    for n in range(15):
        application = _selected(
            program,
            name=f"Many {n}",
            sector=sectors[n % 5],
            region=regions[n % 5],
            consent=n % 2 == 0,
            pitch="P",
        )
        _award(application, boss, "1000000", ["1000", "2000"])
    _queries_of_a_cold_page(client, program, django_assert_max_num_queries)


# --- The demo ----------------------------------------------------------------------


def test_demo_decided_program_mixes_consents_and_shares_comments(client):
    from django.core.management import call_command

    call_command("seed_demo", "--if-empty", "--cohort", "12")
    past = Program.objects.get(slug="startup-kazakhstan-2025")
    assert past.status == ProgramStatus.DECIDED
    assert (past.share_review_comments, past.share_review_scores) == (True, False)
    selected = Application.objects.filter(
        program=past,
        status__in=[
            ApplicationStatus.SELECTED,
            ApplicationStatus.FUNDED,
            ApplicationStatus.COMPLETED,
        ],
    )
    assert set(selected.values_list("publish_consent", flat=True)) == {True, False}
    page = _page(client, past)
    assert "a startup in" in page
    hidden = selected.filter(publish_consent=False).select_related("startup")
    assert [a.startup.name for a in hidden if a.startup.name in page] == []
    # The founder's own funded team reads its reviewers' comments.
    founder = Application.objects.get(program=past, startup__name="Qazaq Agro Cold")
    client.force_login(founder.startup.memberships.get(role="owner").user)
    assert 'id="feedback"' in client.get(founder.get_absolute_url()).content.decode()
