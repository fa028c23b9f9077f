"""Time the reviewer-assignment planner on programs of realistic and large size.

    .venv/bin/python -m bench.reviewer_planner [--repeat 3] [--seed 2025]

No database or services: builds random problems in memory (k=3, ~1% of the
pairs blocked as conflicts) and times `plan_reviewers` alone, reporting the
best of --repeat runs and the resulting spread of reviewer loads. Scenarios:

- fresh: no reviewer assigned yet;
- rerun: the same problem with the first plan as `existing` (must plan nothing);
- half-started: half the applications already have 1-3 reviewers, handed out
  unevenly (the first third of the pool got them), so the planner must even out.
"""

import argparse
import random
import time
from collections import Counter
from collections.abc import Callable

from programs.reviewer_planner import ReviewerPlanProblem, plan_reviewers

K = 3
BLOCKED_SHARE = 0.01


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    print(f"k={K}, {BLOCKED_SHARE:.0%} blocked pairs, best of {args.repeat} runs")
    header = f"{'scenario':<14}{'apps':>8}{'reviewers':>11}{'seconds':>10}{'new pairs':>11}"
    print(f"{header}{'min load':>10}{'max load':>10}")
    for n_apps, n_reviewers in ((1_000, 30), (10_000, 100)):
        rng = random.Random(args.seed)
        apps = list(range(1, n_apps + 1))
        reviewers = list(range(100_001, 100_001 + n_reviewers))
        blocked = frozenset(
            (app, reviewer)
            for app in apps
            for reviewer in reviewers
            if rng.random() < BLOCKED_SHARE
        )

        fresh = ReviewerPlanProblem(apps, reviewers, K, {}, blocked, {})
        plan = _report("fresh", fresh, args.repeat)

        existing = {app: frozenset(chosen) for app, chosen in plan.items()}
        rerun = ReviewerPlanProblem(apps, reviewers, K, existing, blocked, _loads(existing))
        again = _report("rerun", rerun, args.repeat)
        assert again == {}, "a second run planned new pairs"

        busy = reviewers[: max(K, n_reviewers // 3)]
        started: dict[int, frozenset[int]] = {}
        for app in apps[::2]:
            pool = [r for r in busy if (app, r) not in blocked]
            started[app] = frozenset(rng.sample(pool, rng.randint(1, K)))
        half = ReviewerPlanProblem(apps, reviewers, K, started, blocked, _loads(started))
        _report("half-started", half, args.repeat)


def _loads(assigned: dict[int, frozenset[int]]) -> Counter[int]:
    return Counter(reviewer for chosen in assigned.values() for reviewer in chosen)


def _report(name: str, problem: ReviewerPlanProblem, repeat: int) -> dict[int, list[int]]:
    seconds, plan = _best(lambda: plan_reviewers(problem), repeat)
    final = Counter({reviewer: problem.loads.get(reviewer, 0) for reviewer in problem.reviewers})
    final.update(reviewer for chosen in plan.values() for reviewer in chosen)
    loads = [final[reviewer] for reviewer in problem.reviewers]
    print(
        f"{name:<14}{len(problem.applications):>8}{len(problem.reviewers):>11}"
        f"{seconds:>10.3f}{sum(map(len, plan.values())):>11}{min(loads):>10}{max(loads):>10}"
    )
    return plan


def _best[T](run: Callable[[], T], repeat: int) -> tuple[float, T]:
    best, result = float("inf"), None
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


if __name__ == "__main__":
    main()
