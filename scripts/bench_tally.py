"""Benchmark (not a test): count 10,000 random ranked ballots over 20 options.

Run from the project root: python scripts/bench_tally.py
The target is under 200 ms for one count() call.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.voting.tally import Rules, count  # noqa: E402

SEED = 20240601
BALLOTS = 10_000
OPTIONS = 20
RUNS = 5
TARGET_MS = 200


def make_ballots(rng: random.Random, options: list[int]) -> list[list[int]]:
    """Partial rankings of random length, with some options more popular than others."""
    weights = [1 + (i % 7) for i in range(len(options))]
    ballots = []
    for _ in range(BALLOTS):
        length = rng.randint(1, len(options))
        ranking: list[int] = []
        seen: set[int] = set()
        while len(ranking) < length:
            option = rng.choices(options, weights)[0]
            if option not in seen:
                seen.add(option)
                ranking.append(option)
        ballots.append(ranking)
    return ballots


def main() -> int:
    rng = random.Random(SEED)
    options = list(range(101, 101 + OPTIONS))
    rules = Rules(method="ranked", options=tuple(options), eligible=12_000)
    ballots = make_ballots(rng, options)
    timings = []
    result = None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = count(rules, ballots)
        timings.append((time.perf_counter() - start) * 1000)
    best = min(timings)
    median = statistics.median(timings)
    print(f"count(): {BALLOTS:,} ranked ballots, {OPTIONS} options, {RUNS} runs (seed {SEED})")
    print(f"best {best:.1f} ms, median {median:.1f} ms (target < {TARGET_MS} ms)")
    print(f"winner {result['winner']} after {len(result['rounds'])} rounds")
    return 0 if median < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
