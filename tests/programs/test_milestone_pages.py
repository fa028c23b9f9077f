"""Milestone reports on the founders' pages and in the admin: who sees what, what a POST does."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from programs.models import MilestoneReport, MilestoneReportStatus
from programs.services import milestones as services
from tests.factories import UserFactory, make_pdf, manager, reviewer
from tests.programs.test_milestones import _pay, _report, _submit, funded_award

pytestmark = pytest.mark.django_db
R = MilestoneReportStatus


def _url(report):
    return reverse("programs:report_detail", args=[report.pk])


def _form(answer="Our pilot is live.", **extra):
    return {
        "section_progress": answer,
        "revenue": "2500000.50",
        "users": "340",
        "jobs_created": "5",
        "investment_raised": "",
        **extra,
    }


# --- The founders' side --------------------------------------------------------


def test_team_sees_its_reports_on_the_application_page(client):
    award, _boss, owner = funded_award()
    client.force_login(owner)
    page = client.get(award.application.get_absolute_url())
    assert page.status_code == 200
    assert page.text.count('class="tranche-report"') == 2
    assert _url(_report(award)) in page.text


def test_report_page_is_the_teams_alone(client):
    award, boss, owner = funded_award()
    url = _url(_report(award))
    client.force_login(owner)
    assert client.get(url).status_code == 200
    for outsider in (UserFactory(), reviewer(), boss):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {**_form(), "submit": "1"}).status_code == 404
    assert _report(award).status == R.DRAFT
    client.logout()
    assert client.get(url)["Location"].startswith("/accounts/login/")


def test_team_saves_a_draft_then_submits_with_a_pdf(client):
    award, _boss, owner = funded_award()
    report = _report(award)
    client.force_login(owner)
    response = client.post(_url(report), _form(answer="First notes"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.answers, report.users) == (
        R.DRAFT,
        {"progress": "First notes"},
        340,
    )
    pdf = SimpleUploadedFile("pilot.pdf", make_pdf(pages=2), content_type="application/pdf")
    response = client.post(_url(report), {**_form(), "attachment": pdf, "submit": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == R.SUBMITTED
    assert report.revenue == Decimal("2500000.50")
    attachment = report.attachments.get()
    assert (attachment.name, attachment.pages) == ("pilot.pdf", 2)
    page = client.get(_url(report))
    assert 'id="report-form"' not in page.text  # read-only once submitted
    download = client.get(reverse("programs:report_attachment", args=[report.pk, attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    client.force_login(UserFactory())
    assert (
        client.get(
            reverse("programs:report_attachment", args=[report.pk, attachment.pk])
        ).status_code
        == 404
    )
    client.force_login(manager())
    assert (
        client.get(
            reverse("programs:report_attachment", args=[report.pk, attachment.pk])
        ).status_code
        == 200
    )


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_saved(client):
    award, _boss, owner = funded_award()
    report = _report(award)
    client.force_login(owner)
    fake = SimpleUploadedFile(
        "pilot.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )
    response = client.post(_url(report), {**_form(), "attachment": fake, "submit": "1"})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["attachment"]] == ["not_pdf"]
    report.refresh_from_db()
    assert (report.status, report.answers, report.attachments.count()) == (R.DRAFT, {}, 0)


def test_submit_with_a_missing_section_says_so_and_keeps_the_draft(client):
    award, _boss, owner = funded_award()
    report = _report(award)
    client.force_login(owner)
    response = client.post(_url(report), {**_form(answer=""), "submit": "1"}, follow=True)
    with translation.override(owner.preferred_language):
        said = gettext("Answer every section before submitting: %(sections)s.").split(":")[0]
    assert said != "Answer every section before submitting"  # the owner reads Russian
    assert said in response.text
    assert _report(award).status == R.DRAFT


def test_returned_report_shows_the_comments_and_can_be_resubmitted(client):
    award, boss, owner = funded_award()
    report = _submit(_report(award), owner)
    services.milestone_report_return(report=report, actor=boss, comments="Attach the pilot act.")
    client.force_login(owner)
    page = client.get(_url(report))
    assert 'id="report-comments"' in page.text
    assert "Attach the pilot act." in page.text
    assert 'id="report-form"' in page.text
    client.post(_url(report), {**_form(), "submit": "1"})
    assert _report(award).status == R.SUBMITTED


def test_team_removes_an_attachment_from_a_draft_only(client):
    award, _boss, owner = funded_award()
    report = _report(award)
    client.force_login(owner)
    pdf = SimpleUploadedFile("a.pdf", make_pdf(), content_type="application/pdf")
    client.post(_url(report), {**_form(), "attachment": pdf})
    attachment = report.attachments.get()
    remove = reverse("programs:report_attachment_remove", args=[report.pk, attachment.pk])
    client.force_login(UserFactory())
    assert client.post(remove).status_code == 404
    client.force_login(owner)
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert report.attachments.count() == 0


# --- The admin --------------------------------------------------------------


def test_manager_lists_filters_and_searches_reports(client):
    award, boss, owner = funded_award()
    _submit(_report(award), owner)
    client.force_login(boss)
    url = reverse("admin:programs_milestonereport_changelist")
    page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["cl"].result_list) == 2
    assert 'id="reports-attention"' in page.text
    submitted = client.get(url, {"status__exact": R.SUBMITTED})
    assert [r.pk for r in submitted.context["cl"].result_list] == [_report(award).pk]
    found = client.get(url, {"q": "Steppe"})
    assert len(found.context["cl"].result_list) == 2
    assert len(client.get(url, {"q": "Nobody"}).context["cl"].result_list) == 0
    overdue = client.get(url, {"overdue": "yes"})  # the due dates of 2026 are past
    assert [r.pk for r in overdue.context["cl"].result_list] == [_report(award, 3).pk]


def test_reviewers_and_founders_never_reach_the_report_admin(client):
    award, _boss, owner = funded_award()
    report = _report(award)
    client.force_login(reviewer())
    for name, args in (
        ("admin:programs_milestonereport_changelist", []),
        ("admin:programs_milestonereport_change", [report.pk]),
        ("admin:programs_milestonereport_figures", []),
    ):
        assert client.get(reverse(name, args=args)).status_code in (403, 404)


def test_manager_returns_then_approves_then_pays(client):
    award, boss, owner = funded_award()
    report = _submit(_report(award), owner, revenue=Decimal(100))
    client.force_login(boss)
    url = reverse("admin:programs_milestonereport_change", args=[report.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Pilot line running at the Karaganda plant." in page.text
    refused = client.post(url, {"decision": "return", "comments": ""})
    assert refused.status_code == 200
    assert "Say what the team should change." in refused.text
    assert _report(award).status == R.SUBMITTED
    assert client.post(url, {"decision": "return", "comments": "More, please"}).status_code == 302
    assert _report(award).status == R.RETURNED
    _submit(report, owner)
    assert client.post(url, {"decision": "approve"}).status_code == 302
    assert _report(award).status == R.APPROVED
    _pay(award.tranches.get(sequence=2), boss)


def test_manager_moves_the_due_date(client):
    award, boss, _owner = funded_award()
    report = _report(award)
    client.force_login(boss)
    url = reverse("admin:programs_milestonereport_change", args=[report.pk])
    assert client.post(url, {"due_date": "2026-06-15"}).status_code == 302
    assert _report(award).due_date == date(2026, 6, 15)


def test_figures_page_sums_per_program_with_chart_data(client):
    award, boss, owner = funded_award()
    report = _submit(_report(award), owner, revenue=Decimal("1234567"), users=42, jobs_created=3)
    services.milestone_report_approve(report=report, actor=boss)
    client.force_login(boss)
    page = client.get(reverse("admin:programs_milestonereport_figures"))
    assert page.status_code == 200
    row = page.context["rows"][0]
    assert (row["reports"], row["users"], row["jobs_created"]) == (1, 42, 3)
    data = json.loads(page.context["chart_data"] and json.dumps(page.context["chart_data"]))
    assert [c["canvas"] for c in data["charts"]] == ["chart-figures-money", "chart-figures-counts"]
    assert data["charts"][1]["series"][0]["data"] == [42.0]
    assert 'id="milestone-chart-data"' in page.text
    assert "<script>" not in page.text


def test_funding_report_and_program_page_flag_overdue_reports(client):
    award, boss, _owner = funded_award()
    client.force_login(boss)
    report_page = client.get(reverse("admin:programs_award_report"))
    assert 'id="milestone-reports-attention"' in report_page.text
    assert "2 overdue" in report_page.text
    program_page = client.get(reverse("admin:startups_program_change", args=[award.program.pk]))
    assert "2 overdue" in program_page.text


@pytest.mark.parametrize("rows", [1, 10])
def test_report_changelist_query_count(client, django_assert_max_num_queries, rows):
    boss = manager()
    for _ in range(rows):
        funded_award()
    client.force_login(boss)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("admin:programs_milestonereport_changelist"))
    assert len(page.context["cl"].result_list) == rows * 2


@pytest.mark.parametrize("attachments", [0, 4])
def test_report_pages_query_count(client, django_assert_max_num_queries, attachments):
    award, boss, owner = funded_award()
    report = _report(award)
    for n in range(attachments):
        services.milestone_report_save(
            report=report,
            actor=owner,
            answers={},
            figures={},
            attachments=[SimpleUploadedFile(f"{n}.pdf", make_pdf(), "application/pdf")],
        )
    _submit(report, owner)
    client.force_login(owner)
    with django_assert_max_num_queries(10):
        assert client.get(_url(report)).status_code == 200
    client.force_login(boss)
    url = reverse("admin:programs_milestonereport_change", args=[report.pk])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    assert MilestoneReport.objects.get(pk=report.pk).attachments.count() == attachments


def test_managers_define_the_report_sections_on_the_program_page(client):
    award, boss, _owner = funded_award()
    assert boss.has_perm("programs.add_reportsection")
    assert not reviewer().has_perm("programs.add_reportsection")
    client.force_login(boss)
    page = client.get(reverse("admin:startups_program_change", args=[award.program.pk]))
    assert 'id="report_sections-group"' in page.text


def test_absurd_figures_are_refused_on_the_form_not_by_a_server_error(client):
    award, _boss, owner = funded_award()
    report = _report(award)
    client.force_login(owner)
    response = client.post(
        _url(report), _form(users="99999999999999", revenue="-5", jobs_created="abc")
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"users", "revenue", "jobs_created"}
    assert _report(award).answers == {}


@pytest.mark.parametrize("programs", [1, 5])
def test_figures_page_query_count(client, django_assert_max_num_queries, programs):
    boss = manager()
    for _ in range(programs):
        award, _b, owner = funded_award()
        report = _submit(_report(award), owner, users=7)
        services.milestone_report_approve(report=report, actor=boss)
    client.force_login(boss)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("admin:programs_milestonereport_figures"))
    assert len(page.context["rows"]) == programs


def test_manager_start_page_lists_reports_overdue_due_and_to_review(client):
    from django.utils.http import urlencode

    from startups.enums import ProgramStatus

    award, boss, owner = funded_award()
    type(award.program).objects.filter(pk=award.program.pk).update(status=ProgramStatus.DECIDED)
    _submit(_report(award), owner)
    client.force_login(boss)
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    name = award.program.name
    assert f"{name}: milestone reports overdue" in page.text
    assert f"{name}: milestone reports to review" in page.text
    listed = (
        reverse("admin:programs_milestonereport_changelist")
        + "?"
        + urlencode({"overdue": "yes", "tranche__award__program__id__exact": award.program.pk})
    )
    assert listed.replace("&", "&amp;") in page.text
    overdue = client.get(listed)
    assert [r.pk for r in overdue.context["cl"].result_list] == [_report(award, 3).pk]


def test_public_results_page_sums_the_approved_reports(client):
    from startups.enums import ProgramStatus

    award, boss, owner = funded_award()
    type(award.program).objects.filter(pk=award.program.pk).update(status=ProgramStatus.DECIDED)
    url = reverse("programs:results", args=[award.program.slug])
    assert 'id="results-reported"' not in client.get(url).text
    report = _submit(_report(award), owner, users=4321, jobs_created=12)
    services.milestone_report_approve(report=report, actor=boss)
    page = client.get(url).text  # the approval ended the cached page
    reported = page.split('id="results-reported"')[1].split("</section>")[0]
    assert "4321" in reported.replace(",", "").replace("\xa0", "")
