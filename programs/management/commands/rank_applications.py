"""Print a program's ranking: `rank_applications <program-slug> [--normalised] [--csv]`."""

import csv as csv_module

from django.core.management.base import BaseCommand, CommandError

from portal.validators import spreadsheet_text
from programs.ranking import ranking_rows
from startups.models import Program

COLUMNS = [
    "rank",
    "application",
    "startup",
    "sector",
    "region",
    "raw_score",
    "normalised_score",
    "reviews",
    "spread",
    "requested",
    "currency",
    "running_requested",
    "status",
]


def _fmt(value, places=3) -> str:
    return "" if value is None else f"{value:.{places}f}"


class Command(BaseCommand):
    help = "Print the ranking of a program's applications (best first)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The program's slug, e.g. startup-kazakhstan-2026.")
        parser.add_argument(
            "--normalised", action="store_true", help="Rank by reviewer-normalised scores."
        )
        parser.add_argument("--csv", action="store_true", help="Write CSV instead of a table.")

    def handle(self, *args, slug: str, normalised: bool, csv: bool, **options):
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            known = ", ".join(Program.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"No program with the slug {slug!r}. Known: {known or 'none'}.")
        rows = [
            [
                row["rank"],
                row["pk"],
                row["startup__name"],
                row["startup__sector"],
                row["startup__region"] or row["startup__country"],
                _fmt(row["raw_score"]),
                _fmt(row["norm_score"]),
                row["reviews"],
                _fmt(row["spread"]),
                _fmt(row["requested_amount"], 2),
                program.currency,
                _fmt(row["running_requested"], 2),
                row["status"],
            ]
            for row in ranking_rows(program, normalised=normalised).iterator(chunk_size=2000)
        ]
        if csv:
            self._write_csv(rows)
        else:
            self._write_table(rows)

    def _write_csv(self, rows) -> None:
        writer = csv_module.writer(self.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        # The startup's name is the only free text: no control characters,
        # no formula; the other columns are numbers and codes.
        startup = COLUMNS.index("startup")
        writer.writerows(
            [*row[:startup], spreadsheet_text(row[startup]), *row[startup + 1 :]] for row in rows
        )

    def _write_table(self, rows) -> None:
        shown = [COLUMNS] + [[str(c) for c in row] for row in rows]
        widths = [max(len(r[i]) for r in shown) for i in range(len(COLUMNS))]
        for row in shown:
            self.stdout.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
