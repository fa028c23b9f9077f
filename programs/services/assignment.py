"""Writes for assigning reviewers: by hand, automatically, and on a conflict of interest.

The conflict-of-interest rules are stated once (`conflict_reason`) and read
by hand assignment (`conflict_reason_for`, also the admin form's check) and
automatic assignment (`_blocked_pairs`, from preloaded facts). Keyword-only
services that run in one transaction, lock what they must, write the audit
trail and queue notifications with the event.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.audit import audit_record
from portal.exceptions import DomainError, permission_require
from portal.models import NotificationKind, User
from portal.notifications import notifications_create_many
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
from programs.services.programs import program_start_reviewing
from programs.services.reviewing import REVIEW, ReviewRefused
from programs.states import ASSIGNMENT_MACHINE
from startups.enums import ApplicationStatus
from startups.models import Application, Membership, Program, Startup
from startups.workflow import applications_transition

# Addresses at these domains belong to anyone: sharing one is no conflict.
PUBLIC_MAIL_DOMAINS = frozenset(
    """
    gmail.com googlemail.com mail.ru inbox.ru list.ru bk.ru yandex.ru
    yandex.kz ya.ru yahoo.com outlook.com hotmail.com live.com icloud.com
    me.com proton.me protonmail.com rambler.ru yandex.com
    """.split()
)

REVIEWABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW)


class AssignmentRefused(DomainError):
    pass


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


def reviewers_pool(program: Program) -> list[User]:
    """The active members of the Reviewers group, in a stable order."""
    return list(
        User.objects.filter(groups__name=REVIEWERS, is_active=True).order_by("id").distinct()
    )


@dataclass(frozen=True)
class TeamFacts:
    """What the conflict rules read about one startup's team (lower-cased)."""

    emails: frozenset[str]
    domains: frozenset[str]

    @classmethod
    def of(cls, emails: Iterable[str]) -> "TeamFacts":
        lowered = frozenset(e.lower() for e in emails)
        return cls(emails=lowered, domains=frozenset(_domain(e) for e in lowered))


def conflict_reason(*, reviewer_email: str, team: TeamFacts, declared: str | None) -> str:
    """Why this reviewer must not review this startup; empty when they may.

    The one statement of the conflict-of-interest rules, for hand
    assignment (`conflict_reason_for`) and automatic assignment
    (`_blocked_pairs`, per pair from preloaded facts): `declared` is the
    reason of a conflict the reviewer declared for the startup, or None.
    """
    email = reviewer_email.lower()
    if email in team.emails:
        return str(_("The reviewer is a member of the startup's team."))
    domain = _domain(email)
    if domain not in PUBLIC_MAIL_DOMAINS and domain in team.domains:
        return str(
            _("The reviewer's e-mail domain (%(domain)s) is the same as a team member's.")
            % {"domain": domain}
        )
    if declared is not None:
        return str(_("Declared by the reviewer: %(reason)s") % {"reason": declared})
    return ""


def conflict_reason_for(*, reviewer: User, startup: Startup) -> str:
    """`conflict_reason` for one pair, its facts read from the database."""
    team = TeamFacts.of(startup.memberships.values_list("user__email", flat=True))
    declared = (
        ConflictOfInterest.objects.filter(reviewer=reviewer, startup=startup)
        .values_list("reason", flat=True)
        .first()
    )
    return conflict_reason(reviewer_email=reviewer.email, team=team, declared=declared)


def _blocked_pairs(
    program: Program, reviewers: list[User], applications: list[Application]
) -> frozenset[tuple[int, int]]:
    """(application id, reviewer id) pairs that may not be assigned."""
    app_ids = [a.pk for a in applications]
    startup_ids = {a.startup_id for a in applications}
    # Every pair seen before (active or released) is not assigned again.
    blocked = set(
        Assignment.objects.filter(application_id__in=app_ids).values_list(
            "application_id", "reviewer_id"
        )
    )
    emails: dict[int, list[str]] = {}
    for startup_id, email in Membership.objects.filter(startup_id__in=startup_ids).values_list(
        "startup_id", "user__email"
    ):
        emails.setdefault(startup_id, []).append(email)
    teams = {startup_id: TeamFacts.of(emails.get(startup_id, ())) for startup_id in startup_ids}
    declared = dict(
        ((startup_id, reviewer_id), reason)
        for startup_id, reviewer_id, reason in ConflictOfInterest.objects.filter(
            reviewer__in=reviewers, startup_id__in=startup_ids
        ).values_list("startup_id", "reviewer_id", "reason")
    )
    for application in applications:
        team = teams[application.startup_id]
        for reviewer in reviewers:
            if conflict_reason(
                reviewer_email=reviewer.email,
                team=team,
                declared=declared.get((application.startup_id, reviewer.pk)),
            ):
                blocked.add((application.pk, reviewer.pk))
    return frozenset(blocked)


def _start_review(applications: list[Application], actor: User | None) -> None:
    """Submitted applications that got reviewers are now under review."""
    waiting = [a for a in applications if a.status == ApplicationStatus.SUBMITTED]
    if waiting:
        applications_transition(
            applications=waiting,
            to=ApplicationStatus.UNDER_REVIEW,
            actor=actor,
            note=str(_("Reviewers assigned.")),
        )


def _notify_assigned(assignments: list[Assignment]) -> None:
    """One e-mail per assignment to its reviewer, queued together after commit."""
    notifications_create_many(
        [
            {
                "kind": NotificationKind.REVIEWER_ASSIGNED,
                "event_key": f"assignment:{assignment.pk}",
                "email": assignment.reviewer.email,
                "language": assignment.reviewer.preferred_language,
                "recipient": assignment.reviewer,
                "obj": assignment,
                "context": {
                    "recipient_name": assignment.reviewer.get_full_name(),
                    "program": assignment.program.name,
                    "startup": assignment.application.startup.name,
                    "deadline_at": assignment.program.review_deadline.isoformat()
                    if assignment.program.review_deadline
                    else "",
                    "timezone": assignment.program.timezone,
                    "path": assignment.get_review_url(),
                },
            }
            for assignment in assignments
        ]
    )


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
        _notify_assigned([assignment])
    return assignment


def assignments_auto(
    *,
    program: Program,
    actor: User | None,
    applications: list[int] | None = None,
    seed: int | None = None,
) -> list[Assignment]:
    """Fill every gap: each submitted application gets the program's number of reviewers.

    Balanced and conflict-free (see programs.reviewer_planner), one of the equally
    balanced plans drawn with `seed` (random when None; recorded in the audit entry).
    Running it again only fills new gaps. Raises AssignmentRefused, assigning
    nothing, when there are not enough eligible reviewers.
    """
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
            blocked=_blocked_pairs(program, pool, gaps),
            loads=loads,
            seed=secrets.randbelow(2**31) if seed is None else seed,
        )
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
                for app_id, reviewer_ids in sorted(plan.items())
                for reviewer_id in reviewer_ids
            ]
        )
        by_id = {a.pk: a for a in gaps}
        reviewers_by_id = {r.pk: r for r in pool}
        for assignment in created:
            assignment.program = program
            assignment.application = by_id[assignment.application_id]
            assignment.reviewer = reviewers_by_id[assignment.reviewer_id]
        _start_review([by_id[app_id] for app_id in plan], actor)
        program_start_reviewing(program=program, actor=actor)
        audit_record(
            actor=actor,
            action="assignment.auto",
            obj=program,
            after={"assignments": len(created), "applications": len(plan), "seed": problem.seed},
        )
        # PostgreSQL and SQLite return the new primary keys from bulk_create.
        _notify_assigned(created)
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
