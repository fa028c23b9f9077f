"""Demo data for `make run` and for measuring: a national call built in bulk.

    python manage.py seed_demo [--applications N] [--reviewers M] [--seed S] [--if-empty]

The demo logins (with their TOTP secrets), the demo teams (the founder's
draft to Startup Kazakhstan 2026 among them) and last year's funded program
are built through the services; the N generated applications, the M
reviewers' assignments and reviews in bulk (`programs.management.demo`).
The same seed builds the same call.
"""

import logging

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from portal.mfa import totp_secret
from portal.models import User
from programs.management.demo.build import demo_build
from programs.management.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD
from startups.models import Program


class Command(BaseCommand):
    help = "Create the demo program, its applications and accounts (--if-empty: only once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when a program already exists."
        )
        parser.add_argument(
            "--applications",
            "--cohort",
            dest="applications",
            type=int,
            default=300,
            help="Generated applications to the current call, besides the demo teams' (300).",
        )
        parser.add_argument(
            "--reviewers",
            type=int,
            default=10,
            help="Reviewers in the pool, the five demo reviewers included (10).",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="The same seed builds the same call (2026)."
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if Program.objects.exists():
            if not if_empty:
                raise CommandError("Demo data is already present; seed an empty database.")
            self.stdout.write("Demo data already present; nothing created.")
        else:
            if options["applications"] < 0 or options["reviewers"] < 3:
                raise CommandError("Give at least 0 applications and 3 reviewers.")
            # Service-path events write their outbox rows; none is mailed.
            quiet = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
            # In-process tasks would log one line each; the logins matter here.
            logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
            logging.getLogger("portal.notifications").setLevel(logging.WARNING)
            with override_settings(MAILERS=quiet):
                demo_build(
                    applications=options["applications"],
                    reviewers=options["reviewers"],
                    seed=options["seed"],
                    say=self.stdout.write,
                )
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
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
