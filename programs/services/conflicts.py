"""Conflicts of interest: the one statement of the rules, and the facts they read.

`conflict_reason` is read by hand assignment (`conflict_reason_for`, also
the admin form's check) and by automatic and second-round assignment
(`pairs_blocked`, from facts preloaded in a few queries). Declaring a
conflict (release and reassign) is an assignment service:
`programs.services.assignment.conflict_declare`.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from portal.models import User
from programs.models import Assignment, ConflictOfInterest
from startups.models import Application, Membership, Program, Startup

# Addresses at these domains belong to anyone: sharing one is no conflict.
PUBLIC_MAIL_DOMAINS = frozenset(
    """
    gmail.com googlemail.com mail.ru inbox.ru list.ru bk.ru yandex.ru
    yandex.kz ya.ru yahoo.com outlook.com hotmail.com live.com icloud.com
    me.com proton.me protonmail.com rambler.ru yandex.com
    """.split()
)


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


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
    (`pairs_blocked`, per pair from preloaded facts): `declared` is the
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


def pairs_blocked(
    *, program: Program, reviewers: list[User], applications: list[Application]
) -> frozenset[tuple[int, int]]:
    """(application id, reviewer id) pairs that may not be assigned.

    Every pair seen before (active or released), and every pair
    `conflict_reason` refuses. The rules can only refuse a pair that shares
    an address, a domain or a declaration, so only those pairs are put to
    `conflict_reason` (10,000 applications × 100 reviewers would otherwise
    be a million calls).
    """
    app_ids = {a.pk for a in applications}
    startup_ids = {a.startup_id for a in applications}
    blocked = {
        pair
        for pair in Assignment.objects.filter(application__program=program).values_list(
            "application_id", "reviewer_id"
        )
        if pair[0] in app_ids
    }
    emails: dict[int, list[str]] = {}
    for startup_id, email in Membership.objects.filter(startup_id__in=startup_ids).values_list(
        "startup_id", "user__email"
    ):
        emails.setdefault(startup_id, []).append(email)
    teams = {startup_id: TeamFacts.of(emails.get(startup_id, ())) for startup_id in startup_ids}
    declared: dict[tuple[int, int], str] = {
        (startup_id, reviewer_id): reason
        for startup_id, reviewer_id, reason in ConflictOfInterest.objects.filter(
            reviewer__in=reviewers, startup_id__in=startup_ids
        ).values_list("startup_id", "reviewer_id", "reason")
    }
    by_email: dict[str, list[User]] = {}
    by_domain: dict[str, list[User]] = {}
    for reviewer in reviewers:
        email = reviewer.email.lower()
        by_email.setdefault(email, []).append(reviewer)
        by_domain.setdefault(_domain(email), []).append(reviewer)
    reviewers_by_id = {r.pk: r for r in reviewers}
    declared_by_startup: dict[int, list[User]] = {}
    for startup_id, reviewer_id in declared:
        declared_by_startup.setdefault(startup_id, []).append(reviewers_by_id[reviewer_id])
    for application in applications:
        team = teams[application.startup_id]
        suspects = {r.pk: r for e in team.emails for r in by_email.get(e, ())}
        suspects.update({r.pk: r for d in team.domains for r in by_domain.get(d, ())})
        suspects.update({r.pk: r for r in declared_by_startup.get(application.startup_id, ())})
        for reviewer in suspects.values():
            if conflict_reason(
                reviewer_email=reviewer.email,
                team=team,
                declared=declared.get((application.startup_id, reviewer.pk)),
            ):
                blocked.add((application.pk, reviewer.pk))
    return frozenset(blocked)
