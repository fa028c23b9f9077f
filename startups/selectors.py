"""Reads for the founders' side, scoped to the user's own team.

Every lookup that takes an id goes through the user's own startups, so
another founder's objects are not found (the views answer 404).
"""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from portal.models import User
from startups.enums import MembershipRole
from startups.models import Application, ApplicationStatusChange, Membership, Startup
from startups.models.program import program_name_fields


def startup_list_for_user(*, user: User | AnonymousUser) -> QuerySet[Startup]:
    # Filter through a subquery: filtering on the user's own membership in
    # the same join would make every count 1.
    mine: Iterable[int] = (
        Membership.objects.filter(user=user).values_list("startup", flat=True)
        if isinstance(user, User)
        else []
    )
    # The lists that show them need the name and the link only.
    return (
        Startup.objects.filter(pk__in=mine)
        .only("id", "name")
        .annotate(member_count=Count("memberships"))
        .order_by("name", "id")
    )


def startup_get_for_user(*, user: User | AnonymousUser, pk: int) -> Startup:
    return get_object_or_404(Startup.objects.for_user(user), pk=pk)


def startup_team(*, startup: Startup) -> QuerySet[Membership]:
    return (
        startup.memberships.select_related("user")
        .only("id", "startup_id", "user_id", "role", "joined_at", "user__full_name", "user__email")
        .order_by("-role", "joined_at")
    )


def application_list_for_startup(*, startup: Startup) -> QuerySet[Application]:
    """The startup's applications as its page lists them (program, status, link)."""
    return (
        startup.applications.select_related("program")
        .only(
            "id",
            "status",
            "startup_id",
            "program_id",
            "updated_at",
            *program_name_fields("program__"),
        )
        .order_by("-updated_at", "id")
    )


def team_recipients(*, startup: Startup) -> list[User]:
    """Everyone on the startup's team, owner first: whom the portal tells about it.

    The one answer to "who gets the team's e-mails". Uses the memberships
    the caller prefetched (`prefetch_related("startup__memberships__user")`)
    when it has them, so a loop over applications stays one query.
    """
    memberships = startup.memberships.all()
    if "memberships" not in getattr(startup, "_prefetched_objects_cache", {}):
        memberships = memberships.select_related("user")
    ordered = sorted(memberships, key=lambda m: (m.role != MembershipRole.OWNER, m.pk))
    return [membership.user for membership in ordered]


def _history() -> Prefetch:
    return Prefetch(
        "status_changes",
        queryset=ApplicationStatusChange.objects.select_related("actor").order_by("at", "id"),
    )


def _history_summary() -> Prefetch:
    """The history as a list shows it (status, time, note, who), without the rest of each row."""
    return Prefetch(
        "status_changes",
        queryset=ApplicationStatusChange.objects.select_related("actor")
        .only(
            "id",
            "application_id",
            "to_status",
            "at",
            "note",
            "note_code",
            "note_params",
            "actor__full_name",
            "actor__email",
        )
        .order_by("at", "id"),
    )


def application_list_for_user(*, user: User | AnonymousUser) -> QuerySet[Application]:
    """The team's applications as the dashboard lists them: no answers, no pitch deck."""
    return (
        Application.objects.for_team_member(user)
        .select_related("program", "startup")
        .only(
            "id",
            "status",
            "program_id",
            "startup_id",
            "requested_amount",
            "updated_at",
            *program_name_fields("program__"),
            "program__slug",
            "program__currency",
            "program__status",
            "program__opens_at",
            "program__closes_at",
            "startup__name",
        )
        .prefetch_related(_history_summary())
        .order_by("-updated_at", "id")
    )


def application_get_for_member(*, user: User | AnonymousUser, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.for_team_member(user)
        .select_related("program", "startup", "updated_by")
        .prefetch_related(_history()),
        pk=pk,
    )
