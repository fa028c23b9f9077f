"""Hostile input on milestone reports (the team's report, the manager's return):
no 500, nothing invalid stored, the refusal said in words."""

import pytest
from hypothesis import example, given

from portal.exceptions import DomainError
from programs.milestone_forms import MilestoneReportForm, ReportDecisionForm
from programs.models import MilestoneReport, MilestoneReportStatus
from programs.services import milestones as services
from tests.hostile import FEW, clean_multiline, finite_money, hostile_amount, hostile_text
from tests.programs.test_milestones import _report, _submit, funded_award

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_world(db):
    award, boss, owner = funded_award(paid_first=False)
    return _report(award), boss, owner


@FEW
@given(progress=hostile_text, revenue=hostile_amount, users=hostile_amount)
@example(progress="Pilot\x1b[31m done\x07", revenue="1000", users="12")
@example(progress="Pilot", revenue="1e999", users="-1")
@example(progress="NUL\x00 byte", revenue="NaN", users="12")
def test_report_form_and_service_store_only_clean_text_and_figures(
    report_world, progress, revenue, users
):
    report, _boss, owner = report_world
    form = MilestoneReportForm(
        data={"section_progress": progress, "revenue": revenue, "users": users}, report=report
    )
    try:
        if form.is_valid():
            services.milestone_report_save(
                report=report, actor=owner, answers=form.answers(), figures=form.figures()
            )
    except DomainError as refused:
        assert refused.messages and all(str(m) for m in refused.messages)
    stored = MilestoneReport.objects.get(pk=report.pk)
    assert all(clean_multiline(text) for text in (stored.answers or {}).values())
    assert stored.revenue is None or (finite_money(stored.revenue) and stored.revenue >= 0)
    assert stored.users is None or stored.users >= 0
    assert stored.status == MilestoneReportStatus.DRAFT


@FEW
@given(comments=hostile_text)
@example(comments="Please add the figures\x1b[0m\x0c")
def test_a_return_stores_only_clean_comments(report_world, comments):
    report, boss, owner = report_world
    report = MilestoneReport.objects.get(pk=report.pk)  # examples share the database
    if report.status != MilestoneReportStatus.SUBMITTED:
        report = _submit(report, owner)
    form = ReportDecisionForm(data={"decision": ReportDecisionForm.RETURN, "comments": comments})
    assert form.is_valid() or set(form.errors) <= {"comments"}
    if form.is_valid():
        try:
            services.milestone_report_return(
                report=report, actor=boss, comments=form.cleaned_data["comments"]
            )
        except DomainError as refused:
            assert refused.messages
            assert (
                MilestoneReport.objects.get(pk=report.pk).status == MilestoneReportStatus.SUBMITTED
            )
            return
        returned = MilestoneReport.objects.get(pk=report.pk)
        assert returned.status == MilestoneReportStatus.RETURNED
        assert all(clean_multiline(change.note) for change in returned.changes.all())
