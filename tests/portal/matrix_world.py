"""The fixture world of the permission matrix: two teams, three reviewers, money.

Every answer, amount, note and e-mail address is a unique marker string, so a
page that shows something to a role that must not see it is caught by a
plain substring search of the response body.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from portal.models import AuditEntry, Notification
from programs.models import Award, ConflictOfInterest, Review
from programs.roles import PROGRAM_MANAGERS, REVIEWERS
from programs.services import assignment as assigning
from programs.services import funding, reviewing
from startups.enums import ApplicationStatus, MembershipRole, ProgramStatus
from startups.models import Invitation, Membership
from tests.factories import (
    ApplicationFactory,
    CriterionFactory,
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    reviewer,
)

ROLES = [
    "anonymous",
    "founder_a",
    "cofounder_a",
    "founder_b",
    "reviewer_a",
    "reviewer_free",
    "reviewer_conflict",
    "manager",
    "superuser",
]
STAFF_ROLES = ["reviewer_a", "reviewer_free", "reviewer_conflict", "manager", "superuser"]

REQUESTED_A = Decimal("13579246")
REQUESTED_B = Decimal("17283946")
AWARD_A = Decimal("12468013")
PAID_A = Decimal("3141593")


def enrol_second_factor(user) -> None:
    """Staff need a second factor before the admin lets them in: enrol every staff role."""
    from tests.mfa_helpers import give_totp

    give_totp(user)


def money_markers(amount: Decimal) -> list[str]:
    """How an amount can appear on a page or in an export (grouped or not)."""
    digits = f"{int(amount)}"
    groups = f"{int(amount):,}"
    return [digits, groups, groups.replace(",", "\N{NO-BREAK SPACE}"), groups.replace(",", " ")]


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    # role -> marker strings that must never appear in a 2xx body that role gets
    forbidden: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def _answers(marker: str) -> dict:
    return {
        "problem": f"{marker}-PROBLEM",
        "solution": f"{marker}-SOLUTION",
        "market": f"{marker}-MARKET",
        "business_model": f"{marker}-MODEL",
        "traction": f"{marker}-TRACTION",
        "team": f"{marker}-TEAM",
        "use_of_funds": f"{marker}-FUNDS",
    }


def build_world() -> World:
    w = World()
    u = w.users
    u["founder_a"] = UserFactory(email="founder-a@alpha-team.kz", full_name="Aigerim Alpha")
    u["cofounder_a"] = UserFactory(email="cofounder-a@alpha-cofounder.kz", full_name="Arman Alpha")
    u["founder_b"] = UserFactory(email="founder-b@beta-team.kz", full_name="Bolat Beta")
    u["reviewer_a"] = reviewer(email="reviewer-a@expert-one.kz", full_name="Rustem Assigned")
    u["reviewer_free"] = reviewer(email="reviewer-free@expert-two.kz", full_name="Dana Unassigned")
    u["reviewer_conflict"] = reviewer(
        email="reviewer-conflict@expert-three.kz", full_name="Kairat Conflicted"
    )
    u["manager"] = manager(email="manager@program-office.kz", full_name="Madina Manager")
    u["superuser"] = UserFactory(
        email="root@program-office-root.kz", is_staff=True, is_superuser=True
    )
    other = reviewer(email="reviewer-other@expert-four.kz", full_name="Olzhas Other")
    for role in STAFF_ROLES:
        enrol_second_factor(u[role])

    program = ProgramFactory(
        name="Matrix Program",
        slug="matrix-program",
        status=ProgramStatus.OPEN,
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=timezone.now() - timedelta(days=1),
        review_deadline=timezone.now() + timedelta(days=10),
    )
    criteria = [CriterionFactory(program=program, name=f"Matrix criterion {n}") for n in (1, 2)]
    startup_a = StartupFactory(name="Alpha Startup", owner=u["founder_a"])
    Membership.objects.create(startup=startup_a, user=u["cofounder_a"], role=MembershipRole.MEMBER)
    startup_b = StartupFactory(name="Beta Startup", owner=u["founder_b"])
    app_a = ApplicationFactory(
        startup=startup_a,
        program=program,
        status=ApplicationStatus.SUBMITTED,
        complete=True,
        requested_amount=REQUESTED_A,
        submitted_at=timezone.now() - timedelta(days=5),
        **_answers("ALPHA-SECRET"),
    )
    app_b = ApplicationFactory(
        startup=startup_b,
        program=program,
        status=ApplicationStatus.SUBMITTED,
        complete=True,
        requested_amount=REQUESTED_B,
        submitted_at=timezone.now() - timedelta(days=5),
        **_answers("BETA-SECRET"),
    )
    invitation = Invitation.objects.create(
        startup=startup_a, email="invitee@alpha-invitee.kz", invited_by=u["founder_a"]
    )
    conflict = ConflictOfInterest.objects.create(
        reviewer=u["reviewer_conflict"], startup=startup_a, reason="CONFLICT-REASON-MARKER"
    )
    assignment_a = assigning.assignment_create(
        application=app_a, reviewer=u["reviewer_a"], actor=u["manager"]
    )
    assignment_other = assigning.assignment_create(
        application=app_a, reviewer=other, actor=u["manager"]
    )
    reviewing.review_save(
        assignment=assignment_other,
        reviewer=other,
        scores={c.pk: (7, f"OTHER-COMMENT-MARKER-{n}") for n, c in enumerate(criteria)},
        recommendation="fund",
        note="OTHER-NOTE-MARKER",
        submit=True,
    )
    reviewing.review_save(
        assignment=assignment_a,
        reviewer=u["reviewer_a"],
        scores={c.pk: (5, f"OWN-DRAFT-MARKER-{n}") for n, c in enumerate(criteria)},
        recommendation="",
        note="OWN-NOTE-MARKER",
        submit=False,
    )
    # Decided outside the board: the matrix needs an award, not a selection round.
    type(app_a).objects.filter(pk=app_a.pk).update(status=ApplicationStatus.SELECTED)
    app_a.refresh_from_db()
    award = funding.award_create(
        application=app_a, amount=AWARD_A, agreement_date=date(2026, 1, 15), actor=u["manager"]
    )
    tranches = funding.tranches_set(
        award=award,
        schedule=[
            {"amount": PAID_A, "planned_date": date(2026, 2, 1), "milestone": "Start"},
            {
                "amount": AWARD_A - PAID_A,
                "planned_date": date(2026, 6, 1),
                "milestone": "Pilot",
            },
        ],
        actor=u["manager"],
    )
    disbursement = funding.disbursement_record(
        tranche=tranches[0],
        amount=PAID_A,
        paid_on=date(2026, 2, 3),
        reference="PAYMENT-REF-MARKER",
        actor=u["manager"],
    )
    award = Award.objects.get(pk=award.pk)
    milestone_report, report_attachment = _milestone_report(tranches[1], u["founder_a"])

    w.objects.update(
        program=program,
        startup_a=startup_a,
        startup_b=startup_b,
        application_a=app_a,
        application_b=app_b,
        invitation=invitation,
        membership_cofounder=Membership.objects.get(startup=startup_a, user=u["cofounder_a"]),
        conflict=conflict,
        assignment_a=assignment_a,
        assignment_other=assignment_other,
        review_a=Review.objects.get(assignment=assignment_a),
        review_other=Review.objects.get(assignment=assignment_other),
        award=award,
        tranche=tranches[0],
        disbursement=disbursement,
        group=Group.objects.get(name=REVIEWERS),
        manager_group=Group.objects.get(name=PROGRAM_MANAGERS),
        email_address=u["founder_a"].emailaddress_set.get(),
        audit_entry=AuditEntry.objects.order_by("id").first(),
        notification=Notification.objects.filter(recipient=u["reviewer_a"]).first()
        or Notification.objects.order_by("id").first(),
        application_ct=ContentType.objects.get_for_model(app_a),
        program_ct=ContentType.objects.get_for_model(program),
        other_reviewer=other,
        milestone_report=milestone_report,
        report_attachment=report_attachment,
    )
    w.objects["authenticator"] = _authenticator(u["manager"])
    w.objects["job"] = _suggestion_job(program, u["manager"])
    w.objects["assignment_job"] = _assignment_job(program, u["manager"])
    w.objects["export_job"] = _export_job(u["manager"])
    w.objects["api_token"], w.api_tokens = _api_tokens(w)
    w.forbidden = _forbidden(w, other)
    return w


def _api_tokens(w: World):
    """A token per role with every scope the role may hold (the REST API's matrix)."""
    from portal.api.scopes import scopes_allowed
    from portal.api.tokens import api_token_create

    secrets = {}
    token = None
    for role, user in w.users.items():
        token, secrets[role] = api_token_create(
            user=user, name=f"matrix {role}", scopes=sorted(scopes_allowed(user)), actor=user
        )
    return token, secrets


def _milestone_report(tranche, founder):
    """The second tranche's report: a draft with a marker answer and one PDF."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from programs.models import MilestoneReport
    from programs.services.milestones import milestone_report_save
    from tests.factories import make_pdf

    report = MilestoneReport.objects.get(tranche=tranche)
    milestone_report_save(
        report=report,
        actor=founder,
        answers={"progress": "REPORT-SECRET-MARKER"},
        figures={"users": 4242},
        attachments=[SimpleUploadedFile("pilot.pdf", make_pdf(), "application/pdf")],
    )
    return report, report.attachments.get()


def _suggestion_job(program, user):
    from portal.models import Job, JobStatus

    empty = {"objective": "rank_order", "selected": [], "rows": [], "problems": []}
    return Job.objects.create(
        kind="programs.suggestion",
        target=str(program.pk),
        started_by=user,
        status=JobStatus.DONE,
        progress=100,
        result=empty,
    )


def _assignment_job(program, user):
    from portal.models import Job, JobStatus

    return Job.objects.create(
        kind="programs.assignment",
        target=str(program.pk),
        started_by=user,
        status=JobStatus.DONE,
        progress=100,
        result={"summary": "2 assignments made.", "assignments": 2},
    )


def _export_job(user):
    """A finished ledger export, its file in the world's private storage."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from portal.models import Job, JobStatus

    job = Job.objects.create(
        kind="programs.export",
        target="ledger:csv:all::",
        started_by=user,
        status=JobStatus.DONE,
        progress=100,
    )
    stored = default_storage.save(f"exports/job-{job.pk}/ledger.csv", ContentFile(b"a,b\n1,2\n"))
    job.result = {
        "summary": "The file is ready.",
        "file": stored,
        "filename": "ledger.csv",
        "content_type": "text/csv; charset=utf-8",
    }
    job.save(update_fields=["result"])
    return job


def _authenticator(user):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user).order_by("id").first()


def _forbidden(w: World, other) -> dict[str, list[str]]:
    u = w.users
    alpha = [v for v in _answers("ALPHA-SECRET").values()] + money_markers(REQUESTED_A)
    beta = [v for v in _answers("BETA-SECRET").values()] + money_markers(REQUESTED_B)
    money = money_markers(AWARD_A) + money_markers(PAID_A) + ["PAYMENT-REF-MARKER"]
    money += ["REPORT-SECRET-MARKER"]  # the team's milestone report: its own and managers'
    others_review = ["OTHER-NOTE-MARKER"] + [f"OTHER-COMMENT-MARKER-{n}" for n in (0, 1)]
    own_review = ["OWN-NOTE-MARKER"] + [f"OWN-DRAFT-MARKER-{n}" for n in (0, 1)]
    team_a = [u["founder_a"].email, u["cofounder_a"].email, "invitee@alpha-invitee.kz"]
    team_b = [u["founder_b"].email]
    staff = [u[r].email for r in STAFF_ROLES] + [other.email]
    conflict = ["CONFLICT-REASON-MARKER"]
    everything = alpha + beta + money + others_review + own_review + team_a + team_b + staff
    everything += conflict

    def but(*allowed):
        keep = {m for group in allowed for m in group}
        return [m for m in everything if m not in keep]

    own_email = {role: [u[role].email] for role in u}
    return {
        "anonymous": everything,
        # A team sees its own answers, award and payments; never a reviewer's work or name.
        "founder_a": but(alpha, money, team_a),
        "cofounder_a": but(alpha, money, team_a),
        "founder_b": but(beta, team_b),
        # The assigned reviewer reads the application, not the money, and
        # not the other review while their own is not submitted.
        "reviewer_a": but(alpha, own_review, own_email["reviewer_a"]),
        "reviewer_free": but(own_email["reviewer_free"]),
        "reviewer_conflict": but(conflict, own_email["reviewer_conflict"]),
        "manager": [],
        "superuser": [],
    }
