"""`make bench` (`python -m bench`): every benchmark, each in a database of its own.

Each benchmark runs as its own process with its own PostgreSQL database
(`portal_bench_<name>`, created by the benchmark when missing) so that one
cannot leave rows another trips over. The output of each is kept verbatim;
`bench/RESULTS.md` gets a "Latest full run" section at its top with the
machine (cores, memory, PostgreSQL and Redis versions, load), the date, every
command with its duration and exit status, and the printed tables. The
sections below it are the benchmarks' own, with their notes, written by
their `--write` option where they have one.

    python -m bench                 # all of them (about half an hour)
    python -m bench board pages     # some of them
"""

import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")

# name, arguments, what it measures, and its floor
BENCHES = [
    ("board", ["--write"], "selection board page 1, every sort", "bare Django view, same gunicorn"),
    ("ranking", [], "full ordered ranking of 10,000", "the raw SQL computing it"),
    ("suggestion", [], "suggestion for 10,000, cap 50, in the job", "goal in seconds"),
    ("fairness", [], "precision@50: raw, normalised, second round", "the true top 50"),
    ("assignment_service", ["--count", "10000"], "automatic assignment end to end", "seconds"),
    ("reviewer_planner", [], "the reviewer planner alone", "seconds"),
    (
        "notifications_throughput",
        ["--count", "10000"],
        "mail through Redis and a worker",
        "bare smtplib loop, one connection",
    ),
    ("pages", ["--write"], "light pages under gunicorn", "bare Django view, same gunicorn"),
]


def _version(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.strip().splitlines()[0] if out.strip() else "unknown"


def machine() -> str:
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text()).group(1))
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    postgres = _version(["psql", POSTGRES + "/postgres", "-Atc", "select version()"])
    redis = _version(["redis-server", "--version"])
    return (
        f"{os.cpu_count()} cores, {memory} memory, {platform.machine()}, "
        f"Python {platform.python_version()}; {postgres.split(',')[0]}; "
        f"{redis.split(' sha=')[0]}"
    )


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def ensure_database(name: str) -> None:
    """The benchmark's own database, created empty when missing (it migrates itself)."""
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def run(name: str, args: list[str]) -> tuple[str, int, float, str]:
    ensure_database(f"portal_bench_{name}")
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"{POSTGRES}/portal_bench_{name}",
    }
    env.setdefault("REDIS_URL", f"{REDIS}/0")
    command = [sys.executable, "-m", f"bench.{name}", *args]
    shown = "python -m " + " ".join([f"bench.{name}", *args])
    print(f"==> {shown}  (load {load()})", flush=True)
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    output = result.stdout.strip()
    print(output, flush=True)
    if result.returncode:
        print(result.stderr[-3000:], file=sys.stderr, flush=True)
    return shown, result.returncode, elapsed, output


def write(runs: list[tuple[str, str, str, int, float, str, str]], header: str) -> None:
    lines = ["## Latest full run (`make bench`)", "", header, ""]
    lines += ["| benchmark | measures | floor | seconds | exit |", "|---|---|---|---:|---:|"]
    for name, what, floor, code, elapsed, _out, _load in runs:
        lines.append(f"| `{name}` | {what} | {floor} | {elapsed:.0f} | {code} |")
    for name, _what, _floor, code, _elapsed, output, before in runs:
        command = next(c for n, c in COMMANDS.items() if n == name)
        lines += ["", f"### `{command}`", "", f"load before: {before}; exit {code}", ""]
        lines += ["```", output or "(no output)", "```"]
    section = "\n".join(lines) + "\n"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    start = text.find("## Latest full run")
    if start != -1:
        end = text.find("\n## ", start + 1)
        text = text[:start] + (text[end + 1 :] if end != -1 else "")
    title_end = text.find("\n") + 1
    text = text[:title_end] + "\n" + section + "\n" + text[title_end:].lstrip("\n")
    RESULTS.write_text(text)


COMMANDS: dict[str, str] = {}


def main(selected: list[str]) -> int:
    chosen = [b for b in BENCHES if not selected or b[0] in selected]
    unknown = set(selected) - {b[0] for b in BENCHES}
    if unknown:
        print(f"unknown benchmarks: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    header = (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}. Each benchmark in its own "
        "database; ratios are to a floor measured in the same run."
    )
    runs = []
    for name, args, what, floor in chosen:
        before = load()
        command, code, elapsed, output = run(name, args)
        COMMANDS[name] = command
        runs.append((name, what, floor, code, elapsed, output, before))
    write(runs, header)
    failed = [r[0] for r in runs if r[3]]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
