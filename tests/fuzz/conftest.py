"""Hypothesis profiles for the fuzz harness: "ci" (brief, reproducible) and "long".

``AFTERWORD_FUZZ=long python -m pytest tests/fuzz`` runs thousands of cases per parser;
``python -m tests.fuzz --minutes 20`` keeps going for that long and prints the figures.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings

from tests.fuzz import budget

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]

settings.register_profile(
    "ci",
    max_examples=12,
    derandomize=True,  # CI finds the same cases every run
    database=None,  # and writes no example database into the repository
    deadline=timedelta(seconds=budget.SECONDS * 2),  # a loaded CI machine is slower
    suppress_health_check=_SLOW_OK,
    print_blob=True,
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("AFTERWORD_FUZZ_EXAMPLES", "2000")),
    derandomize=False,
    database=None,  # failures are printed with a reproducer blob instead
    deadline=timedelta(seconds=budget.SECONDS),
    suppress_health_check=_SLOW_OK,
    print_blob=True,
)
settings.load_profile(os.environ.get("AFTERWORD_FUZZ", "ci"))

_FAILED: Counter[str] = Counter()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        _FAILED[getattr(getattr(item, "module", None), "PARSER", item.name)] += 1


def pytest_sessionfinish(session: pytest.Session) -> None:
    budget.save_stats(_FAILED)
