"""The demo's funded program has milestone reports in every state, a few overdue."""

import pytest
from django.core.management import call_command

from programs.milestones import program_reported_figures, reports_attention
from programs.models import Disbursement, MilestoneReport, MilestoneReportStatus
from startups.enums import ApplicationStatus
from startups.models import Program

pytestmark = pytest.mark.django_db


def test_seed_demo_reports_in_every_state_and_payments_only_after_approval():
    call_command("seed_demo", "--if-empty", "--cohort", "12")
    past = Program.objects.get(slug="startup-kazakhstan-2025")
    reports = MilestoneReport.objects.filter(tranche__award__program=past)
    assert set(reports.values_list("status", flat=True)) == set(MilestoneReportStatus)
    assert reports_attention(program=past)["overdue"] >= 2
    paid_later = Disbursement.objects.filter(
        award__program=past, tranche__sequence__gt=1, amount__gt=0
    )
    assert paid_later.exists()
    assert not paid_later.exclude(tranche__report__status=MilestoneReportStatus.APPROVED).exists()
    assert (
        program_reported_figures(past)["reports"]
        == reports.filter(status=MilestoneReportStatus.APPROVED).count()
    )
    assert past.applications.filter(status=ApplicationStatus.COMPLETED).exists()
