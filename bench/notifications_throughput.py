"""Bulk notification delivery through the real queue, against its floors in the same run.

    .venv/bin/python -m bench.notifications_throughput [--count 10000] [--concurrency 2]

Needs PostgreSQL and Redis on loopback (DATABASE_URL, REDIS_URL override the
defaults). Creates a database of its own (portal_bench_notifications), N
pending notification rows and an SMTP sink in a process of its own, then
measures, one after the other:

1. the floor: a bare smtplib loop over one connection sending N messages of
   the same size as the portal's (one rendered outbox row) to the sink;
2. the portal: rows -> `notifications_enqueue` -> Redis -> a Celery worker
   at the given concurrency -> batches of 100, one SMTP connection and one
   transaction each -> "sent";
3. N no-op tasks through the same broker and worker (the queue's own cost).

It prints each rate and the portal's rate as a ratio of the floor (goal
>= 0.5). The load average is printed: on a shared machine the figures move.
"""

import argparse
import email.policy
import multiprocessing
import os
import smtplib
import subprocess
import sys
import time

os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_notifications"
)
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
# Benchmarks run the development settings (no production secrets needed).
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["BENCH_COUNTER_URL"] = os.environ["REDIS_URL"]

from bench.common import free_port  # noqa: E402

GOAL = 0.5


def _sink(port, received, ready, stop) -> None:
    """The SMTP sink, in a process of its own so that neither side shares its GIL."""
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            with received.get_lock():
                received.value += 1
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench.noop import noop
    from portal.models import Notification, NotificationKind, NotificationStatus
    from portal.notifications import notification_render, notifications_enqueue

    _ensure_database()
    call_command("migrate", verbosity=0)
    counter = redis.Redis.from_url(os.environ["REDIS_URL"])
    counter.flushdb()

    spawn = multiprocessing.get_context("spawn")
    received = spawn.Value("l", 0)
    ready, stop = spawn.Event(), spawn.Event()
    port = free_port()
    sink = spawn.Process(target=_sink, args=(port, received, ready, stop), daemon=True)
    sink.start()
    if not ready.wait(30):
        raise SystemExit("the SMTP sink did not start")

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
    # The floor sends what the portal sends: one rendered row, as bytes.
    message = notification_render(Notification.objects.get(pk=ids[1]))
    payload = message.message(policy=email.policy.SMTP).as_bytes()
    connection.close()
    load_before = os.getloadavg()

    floor_seconds = _smtplib_loop(port, args.count, payload, settings.DEFAULT_FROM_EMAIL)

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
        # Worker start-up is not part of either measurement: wait until both
        # of its processes have run a task.
        for _ in range(args.concurrency * 4):
            noop.delay()
        _wait(lambda: int(counter.get("bench:noop") or 0) >= args.concurrency * 4, 60)
        counter.delete("bench:noop")
        received_before = received.value

        started = time.perf_counter()
        notifications_enqueue(ids)
        sent = Notification.objects.filter(status=NotificationStatus.SENT)
        _wait(lambda: sent.count() >= args.count, 600, every=0.1)
        mail_seconds = time.perf_counter() - started
        connection.close()
        delivered = received.value - received_before

        started = time.perf_counter()
        for _ in range(args.count):
            noop.delay()
        _wait(lambda: int(counter.get("bench:noop") or 0) >= args.count, 600, every=0.05)
        noop_seconds = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(30)
    floor_after = _smtplib_loop(port, args.count, payload, settings.DEFAULT_FROM_EMAIL)
    stop.set()
    sink.join(10)
    load_after = os.getloadavg()

    floor_rate = args.count / min(floor_seconds, floor_after)
    mail_rate = args.count / mail_seconds
    ratio = mail_rate / floor_rate
    print(
        f"messages: {args.count} of {len(payload):,} bytes; worker concurrency {args.concurrency}"
    )
    print(
        f"floor, bare smtplib loop over one connection: {floor_seconds:.2f} s before, "
        f"{floor_after:.2f} s after ({floor_rate:,.0f} messages/s, the better of the two)"
    )
    print(
        f"notifications (Redis, worker, batches of 100: one SMTP connection and one "
        f"transaction each): {mail_seconds:.2f} s, {mail_rate:,.0f} messages/s "
        f"(SMTP sink received {delivered})"
    )
    noop_rate = args.count / noop_seconds
    print(f"no-op task, one message each: {noop_seconds:.2f} s, {noop_rate:,.0f} tasks/s")
    verdict = "meets" if ratio >= GOAL else "FALLS SHORT of"
    print(f"ratio notifications / floor: {ratio:.2f}x ({verdict} the goal of {GOAL}x)")
    print(
        f"cores {os.cpu_count()}, load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after"
    )


def _smtplib_loop(port: int, count: int, payload: bytes, sender: str) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(count):
            smtp.sendmail(sender, [f"founder{i}@example.kz"], payload)
    return time.perf_counter() - started


def _wait(predicate, timeout: float, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {timeout} s")
        time.sleep(every)


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


if __name__ == "__main__":
    main()
