"""The harness's hypothesis profiles: "ci" (brief, reproducible) and "long" (thousands of
cases), chosen by ``AFTERWORD_FUZZ``. Applied to the fuzz tests only (``@FUZZ``), never
loaded globally: the other property tests of the suite keep their own settings."""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

from tests.fuzz.budget import SECONDS

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]

settings.register_profile(
    "ci",
    max_examples=12,
    derandomize=True,  # CI finds the same cases every run
    database=None,  # and writes no example database into the repository
    deadline=timedelta(seconds=SECONDS * 2),  # a loaded CI machine is slower
    suppress_health_check=_SLOW_OK,
    print_blob=True,
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("AFTERWORD_FUZZ_EXAMPLES", "2000")),
    derandomize=False,
    database=None,  # a failure is printed with its reproducer instead
    deadline=timedelta(seconds=SECONDS),
    suppress_health_check=_SLOW_OK,
    print_blob=True,
)

FUZZ = settings(settings.get_profile(os.environ.get("AFTERWORD_FUZZ", "ci")))
