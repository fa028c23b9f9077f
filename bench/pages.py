"""Light pages against a bare Django view, under gunicorn, PostgreSQL, DEBUG off.

    .venv/bin/python -m bench.pages [--seconds 6] [--rounds 3] [--concurrency 4] [--write]
    .venv/bin/python -m bench.pages --profile "/programs/" [--requests 400]

Builds its own database (portal_bench_pages; DATABASE_URL overrides) with
30 published programs of 5 criteria, 300 other teams' applications and one
founder whose startup has a submitted application with its history; collects
the static files (the production storage needs its manifest); starts gunicorn
with `bench.settings` (production settings, DEBUG off, Redis cache) and
`bench.urls` (the portal plus a bare view); signs the founder in with a
session cookie; then counts the requests per second each page answers during
--seconds, --concurrency connections at a time, after a warm-up, and prints
each as a ratio to the bare view under the same server (the median over
--rounds rounds, each with its floors measured again): anonymous pages to
the anonymous bare view, the founder's pages to the bare view with the
founder's session (the session and user lookups are the floor's own cost).
`--write` replaces the "Light pages" section of bench/RESULTS.md.

`--profile PATH` runs PATH in this process under cProfile instead (as the
founder when PATH is a founder's page) and prints where the time goes.

The machine is shared: the client runs on the same cores as the server, so
compare ratios measured in one run, not absolute figures across runs.
"""

import argparse
import datetime
import http.client
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_pages")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from bench.common import gunicorn, session_cookie  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-pages"
FOUNDER = "founder@pages.bench.kz"
GOALS = {"program list": 0.7, "program detail": 0.7, "founder dashboard": 0.5}
GOALS["application page"] = 0.5


def _setup_django():
    import django

    django.setup()


def seed() -> dict:
    """The bench rows (replaced on every run); returns the founder's ids."""
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from bench.notifications_throughput import _ensure_database
    from startups.enums import ApplicationStatus, MembershipRole, ProgramStatus
    from startups.models import (
        Application,
        ApplicationStatusChange,
        Criterion,
        Membership,
        Program,
        Startup,
    )

    _ensure_database()
    call_command("migrate", verbosity=0)
    User = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        ApplicationStatusChange.objects.filter(application__program__slug__startswith=SLUG).delete()
        Application.objects.filter(program__slug__startswith=SLUG).delete()
        Criterion.objects.filter(program__slug__startswith=SLUG).delete()
        Program.objects.filter(slug__startswith=SLUG).delete()
        Startup.objects.filter(name__startswith="Bench P ").delete()
        User.objects.filter(email__endswith="pages.bench.kz").delete()
        programs = Program.objects.bulk_create(
            [
                Program(
                    name=f"Bench pages program {n}",
                    slug=f"{SLUG}-{n}",
                    organiser="Bench Fund",
                    description="Grants for early teams.\n\nTwo paragraphs of text.",
                    total_budget=Decimal("500000000"),
                    max_amount_per_project=Decimal("20000000"),
                    opens_at=now - timedelta(days=10),
                    closes_at=now + timedelta(days=5 + n),
                    status=ProgramStatus.OPEN,
                )
                for n in range(30)
            ]
        )
        Criterion.objects.bulk_create(
            [
                Criterion(
                    program=program,
                    name=f"Criterion {k}",
                    guidance="What the reviewer looks for.",
                    weight=Decimal("1"),
                    position=k,
                )
                for program in programs
                for k in range(5)
            ]
        )
        founders = User.objects.bulk_create(
            [User(email=f"f{i}@pages.bench.kz") for i in range(300)]
            + [User(email=FOUNDER, full_name="Bench Founder")]
        )
        startups = Startup.objects.bulk_create(
            [
                Startup(name=f"Bench P {i}", sector="fintech", stage="mvp", description="-")
                for i in range(301)
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(startup=s, user=f, role=MembershipRole.OWNER)
                for s, f in zip(startups, founders, strict=True)
            ]
        )
        text = "A clear answer of a few sentences. " * 8
        applications = Application.objects.bulk_create(
            [
                Application(
                    startup=s,
                    program=programs[i % 30],
                    status=ApplicationStatus.SUBMITTED,
                    problem=text,
                    solution=text,
                    market=text,
                    business_model=text,
                    traction=text,
                    team=text,
                    requested_amount=Decimal("10000000"),
                    use_of_funds=text,
                    submitted_at=now - timedelta(days=1),
                )
                for i, s in enumerate(startups)
            ]
        )
        mine = applications[-1]
        ApplicationStatusChange.objects.bulk_create(
            [
                ApplicationStatusChange(
                    application=mine, from_status="", to_status=ApplicationStatus.DRAFT
                ),
                ApplicationStatusChange(
                    application=mine,
                    from_status=ApplicationStatus.DRAFT,
                    to_status=ApplicationStatus.SUBMITTED,
                    actor=founders[-1],
                ),
            ]
        )
    return {
        "founder": founders[-1].pk,
        "application": mine.pk,
        "startup": startups[-1].pk,
        "program": programs[0].slug,
    }


def pages(ids: dict) -> list[tuple[str, str, bool]]:
    """(label, path, as the founder); each group starts with its floor."""
    return [
        ("bare view", "/bench/bare/", False),
        ("home", "/", False),
        ("program list", "/programs/", False),
        ("program detail", f"/programs/{ids['program']}/", False),
        ("bare view (signed in)", "/bench/bare/", True),
        ("founder dashboard", "/dashboard/", True),
        ("application page", f"/applications/{ids['application']}/", True),
        ("startup page", f"/startups/{ids['startup']}/", True),
    ]


def _get(port: int, path: str, cookie: str | None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1", "Accept-Language": "en"}
    if cookie:
        headers["Cookie"] = cookie
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def measure(port: int, path: str, cookie: str | None, seconds: float, concurrency: int) -> float:
    """Requests per second answered 200 during `seconds` (after a short warm-up)."""
    for _ in range(20):
        status = _get(port, path, cookie)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    stop = time.perf_counter() + seconds
    counts = [0] * concurrency
    errors: list[str] = []

    def worker(slot: int) -> None:
        while time.perf_counter() < stop:
            status = _get(port, path, cookie)
            if status != 200:
                errors.append(f"{path} answered {status}")
                return
            counts[slot] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(errors[0])
    return sum(counts) / elapsed


def profile(path: str, requests: int, ids: dict, sort: str = "cumulative") -> None:
    import cProfile
    import pstats

    from django.test import Client

    founder_paths = ("/dashboard/", "/applications/", "/startups/")
    path = path.format(**ids)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    if path.startswith(founder_paths):
        name, value = session_cookie(ids["founder"]).split("=", 1)
        client.cookies[name] = value
    for _ in range(20):
        assert client.get(path).status_code == 200
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"{path}: {requests / elapsed:.0f} requests/s in-process (under the profiler)")
    stats = pstats.Stats(profiler).sort_stats(sort)
    stats.print_stats(40)


def machine() -> str:
    cores = os.cpu_count()
    try:
        memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
        memory_gb = f"{int(memory) / 1024 / 1024:.1f} GB"
    except (OSError, IndexError, ValueError):
        memory_gb = "?"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{datetime.date.today().isoformat()}, {cores} cores, {memory_gb} memory, "
        f"PostgreSQL {pg}, Python {platform.python_version()}, load average before: {load}"
    )


NOTES = """\
Figures that fall short are marked NOT MET; goals are not lowered. The machine is
shared with other benchmarks and test runs (see the load average above), so single
figures are noisy; each ratio is the median of rounds measured within one run.

Where the time goes now. The public list and program page are served from each
worker's own copy of the cached content (no round trip; forgotten at once when a
program or criterion changes: the invalidation is published on a Redis channel every
worker listens to), inside the page chrome, whose fragments are rendered once per
worker and language (`{% chrome %}`, `portal/templatetags/portal_chrome.py`). What
remains per request is one pass of the template engine over `base.html`, the
language switcher's CSRF token and cookie, and the larger response.

The founder's pages read their own rows on every request: the dashboard 3 queries
(applications, their history, startups; its open calls come from the public cache),
the application page 4 (the application, its history, the funding panel, the team
check of `startups.withdraw_application`), the startup page 5 (the startup, the owner
check, applications, team, invitations), against the floor's 2 (session, user). On
this loaded machine one query costs about as much as the whole bare view, so these
pages cannot reach 0.5x by trimming columns and fragments. Reaching it needs their
content kept per team with an invalidation on every write that touches it
(applications and their transitions, memberships, invitations, startups, team
members' names, awards and payments); not done, because one missed write path would
show a founder stale data.
"""


def write_results(table: str, header: str, command: str) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    section = f"## Light pages\n\n{header}\n\n`{command}`\n\n{table}\n\n{NOTES}\n"
    start = text.find("## Light pages")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="median of this many rounds")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    parser.add_argument("--profile", metavar="PATH")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--sort", default="cumulative", help="cumulative or tottime")
    args = parser.parse_args()

    _setup_django()
    ids = seed()
    from django.core.cache import cache
    from django.core.management import call_command

    cache.clear()  # the bench's own Redis database: nothing cached from an earlier run
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.profile:
        profile(args.profile, args.requests, ids, args.sort)
        return
    about = machine()
    cookie = session_cookie(ids["founder"])
    rates: dict[str, list[float]] = {}
    ratios: dict[str, list[float]] = {}
    with gunicorn(args.workers) as port:
        # Rounds: the floors are measured again in each round, just before their
        # pages, so that a change in the machine's load moves both; medians shown.
        for _round in range(args.rounds):
            floor = 0.0
            for label, path, signed_in in pages(ids):
                rate = measure(
                    port, path, cookie if signed_in else None, args.seconds, args.concurrency
                )
                if label.startswith("bare view"):
                    floor = rate
                rates.setdefault(label, []).append(rate)
                ratios.setdefault(label, []).append(rate / floor)
    rows = [
        (label, path, statistics.median(rates[label]), statistics.median(ratios[label]))
        for label, path, _signed_in in pages(ids)
    ]
    lines = [
        "| page | path | requests/s | × bare view | goal |",
        "|---|---|---:|---:|---|",
    ]
    for label, path, rate, ratio in rows:
        goal = GOALS.get(label)
        verdict = "" if goal is None else f"≥ {goal}× {'met' if ratio >= goal else 'NOT MET'}"
        lines.append(f"| {label} | `{path}` | {rate:.0f} | {ratio:.2f} | {verdict} |")
    table = "\n".join(lines)
    header = (
        f"{about}. gunicorn {args.workers} sync workers, {args.concurrency} client "
        f"connections on the same machine, {args.seconds:g} s per page in each of "
        f"{args.rounds} rounds, the floors measured again in each round; medians of the rounds "
        "(requests/s and the ratio within each round); settings "
        "`bench.settings` (DEBUG off, Redis cache). Anonymous pages are compared with "
        "the anonymous bare view, the founder's pages with the bare view under the "
        "founder's session."
    )
    print(header)
    print(table)
    if args.write:
        command = "python -m bench.pages " + " ".join(sys.argv[1:])
        write_results(table, header, command.strip())


if __name__ == "__main__":
    main()
