"""The selection board at 10,000 applications against a bare Django view, under gunicorn.

    .venv/bin/python -m bench.board [--count 10000] [--reviewers 100] [--seconds 4] [--rounds 3]
                                    [--concurrency 4] [--workers 2] [--rebuild] [--write]
    .venv/bin/python -m bench.board --profile "?sort=name" [--requests 100]

A database of its own (portal_bench_board; DATABASE_URL overrides). One
program, `bench-board`, of --count submitted applications, 3 submitted reviews
each from --reviewers reviewers, written in bulk (`bulk_create`, not through
the services) and scored by `scores_rebuild`; an existing program of the same
size is reused (`--rebuild` starts again). A program manager with a second
factor on record is signed in by a session cookie made here, marked the way
`portal.mfa.StaffSecondFactorMiddleware` marks a session after the code.

gunicorn serves `bench.settings` (production settings, DEBUG off, bench-only
secrets) with `bench.urls` (the portal plus a bare view), --workers sync
workers. Each page is loaded --seconds with --concurrency connections (wrk
when installed, else a thread pool over http.client) after a warm-up, and
its requests per second are printed as a ratio to the bare view's, under
the manager's session (the session, user and second-factor checks are the
floor's own cost): board page 1 in the default order and sorted by each
column the board sorts by, and page 1 by the other score (raw/normalised);
and, for reference (no goal), the board with a filter that matches no row:
the admin's chrome, the filter form and the queries without the 50 rows.
The goal, from issue 13: ≥ 0.25× the bare view for every one.
`--write` replaces the "Ranking and the board" section's board table in
bench/RESULTS.md.

`--profile QUERY` renders the board with QUERY in this process under
cProfile (no server) and prints where the time goes.

The client runs on the same cores as the server: compare ratios measured in
one run, not absolute figures across runs.
"""

import argparse
import datetime
import http.client
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_board")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("BENCH_STATIC_ROOT", "/tmp/portal-bench-board-static")

from bench.common import gunicorn, session_cookie  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-board"
DOMAIN = "board.bench.kz"
MANAGER = f"manager@{DOMAIN}"
GOAL = 0.25
SECTION = "## Ranking and the board"
REFERENCE = "(reference) board without rows"


def _setup_django() -> None:
    import django

    django.setup()


def ensure_database() -> None:
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


def clean() -> None:
    """Remove the bench's rows, children first (applications protect their startup
    and program, assignments their reviewer)."""
    from django.contrib.auth import get_user_model

    from programs.models import Assignment
    from startups.models import Application, ApplicationStatusChange, Criterion, Program, Startup

    programs = Program.objects.filter(slug=SLUG)
    Assignment.objects.filter(program__in=programs).delete()
    ApplicationStatusChange.objects.filter(application__program__in=programs).delete()
    Application.objects.filter(program__in=programs).delete()
    Criterion.objects.filter(program__in=programs).delete()
    programs.delete()
    Startup.objects.filter(name__startswith="Board bench ").delete()
    get_user_model().objects.filter(email__endswith=f"@{DOMAIN}").delete()


def build(count: int, reviewer_count: int, *, rebuild: bool = False) -> dict:
    """The bench program (reused when it has `count` ranked applications); its ids."""
    import random
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from portal.mfa import totp_enrol
    from programs.models import ApplicationScore, Assignment, Review
    from programs.roles import PROGRAM_MANAGERS, roles_sync
    from programs.scoring import scores_rebuild
    from startups.enums import ApplicationStatus, ProgramStatus, Region, Sector
    from startups.models import Application, Criterion, Program, Startup

    User = get_user_model()
    program = Program.objects.filter(slug=SLUG).first()
    manager = User.objects.filter(email=MANAGER).first()
    if (
        not rebuild
        and program is not None
        and manager is not None
        and ApplicationScore.objects.filter(program=program, ranked=True, reviews=3).count()
        == count
    ):
        return {"program": program.pk, "manager": manager.pk, "built": False}

    clean()
    rng = random.Random(13)  # noqa: S311 (benchmark data)
    now = timezone.now()
    sectors, regions = list(Sector.values), list(Region.values)
    with transaction.atomic():
        roles_sync()
        program = Program.objects.create(
            name="Bench board",
            slug=SLUG,
            total_budget=Decimal("1000000000"),
            max_amount_per_project=Decimal("20000000"),
            selection_cap=50,
            reviews_per_application=3,
            opens_at=now - timedelta(days=40),
            closes_at=now - timedelta(days=10),
            status=ProgramStatus.REVIEWING,
        )
        Criterion.objects.create(program=program, name="Overall")
        manager = User.objects.create(email=MANAGER, full_name="Bench Manager", is_staff=True)
        manager.groups.add(Group.objects.get(name=PROGRAM_MANAGERS))
        totp_enrol(user=manager)
        reviewers = User.objects.bulk_create(
            [
                User(email=f"reviewer-{i}@{DOMAIN}", password="!", is_staff=True)
                for i in range(reviewer_count)
            ]
        )
        startups = Startup.objects.bulk_create(
            [
                Startup(
                    name=f"Board bench {i:05d} {rng.choice(['Labs', 'Tech', 'AI', 'Agro'])}",
                    sector=rng.choice(sectors),
                    region=rng.choice(regions),
                    stage="mvp",
                    description="-",
                )
                for i in range(count)
            ],
            batch_size=2000,
        )
        applications = Application.objects.bulk_create(
            [
                Application(
                    startup=startup,
                    program=program,
                    status=ApplicationStatus.UNDER_REVIEW,
                    requested_amount=Decimal(rng.randrange(10, 41) * 500_000),
                    submitted_at=now - timedelta(days=12),
                )
                for startup in startups
            ],
            batch_size=2000,
        )
        assignments = Assignment.objects.bulk_create(
            [
                Assignment(
                    program=program,
                    application=application,
                    reviewer=reviewers[(i * 3 + j) % reviewer_count],
                )
                for i, application in enumerate(applications)
                for j in range(3)
            ],
            batch_size=5000,
        )
        quality = {a.pk: rng.uniform(20, 90) for a in applications}
        bias = {r.pk: rng.uniform(-15, 15) for r in reviewers}
        Review.objects.bulk_create(
            [
                Review(
                    assignment=a,
                    status="submitted",
                    recommendation="maybe",
                    submitted_at=now - timedelta(days=11),
                    total=Decimal(
                        f"{max(0.0, min(100.0, quality[a.application_id] + bias[a.reviewer_id] + rng.gauss(0, 8))):.3f}"  # noqa: E501
                    ),
                )
                for a in assignments
            ],
            batch_size=5000,
        )
        scores_rebuild(program_id=program.pk)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"program": program.pk, "manager": manager.pk, "built": True}


def pages(program_id: int) -> list[tuple[str, str]]:
    """(label, path): the floor first, then page 1 of the board in every order."""
    from django.urls import reverse

    from programs.board import BOARD_SORTS
    from startups.models import Program

    board = reverse("admin:startups_program_board", args=[program_id])
    other = "0" if Program.objects.get(pk=program_id).normalise_reviewers else "1"
    rows = [("bare view", "/bench/bare/"), ("board, default order", board)]
    rows += [(f"board, sort={key}", f"{board}?sort={key}") for key in BOARD_SORTS]
    rows.append(("board, other score", f"{board}?normalised={other}"))
    # Every bench application has its 3 reviews: this filter matches no row, so
    # the page is the admin's chrome, the filter form and the queries alone.
    rows.append((REFERENCE, f"{board}?flag=not_enough"))
    return rows


# --- load ----------------------------------------------------------------------


def _get(connection: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, bytes]:
    connection.request(
        "GET", path, headers={"Host": "127.0.0.1", "Accept-Language": "en", "Cookie": cookie}
    )
    response = connection.getresponse()
    return response.status, response.read()


def _measure_threads(port: int, path: str, cookie: str, seconds: float, concurrency: int) -> float:
    stop = time.perf_counter() + seconds
    counts = [0] * concurrency
    errors: list[str] = []

    def worker(slot: int) -> None:
        # Keep-alive where the server allows it; http.client reopens otherwise.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.perf_counter() < stop:
            status, _ = _get(connection, path, cookie)
            if status != 200:
                errors.append(f"{path} answered {status}")
                return
            counts[slot] += 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(errors[0])
    return sum(counts) / (time.perf_counter() - started)


def _measure_wrk(port: int, path: str, cookie: str, seconds: float, concurrency: int) -> float:
    out = subprocess.run(  # noqa: S603 (wrk from PATH, our own arguments)
        [
            shutil.which("wrk") or "wrk",
            "-t",
            "1",
            "-c",
            str(concurrency),
            "-d",
            f"{seconds:.0f}s",
            "--timeout",
            "30s",
            "-H",
            f"Cookie: {cookie}",
            "-H",
            "Accept-Language: en",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"{path}: non-2xx answers\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def measure(port: int, path: str, cookie: str, seconds: float, concurrency: int) -> float:
    """Requests per second answered 200 during `seconds`, after a warm-up."""
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(10):
        status, body = _get(warm, path, cookie)
        if status != 200:
            raise SystemExit(f"{path} answered {status}: {body[:300]!r}")
    warm.close()
    if shutil.which("wrk"):
        return _measure_wrk(port, path, cookie, seconds, concurrency)
    return _measure_threads(port, path, cookie, seconds, concurrency)


def serve_and_measure(
    ids: dict, args: argparse.Namespace
) -> list[tuple[str, str, float, float, float]]:
    cookie = session_cookie(ids["manager"], second_factor=True)
    targets = pages(ids["program"])
    rounds: list[dict[str, tuple[float, float, float]]] = []
    with gunicorn(args.workers) as port:
        for number in range(args.rounds):
            # The floor again in each round: the machine's load changes between
            # rounds, and a ratio compares pages measured close together.
            measured: dict[str, tuple[float, float, float]] = {}
            floor = 0.0
            for label, path in targets:
                rate = measure(port, path, cookie, args.seconds, args.concurrency)
                floor = floor or rate
                load = os.getloadavg()[0]
                measured[label] = (rate, rate / floor, load)
                print(
                    f"round {number + 1} {label:<32} {rate:8.1f}/s  {rate / floor:5.3f}×  "
                    f"(load {load:.2f})"
                )
            rounds.append(measured)
    return [
        (
            label,
            path,
            statistics.median(r[label][0] for r in rounds),
            statistics.median(r[label][1] for r in rounds),
            statistics.median(r[label][2] for r in rounds),
        )
        for label, path in targets
    ]


def profile(ids: dict, query: str, requests: int) -> None:
    import cProfile
    import pstats

    from django.test import Client
    from django.urls import reverse

    path = reverse("admin:startups_program_board", args=[ids["program"]]) + query
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    name, value = session_cookie(ids["manager"], second_factor=True).split("=", 1)
    client.cookies[name] = value
    for _ in range(5):
        response = client.get(path)
        assert response.status_code == 200, response.status_code  # noqa: S101
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"{path}: {requests / elapsed:.1f} requests/s in-process (under the profiler)")
    pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(45)


def machine() -> str:
    from django.db import connection

    memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0].split()[0]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{now}, {os.cpu_count()} cores, "
        f"{int(memory) / 1024 / 1024:.1f} GB memory, PostgreSQL {pg}, "
        f"Python {platform.python_version()}; load average before: {load}"
    )


def write_results(marker: str, text_block: str) -> None:
    """Put `text_block` between the `marker` comments inside the section, replacing
    what a previous run wrote there; other sections are left as they are."""
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    begin, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    block = f"{begin}\n{text_block.strip()}\n{end}"
    start = text.find(SECTION)
    if start == -1:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{block}\n"
    else:
        stop = text.find("\n## ", start + 1)
        stop = len(text) if stop == -1 else stop + 1
        section = text[start:stop]
        if begin in section:
            section = re.sub(
                re.escape(begin) + r".*?" + re.escape(end), lambda _: block, section, flags=re.S
            )
        else:
            section = section.rstrip("\n") + f"\n\n{block}\n"
        if not section.endswith("\n\n") and stop != len(text):
            section += "\n"
        text = text[:start] + section + text[stop:]
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    parser.add_argument("--profile", metavar="QUERY")
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()

    _setup_django()
    from django.core.cache import cache
    from django.core.management import call_command

    ensure_database()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    ids = build(args.count, args.reviewers, rebuild=args.rebuild)
    verb = "built" if ids["built"] else "reused"
    print(f"{verb} {args.count} applications in {time.perf_counter() - started:.1f} s")
    cache.clear()
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.profile is not None:
        profile(ids, args.profile, args.requests)
        return
    about = machine()
    rows = serve_and_measure(ids, args)
    client = "wrk" if shutil.which("wrk") else "a Python thread pool"
    lines = [
        "| page | requests/s | × bare view | goal ≥ 0.25× | load (1 min) |",
        "|---|---:|---:|---|---:|",
    ]
    for label, _path, rate, ratio, load in rows:
        verdict = (
            "" if label in ("bare view", REFERENCE) else ("met" if ratio >= GOAL else "**NOT MET**")
        )
        lines.append(f"| {label} | {rate:.1f} | {ratio:.3f} | {verdict} | {load:.2f} |")
    header = (
        f"Board page 1 at {args.count:,} applications × 3 submitted reviews "
        f"({args.reviewers} reviewers): {about}. gunicorn {args.workers} sync workers, "
        f"`bench.settings` (DEBUG off), {args.concurrency} connections from {client} on the "
        f"same machine, {args.seconds:.0f} s per page in each of {args.rounds} rounds, the bare "
        "view measured again in each round; medians of the rounds (requests/s, the ratio "
        "within each round, the load); a program manager's session for every page, the "
        "bare view included."
    )
    table = "\n".join(lines)
    print(header)
    print(table)
    if args.write:
        command = ("python -m bench.board " + " ".join(sys.argv[1:])).strip()
        write_results("board", f"{header}\n\n`{command}`\n\n{table}")


if __name__ == "__main__":
    main()
