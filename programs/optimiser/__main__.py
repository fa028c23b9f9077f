"""Time the optimiser on a random program (timing, not a test).

.venv/bin/python -m programs.optimiser [n] [cap] [seed]
"""

import time
from decimal import Decimal

if __name__ == "__main__":  # pragma: no cover
    import random
    import sys

    from django.conf import settings

    settings.configure(USE_I18N=False)  # the reasons need gettext; no project settings needed

    from programs.optimiser import Candidate, Minimum, SelectionProblem, suggest_selection
    from programs.optimiser.problem import MONEY_SCALE, SCORE_SCALE

    n, cap, seed = (int(a) for a in (sys.argv[1:] + ["1000", "50", "1"][len(sys.argv) - 1 :])[:3])
    regions = ["astana", "almaty", "shymkent", "karaganda", "aktobe", ""]
    sectors = ["agritech", "fintech", "edtech", "healthtech", "cleantech", "logistics"]
    for variant in ("fine amounts", "round amounts (many ties)"):
        rng = random.Random(seed)  # noqa: S311 - reproducible test data
        candidates = [
            Candidate(
                id=k + 1,
                score=Decimal(rng.randint(30_000, 98_000)) / SCORE_SCALE
                if variant == "fine amounts"
                else Decimal(rng.randint(60, 195)) / 2,
                requested=Decimal(rng.randint(100_000_000, 3_000_000_000)) / MONEY_SCALE
                if variant == "fine amounts"
                else Decimal(rng.choice([5, 10, 15, 20, 25, 30]) * 1_000_000),
                region=rng.choice(regions),
                sector=rng.choice(sectors),
            )
            for k in range(n)
        ]
        problem = SelectionProblem(
            candidates=candidates,
            cap=cap,
            budget=Decimal(400_000_000),
            minimums=(
                Minimum("region", "shymkent", 8),
                Minimum("sector", "agritech", 10),
                Minimum("region", "aktobe", 5),
            ),
        )
        started = time.perf_counter()
        result = suggest_selection(problem)
        elapsed = time.perf_counter() - started
        print(
            f"{variant}: n={n} cap={cap} -> {len(result.selected)} selected, "
            f"score {result.total_score}, requested {result.total_requested:,}, "
            f"binding {result.binding}, optimal={result.optimal}, {elapsed:.2f} s"
        )
