"""Automatic assignment end to end: the service on a large program in PostgreSQL.

    .venv/bin/python -m bench.assignment_service [--count 10000] [--reviewers 100]

Creates (in bulk) a program with --count submitted applications and a pool
of --reviewers reviewers in a database of its own (portal_bench_assignment:
no other bench shares it), then times `assignments_auto`: conflict
detection, the min-cost flow, the inserts, the status moves with their
history and audit rows, and the digest e-mails (one outbox row per
reviewer). A second call (nothing to fill) is timed too. Everything it
created is deleted at the end, so a rerun (or another bench pointed at the
same database) starts from the same state.
"""

import argparse
import os
import time
from decimal import Decimal

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_assignment")
# Benchmarks run the development settings (no production secrets needed).
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# The e-mails are queued to Redis (no worker here), not sent inside the timing.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=100)
    args = parser.parse_args()

    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from bench.notifications_throughput import _ensure_database
    from portal.models import Notification
    from programs.models import Assignment
    from programs.roles import PROGRAM_MANAGERS, REVIEWERS, roles_sync
    from programs.services.assignment import assignments_auto
    from startups.models import Application, Membership, Program, Startup

    _ensure_database()
    call_command("migrate", verbosity=0)
    roles_sync()
    User = get_user_model()
    slug = "bench-assignment"

    def clean_up() -> None:
        # Assignments protect their reviewers: they go first, then the rest.
        Assignment.objects.filter(program__slug=slug).delete()
        Notification.objects.filter(email__endswith="bench-assign.kz").delete()
        Application.objects.filter(program__slug=slug).delete()
        Program.objects.filter(slug=slug).delete()
        Startup.objects.filter(name__startswith="Bench A ").delete()
        User.objects.filter(email__endswith="bench-assign.kz").delete()

    clean_up()

    now = timezone.now()
    program = Program.objects.create(
        name="Bench assignment",
        slug=slug,
        total_budget=Decimal("1000000000000"),
        max_amount_per_project=Decimal("20000000"),
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
        status="reviewing",
    )
    manager = User.objects.create(email="manager@bench-assign.kz")
    manager.groups.add(Group.objects.get(name=PROGRAM_MANAGERS))
    reviewers = User.objects.bulk_create(
        [User(email=f"r{i}@org{i}.bench-assign.kz", is_staff=True) for i in range(args.reviewers)]
    )
    Group.objects.get(name=REVIEWERS).user_set.add(*reviewers)
    founders = User.objects.bulk_create(
        [User(email=f"f{i}@team{i}.bench-assign.kz") for i in range(args.count)], batch_size=5000
    )
    startups = Startup.objects.bulk_create(
        [
            Startup(name=f"Bench A {i}", sector="fintech", stage="mvp", description="-")
            for i in range(args.count)
        ],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [
            Membership(startup=s, user=f, role="owner")
            for s, f in zip(startups, founders, strict=True)
        ],
        batch_size=5000,
    )
    Application.objects.bulk_create(
        [Application(startup=s, program=program, status="submitted") for s in startups],
        batch_size=5000,
    )

    from django.db import connection

    with connection.cursor() as cursor:
        # A live database has statistics; freshly bulk-filled tables have none.
        cursor.execute("ANALYZE")
    started, cpu = time.perf_counter(), time.process_time()
    created = assignments_auto(program=program, actor=manager)
    first, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    again = assignments_auto(program=program, actor=manager)
    second = time.perf_counter() - started
    loads = sorted(
        Assignment.objects.filter(program=program)
        .values("reviewer")
        .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id"))
        .values_list("n", flat=True)
    )
    print(f"{args.count} applications, {args.reviewers} reviewers, 3 reviews each")
    print(
        f"assignments_auto: {len(created)} assignments in {first:.1f} s "
        f"(this process's CPU {first_cpu:.1f} s)"
    )
    print(f"again (nothing to fill): {len(again)} assignments in {second:.2f} s")
    print(f"loads: min {loads[0]}, max {loads[-1]}")
    digests = Notification.objects.filter(email__endswith="bench-assign.kz").count()
    print(f"outbox rows (one digest per reviewer): {digests}")
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()  # the queued, unsent e-mails
    clean_up()


if __name__ == "__main__":
    main()
