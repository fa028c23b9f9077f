"""The milestone gate under real concurrent transactions on PostgreSQL.

Thirty payments of a tranche at once: none goes through while its report
is not approved, and exactly what the tranche allows once it is. An
approval racing the payments: no payment is recorded before the approval
committed, and the tranche is never overpaid.
"""

from decimal import Decimal

import pytest

from programs.models import Disbursement, MilestoneReport, MilestoneReportStatus
from programs.services import funding
from programs.services import milestones as services
from tests.programs.test_funding_concurrency import WORKERS, _together
from tests.programs.test_milestones import PAID_ON, funded_award

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PART = Decimal(100_000)  # a tenth of the tranche


def _payments(tranche, boss, count):
    return [
        lambda n=n: funding.disbursement_record(
            tranche=tranche, amount=PART, paid_on=PAID_ON, reference=f"P-{n}", actor=boss
        )
        for n in range(count)
    ]


def _setup():
    award, boss, owner = funded_award()
    report = MilestoneReport.objects.get(tranche__award=award, tranche__sequence=2)
    services.milestone_report_save(
        report=report, actor=owner, answers={"progress": "Done"}, figures={}, submit=True
    )
    return award, boss, report, award.tranches.get(sequence=2)


def test_thirty_payments_of_a_tranche_whose_report_is_not_approved_all_fail():
    _award, boss, report, second = _setup()
    outcomes = _together(_payments(second, boss, WORKERS))
    assert outcomes.count("ok") == 0
    assert all("cannot be paid yet" in outcome for outcome in outcomes)
    second.refresh_from_db()
    assert second.paid == 0
    assert Disbursement.objects.filter(tranche=second).count() == 0
    report.refresh_from_db()
    assert report.status == MilestoneReportStatus.SUBMITTED


def test_thirty_payments_once_approved_pay_exactly_the_tranche():
    award, boss, report, second = _setup()
    services.milestone_report_approve(report=report, actor=boss)
    outcomes = _together(_payments(second, boss, WORKERS))
    assert outcomes.count("ok") == 10
    second.refresh_from_db()
    assert second.paid == second.amount == Decimal(1_000_000)
    assert funding.award_balance(award) == Decimal(2_000_000)


def test_approval_racing_payments_never_lets_one_in_before_it_commits():
    award, boss, report, second = _setup()
    calls = [lambda: services.milestone_report_approve(report=report, actor=boss)]
    calls += _payments(second, boss, WORKERS - 1)
    outcomes = _together(calls)
    assert outcomes[0] == "ok"
    report.refresh_from_db()
    paid = list(Disbursement.objects.filter(tranche=second))
    assert outcomes[1:].count("ok") == len(paid) <= 10
    assert all(entry.recorded_at >= report.decided_at for entry in paid)
    second.refresh_from_db()
    assert second.paid == PART * len(paid)
    assert funding.award_balance(award) == Decimal(1_000_000) + second.paid
