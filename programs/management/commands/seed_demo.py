"""Demo data for `make run`: programs, criteria and accounts to log in with."""

from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from programs.models import Criterion, Program, ProgramStatus

DEMO_PASSWORD = "demo-portal-2026"

DEMO_ACCOUNTS = [
    # e-mail, full name, language, staff, superuser
    ("admin@demo.kz", "Aigerim Admin", "en", True, True),
    ("manager@demo.kz", "Marat Manager", "ru", True, False),
    ("reviewer@demo.kz", "Dana Reviewer", "en", True, False),
    ("founder@demo.kz", "Nurlan Founder", "kk", False, False),
]

CRITERIA = [
    ("Innovation", "How new is the solution for Kazakhstan and the CIS?", "3"),
    ("Market potential", "Size and growth of the market the team can reach.", "2"),
    ("Team", "Can this team build and sell it?", "2"),
    ("Business model", "Is there a credible path to revenue?", "2"),
    ("Impact", "Jobs, technology transfer, social and environmental benefit.", "1"),
]


class Command(BaseCommand):
    help = "Create demo programs and accounts (with --if-empty: only on an empty database)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when a program already exists."
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and Program.objects.exists():
            self.stdout.write("Demo data already present; nothing created.")
        else:
            with transaction.atomic():
                self.create_accounts()
                self.create_programs()
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        self.print_logins()

    def create_accounts(self) -> None:
        User = get_user_model()
        for email, name, lang, staff, superuser in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                email=email,
                defaults={
                    "full_name": name,
                    "preferred_language": lang,
                    "is_staff": staff,
                    "is_superuser": superuser,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )

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
                "total_budget": Decimal("1000000000"),
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

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for email, name, _lang, staff, superuser in DEMO_ACCOUNTS:
            role = "superuser" if superuser else ("staff" if staff else "founder")
            self.stdout.write(f"  {email:<22} {name:<18} {role}")
        self.stdout.write("Site: http://127.0.0.1:8000/   Admin: http://127.0.0.1:8000/admin/")
        self.stdout.write("")
