"""The fuzz harness's profiles ("ci", "long": tests/fuzz/profiles.py) and its figures.

``AFTERWORD_FUZZ=long python -m pytest tests/fuzz`` runs thousands of cases per parser;
``python -m tests.fuzz --minutes 20`` keeps going for that long and prints the figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from tests.fuzz import budget, profiles

assert profiles.FUZZ  # registered on import, applied per test with @FUZZ

_FAILED: Counter[str] = Counter()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call" and report.failed:
        _FAILED[getattr(getattr(item, "module", None), "PARSER", item.name)] += 1


def pytest_sessionfinish(session: pytest.Session) -> None:
    budget.save_stats(_FAILED)
