"""Migration 0008 on a database with payments: reports for the tranches already there.

A tranche after the first that was already paid gets an approved report
(nothing left to hold back); an unpaid one a draft due on its planned date;
the ledger's trigger is back in place after the migration runs again.
"""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from programs.models import Disbursement, MilestoneReport, MilestoneReportStatus
from programs.services.milestones import milestone_report_approve
from tests.programs.test_milestones import PAID_ON, _pay, _report, _submit, funded_award

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    """Later tests (threads, committed tables) need every migration applied again."""
    yield
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())


def test_reports_for_existing_tranches_and_the_trigger_again():
    award, boss, owner = funded_award()
    milestone_report_approve(report=_submit(_report(award), owner), actor=boss)
    second, third = award.tranches.get(sequence=2), award.tranches.get(sequence=3)
    _pay(second, boss)

    _migrate([("programs", "0008_review_comment_for_team")])
    _migrate([("programs", "0009_milestone_reports")])

    rows = list(
        MilestoneReport.objects.filter(tranche__award=award)
        .order_by("tranche__sequence")
        .values_list("tranche__sequence", "status", "due_date")
    )
    assert rows == [
        (2, MilestoneReportStatus.APPROVED, second.planned_date),
        (3, MilestoneReportStatus.DRAFT, third.planned_date),
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.create(
            award=award,
            tranche=third,
            amount=Decimal(1),
            paid_on=PAID_ON,
            reference="RAW",
            recorded_by=boss,
        )
