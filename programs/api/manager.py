"""Managers: applications with their scores, decisions, awards, tranches, payments,
and the funding report's figures. Writes go through the same services as the
admin (the cap and budget under the program's row lock, the ledger's limits
under the award's), each audit entry naming the token."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from portal.api.auth import MANAGER_READ, MANAGER_WRITE, acting
from portal.api.errors import ERRORS
from portal.api.schemas import AmountIn, Money, money
from programs.api.common import (
    AWARD_RELATED,
    DISBURSEMENT_RELATED,
    MAX_ID,
    TRANCHES,
    AwardOut,
    DisbursementOut,
    Id,
    Slug,
    award_out,
    disbursement_out,
)
from programs.models import ApplicationScore, Award, Disbursement, Tranche
from programs.reports import ReportScope, funding_report
from programs.services import funding, selection
from startups.enums import ApplicationStatus
from startups.models import TEXT_SECTIONS, Application, Program

router = Router(tags=["manager"])


class ScoreOut(Schema):
    reviews: int = Field(description="submitted reviews")
    raw: float | None = Field(description="mean of the reviews' totals, 0–100")
    normalised: float | None = Field(description="mean of per-reviewer standardised totals")
    spread: float | None = Field(description="population deviation between the reviewers")
    raw_standard_error: float | None
    normalised_standard_error: float | None


class ManagedApplicationOut(Schema):
    id: int
    program: str
    startup: str
    startup_id: int
    region: str
    sector: str
    status: ApplicationStatus
    requested_amount: Money | None
    submitted_at: str | None
    score: ScoreOut


class ManagedApplicationDetailOut(ManagedApplicationOut):
    answers: dict[str, str]
    award: AwardOut | None


def _score(record: ApplicationScore | None) -> ScoreOut:
    if record is None:
        return ScoreOut(
            reviews=0,
            raw=None,
            normalised=None,
            spread=None,
            raw_standard_error=None,
            normalised_standard_error=None,
        )
    return ScoreOut(
        reviews=record.reviews,
        raw=record.raw_score,
        normalised=record.norm_score,
        spread=record.spread,
        raw_standard_error=record.raw_se,
        normalised_standard_error=record.norm_se,
    )


def _managed(application: Application, *, detail: bool = False) -> dict:
    currency = application.program.currency
    out = {
        "id": application.pk,
        "program": application.program.slug,
        "startup": application.startup.name,
        "startup_id": application.startup_id,
        "region": application.startup.region,
        "sector": application.startup.sector,
        "status": application.status,
        "requested_amount": money(application.requested_amount, currency),
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
        "score": _score(getattr(application, "score_record", None)),
    }
    if detail:
        out["answers"] = {name: getattr(application, name) for name, _label in TEXT_SECTIONS}
        award = (
            Award.objects.filter(application=application)
            .select_related(*AWARD_RELATED)
            .prefetch_related(TRANCHES)
            .first()
        )
        out["award"] = award_out(award) if award else None
    return out


def _applications():
    return Application.objects.select_related("program", "startup", "score_record")


class ApplicationFilter(Schema):
    status: ApplicationStatus | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_ID)


class ApplicationPage(Schema):
    count: int
    results: list[ManagedApplicationOut]


@router.get(
    "/manager/programs/{slug}/applications",
    response={200: ApplicationPage, **ERRORS},
    auth=MANAGER_READ,
)
def program_applications(request: HttpRequest, slug: Slug, filters: Query[ApplicationFilter]):
    """The program's applications (drafts excluded), best normalised score first."""
    program = get_object_or_404(Program, slug=slug)
    applications = _applications().filter(program=program).exclude(status=ApplicationStatus.DRAFT)
    if filters.status is not None:
        applications = applications.filter(status=filters.status)
    ordered = applications.order_by(
        "-score_record__ranked",
        "-score_record__norm_score",
        "id",
    )
    page = ordered[filters.offset : filters.offset + filters.limit]
    return {"count": applications.count(), "results": [_managed(a) for a in page]}


@router.get(
    "/manager/applications/{application_id}",
    response={200: ManagedApplicationDetailOut, **ERRORS},
    auth=MANAGER_READ,
)
def managed_application(request: HttpRequest, application_id: Id):
    """One application: answers, score, and its award with tranches if any."""
    application = get_object_or_404(
        _applications().exclude(status=ApplicationStatus.DRAFT), pk=application_id
    )
    return _managed(application, detail=True)


class DecisionIn(Schema):
    decision: Literal["selected", "waitlisted", "rejected"]
    note: str = Field("", max_length=2000)
    exception_reason: str = Field(
        "", max_length=2000, description="required to select an application not yet judged"
    )


@router.post(
    "/manager/applications/{application_id}/decision",
    response={200: ManagedApplicationOut, **ERRORS},
    auth=MANAGER_WRITE,
)
def application_decide(request: HttpRequest, application_id: Id, payload: DecisionIn):
    """Select, waitlist or reject: the program's cap and budget hold (409 when reached)."""
    application = get_object_or_404(
        Application.objects.exclude(status=ApplicationStatus.DRAFT), pk=application_id
    )
    with acting(request):
        selection.application_decide(
            application=application,
            decision=payload.decision,
            actor=request.user,
            note=payload.note,
            exception_reason=payload.exception_reason,
        )
    return _managed(_applications().get(pk=application_id))


# --- Awards and tranches ------------------------------------------------------------


class AwardFilter(Schema):
    program: str | None = Field(None, pattern=r"^[-a-zA-Z0-9_]{1,80}$")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_ID)


def _awards():
    return Award.objects.select_related(*AWARD_RELATED).prefetch_related(TRANCHES)


@router.get("/manager/awards", response={200: list[AwardOut], **ERRORS}, auth=MANAGER_READ)
def awards_list(request: HttpRequest, filters: Query[AwardFilter]):
    """Awards with their tranches (paid so far on each), oldest first."""
    awards = _awards().order_by("id")
    if filters.program:
        awards = awards.filter(program__slug=filters.program)
    return [award_out(a) for a in awards[filters.offset : filters.offset + filters.limit]]


@router.get("/manager/awards/{award_id}", response={200: AwardOut, **ERRORS}, auth=MANAGER_READ)
def award_detail(request: HttpRequest, award_id: Id):
    return award_out(get_object_or_404(_awards(), pk=award_id))


class AwardIn(Schema):
    application_id: int = Field(ge=1, le=MAX_ID)
    amount: AmountIn
    agreement_date: date
    over_request_reason: str = Field("", max_length=2000)


@router.post("/manager/awards", response={201: AwardOut, **ERRORS}, auth=MANAGER_WRITE)
def award_create(request: HttpRequest, payload: AwardIn):
    """Award a selected application; the program's awards stay within its budget."""
    application = get_object_or_404(Application, pk=payload.application_id)
    with acting(request):
        award = funding.award_create(
            application=application,
            amount=Decimal(payload.amount),
            agreement_date=payload.agreement_date,
            actor=request.user,
            over_request_reason=payload.over_request_reason,
        )
    return Status(201, award_out(_awards().get(pk=award.pk)))


class TrancheIn(Schema):
    amount: AmountIn
    planned_date: date
    milestone: str = Field(min_length=1, max_length=300)


class ScheduleIn(Schema):
    tranches: list[TrancheIn] = Field(min_length=1, max_length=50)


@router.put(
    "/manager/awards/{award_id}/tranches", response={200: AwardOut, **ERRORS}, auth=MANAGER_WRITE
)
def award_schedule(request: HttpRequest, award_id: Id, payload: ScheduleIn):
    """Replace the schedule (before the first payment); the tranches add up to the award."""
    award = get_object_or_404(Award, pk=award_id)
    with acting(request):
        funding.tranches_set(
            award=award,
            schedule=[{**t.dict(), "amount": Decimal(t.amount)} for t in payload.tranches],
            actor=request.user,
        )
    return award_out(_awards().get(pk=award.pk))


# --- Payments -----------------------------------------------------------------------


class PaymentIn(Schema):
    amount: AmountIn
    paid_on: date
    reference: str = Field(min_length=1, max_length=100)
    confirm_duplicate: bool = Field(
        False,
        description="record it although the reference is on another payment of the program "
        "(without it such a payment is refused, 409, naming the earlier one)",
    )


@router.post(
    "/manager/tranches/{tranche_id}/disbursements",
    response={201: DisbursementOut, **ERRORS},
    auth=MANAGER_WRITE,
)
def disbursement_record(request: HttpRequest, tranche_id: Id, payload: PaymentIn):
    """Record a payment against a tranche: never more than the tranche or the award."""
    tranche = get_object_or_404(Tranche, pk=tranche_id)
    with acting(request):
        entry = funding.disbursement_record(
            tranche=tranche,
            amount=Decimal(payload.amount),
            paid_on=payload.paid_on,
            reference=payload.reference,
            actor=request.user,
            confirm_duplicate=payload.confirm_duplicate,
        )
    return Status(201, _entry(entry.pk))


def _entry(pk: int) -> DisbursementOut:
    return disbursement_out(Disbursement.objects.select_related(*DISBURSEMENT_RELATED).get(pk=pk))


class ReversalIn(Schema):
    note: str = Field(min_length=1, max_length=2000, description="why the payment is reversed")


@router.post(
    "/manager/disbursements/{disbursement_id}/reverse",
    response={201: DisbursementOut, **ERRORS},
    auth=MANAGER_WRITE,
)
def disbursement_reverse(request: HttpRequest, disbursement_id: Id, payload: ReversalIn):
    """Correct a payment by a reversing entry; the original stays in the ledger."""
    original = get_object_or_404(Disbursement, pk=disbursement_id)
    with acting(request):
        entry = funding.disbursement_reverse(
            disbursement=original, actor=request.user, note=payload.note
        )
    return Status(201, _entry(entry.pk))


# --- The funding report -------------------------------------------------------------


class ReportFilter(Schema):
    program: str | None = Field(None, pattern=r"^[-a-zA-Z0-9_]{1,80}$")
    date_from: date | None = None
    date_to: date | None = None


Figure = Annotated[str | int, Field(description="money as a decimal string, counts as integers")]


class ReportOut(Schema):
    programs: list[dict[str, Figure]]
    totals: list[dict[str, Figure]]
    by_region: list[dict[str, Figure]]
    by_sector: list[dict[str, Figure]]
    by_month: list[dict[str, Figure]]


def _plain(rows: list[dict]) -> list[dict]:
    """Decimals as strings with two places; dates as ISO strings; counts stay integers."""

    def value(v):
        if isinstance(v, Decimal):
            return f"{v.quantize(Decimal('0.01')):f}"
        if isinstance(v, int) and not isinstance(v, bool):
            return v
        return "" if v is None else str(v.isoformat() if hasattr(v, "isoformat") else v)

    return [{key: value(v) for key, v in row.items()} for row in rows]


@router.get("/manager/reports/funding", response={200: ReportOut, **ERRORS}, auth=MANAGER_READ)
def report_funding(request: HttpRequest, filters: Query[ReportFilter]):
    """The funding report's figures (as the admin's report page): per program, per
    currency, by region, sector and month; every sum in its own currency."""
    program = None
    if filters.program:
        program = get_object_or_404(Program, slug=filters.program)
    scope = ReportScope(program=program, date_from=filters.date_from, date_to=filters.date_to)
    return {name: _plain(rows) for name, rows in funding_report(scope).items()}
