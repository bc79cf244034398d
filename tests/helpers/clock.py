"""The moment the tests run at, never the machine's date.

``AFTERWORD_TEST_NOW`` (ISO 8601 with an offset, e.g. ``2028-02-29T12:00:00+00:00``) sets it;
without it, a fixed ordinary day. CI also runs the suite on the first and the last day of a
month and on a 29 February (.ci/run), and once with the machine's own date moved (faketime):
a test that passes only on some days, or reads the real clock, fails there.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from pathlib import Path

ENV = "AFTERWORD_TEST_NOW"
ORDINARY_DAY = "2026-11-18T12:00:00+00:00"


def _chosen() -> datetime:
    moment = datetime.fromisoformat(os.environ.get(ENV) or ORDINARY_DAY)
    if moment.tzinfo is None:
        raise ValueError(f"{ENV} needs an offset, e.g. 2028-02-29T12:00:00+00:00")
    return moment


NOW = _chosen()
_STARTED = time.monotonic()


def clock() -> datetime:
    """NOW, moving on as the run goes: records written one after another keep their order."""
    return NOW + timedelta(seconds=time.monotonic() - _STARTED)


def server_environment() -> dict[str, str]:
    """For a real server the tests start (Dovecot): its clock set to the tests' with
    libfaketime (Debian's ``faketime``), so the dates it gives mail agree with the app's.
    On the machine's date it would not file mail in the future: a reply "arriving" on
    29 February 2028 would be dated today, and missed by a search since the day before."""
    library = faketime_library()
    if library is None:
        raise RuntimeError("libfaketime is needed for the IMAP tests: apt-get install faketime")
    offset = round(clock().timestamp() - _machine_time())  # libfaketime: "+N" or "-N" seconds
    return {
        "LD_PRELOAD": str(library),
        "FAKETIME": f"{offset:+d}",
        "NO_FAKE_STAT": "1",  # a message's date is its file's time: set once, read as set
        "TZ": "UTC",
    }


def faketime_library() -> Path | None:
    found = sorted(Path("/usr/lib").glob("*/faketime/libfaketime.so.1"))
    return found[0] if found else None


def _machine_time() -> float:
    """The kernel's own time, even when this run is under libfaketime (which fakes the
    calls, not /proc): the server's offset is counted from what its library will see."""
    boot = next(
        int(line.split()[1])
        for line in Path("/proc/stat").read_text().splitlines()
        if line.startswith("btime ")
    )
    return boot + float(Path("/proc/uptime").read_text().split()[0])


class SetClock:
    """A clock a test sets and moves (``clock.now = …``), for what happens over days."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
