"""A second opinion near the cut-off: more reviewers for the applications too close to call.

`second_opinion_plan` (a read) finds the applications whose score cannot be
told apart from the cut-off (`programs.board.applications_too_close_to_call`),
still open to review, and plans N more reviewers for each with the same
balanced, conflict-free planner as automatic assignment
(`programs.reviewer_planner`), so the manager sees the extra load per reviewer
and the number of reviews it adds before confirming. `second_opinion_assign`
recomputes the plan under the program's row lock with the same seed (the same
plan when nothing changed in between), writes it, sends each reviewer one
digest e-mail on commit and records the seed, the band and N in the audit trail.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record
from portal.exceptions import permission_require
from portal.models import User
from programs.board import TOO_CLOSE_Z, applications_too_close_to_call
from programs.models import Assignment
from programs.reviewer_planner import NotEnoughReviewers, ReviewerPlanProblem, plan_reviewers
from programs.rules import MANAGE_PROGRAMS
from programs.services.assignment import REVIEWABLE, AssignmentRefused, reviewers_pool
from programs.services.assignment_mail import assignments_notify_digest
from programs.services.conflicts import pairs_blocked
from startups.models import Application, Program

DEFAULT_REVIEWERS = 2
DEFAULT_BAND = TOO_CLOSE_Z  # the board's "too close to call" mark (95%)


@dataclass(frozen=True)
class SecondOpinionPlan:
    """What confirming would do."""

    seed: int
    near: int  # applications too close to call
    applications: list[int]  # of those, the ones still open to review, best first
    plan: dict[int, list[int]] = field(default_factory=dict)  # application -> new reviewers
    extra_load: list[tuple[str, int, int]] = field(default_factory=list)  # name, now, added
    reviews_added: int = 0
    reviews_now: int = 0  # active assignments in the program
    problems: list[str] = field(default_factory=list)


def second_opinion_plan(
    *, program: Program, reviewers: int, band: float | None = None, seed: int | None = None
) -> SecondOpinionPlan:
    """The plan for `reviewers` more reviewers on each application too close to call."""
    if reviewers < 1:
        raise ValueError("A second opinion adds at least one reviewer.")
    seed = secrets.randbelow(2**31) if seed is None else seed
    near = list(
        applications_too_close_to_call(program=program, band=band).values_list("pk", "status")
    )
    open_ids = [pk for pk, status in near if status in REVIEWABLE]
    active = Assignment.objects.active().filter(program=program)
    existing: dict[int, set[int]] = {}
    loads: dict[int, int] = {}
    for app_id, reviewer_id in active.values_list("application_id", "reviewer_id"):
        existing.setdefault(app_id, set()).add(reviewer_id)
        loads[reviewer_id] = loads.get(reviewer_id, 0) + 1
    base = SecondOpinionPlan(
        seed=seed, near=len(near), applications=open_ids, reviews_now=sum(loads.values())
    )
    if not open_ids:
        return base
    pool = reviewers_pool(program)
    applications = list(
        Application.objects.filter(pk__in=open_ids).select_related("startup").order_by("id")
    )
    problem = ReviewerPlanProblem(
        applications=open_ids,
        reviewers=[r.pk for r in pool],
        per_application=program.reviews_per_application,
        existing={pk: frozenset(existing.get(pk, ())) for pk in open_ids},
        blocked=pairs_blocked(program=program, reviewers=pool, applications=applications),
        loads=loads,
        targets={pk: len(existing.get(pk, ())) + reviewers for pk in open_ids},
        seed=seed,
    )
    try:
        plan = plan_reviewers(problem)
    except NotEnoughReviewers as error:
        message = _(
            "%(count)d of these applications cannot get %(n)d more eligible reviewers "
            "(%(pool)d in the pool). Ask for fewer reviewers each."
        ) % {"count": len(error.shortfall), "n": reviewers, "pool": len(pool)}
        return SecondOpinionPlan(**{**base.__dict__, "problems": [str(message)]})
    added: dict[int, int] = {}
    for reviewer_ids in plan.values():
        for reviewer_id in reviewer_ids:
            added[reviewer_id] = added.get(reviewer_id, 0) + 1
    names = {r.pk: r.get_full_name() for r in pool}
    return SecondOpinionPlan(
        **{
            **base.__dict__,
            "plan": plan,
            "extra_load": sorted(
                ((names[r], loads.get(r, 0), n) for r, n in added.items()),
                key=lambda row: (-row[2], row[0]),
            ),
            "reviews_added": sum(added.values()),
        }
    )


def second_opinion_assign(
    *, program: Program, reviewers: int, band: float | None, seed: int, actor: User
) -> list[Assignment]:
    """Confirm: assign the planned reviewers (recomputed under the lock with the same seed)."""
    permission_require(
        user=actor, perm=MANAGE_PROGRAMS, message=_("Only program managers assign reviewers.")
    )
    with transaction.atomic():
        # One assignment run per program at a time (as `assignments_auto`).
        program = Program.objects.select_for_update().get(pk=program.pk)
        planned = second_opinion_plan(program=program, reviewers=reviewers, band=band, seed=seed)
        if planned.problems:
            raise AssignmentRefused(*planned.problems)
        if not planned.plan:
            raise AssignmentRefused(_("No application is too close to call and open to review."))
        now = timezone.now()
        created = Assignment.objects.bulk_create(
            [
                Assignment(
                    program=program,
                    application_id=app_id,
                    reviewer_id=reviewer_id,
                    assigned_by=actor,
                    assigned_at=now,
                    automatic=True,
                )
                for app_id, reviewer_ids in sorted(planned.plan.items())
                for reviewer_id in reviewer_ids
            ]
        )
        created = list(
            Assignment.objects.filter(pk__in=[a.pk for a in created]).select_related(
                "program", "application__startup", "reviewer"
            )
        )
        audit_record(
            actor=actor,
            action="assignment.second_opinion",
            obj=program,
            after={
                "assignments": len(created),
                "applications": len(planned.plan),
                "reviewers_each": reviewers,
                "band": band,
                "seed": seed,
            },
        )
        assignments_notify_digest(
            program=program,
            assignments=created,
            reviewers={a.reviewer_id: a.reviewer for a in created},
        )
    return created
