"""What every demo has, built through the services: logins, the two programs,
the demo teams (the founder's draft among them), last year's funded call.

These are few rows, so they take the same path a user's clicks take: the
history, audit entries, program totals and ledger are the services' own.
"""

from datetime import date, timedelta
from decimal import Decimal
from random import Random

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from portal.mfa import totp_enrol
from portal.models import User
from programs.management.demo import past_dates, texts
from programs.management.demo.data import (
    CRITERIA,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_PATHS,
    DEMO_PDF,
    DEMO_STARTUPS,
    PROGRAM_TEXTS,
    in_languages,
)
from programs.management.demo.milestones import report_approve_for_payment, report_leave_open
from programs.management.demo.names import place_in
from programs.management.demo.phrases_en import MILESTONES
from programs.roles import PROGRAM_MANAGERS, REVIEWERS
from programs.services.funding import award_create, disbursement_record, tranches_set
from programs.services.programs import program_start_reviewing
from programs.services.selection import application_decide, decisions_finalise
from startups.enums import ApplicationStatus, ProgramStatus, Sector
from startups.models import Application, Criterion, Program, Startup
from startups.services import (
    application_save_draft,
    application_start,
    application_submit,
    startup_create,
)
from startups.validators import make_bin
from startups.workflow import application_record_creation, application_transition

CURRENT = "startup-kazakhstan-2026"
PAST = "startup-kazakhstan-2025"


def _demo_password_hash() -> str:
    # One hash for every demo login: a password hash costs about a second by
    # design, and the demo's password is printed on the screen anyway.
    global _HASH
    if _HASH is None:
        _HASH = make_password(DEMO_PASSWORD)
    return _HASH


_HASH: str | None = None


def accounts_create() -> None:
    """The demo logins, with their roles and (for staff) a second factor."""
    groups = {
        "manager": Group.objects.get(name=PROGRAM_MANAGERS),
        "reviewer": Group.objects.get(name=REVIEWERS),
    }
    for email, name, lang, role in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "full_name": name,
                "preferred_language": lang,
                "is_staff": role != "founder",
                "is_superuser": role == "superuser",
            },
        )
        if created:
            user.password = _demo_password_hash()
            user.save(update_fields=["password"])
        if role in groups:
            user.groups.add(groups[role])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if user.is_staff:
            # Staff must sign in with a second factor; `manage.py totp_code`
            # prints the current code in DEBUG, so no phone is needed.
            totp_enrol(user=user)


def _criteria_create(program: Program) -> None:
    for position, (name, guidance, weight) in enumerate(CRITERIA):
        Criterion.objects.update_or_create(
            program=program,
            name_en=name["en"],
            defaults={
                **in_languages({"name": name, "guidance": guidance}),
                "weight": Decimal(weight),
                "position": position,
            },
        )


def current_program_create() -> Program:
    now = timezone.now()
    program, _ = Program.objects.update_or_create(
        slug=CURRENT,
        defaults={
            **in_languages(PROGRAM_TEXTS["current"]),
            "organiser": "Demo Technology Park",
            "currency": "KZT",
            "total_budget": Decimal("600000000"),
            "selection_cap": 50,
            "max_amount_per_project": Decimal("20000000"),
            "opens_at": now - timedelta(days=20),
            "closes_at": now + timedelta(days=25),
            "review_deadline": now + timedelta(days=45),
            "min_team_size": 2,
            "status": ProgramStatus.OPEN,
        },
    )
    _criteria_create(program)
    return program


def _demo_owner(index: int, founder: User) -> User:
    if index == 0:
        return founder
    owner, _ = User.objects.get_or_create(
        email=f"team{index}@demo.kz",
        defaults={"full_name": f"Demo Founder {index}", "preferred_language": "ru"},
    )
    owner.password = _demo_password_hash()
    owner.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=owner, email=owner.email, defaults={"verified": True, "primary": True}
    )
    return owner


def demo_startups_create(program: Program) -> None:
    """The demo teams, each application in its stage, through the services."""
    founder = User.objects.get(email="founder@demo.kz")
    for index, (name, region, sector, stage, target) in enumerate(DEMO_STARTUPS):
        owner = _demo_owner(index, founder)
        if Startup.objects.filter(name=name).exists():
            continue
        rng = Random(index)  # noqa: S311 (demo data, reproducible on purpose)
        language = owner.preferred_language
        place = place_in(region, "", language)
        startup = startup_create(
            user=owner,
            data={
                "name": name,
                "country": "KZ",
                "region": region,
                "bin": make_bin(f"2{index % 10}0{(index % 9) + 1}40{index:05d}"[:11]),
                "sector": sector,
                "stage": stage,
                "description": texts.description(
                    rng, name=name, sector=sector, language=language, place=place
                ),
                "team_size": 3,
                "founded_on": date(2023, 1 + index % 12, 1),
            },
        )
        application, _ = application_start(startup=startup, program=program, actor=owner)
        amount = Decimal(8_000_000 + 1_000_000 * index)
        sections = ("problem", "solution") if target == ApplicationStatus.DRAFT else texts.SECTIONS
        answers: dict[str, object] = dict(
            texts.answers(
                rng,
                name=name,
                sector=sector,
                language=language,
                place=place,
                team_size=3,
                amount_millions=int(amount // 1_000_000),
                sections=sections,
            )
        )
        if target != ApplicationStatus.DRAFT:
            answers["requested_amount"] = amount
        application = application_save_draft(
            application=application,
            actor=owner,
            data=answers,
            expected_version=application.version,
            pitch_deck=None
            if target == ApplicationStatus.DRAFT
            else ContentFile(DEMO_PDF, name=f"{startup.name}.pdf"),
        )
        for step in DEMO_PATHS[target]:
            if step == ApplicationStatus.SUBMITTED:
                application_submit(application=application, actor=owner)
            else:
                application_transition(application=application, to=step, actor=owner)


def past_program_create(*, teams: int) -> tuple[Program, list[Application]]:
    """Last year's program, its call closed: `teams` submitted applications.

    The demo founder's startup comes first (it is funded by `past_program_decide`,
    so the founder's page shows a schedule and payments).
    """
    manager = User.objects.get(email="manager@demo.kz")
    now = timezone.now()
    program = Program.objects.create(
        **in_languages(PROGRAM_TEXTS["past"]),
        slug=PAST,
        organiser="Demo Technology Park",
        total_budget=Decimal("400000000"),
        max_amount_per_project=Decimal("20000000"),
        selection_cap=20,
        opens_at=now - timedelta(days=400),
        closes_at=now - timedelta(days=330),
        review_deadline=now - timedelta(days=300),
        min_team_size=1,
        status=ProgramStatus.OPEN,
        # Teams read the reviewers' comments (not their scores) after the decision.
        share_review_comments=True,
    )
    _criteria_create(program)
    own = Startup.objects.get(name="Qazaq Agro Cold")
    others = Startup.objects.exclude(pk=own.pk).order_by("id")[: teams - 1]
    rng = Random(2025)  # noqa: S311 (demo data, reproducible on purpose)
    applications = []
    for number, startup in enumerate([own, *others.prefetch_related("memberships__user")]):
        owner = next(m.user for m in startup.memberships.all() if m.role == "owner")
        amount = Decimal(rng.randrange(20, 41) * 500_000)
        written = texts.answers(
            rng,
            name=startup.name,
            sector=Sector(startup.sector),
            language=owner.preferred_language,
            place=place_in(startup.region, startup.city, owner.preferred_language),
            team_size=startup.team_size,
            amount_millions=int(amount // 1_000_000),
        )
        # Every section answered and a deck: these went through a real submission.
        application = Application.objects.create(
            startup=startup,
            program=program,
            requested_amount=amount,
            created_by=owner,
            updated_by=owner,
            # Two teams in three agree to be named on the public results page.
            publish_consent=number % 3 != 2,
            one_line_pitch=texts.pitch(startup.description),
            **written,
            **past_dates.deck_fields(startup.name),
        )
        application_record_creation(application=application, actor=owner)
        # The call is long closed: its applications went through as submitted then.
        application_transition(application=application, to=ApplicationStatus.SUBMITTED, actor=owner)
        applications.append(application)
    program_start_reviewing(program=program, actor=manager)
    return program, applications


def past_program_decide(*, program: Program, applications: list[Application], funded: int) -> None:
    """The first `funded` applications (reviewed, at most the cap of 20) selected and
    funded, the others rejected; awards, tranches and payments through the services."""
    manager = User.objects.get(email="manager@demo.kz")
    now = timezone.now()
    for application in applications[:funded]:
        application_decide(
            application=application, decision=ApplicationStatus.SELECTED, actor=manager
        )
    decisions_finalise(program=program, actor=manager)
    for index, application in enumerate(applications[:funded]):
        application.refresh_from_db()
        _award_and_pay(application, index, manager, now)


def _award_and_pay(application: Application, index: int, manager: User, now) -> None:
    agreement = (now - timedelta(days=280 - (index % 12) * 10)).date()
    award = award_create(
        application=application,
        amount=application.requested_amount,
        agreement_date=agreement,
        actor=manager,
    )
    thirds = [(award.amount * Decimal("0.3")).quantize(Decimal("1"))] * 2
    thirds.append(award.amount - sum(thirds))
    tranches = tranches_set(
        award=award,
        schedule=[
            {
                "amount": amount,
                # The first tranche two weeks after the signature, then every four months.
                "planned_date": agreement + timedelta(days=14 + 120 * n),
                "milestone": milestone,
            }
            for n, (amount, milestone) in enumerate(zip(thirds, MILESTONES, strict=True))
        ],
        actor=manager,
    )
    paid = []
    for tranche in tranches[: 1 + index % 3]:
        if tranche.planned_date >= timezone.localdate():
            break
        with past_dates.recorded_on(tranche.planned_date):
            if tranche.sequence > 1:  # the ledger pays it only once its report is approved
                report_approve_for_payment(tranche, index, manager)
            disbursement_record(
                tranche=tranche,
                amount=tranche.amount,
                paid_on=tranche.planned_date,
                reference=f"PP-2025-{award.pk:03d}-{tranche.sequence}",
                actor=manager,
            )
        paid.append(tranche)
    if len(paid) < len(tranches):
        report_leave_open(tranches[max(len(paid), 1)], index, manager)


def demo_teams_under_review(program: Program) -> list:
    """The demo teams already under review, waiting for their reviewers."""
    from programs.management.demo.cohort import Team

    rng = Random(7)  # noqa: S311 (demo data, reproducible on purpose)
    return [
        Team(application=application, startup=application.startup, quality=rng.uniform(4, 9))
        for application in program.applications.filter(status=ApplicationStatus.UNDER_REVIEW)
        .select_related("startup")
        .order_by("id")
    ]
