"""Demo data for `make run`: programs, criteria and accounts to log in with."""

import logging
import random
from datetime import date, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from portal.mfa import totp_enrol, totp_secret
from programs.management.demo_data import (
    COHORT_NOUNS,
    COHORT_WORDS,
    CRITERIA,
    DEMO_ACCOUNTS,
    DEMO_ANSWER,
    DEMO_PASSWORD,
    DEMO_PATHS,
    DEMO_PDF,
    DEMO_STARTUPS,
)
from programs.models import Assignment
from programs.roles import PROGRAM_MANAGERS, REVIEWERS, roles_sync
from programs.services.assignment import assignments_auto
from programs.services.funding import award_create, disbursement_record, tranches_set
from programs.services.reviewing import review_save
from programs.services.selection import application_decide, decisions_finalise
from startups.enums import ApplicationStatus, ProgramStatus, Region, Sector, Stage
from startups.models import Application, Criterion, Program, Startup
from startups.services import (
    EDITABLE_FIELDS,
    application_save_draft,
    application_start,
    application_submit,
    startup_create,
)
from startups.validators import make_bin
from startups.workflow import application_record_creation, application_transition


class Command(BaseCommand):
    help = "Create demo programs and accounts (with --if-empty: only on an empty database)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when a program already exists."
        )
        parser.add_argument(
            "--cohort",
            type=int,
            default=300,
            help="How many extra submitted applications to create (default 300).",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and Program.objects.exists():
            self.stdout.write("Demo data already present; nothing created.")
        else:
            # Demo events write their notifications as usual; none is mailed.
            quiet = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
            # In-process tasks would log one line each; the logins matter here.
            logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
            with override_settings(MAILERS=quiet), transaction.atomic():
                roles_sync()
                self.create_accounts()
                self.create_programs()
                self.create_startups()
                self.create_cohort(options.get("cohort", 300))
                self.create_reviews()
                self.create_past_program()
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        self.print_logins()

    def create_accounts(self) -> None:
        User = get_user_model()
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
                user.set_password(DEMO_PASSWORD)
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

    def create_programs(self) -> None:
        now = timezone.now()
        program, _ = Program.objects.update_or_create(
            slug="startup-kazakhstan-2026",
            defaults={
                "name": "Startup Kazakhstan 2026",
                "organiser": "Demo Technology Park",
                "description": (
                    "A national program that selects 50 promising and innovative projects "
                    "from Kazakhstan and the CIS and funds each one in stages, after an "
                    "expert review and a selection commission."
                ),
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
        for position, (name, guidance, weight) in enumerate(CRITERIA):
            Criterion.objects.update_or_create(
                program=program,
                name=name,
                defaults={"guidance": guidance, "weight": Decimal(weight), "position": position},
            )

    def create_startups(self) -> None:
        """A few teams with applications in different states, through the services."""
        User = get_user_model()
        program = Program.objects.get(slug="startup-kazakhstan-2026")
        founder = User.objects.get(email="founder@demo.kz")
        for index, (name, region, sector, stage, target) in enumerate(DEMO_STARTUPS):
            if index == 0:
                owner = founder
            else:
                owner, _ = User.objects.get_or_create(
                    email=f"team{index}@demo.kz",
                    defaults={"full_name": f"Demo Founder {index}", "preferred_language": "ru"},
                )
                owner.set_password(DEMO_PASSWORD)
                owner.save(update_fields=["password"])
                EmailAddress.objects.update_or_create(
                    user=owner, email=owner.email, defaults={"verified": True, "primary": True}
                )
            if Startup.objects.filter(name=name).exists():
                continue
            startup = startup_create(
                user=owner,
                data={
                    "name": name,
                    "country": "KZ",
                    "region": region,
                    "bin": make_bin(f"2{index % 10}0{(index % 9) + 1}40{index:05d}"[:11]),
                    "sector": sector,
                    "stage": stage,
                    "description": f"{name}: a demo startup in {sector}.",
                    "team_size": 3,
                    "founded_on": date(2023, 1 + index % 12, 1),
                },
            )
            application, _ = application_start(startup=startup, program=program, actor=owner)
            answers = {name: DEMO_ANSWER for name in EDITABLE_FIELDS if name != "video_url"}
            answers["requested_amount"] = Decimal(8_000_000 + 1_000_000 * index)
            if target == ApplicationStatus.DRAFT:
                answers = {"problem": DEMO_ANSWER, "solution": DEMO_ANSWER}
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

    def create_cohort(self, size: int) -> None:
        """Several hundred submitted applications, so the board has something to rank."""
        rng = random.Random(2026)  # noqa: S311 (demo data, reproducible on purpose)
        User = get_user_model()
        program = Program.objects.get(slug="startup-kazakhstan-2026")
        regions, sectors, stages = list(Region), list(Sector), list(Stage)
        for index in range(size):
            owner = User.objects.create(
                email=f"cohort{index:03d}@startups.demo.kz",
                full_name=f"Cohort Founder {index:03d}",
                preferred_language=("kk", "ru", "en")[index % 3],
            )
            owner.set_unusable_password()  # demo teams that never log in
            owner.save(update_fields=["password"])
            startup = startup_create(
                user=owner,
                data={
                    "name": f"{rng.choice(COHORT_WORDS)} {rng.choice(COHORT_NOUNS)} {index:03d}",
                    "country": "KZ",
                    "region": rng.choice(regions),
                    "sector": rng.choice(sectors),
                    "stage": rng.choice(stages),
                    "description": "A demo startup of the cohort.",
                    "team_size": rng.randint(2, 6),
                },
            )
            application, _ = application_start(startup=startup, program=program, actor=owner)
            answers = {name: DEMO_ANSWER for name in EDITABLE_FIELDS if name != "video_url"}
            answers["requested_amount"] = Decimal(rng.randrange(10, 41) * 500_000)
            application = application_save_draft(
                application=application,
                actor=owner,
                data=answers,
                expected_version=application.version,
                pitch_deck=ContentFile(DEMO_PDF, name="deck.pdf"),
            )
            application_submit(application=application, actor=owner)

    def create_reviews(self) -> None:
        """Reviewers on every submitted application but three, their reviews already in.

        Each demo reviewer has a bias (harsh to lenient), so normalisation
        matters on the board. The demo reviewer (reviewer@experts.kz) keeps
        three reviews to do; three applications are left for the demo
        manager to assign automatically.
        """
        rng = random.Random(7)  # noqa: S311 (demo data, reproducible on purpose)
        User = get_user_model()
        program = Program.objects.get(slug="startup-kazakhstan-2026")
        manager = User.objects.get(email="manager@demo.kz")
        dana = User.objects.get(email="reviewer@experts.kz")
        left_for_manager = set(
            Startup.objects.filter(
                name__in=["Steppe Robotics", "Tenge Ledger", "Bilim Cloud"]
            ).values_list("applications__pk", flat=True)
        )
        to_assign = [
            pk
            for pk in program.applications.filter(
                status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW]
            ).values_list("pk", flat=True)
            if pk not in left_for_manager
        ]
        assignments_auto(program=program, actor=manager, applications=to_assign)
        criteria = list(program.criteria.all())
        quality: dict[int, float] = {}
        bias = {}
        dana_left = 3
        assignments = Assignment.objects.filter(program=program).select_related("reviewer")
        for assignment in assignments.order_by("id"):
            if assignment.reviewer_id == dana.pk and dana_left:
                dana_left -= 1
                continue
            q = quality.setdefault(assignment.application_id, rng.uniform(2.5, 9.0))
            b = bias.setdefault(assignment.reviewer_id, rng.choice([-2, -1, 0, 1, 2]))
            scores = {
                c.pk: (
                    max(c.scale_min, min(c.scale_max, round(q + b + rng.uniform(-1, 1)))),
                    "",
                )
                for c in criteria
            }
            recommendation = "fund" if q + b > 7 else ("maybe" if q + b > 5 else "do_not_fund")
            review_save(
                assignment=assignment,
                reviewer=assignment.reviewer,
                scores=scores,
                recommendation=recommendation,
                note="",
                submit=True,
            )

    def create_past_program(self) -> None:
        """Last year's program, decided and funded: awards, tranches and payments.

        The demo founder's startup is one of the funded teams, so the
        founder's page shows a schedule and payments.
        """
        User = get_user_model()
        manager = User.objects.get(email="manager@demo.kz")
        now = timezone.now()
        program = Program.objects.create(
            name="Startup Kazakhstan 2025",
            slug="startup-kazakhstan-2025",
            organiser="Demo Technology Park",
            description="Last year's call: decided, funded, tranches being paid.",
            total_budget=Decimal("400000000"),
            max_amount_per_project=Decimal("20000000"),
            selection_cap=20,
            opens_at=now - timedelta(days=400),
            closes_at=now - timedelta(days=330),
            review_deadline=now - timedelta(days=300),
            min_team_size=1,
            status=ProgramStatus.OPEN,
        )
        for position, (name, guidance, weight) in enumerate(CRITERIA):
            Criterion.objects.create(
                program=program,
                name=name,
                guidance=guidance,
                weight=Decimal(weight),
                position=position,
            )
        own = Startup.objects.get(name="Qazaq Agro Cold")
        teams = [own] + list(Startup.objects.exclude(pk=own.pk).order_by("id")[:7])
        rng = random.Random(2025)  # noqa: S311 (demo data, reproducible on purpose)
        applications = []
        for startup in teams:
            owner = startup.memberships.get(role="owner").user
            application = Application.objects.create(
                startup=startup,
                program=program,
                problem=DEMO_ANSWER,
                solution=DEMO_ANSWER,
                requested_amount=Decimal(rng.randrange(20, 41) * 500_000),
                created_by=owner,
                updated_by=owner,
            )
            application_record_creation(application=application, actor=owner)
            # The call is long closed: its applications went through as submitted then.
            application_transition(
                application=application, to=ApplicationStatus.SUBMITTED, actor=owner
            )
            applications.append(application)
        for application in applications[:6]:
            application_decide(
                application=application, decision=ApplicationStatus.SELECTED, actor=manager
            )
        decisions_finalise(program=program, actor=manager)
        for index, application in enumerate(applications[:6]):
            application.refresh_from_db()
            agreement = (now - timedelta(days=280 - index * 10)).date()
            award = award_create(
                application=application,
                amount=application.requested_amount,
                agreement_date=agreement,
                actor=manager,
            )
            thirds = [
                (award.amount * Decimal("0.3")).quantize(Decimal("1")),
                (award.amount * Decimal("0.3")).quantize(Decimal("1")),
            ]
            thirds.append(award.amount - sum(thirds))
            tranches = tranches_set(
                award=award,
                schedule=[
                    {
                        "amount": amount,
                        "planned_date": agreement + timedelta(days=120 * n),
                        "milestone": milestone,
                    }
                    for n, (amount, milestone) in enumerate(
                        zip(thirds, ["Agreement signed", "MVP in use", "First sales"], strict=True)
                    )
                ],
                actor=manager,
            )
            for tranche in tranches[: 1 + index % 3]:
                if tranche.planned_date <= timezone.localdate():
                    disbursement_record(
                        tranche=tranche,
                        amount=tranche.amount,
                        paid_on=tranche.planned_date,
                        reference=f"PP-2025-{award.pk:03d}-{tranche.sequence}",
                        actor=manager,
                    )

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        User = get_user_model()
        totp_secrets = {
            user.email: totp_secret(user=user)
            for user in User.objects.filter(email__in=[a[0] for a in DEMO_ACCOUNTS])
        }
        for email, name, _lang, role in DEMO_ACCOUNTS:
            secret = totp_secrets.get(email)
            totp = f"  TOTP secret {secret}" if secret else ""
            self.stdout.write(f"  {email:<22} {name:<18} {role:<10}{totp}".rstrip())
        self.stdout.write(
            "Staff sign in with a code from an authenticator app (add the secret to it),"
            " or print the current one: python manage.py totp_code <email>"
        )
        self.stdout.write("Site: http://127.0.0.1:8000/   Admin: http://127.0.0.1:8000/admin/")
        self.stdout.write("")
