"""The time and memory each fuzz case may take, and how many cases each parser ran.

A parser that survives any bytes but takes a second per kilobyte, or builds a gigabyte
from a small file, hangs the app just the same: each case is held to both limits.
"""

from __future__ import annotations

import json
import os
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MEMORY_MB = 100  # peak Python allocations of one case
SECONDS = 2.0  # one case, as hypothesis's deadline (set in conftest.py)
STATS_ENV = "AFTERWORD_FUZZ_STATS"  # a JSON file the long run adds its counts to

CASES: Counter[str] = Counter()
SPENT: defaultdict[str, float] = defaultdict(float)  # seconds, not a count


@contextmanager
def within_budget(parser: str, megabytes: int = MEMORY_MB) -> Iterator[None]:
    """Fails the case when its peak memory passes ``megabytes``; counts it for the report."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        CASES[parser] += 1
        SPENT[parser] += time.perf_counter() - started
    assert peak <= megabytes * 1_000_000, (
        f"{parser}: one case took {peak / 1_000_000:.0f} MB (budget {megabytes} MB)"
    )


def save_stats(failed: Counter[str]) -> None:
    """Adds this run's counts to the long run's file, if one was asked for."""
    target = os.environ.get(STATS_ENV)
    if not target:
        return
    path = Path(target)
    stats = json.loads(path.read_text()) if path.exists() else {}
    for parser in set(CASES) | set(failed):
        entry = stats.setdefault(parser, {"cases": 0, "seconds": 0.0, "failures": 0})
        entry["cases"] += CASES[parser]
        entry["seconds"] += SPENT[parser]
        entry["failures"] += failed[parser]
    path.write_text(json.dumps(stats, indent=2))
