"""Writes for assigning reviewers: by hand, automatically, and on a conflict of interest.

The conflict-of-interest rules are `programs.services.conflicts`. Keyword-only
services that run in one transaction, lock what they must, write the audit
trail and queue notifications with the event.

E-mails (`programs.services.assignment_mail`): a hand assignment tells its
reviewer about that one application; an assignment run sends each reviewer
one digest, never one e-mail per application.
"""

import secrets

from django.db import connections, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.audit import audit_record
from portal.exceptions import DomainError, permission_require
from portal.history_notes import REVIEWERS_ASSIGNED
from portal.jobs import Progress
from portal.models import User
from portal.transitions import transition
from programs.models import (
    Assignment,
    AssignmentStatus,
    ConflictOfInterest,
    Review,
    ReviewStatus,
)
from programs.reviewer_planner import NotEnoughReviewers, ReviewerPlanProblem, plan_reviewers
from programs.roles import REVIEWERS
from programs.rules import MANAGE_PROGRAMS
from programs.services.assignment_mail import assignment_notify, assignments_notify_digest
from programs.services.conflicts import conflict_reason_for, pairs_blocked
from programs.services.programs import program_start_reviewing
from programs.services.reviewing import REVIEW, ReviewRefused
from programs.states import ASSIGNMENT_MACHINE
from startups.enums import ApplicationStatus
from startups.models import Application, Program, Startup
from startups.workflow import applications_transition

REVIEWABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW)


class AssignmentRefused(DomainError):
    pass


def reviewers_pool(program: Program) -> list[User]:
    """The active members of the Reviewers group, in a stable order."""
    return list(
        User.objects.filter(groups__name=REVIEWERS, is_active=True).order_by("id").distinct()
    )


def _start_review(applications: list[Application], actor: User | None) -> None:
    """Submitted applications that got reviewers are now under review."""
    waiting = [a for a in applications if a.status == ApplicationStatus.SUBMITTED]
    if waiting:
        applications_transition(
            applications=waiting,
            to=ApplicationStatus.UNDER_REVIEW,
            actor=actor,
            note_code=REVIEWERS_ASSIGNED,
        )


def _assignments_insert(*, template: Assignment, pairs: list[tuple[int, int]]) -> list[Assignment]:
    """Assignments like `template` for each (application id, reviewer id), with their keys.

    PostgreSQL: one INSERT … SELECT over two arrays (30,000 rows in one
    statement, no per-value preparation); elsewhere `bulk_create`. The
    other columns take the template's values, prepared once.
    """
    connection = connections[Assignment.objects.db]
    if connection.vendor != "postgresql" or not pairs:
        return Assignment.objects.bulk_create(
            [
                Assignment(
                    **{
                        f.attname: getattr(template, f.attname)
                        for f in Assignment._meta.concrete_fields
                        if not f.primary_key
                    }
                    | {"application_id": app_id, "reviewer_id": reviewer_id}
                )
                for app_id, reviewer_id in pairs
            ],
            batch_size=1000,
        )
    varying = {"application_id", "reviewer_id"}
    fields = [
        f
        for f in Assignment._meta.concrete_fields
        if not f.primary_key and f.attname not in varying
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields if f.column)
    # Identifiers come from the model's own metadata; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(Assignment._meta.db_table)} "  # noqa: S608
        f"(application_id, reviewer_id, {columns}) "
        f"SELECT u.a, u.r, {', '.join(['%s'] * len(fields))} "
        "FROM unnest(%s::bigint[], %s::bigint[]) AS u(a, r) "
        "RETURNING id, application_id, reviewer_id"
    )
    values = [f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, [a for a, _r in pairs], [r for _a, r in pairs]])
        keys = {(a, r): pk for pk, a, r in cursor.fetchall()}
    rows = []
    common = {f.attname: getattr(template, f.attname) for f in fields}
    for app_id, reviewer_id in pairs:
        assignment = Assignment(
            pk=keys[(app_id, reviewer_id)],
            application_id=app_id,
            reviewer_id=reviewer_id,
            **common,
        )
        assignment._state.adding = False
        rows.append(assignment)
    return rows


def _no_progress(percent: float, message: str | Promise = "") -> None:
    return None


def assignment_create(*, application: Application, reviewer: User, actor: User) -> Assignment:
    """A manager assigns a reviewer by hand."""
    permission_require(
        user=actor, perm=MANAGE_PROGRAMS, message=_("Only program managers assign reviewers.")
    )
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("program", "startup")
            .get(pk=application.pk)
        )
        if application.status not in REVIEWABLE:
            raise AssignmentRefused(_("Only submitted applications can be assigned reviewers."))
        if not reviewer.groups.filter(name=REVIEWERS).exists() or not reviewer.is_active:
            raise AssignmentRefused(
                _("%(name)s is not in the Reviewers group.") % {"name": reviewer}
            )
        if Assignment.objects.filter(application=application, reviewer=reviewer).exists():
            raise AssignmentRefused(
                _("%(name)s was already assigned to this application.") % {"name": reviewer}
            )
        reason = conflict_reason_for(reviewer=reviewer, startup=application.startup)
        if reason:
            raise AssignmentRefused(
                _("%(name)s has a conflict of interest: %(reason)s")
                % {"name": reviewer, "reason": reason}
            )
        assignment = Assignment.objects.create(
            program=application.program,
            application=application,
            reviewer=reviewer,
            assigned_by=actor,
        )
        _start_review([application], actor)
        program_start_reviewing(program=application.program, actor=actor)
        audit_record(
            actor=actor,
            action="assignment.create",
            obj=assignment,
            after={"application": application.pk, "reviewer": reviewer.email},
        )
        assignment_notify(assignment=assignment)
    return assignment


def assignments_auto(
    *,
    program: Program,
    actor: User | None,
    applications: list[int] | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
) -> list[Assignment]:
    """Fill every gap: each submitted application gets the program's number of reviewers.

    Balanced and conflict-free (see programs.reviewer_planner), one of the equally
    balanced plans drawn with `seed` (random when None; recorded in the audit entry).
    Running it again only fills new gaps. Raises AssignmentRefused, assigning
    nothing, when there are not enough eligible reviewers. Each reviewer gets one
    digest e-mail for the run. `progress(percent, message)` is told how far it
    has come (the background job's page; inside the transaction, so a page
    reading from another connection sees the steps only as the job writes them).
    """
    report: Progress = progress or _no_progress
    if actor is not None:  # None: the system reassigning after a declared conflict
        permission_require(
            user=actor, perm=MANAGE_PROGRAMS, message=_("Only program managers assign reviewers.")
        )
    with transaction.atomic():
        # One automatic assignment per program at a time.
        program = Program.objects.select_for_update().get(pk=program.pk)
        pool = reviewers_pool(program)
        wanted = Application.objects.filter(program=program, status__in=REVIEWABLE)
        if applications is not None:
            wanted = wanted.filter(pk__in=applications)
        candidates = list(wanted.select_related("startup", "program").order_by("id"))
        active = Assignment.objects.active().filter(program=program)
        existing: dict[int, set[int]] = {}
        loads: dict[int, int] = {}
        for app_id, reviewer_id in active.values_list("application_id", "reviewer_id"):
            existing.setdefault(app_id, set()).add(reviewer_id)
            loads[reviewer_id] = loads.get(reviewer_id, 0) + 1
        k = program.reviews_per_application
        gaps = [a for a in candidates if len(existing.get(a.pk, ())) < k]
        if not gaps:
            return []
        problem = ReviewerPlanProblem(
            applications=[a.pk for a in gaps],
            reviewers=[r.pk for r in pool],
            per_application=k,
            existing={a.pk: frozenset(existing.get(a.pk, ())) for a in gaps},
            blocked=pairs_blocked(program=program, reviewers=pool, applications=gaps),
            loads=loads,
            seed=secrets.randbelow(2**31) if seed is None else seed,
        )
        report(20, _("Planning balanced, conflict-free assignments"))
        try:
            plan = plan_reviewers(problem)
        except NotEnoughReviewers as exc:
            short = len(exc.shortfall)
            raise AssignmentRefused(
                ngettext(
                    "%(count)d application cannot get %(k)d reviewers: there are not enough "
                    "eligible reviewers (%(pool)d in the pool). Add reviewers or lower the "
                    "number of reviews per application.",
                    "%(count)d applications cannot get %(k)d reviewers: there are not enough "
                    "eligible reviewers (%(pool)d in the pool). Add reviewers or lower the "
                    "number of reviews per application.",
                    short,
                )
                % {"count": short, "k": k, "pool": len(pool)}
            ) from exc
        report(40, _("Writing the assignments"))
        now = timezone.now()
        by_id = {a.pk: a for a in gaps}
        reviewers_by_id = {r.pk: r for r in pool}
        pairs = [
            (app_id, reviewer_id)
            for app_id, reviewer_ids in sorted(plan.items())
            for reviewer_id in reviewer_ids
        ]
        created = _assignments_insert(
            template=Assignment(
                program=program, assigned_by=actor, assigned_at=now, automatic=True
            ),
            pairs=pairs,
        )
        for assignment in created:
            assignment.program = program
            assignment.application = by_id[assignment.application_id]
            assignment.reviewer = reviewers_by_id[assignment.reviewer_id]
        report(60, _("Moving the applications under review"))
        _start_review([by_id[app_id] for app_id in plan], actor)
        program_start_reviewing(program=program, actor=actor)
        audit_record(
            actor=actor,
            action="assignment.auto",
            obj=program,
            after={"assignments": len(created), "applications": len(plan), "seed": problem.seed},
        )
        report(85, _("Queueing one e-mail per reviewer"))
        assignments_notify_digest(program=program, assignments=created, reviewers=reviewers_by_id)
    return created


def conflict_declare(*, assignment: Assignment, reviewer: User, reason: str) -> Assignment | None:
    """The reviewer declares a conflict: release, record why, reassign the application.

    Returns the replacement assignment, or None when no eligible reviewer is
    left (the managers see the gap in the progress view).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ReviewRefused(_("Say briefly why you have a conflict of interest."))
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("application__startup", "program")
            .get(pk=assignment.pk)
        )
        permission_require(
            user=reviewer, perm=REVIEW, obj=assignment, message=_("This is not your assignment.")
        )
        if assignment.status != AssignmentStatus.ACTIVE:
            raise ReviewRefused(_("This assignment was already released."))
        if Review.objects.filter(assignment=assignment, status=ReviewStatus.SUBMITTED).exists():
            raise ReviewRefused(
                _("You already submitted this review; ask a manager to reopen it first.")
            )
        transition(
            machine=ASSIGNMENT_MACHINE,
            objects=[assignment],
            to=AssignmentStatus.RELEASED,
            actor=reviewer,
            note=reason,
            values={"released_at": timezone.now(), "release_reason": reason, "conflict": True},
            audit_action="assignment.conflict",
        )
        ConflictOfInterest.objects.get_or_create(
            reviewer=reviewer, startup=assignment.application.startup, defaults={"reason": reason}
        )
        try:
            replacement = assignments_auto(
                program=assignment.program,
                actor=None,
                applications=[assignment.application_id],
            )
        except AssignmentRefused:
            replacement = []
    return replacement[0] if replacement else None


def conflict_declare_in_advance(
    *, reviewer: User, startup: Startup, reason: str
) -> ConflictOfInterest:
    """Declared before any assignment: the reviewer is never given this startup."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewRefused(_("Say briefly why you have a conflict of interest."))
    with transaction.atomic():
        conflict, created = ConflictOfInterest.objects.get_or_create(
            reviewer=reviewer, startup=startup, defaults={"reason": reason}
        )
        audit_record(actor=reviewer, action="conflict.declare", obj=conflict, note=reason)
        for assignment in Assignment.objects.active().filter(
            reviewer=reviewer, application__startup=startup
        ):
            if not Review.objects.filter(
                assignment=assignment, status=ReviewStatus.SUBMITTED
            ).exists():
                conflict_declare(assignment=assignment, reviewer=reviewer, reason=reason)
    return conflict
