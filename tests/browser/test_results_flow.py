"""A visitor opens a decided program's results from its page, in a real browser.

The consenting team is named with its pitch; the declining one is only "a
startup in <sector>"; the charts draw from the page's JSON with no inline
script (the Content-Security-Policy would refuse one).
"""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from programs.services import funding
from startups.enums import ApplicationStatus, ProgramStatus
from tests.factories import ApplicationFactory, ProgramFactory, StartupFactory, manager

pytestmark = pytest.mark.browser


def _selected(program, name, sector, consent, pitch):
    return ApplicationFactory(
        program=program,
        status=ApplicationStatus.SELECTED,
        complete=True,
        startup=StartupFactory(name=name, sector=sector, region="astana"),
        publish_consent=consent,
        one_line_pitch=pitch,
    )


def test_visitor_reads_the_results_of_a_decided_program(
    new_context, settings, tmp_path, screenshot_dir
):
    settings.MEDIA_ROOT = tmp_path / "media"
    boss = manager()
    program = ProgramFactory(
        name="Startup Kazakhstan 2025",
        slug="startup-kazakhstan-2025",
        closed=True,
        status=ProgramStatus.DECIDED,
    )
    named = _selected(program, "Aurora Agro", "agritech", True, "Cold storage for small farms")
    _selected(program, "Hidden Ledger Ltd", "fintech", False, "HIDDEN-PITCH")
    award = funding.award_create(
        application=named, amount=Decimal("5000000"), agreement_date=date(2026, 1, 5), actor=boss
    )
    (tranche,) = funding.tranches_set(
        award=award,
        schedule=[
            {"amount": Decimal("5000000"), "planned_date": date(2026, 2, 1), "milestone": "M"}
        ],
        actor=boss,
    )
    funding.disbursement_record(
        tranche=tranche,
        amount=Decimal("2000000"),
        paid_on=date(2026, 2, 2),
        reference="P-1",
        actor=boss,
    )

    context = new_context()
    page = context.new_page()
    page.goto(program.get_absolute_url())
    page.locator("#results-link").click()
    expect(page).to_have_url(f"{page.url.split('/programs/')[0]}/programs/{program.slug}/results/")
    projects = page.locator("#results-projects")
    expect(projects).to_contain_text("Aurora Agro")
    expect(projects).to_contain_text("Cold storage for small farms")
    expect(projects.locator(".results-unnamed")).to_have_text("a startup in Fintech")
    body = page.locator("body").inner_text()
    assert "Hidden Ledger Ltd" not in body and "HIDDEN-PITCH" not in body
    # The charts were drawn by the static script from the JSON data block.
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('results-chart-sector'))"
    )
    labels = page.evaluate(
        "() => Chart.getChart(document.getElementById('results-chart-sector')).data.labels"
    )
    page.screenshot(path=screenshot_dir / "public-results.png", full_page=True)
    assert sorted(labels) == ["Agritech", "Fintech"]
    with page.expect_download() as download:
        page.locator("#results-csv-link").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert "Aurora Agro" in text and "Hidden Ledger Ltd" not in text
    assert context.problems == []
