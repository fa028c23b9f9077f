"""The order of the demo: fixed parts through the services, the call in bulk.

One transaction: a failure leaves the database as it was. The derived data
stays true: history and audit rows for every status set, program totals and
award balances from the funding services, the outbox rows of the service
path marked sent (a demo mails no one), and the kept application scores
rebuilt at the end (`scores_rebuild`, when the portal has it).
"""

import time
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from random import Random

from django.core.management import call_command, get_commands
from django.db import transaction
from django.utils import timezone

from portal.models import Notification, NotificationStatus, User
from programs.management.demo import fixed
from programs.management.demo.bulk import tables_analyze
from programs.management.demo.cohort import Team, cohort_create
from programs.management.demo.past_dates import past_program_date
from programs.management.demo.reviews import reviewers_create, reviews_create
from programs.models import ApplicationScore, Assignment, Review, Score
from programs.roles import roles_sync
from startups.models import Application, Startup


def demo_build(
    *, applications: int, reviewers: int, seed: int, say: Callable[[str], None]
) -> dict[str, int]:
    """Build the demo; `say` receives one progress line per step. Returns the counts."""
    started = time.monotonic()

    def step(message: str) -> None:
        say(f"[{time.monotonic() - started:6.1f} s] {message}")

    # One stream per part, so a change in one part leaves the others' names alone.
    rng_cohort, rng_reviews = Random(seed), Random(seed + 1)  # noqa: S311 (reproducible demo)
    now = timezone.now()
    assigned_at = now - timedelta(days=6)
    with transaction.atomic():
        last_outbox = Notification.objects.order_by("-id").values_list("id", flat=True).first()
        roles_sync()
        fixed.accounts_create()
        program = fixed.current_program_create()
        fixed.demo_startups_create(program)
        manager = User.objects.get(email="manager@demo.kz")
        demo_teams = fixed.demo_teams_under_review(program)
        step("Demo logins, programs and demo teams created.")
        teams = cohort_create(
            program=program,
            size=applications,
            rng=rng_cohort,
            now=now,
            assigned_at=assigned_at,
            manager=manager,
        )
        step(f"{applications} applications from generated teams ({len(teams)} under review).")
        pool = reviewers_create(count=reviewers, rng=rng_reviews)
        assigned, reviewed = reviews_create(
            program=program,
            teams=demo_teams + teams,
            reviewers=pool,
            rng=rng_reviews,
            now=now,
            assigned_at=assigned_at,
            manager=manager,
        )
        tables_analyze([Application, Assignment, Review, Score, ApplicationScore, Startup, User])
        step(f"{len(pool)} reviewers: {assigned} assignments, {reviewed} submitted reviews.")
        past, past_applications = fixed.past_program_create(teams=8 + min(applications // 250, 42))
        funded = 6 + min(applications // 2000, 9)
        reviews_create(
            program=past,
            teams=[
                Team(
                    application=application,
                    startup=application.startup,
                    quality=rng_reviews.uniform(7.5, 9.5)
                    if n < funded
                    else rng_reviews.uniform(3, 7),
                )
                for n, application in enumerate(past_applications)
            ],
            reviewers=pool,
            rng=rng_reviews,
            now=past.review_deadline,
            assigned_at=past.closes_at + timedelta(days=3),
            manager=manager,
            keep_to_do=0,
        )
        if "scores_rebuild" in get_commands():  # selection reads the kept scores
            call_command("scores_rebuild", "--program", past.slug, stdout=StringIO())
        fixed.past_program_decide(program=past, applications=past_applications, funded=funded)
        past_program_date(program=past, applications=past_applications)
        step(f"Last year's program: {past.awards.count()} awards, tranches and payments.")
        # The service path wrote outbox rows (submissions, decisions, awards); a
        # demo mails no one, so they stand as sent and no worker picks them up.
        marked = Notification.objects.filter(
            pk__gt=last_outbox or 0, status=NotificationStatus.PENDING
        ).update(status=NotificationStatus.SENT, sent_at=now)
        if "scores_rebuild" in get_commands():
            call_command("scores_rebuild", stdout=StringIO())
            step("Application scores rebuilt.")
    step("Done.")
    return {
        "applications": applications,
        "reviewers": len(pool),
        "assignments": assigned,
        "reviews": reviewed,
        "notifications_marked_sent": marked,
    }
