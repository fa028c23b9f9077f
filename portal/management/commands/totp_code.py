"""Print an account's current authenticator code (development only).

`make run` seeds staff accounts that must sign in with a second factor;
this stands in for the phone. Refused unless DEBUG is on: in production it
would let anyone with a shell skip the second factor.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.mfa import totp_code, totp_secret


class Command(BaseCommand):
    help = "Print the current authenticator (TOTP) code of an account. Only with DEBUG on."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The account's e-mail address.")

    def handle(self, *args, email: str, **options):
        if not settings.DEBUG:
            raise CommandError(
                "totp_code only runs with DEBUG on (a development aid): in production "
                "it would bypass the second factor. Use the account's authenticator app."
            )
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account with the e-mail address {email}.")
        secret = totp_secret(user=user)
        if secret is None:
            raise CommandError(f"{user.email} has no authenticator app set up.")
        self.stdout.write(totp_code(secret=secret))
