"""A milestone report in a real browser: submitted, returned, resubmitted, approved, paid.

The team writes its report on the second milestone and submits it; the
program manager returns it with comments in the admin; the team reads them,
changes the report and submits again; the manager approves it and records
the second tranche's payment, which completes the project.

Written to be extended: `milestone_journey` runs the whole story and returns
what it touched (the pages, the award, the program), so a later test can
continue from there, e.g. to check the public pages show the completed project.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from programs.models import Award, MilestoneReport, MilestoneReportStatus
from programs.services import funding
from startups.enums import ApplicationStatus
from tests.browser.test_admin_flow import _admin_login
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    ProgramFactory,
    StartupFactory,
    UserFactory,
    make_pdf,
    manager,
)

pytestmark = pytest.mark.browser
STARTUP = "Aral Water Labs"


@dataclass
class Journey:
    award: Award
    report: MilestoneReport
    team: Page
    office: Page


def _funded_award(owner, boss) -> Award:
    """Two tranches of 5,000,000 KZT; the first paid at signing."""
    program = ProgramFactory(
        name="Water Tech 2026", slug="water-tech-2026", closed=True, total_budget=Decimal(10**9)
    )
    application = ApplicationFactory(
        program=program,
        status=ApplicationStatus.SELECTED,
        complete=True,
        requested_amount=Decimal(10_000_000),
        startup=StartupFactory(owner=owner, name=STARTUP),
    )
    award = funding.award_create(
        application=application,
        amount=Decimal(10_000_000),
        agreement_date=date(2026, 1, 10),
        actor=boss,
    )
    first, _second = funding.tranches_set(
        award=award,
        schedule=[
            {"amount": Decimal(5_000_000), "planned_date": date(2026, 1, 15), "milestone": "Start"},
            {
                "amount": Decimal(5_000_000),
                "planned_date": date(2026, 6, 1),
                "milestone": "Pilot plant running",
            },
        ],
        actor=boss,
    )
    funding.disbursement_record(
        tranche=first, amount=first.amount, paid_on=date(2026, 1, 16), reference="PP-1", actor=boss
    )
    return award


def _team_login(context, user) -> Page:
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="My dashboard")).to_be_visible()
    return page


def _team_writes_and_submits(page: Page, award: Award, tmp_path, text: str) -> None:
    page.goto(award.application.get_absolute_url())
    page.locator("#funding a.tranche-report").click()
    expect(page.locator("h1")).to_contain_text("Pilot plant running")
    page.fill("#id_section_progress", text)
    page.fill("#id_revenue", "1800000")
    page.fill("#id_users", "420")
    page.fill("#id_jobs_created", "6")
    deck = tmp_path / "pilot-act.pdf"
    deck.write_bytes(make_pdf(pages=2))
    page.set_input_files("#id_attachment", str(deck))
    page.get_by_role("button", name="Save and submit").click()
    expect(page.locator(".alert-success")).to_contain_text("submitted to the program office")
    expect(page.locator("#report-status")).to_have_text("Submitted")


def _office_decides(page: Page, report: MilestoneReport, decision: str, comments="") -> None:
    page.goto(f"/admin/programs/milestonereport/{report.pk}/change/")
    expect(page.locator("#report-status")).to_have_text("Submitted")
    page.locator(f'input[name="decision"][value="{decision}"]').check()
    if comments:
        page.fill("#id_comments", comments)
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator("ul.messagelist li.success")).to_be_visible()


def _office_records_payment(page: Page, award: Award, reference: str) -> None:
    page.goto("/admin/programs/disbursement/add/")
    # The tranche field is the admin's autocomplete (select2): type, then pick.
    choice = f"{STARTUP} · #2 Pilot plant running"
    page.locator("#id_tranche ~ .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(STARTUP)
    option = page.locator(".select2-results__option", has_text=choice)
    expect(option).to_have_count(1)
    option.click()
    page.fill("#id_amount", "5000000")
    page.fill("#id_reference", reference)
    page.get_by_role("button", name="Save").first.click()


def milestone_journey(new_context, tmp_path) -> Journey:
    owner = UserFactory(email="founder@aral-water.kz", preferred_language="en")
    boss = manager(email="manager@water-office.kz")
    award = _funded_award(owner, boss)
    report = MilestoneReport.objects.get(tranche__award=award)
    team = _team_login(new_context(), owner)
    office = _admin_login(new_context(), boss)

    # 1. The team submits its report on the second milestone.
    _team_writes_and_submits(team, award, tmp_path, "The pilot plant runs at half capacity.")

    # 2. The manager returns it with comments; the team reads them.
    _office_decides(office, report, "return", "Give the plant's output per month, please.")
    team.reload()
    expect(team.locator("#report-status")).to_have_text("Returned for changes")
    expect(team.locator("#report-comments")).to_contain_text("output per month")

    # 3. The team changes it and submits again.
    _team_writes_and_submits(
        team, award, tmp_path, "The pilot plant runs at full capacity: 40 m³ a day in May."
    )

    # 4. Before approval the tranche cannot be paid; the manager approves, then pays.
    _office_records_payment(office, award, "PP-2-EARLY")
    expect(office.locator(".errorlist").first).to_contain_text("cannot be paid yet")
    _office_decides(office, report, "approve")
    _office_records_payment(office, award, "PP-2")
    expect(office.locator("ul.messagelist li.success")).to_contain_text("Payment recorded.")

    team.goto(award.application.get_absolute_url())
    expect(team.locator("#application-status")).to_have_text("Completed")
    expect(team.locator("#funding a.tranche-report")).to_have_text("Approved")
    # 5. The manager's view: the list, and the figures summed with their charts.
    office.goto("/admin/programs/milestonereport/")
    expect(office.locator("#reports-attention")).to_contain_text("0 reports overdue")
    office.goto("/admin/programs/milestonereport/figures/")
    expect(office.locator("#figures-table")).to_contain_text("Water Tech 2026")
    expect(office.locator("#figures-table")).to_contain_text("420")
    drawn = "document.getElementById('chart-figures-counts').width > 0 && !!window.Chart"
    office.wait_for_function(drawn)
    # (The results page's checks continue from here: the project is completed.)
    report.refresh_from_db()
    award.refresh_from_db()
    return Journey(award=award, report=report, team=team, office=office)


def test_milestone_report_returned_resubmitted_approved_then_paid(new_context, tmp_path):
    journey = milestone_journey(new_context, tmp_path)
    assert journey.report.status == MilestoneReportStatus.APPROVED
    assert list(journey.report.changes.values_list("to_status", flat=True)) == [
        MilestoneReportStatus.SUBMITTED,
        MilestoneReportStatus.RETURNED,
        MilestoneReportStatus.SUBMITTED,
        MilestoneReportStatus.APPROVED,
    ]
    assert journey.award.disbursed == journey.award.amount
    assert journey.award.application.status == ApplicationStatus.COMPLETED
    for page in (journey.team, journey.office):
        assert page.context.problems == [], page.context.problems
