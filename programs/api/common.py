"""Shapes and parameters shared by the program office's API modules."""

from datetime import date, datetime
from typing import Annotated

from django.db.models import Prefetch
from ninja import Field, Path, Schema

from portal.api.schemas import Money, money
from programs.models import Award, Disbursement, MilestoneReport, MilestoneReportStatus, Tranche

MAX_ID = 2_147_483_647
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Slug = Annotated[str, Path(pattern=r"^[-a-zA-Z0-9_]{1,80}$")]


class TrancheReportOut(Schema):
    """Where the milestone report that releases the tranche stands."""

    id: int = Field(description="the report's id (/manager/milestone-reports/{id})")
    status: MilestoneReportStatus
    due_date: date
    overdue: bool = Field(description="still the team's to write, and past its due date")


class TrancheOut(Schema):
    id: int
    sequence: int
    amount: Money
    paid: Money
    planned_date: date
    milestone: str
    report: TrancheReportOut | None = Field(
        description="the milestone report that must be approved before the tranche is paid "
        "(none for the first tranche)"
    )


class AwardOut(Schema):
    id: int
    application_id: int
    program: str
    startup: str
    amount: Money
    requested_amount: Money
    disbursed: Money
    status: str
    agreement_date: date
    tranches: list[TrancheOut]


class DisbursementOut(Schema):
    id: int = Field(description="the ledger entry's id: the feed's cursor")
    award_id: int
    application_id: int
    program: str
    startup: str
    tranche_id: int
    tranche_sequence: int
    amount: Money = Field(description="negative for a reversal")
    paid_on: date
    reference: str
    reverses_id: int | None
    note: str
    recorded_at: datetime
    recorded_by: str


def _tranche_report(tranche: Tranche) -> TrancheReportOut | None:
    try:
        report = tranche.report
    except MilestoneReport.DoesNotExist:
        return None
    return TrancheReportOut(
        id=report.pk, status=report.status, due_date=report.due_date, overdue=report.is_overdue
    )


def tranche_out(tranche: Tranche, currency: str) -> TrancheOut:
    """Needs `report` loaded (`TRANCHES`)."""
    return TrancheOut(
        id=tranche.pk,
        sequence=tranche.sequence,
        amount=_money(tranche.amount, currency),
        paid=_money(tranche.paid, currency),
        planned_date=tranche.planned_date,
        milestone=tranche.milestone,
        report=_tranche_report(tranche),
    )


def _money(amount, currency: str) -> Money:
    out = money(amount, currency)
    assert out is not None
    return out


# An award's tranches in order, each with its milestone report: one query per page.
TRANCHES = Prefetch(
    "tranches", queryset=Tranche.objects.select_related("report").order_by("sequence")
)


def award_out(award: Award) -> AwardOut:
    """Needs `application__startup`, `program` and `tranches` (`TRANCHES`) loaded."""
    return AwardOut(
        id=award.pk,
        application_id=award.application_id,
        program=award.program.slug,
        startup=award.application.startup.name,
        amount=money(award.amount, award.currency),
        requested_amount=money(award.requested_amount, award.currency),
        disbursed=money(award.disbursed, award.currency),
        status=award.status,
        agreement_date=award.agreement_date,
        tranches=[tranche_out(t, award.currency) for t in award.tranches.all()],
    )


AWARD_RELATED = ("application__startup", "program")


def disbursement_out(entry: Disbursement) -> DisbursementOut:
    """Needs `award__program`, `award__application__startup`, `tranche`, `recorded_by` loaded."""
    award = entry.award
    return DisbursementOut(
        id=entry.pk,
        award_id=entry.award_id,
        application_id=award.application_id,
        program=award.program.slug,
        startup=award.application.startup.name,
        tranche_id=entry.tranche_id,
        tranche_sequence=entry.tranche.sequence,
        amount=money(entry.amount, award.currency),
        paid_on=entry.paid_on,
        reference=entry.reference,
        reverses_id=entry.reverses_id,
        note=entry.note,
        recorded_at=entry.recorded_at,
        recorded_by=entry.recorded_by.get_full_name(),
    )


DISBURSEMENT_RELATED = (
    "award__program",
    "award__application__startup",
    "tranche",
    "recorded_by",
)
