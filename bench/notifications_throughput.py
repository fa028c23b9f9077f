"""Bulk notification delivery through the real queue, beside a no-op task's rate.

    .venv/bin/python -m bench.notifications_throughput [--count 10000] [--concurrency 2]

Needs PostgreSQL and Redis on loopback (DATABASE_URL, REDIS_URL override the
defaults). Creates a database of its own (portal_bench), N pending
notification rows, an SMTP sink on loopback, and a Celery worker process;
then measures (1) rows -> batches of 100 over one SMTP connection each ->
"sent", and (2) N no-op tasks through the same broker and worker.
"""

import argparse
import os
import subprocess
import sys
import time

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
# Benchmarks run the development settings (no production secrets needed).
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["BENCH_COUNTER_URL"] = os.environ["REDIS_URL"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    import django

    django.setup()
    import redis
    from aiosmtpd.controller import Controller
    from django.core.management import call_command
    from django.db import connection

    from bench.noop import noop
    from portal.models import Notification, NotificationKind
    from portal.notifications import notifications_enqueue

    _ensure_database()
    call_command("migrate", verbosity=0)
    counter = redis.Redis.from_url(os.environ["REDIS_URL"])
    counter.flushdb()

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.received += 1
            return "250 OK"

    port = _free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()

    Notification.objects.all().delete()
    rows = [
        Notification(
            kind=NotificationKind.APPLICATION_SUBMITTED,
            event_key=f"bench:{i}",
            email=f"founder{i}@example.kz",
            language=("en", "ru", "kk")[i % 3],
            context={"program": "Bench", "startup": f"S{i}", "actor": "A", "path": "/"},
        )
        for i in range(args.count)
    ]
    Notification.objects.bulk_create(rows, batch_size=2000)
    ids = list(Notification.objects.order_by("id").values_list("id", flat=True))
    connection.close()

    env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{port}", "LOG_LEVEL": "WARNING"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-I",
            "bench.noop",
            f"--concurrency={args.concurrency}",
            "--loglevel=warning",
            "--without-mingle",
            "--without-gossip",
        ],
        env=env,
    )
    try:
        time.sleep(4)  # worker start-up is not part of either measurement
        started = time.perf_counter()
        notifications_enqueue(ids)
        while Notification.objects.filter(status="sent").count() < args.count:
            time.sleep(0.2)
        mail_seconds = time.perf_counter() - started

        started = time.perf_counter()
        for _ in range(args.count):
            noop.delay()
        while int(counter.get("bench:noop") or 0) < args.count:
            time.sleep(0.05)
        noop_seconds = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(30)
        controller.stop()

    print(f"messages: {args.count}, worker concurrency {args.concurrency}")
    print(
        f"notifications (batches of 100, one SMTP connection each): "
        f"{mail_seconds:.2f} s, {args.count / mail_seconds:,.0f} messages/s "
        f"(SMTP sink received {Sink.received})"
    )
    rate = args.count / noop_seconds
    print(f"no-op task, one message each: {noop_seconds:.2f} s, {rate:,.0f} tasks/s")


def _ensure_database() -> None:
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    main()
