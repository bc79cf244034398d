"""One Afterword per data dir: a second one would fight over the outbox.

Held with an OS file lock, which the kernel releases when the process dies, so a crash
never leaves a stale lock behind.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from composer.errors import AlreadyRunning, FileProblem

LOCK_NAME = "afterword.lock"


class InstanceLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_NAME
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        try:
            handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held until release)
        except OSError as error:  # left by a run as another user, say, or a read-only folder
            raise FileProblem(
                f"Afterword cannot use {self.path} ({error.strerror}). Make it yours again, or "
                "choose another folder with --data-dir."
            ) from None
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise AlreadyRunning(
                f"Afterword is already running with the data folder {self.path.parent}. "
                "Switch to that window, or close it before starting another."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        handle, self._file = self._file, None
        if handle is not None:
            handle.close()  # closing drops the lock


def _lock(handle: IO[str]) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        handle.seek(0)  # "a+" starts at the end: lock byte 0, as every launch does alike
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
