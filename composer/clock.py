"""What time it is, as a value passed in.

The app reads the real clock here alone; everything else is handed a ``Clock`` (through
``Afterword.open``), so tests and the benchmark can say what day it is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
