"""Recompute every kept application score (all programs, or one by slug)."""

from django.core.management.base import BaseCommand, CommandError

from programs.scoring import scores_rebuild
from startups.models import Program


class Command(BaseCommand):
    help = "Recompute the kept application scores from the submitted reviews."

    def add_arguments(self, parser):
        parser.add_argument("--program", help="the program's slug (default: every program)")

    def handle(self, *args, **options):
        program_id = None
        if options["program"]:
            program = Program.objects.filter(slug=options["program"]).first()
            if program is None:
                raise CommandError(f"No program with the slug {options['program']!r}.")
            program_id = program.pk
        changed = scores_rebuild(program_id=program_id)
        self.stdout.write(f"Scores rebuilt: {changed} rows changed.")
