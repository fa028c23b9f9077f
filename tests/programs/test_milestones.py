"""Milestone reports: the state machine, the payment gate (service and ledger), completion."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.exceptions import NotAllowed
from portal.models import AuditEntry, Notification, NotificationKind
from portal.transitions import TransitionRefused
from programs.milestones import program_reported_figures, reports_attention
from programs.models import (
    Award,
    Disbursement,
    MilestoneReport,
    MilestoneReportStatus,
    ReportSection,
    Tranche,
)
from programs.services import funding
from programs.services import milestones as services
from programs.tasks import remind_milestone_reports
from startups.enums import ApplicationStatus, MembershipRole
from startups.models import Membership
from tests.factories import (
    ApplicationFactory,
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
)

pytestmark = pytest.mark.django_db
R = MilestoneReportStatus
PAID_ON = date(2026, 11, 1)


def funded_award(*, tranches=3, owner=None, program=None, paid_first=True):
    """An award of 1,000,000 per tranche; the first tranche paid."""
    boss = manager()
    owner = owner or UserFactory(preferred_language="ru")
    program = program or ProgramFactory(closed=True, total_budget=Decimal("100000000"))
    amount = Decimal(1_000_000 * tranches)
    application = ApplicationFactory(
        program=program,
        status=ApplicationStatus.SELECTED,
        complete=True,
        requested_amount=amount,
        startup=StartupFactory(owner=owner, name="Steppe Robotics"),
    )
    award = funding.award_create(
        application=application, amount=amount, agreement_date=date(2026, 1, 5), actor=boss
    )
    funding.tranches_set(
        award=award,
        schedule=[
            {
                "amount": Decimal(1_000_000),
                "planned_date": date(2026, 2, 1) + timedelta(days=90 * n),
                "milestone": f"Milestone {n + 1}",
            }
            for n in range(tranches)
        ],
        actor=boss,
    )
    first = award.tranches.get(sequence=1)
    if paid_first:
        _pay(first, boss)
    award.refresh_from_db()
    return award, boss, owner


def _pay(tranche, boss, amount=None, reference=None):
    return funding.disbursement_record(
        tranche=tranche,
        amount=amount or tranche.amount,
        paid_on=PAID_ON,
        reference=reference or f"PP-{tranche.pk}",
        actor=boss,
    )


def _report(award, sequence=2):
    return MilestoneReport.objects.get(tranche__award=award, tranche__sequence=sequence)


def _submit(report, owner, **figures):
    return services.milestone_report_save(
        report=report,
        actor=owner,
        answers={"progress": "Pilot line running at the Karaganda plant."},
        figures=figures,
        submit=True,
    )


# --- Reports come with the schedule -----------------------------------------


def test_schedule_gives_every_tranche_after_the_first_a_draft_report_due_on_its_date():
    award, _boss, _owner = funded_award(paid_first=False)
    rows = list(
        MilestoneReport.objects.filter(tranche__award=award)
        .order_by("tranche__sequence")
        .values_list("tranche__sequence", "status", "due_date")
    )
    assert rows == [
        (2, R.DRAFT, date(2026, 5, 2)),
        (3, R.DRAFT, date(2026, 7, 31)),
    ]


# --- The state machine: draft -> submitted -> returned -> submitted -> approved ---


def test_report_goes_through_return_and_resubmission_with_history_and_mail():
    award, boss, owner = funded_award()
    report = _report(award)
    _submit(report, owner, revenue=Decimal("1500000"), users=120, jobs_created=4)
    services.milestone_report_return(report=report, actor=boss, comments="Add the pilot's figures.")
    report.refresh_from_db()
    assert report.status == R.RETURNED
    _submit(report, owner, revenue=Decimal("1500000"), users=150, jobs_created=4)
    services.milestone_report_approve(report=report, actor=boss)
    report.refresh_from_db()
    assert report.status == R.APPROVED
    assert list(report.changes.values_list("from_status", "to_status", "note")) == [
        (R.DRAFT, R.SUBMITTED, ""),
        (R.SUBMITTED, R.RETURNED, "Add the pilot's figures."),
        (R.RETURNED, R.SUBMITTED, ""),
        (R.SUBMITTED, R.APPROVED, ""),
    ]
    assert report.users == 150
    mails = Notification.objects.filter(recipient=owner).order_by("id")
    assert [(n.kind, n.language) for n in mails if n.kind.startswith("report_")] == [
        (NotificationKind.REPORT_RETURNED, "ru"),
        (NotificationKind.REPORT_APPROVED, "ru"),
    ]
    returned = mails.get(kind=NotificationKind.REPORT_RETURNED)
    assert returned.context["comments"] == "Add the pilot's figures."
    assert returned.context["path"] == f"/reports/{report.pk}/"
    assert AuditEntry.objects.filter(action="milestone_report.status").count() == 4


def test_return_needs_comments_and_changes_nothing_without_them():
    award, boss, owner = funded_award()
    report = _submit(_report(award), owner)
    with pytest.raises(services.ReportRefused):
        services.milestone_report_return(report=report, actor=boss, comments="   ")
    report.refresh_from_db()
    assert report.status == R.SUBMITTED
    assert not Notification.objects.filter(kind=NotificationKind.REPORT_RETURNED).exists()


def test_approved_is_final_and_a_draft_cannot_be_approved():
    award, boss, owner = funded_award()
    report = _report(award)
    with pytest.raises(TransitionRefused):
        services.milestone_report_approve(report=report, actor=boss)
    _submit(report, owner)
    services.milestone_report_approve(report=report, actor=boss)
    with pytest.raises(TransitionRefused):
        services.milestone_report_return(report=report, actor=boss, comments="Too late")
    assert _report(award).status == R.APPROVED


def test_submitted_report_is_read_only_for_the_team_and_others_never_write():
    award, boss, owner = funded_award()
    report = _report(award)
    stranger = UserFactory()
    with pytest.raises(NotAllowed):
        _submit(report, stranger)
    with pytest.raises(NotAllowed):
        _submit(report, boss)  # a manager reviews; the team writes
    _submit(report, owner)
    report.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.milestone_report_save(
            report=report, actor=owner, answers={"progress": "changed"}, figures={}
        )
    assert _report(award).answers == {"progress": "Pilot line running at the Karaganda plant."}
    cofounder = UserFactory()
    Membership.objects.create(
        startup=award.application.startup, user=cofounder, role=MembershipRole.MEMBER
    )
    assert cofounder.has_perm("programs.view_milestone_report", report)
    assert not cofounder.has_perm("programs.edit_milestone_report", report)
    assert not stranger.has_perm("programs.view_milestone_report", report)
    services.milestone_report_return(report=report, actor=boss, comments="More")
    report.refresh_from_db()
    assert cofounder.has_perm("programs.edit_milestone_report", report)
    assert not stranger.has_perm("programs.edit_milestone_report", report)
    assert not boss.has_perm("programs.edit_milestone_report", report)


def test_managers_cannot_be_team_writers_nor_founders_reviewers():
    award, _boss, owner = funded_award()
    report = _submit(_report(award), owner)
    with pytest.raises(NotAllowed):
        services.milestone_report_approve(report=report, actor=owner)
    with pytest.raises(NotAllowed):
        services.milestone_report_return(report=report, actor=owner, comments="self-review")


def test_submit_needs_every_section_the_program_defines():
    program = ProgramFactory(closed=True, total_budget=Decimal("100000000"))
    market = ReportSection.objects.create(program=program, position=1, title="Market")
    product = ReportSection.objects.create(program=program, position=2, title="Product")
    award, _boss, owner = funded_award(program=program)
    report = _report(award)
    with pytest.raises(services.ReportRefused) as info:
        services.milestone_report_save(
            report=report,
            actor=owner,
            answers={str(market.pk): "Two buyers"},
            figures={},
            submit=True,
        )
    assert "Product" in info.value.messages[0]
    assert _report(award).status == R.DRAFT
    services.milestone_report_save(
        report=report,
        actor=owner,
        answers={str(market.pk): "Two buyers", str(product.pk): "v2", "stray": "ignored"},
        figures={},
        submit=True,
    )
    assert _report(award).answers == {str(market.pk): "Two buyers", str(product.pk): "v2"}


def test_control_characters_in_an_answer_are_refused():
    award, _boss, owner = funded_award()
    with pytest.raises(services.ReportRefused):
        services.milestone_report_save(
            report=_report(award), actor=owner, answers={"progress": "bad\x00text"}, figures={}
        )


# --- The payment gate: the service and the ledger itself ------------------------


def test_next_tranche_is_refused_until_its_report_is_approved():
    award, boss, owner = funded_award()
    second = award.tranches.get(sequence=2)
    report = _report(award)
    for step in ("draft", "submitted", "returned", "resubmitted"):
        if step == "submitted" or step == "resubmitted":
            _submit(report, owner)
        elif step == "returned":
            services.milestone_report_return(report=report, actor=boss, comments="More detail")
        with pytest.raises(services.ReportRefused) as info:
            _pay(second, boss)
        assert "Tranche 2 cannot be paid yet" in info.value.messages[0]
        assert Disbursement.objects.filter(tranche=second).count() == 0
    services.milestone_report_approve(report=report, actor=boss)
    _pay(second, boss)
    second.refresh_from_db()
    assert second.paid == Decimal(1_000_000)


def test_ledger_refuses_a_payment_past_the_service_when_the_report_is_not_approved():
    award, boss, _owner = funded_award()
    second = award.tranches.get(sequence=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.create(
            award=award,
            tranche=second,
            amount=Decimal(1),
            paid_on=PAID_ON,
            reference="RAW",
            recorded_by=boss,
        )
    assert Disbursement.objects.filter(tranche=second).count() == 0


def test_ledger_accepts_reversals_and_the_first_tranche_without_a_report():
    award, boss, _owner = funded_award()
    first = award.tranches.get(sequence=1)
    payment = Disbursement.objects.get(tranche=first)
    funding.disbursement_reverse(disbursement=payment, actor=boss, note="Bounced")
    _pay(first, boss, reference="PP-again")  # a new payment after the bounce
    first.refresh_from_db()
    assert first.paid == Decimal(1_000_000)


# --- Completion -------------------------------------------------------------


def test_last_tranche_paid_with_its_report_approved_completes_the_application():
    award, boss, owner = funded_award(tranches=2)
    report = _report(award)
    _submit(report, owner)
    services.milestone_report_approve(report=report, actor=boss)
    award.application.refresh_from_db()
    assert award.application.status == ApplicationStatus.FUNDED
    payment = _pay(award.tranches.get(sequence=2), boss)
    award.refresh_from_db()
    award.application.refresh_from_db()
    assert (award.status, award.application.status) == ("completed", ApplicationStatus.COMPLETED)
    funding.disbursement_reverse(disbursement=payment, actor=boss, note="Returned by the bank")
    award.application.refresh_from_db()
    assert award.application.status == ApplicationStatus.FUNDED


def test_a_fully_paid_award_completes_when_its_last_report_is_approved():
    """A schedule paid in full before its report was approved (data from before reports)."""
    award, boss, owner = funded_award(tranches=2)
    report = _report(award)
    # As the data migration leaves such a tranche: paid, its report still open.
    MilestoneReport.objects.filter(pk=report.pk).update(status=R.APPROVED)
    _pay(award.tranches.get(sequence=2), boss)
    MilestoneReport.objects.filter(pk=report.pk).update(status=R.SUBMITTED)
    Award.objects.filter(pk=award.pk).update(status="active")
    type(award.application).objects.filter(pk=award.application_id).update(
        status=ApplicationStatus.FUNDED
    )
    services.milestone_report_approve(report=report, actor=boss)
    award.application.refresh_from_db()
    assert award.application.status == ApplicationStatus.COMPLETED


def test_public_program_page_lists_completed_projects(client):
    award, boss, owner = funded_award(tranches=2)
    report = _submit(_report(award), owner)
    services.milestone_report_approve(report=report, actor=boss)
    page = client.get(award.program.get_absolute_url())
    assert "Steppe Robotics" not in page.text
    _pay(award.tranches.get(sequence=2), boss)
    page = client.get(award.program.get_absolute_url())
    assert 'id="completed-projects"' in page.text
    assert "Steppe Robotics" in page.text


# --- Figures, attention, reminders ---------------------------------------------


def test_reported_figures_sum_approved_reports_only():
    program = ProgramFactory(closed=True, total_budget=Decimal("100000000"))
    assert program_reported_figures(program) == {
        "currency": "KZT",
        "reports": 0,
        "teams": 0,
        "revenue": Decimal("0.00"),
        "users": 0,
        "jobs_created": 0,
        "investment_raised": Decimal("0.00"),
    }
    one, boss, owner_one = funded_award(program=program)
    two, _boss, owner_two = funded_award(program=program)
    for award, owner, revenue in ((one, owner_one, "100.50"), (two, owner_two, "200")):
        report = _submit(_report(award), owner, revenue=Decimal(revenue), users=10, jobs_created=2)
        services.milestone_report_approve(report=report, actor=boss)
    _submit(_report(one, 3), owner_one, revenue=Decimal("999999"), users=999)  # not approved
    assert program_reported_figures(program) == {
        "currency": "KZT",
        "reports": 2,
        "teams": 2,
        "revenue": Decimal("300.50"),
        "users": 20,
        "jobs_created": 4,
        "investment_raised": Decimal("0.00"),
    }


def test_attention_counts_overdue_due_and_waiting():
    award, _boss, owner = funded_award()
    today = date(2026, 5, 1)
    assert reports_attention(program=award.program, today=today) == {
        "overdue": 0,
        "due": 1,  # milestone 2, due 2 May
        "waiting": 0,
    }
    assert reports_attention(today=date(2026, 8, 5)) == {"overdue": 2, "due": 0, "waiting": 0}
    _submit(_report(award), owner)
    assert reports_attention(today=date(2026, 8, 5)) == {"overdue": 1, "due": 0, "waiting": 1}


def test_reminders_before_due_and_when_overdue_each_once(monkeypatch):
    award, boss, owner = funded_award()
    second, third = _report(award, 2), _report(award, 3)
    today = second.due_date - timedelta(days=3)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today)
    assert remind_milestone_reports() == 1
    assert remind_milestone_reports() == 0  # once
    today = second.due_date + timedelta(days=1)
    assert remind_milestone_reports() == 1  # overdue now
    assert remind_milestone_reports() == 0
    _submit(second, owner)
    today = third.due_date + timedelta(days=1)
    assert remind_milestone_reports() == 1  # the third (overdue); the submitted second: none
    kinds = list(
        Notification.objects.filter(kind__startswith="report_")
        .order_by("id")
        .values_list("kind", "event_key", "language")
    )
    assert kinds == [
        (NotificationKind.REPORT_DUE, f"milestone-report:{second.pk}:due:2026-05-02", "ru"),
        (NotificationKind.REPORT_OVERDUE, f"milestone-report:{second.pk}:overdue:2026-05-02", "ru"),
        (NotificationKind.REPORT_OVERDUE, f"milestone-report:{third.pk}:overdue:2026-07-31", "ru"),
    ]


def test_moving_the_due_date_is_audited_and_earns_a_fresh_reminder(monkeypatch):
    award, boss, _owner = funded_award()
    report = _report(award)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 5, 1))
    assert remind_milestone_reports() == 1
    services.milestone_report_set_due(report=report, due_date=date(2026, 5, 6), actor=boss)
    assert remind_milestone_reports() == 1
    entry = AuditEntry.objects.get(action="milestone_report.due")
    assert (entry.before, entry.after) == ({"due_date": "2026-05-02"}, {"due_date": "2026-05-06"})


def test_tranche_schedule_replaced_before_payment_replaces_the_reports():
    award, boss, _owner = funded_award(paid_first=False)
    funding.tranches_set(
        award=award,
        schedule=[
            {"amount": Decimal(1_500_000), "planned_date": date(2026, 2, 1), "milestone": "A"},
            {"amount": Decimal(1_500_000), "planned_date": date(2026, 9, 1), "milestone": "B"},
        ],
        actor=boss,
    )
    assert list(
        MilestoneReport.objects.filter(tranche__award=award).values_list(
            "tranche__milestone", "due_date"
        )
    ) == [("B", date(2026, 9, 1))]
    assert Tranche.objects.filter(award=award).count() == 2
