"""Reads of programs, with their related rows loaded up front."""

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from programs.models import Program, ProgramStatus


def program_list_public(*, now=None) -> QuerySet[Program]:
    """Published programs, those accepting applications first, soonest deadline first."""
    now = now or timezone.now()
    return (
        Program.objects.public()
        .annotate(
            accepting_rank=Case(
                When(status=ProgramStatus.OPEN, opens_at__lte=now, closes_at__gt=now, then=0),
                When(status=ProgramStatus.OPEN, opens_at__gt=now, then=1),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("accepting_rank", "closes_at", "id")
    )


def program_list_accepting(*, now=None) -> QuerySet[Program]:
    return Program.objects.accepting(now).order_by("closes_at", "id")


def program_get_public(*, slug: str) -> Program:
    """A published program with its criteria; Http404 semantics left to the view."""
    return Program.objects.public().prefetch_related("criteria").get(slug=slug)
