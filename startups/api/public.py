"""Published programs and their criteria, each text in the three languages; no token."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from portal.api.errors import ERRORS
from portal.api.schemas import Money, Text, money, text
from startups.enums import ProgramStatus
from startups.models import Criterion, Program

router = Router()

Slug = Annotated[str, Path(pattern=r"^[-a-zA-Z0-9_]{1,80}$")]


class CriterionOut(Schema):
    id: int
    name: Text
    guidance: Text
    weight: str = Field(examples=["1.00"])
    scale_min: int
    scale_max: int


class ProgramOut(Schema):
    id: int
    slug: str
    name: Text
    description: Text
    organiser: str
    status: ProgramStatus
    accepting: bool
    currency: str
    total_budget: Money
    max_amount_per_project: Money
    selection_cap: int
    opens_at: datetime
    closes_at: datetime
    timezone: str
    eligible_countries: list[str]
    sectors: list[str]


class ProgramDetailOut(ProgramOut):
    criteria: list[CriterionOut]


def criterion_out(criterion: Criterion) -> CriterionOut:
    return CriterionOut(
        id=criterion.pk,
        name=text(criterion, "name"),
        guidance=text(criterion, "guidance"),
        weight=f"{criterion.weight:f}",
        scale_min=criterion.scale_min,
        scale_max=criterion.scale_max,
    )


def program_out(program: Program, now: datetime, *, detail: bool = False) -> dict:
    out = {
        "id": program.pk,
        "slug": program.slug,
        "name": text(program, "name"),
        "description": text(program, "description"),
        "organiser": program.organiser,
        "status": program.status,
        "accepting": program.is_accepting(now),
        "currency": program.currency,
        "total_budget": money(program.total_budget, program.currency),
        "max_amount_per_project": money(program.max_amount_per_project, program.currency),
        "selection_cap": program.selection_cap,
        "opens_at": program.opens_at,
        "closes_at": program.closes_at,
        "timezone": program.timezone,
        "eligible_countries": list(program.eligible_countries or []),
        "sectors": list(program.sectors or []),
    }
    if detail:
        out["criteria"] = [criterion_out(c) for c in program.criteria.all()]
    return out


class ProgramFilter(Schema):
    status: ProgramStatus | None = None
    accepting: bool | None = None


@router.get("/programs", response={200: list[ProgramOut], **ERRORS}, tags=["public"])
def programs_list(request: HttpRequest, filters: Query[ProgramFilter]):
    """Published programs (open, upcoming, reviewing, decided, closed); no token needed."""
    now = timezone.now()
    programs = Program.objects.public().order_by("-opens_at", "id")
    if filters.status is not None:
        programs = programs.filter(status=filters.status)
    if filters.accepting is not None:
        accepting = Program.objects.accepting(now).values("pk")
        programs = (
            programs.filter(pk__in=accepting)
            if filters.accepting
            else programs.exclude(pk__in=accepting)
        )
    return [program_out(p, now) for p in programs[:500]]


@router.get("/programs/{slug}", response={200: ProgramDetailOut, **ERRORS}, tags=["public"])
def program_detail(request: HttpRequest, slug: Slug):
    """One published program with its criteria, each text in the three languages."""
    program = get_object_or_404(Program.objects.public().prefetch_related("criteria"), slug=slug)
    return program_out(program, timezone.now(), detail=True)
