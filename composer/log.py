"""The log a bug report needs: versions, platform, and every error with its stack.

Kept in the platform's log folder (``AFTERWORD_LOG_DIR`` overrides it), rotating at
1 MB × 5, 0600 in a 0700 folder. Nothing the app logs carries a password or token: the
log holds what happened, never what was typed.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import threading
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import Any

from composer import APP_NAME, __version__
from composer.broken_files import PRIVATE, make_private_folders

LOG_DIR_ENV = "AFTERWORD_LOG_DIR"
LOG_NAME = "afterword.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger("afterword")
_in_use: list[Path] = []  # the file this process logs to, once started
_hooks_before: list[tuple[Any, Any]] = []  # sys's and threading's, while ours are set


def log_dir() -> Path:
    configured = os.environ.get(LOG_DIR_ENV, "")
    if configured:
        return Path(configured)
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))


class PrivateRotatingFileHandler(RotatingFileHandler):
    """Each file it opens (the first and every rotated one) is the user's alone."""

    def _open(self) -> TextIOWrapper:
        handle = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE)
        if hasattr(os, "fchmod"):
            os.fchmod(handle, PRIVATE)
        return open(handle, "a", encoding=self.encoding, errors=self.errors)


def start_log(folder: Path | None = None, *, toolkit: str = "") -> Path:
    """Logs to ``folder`` from now on, beginning with what a bug report asks first."""
    folder = folder or log_dir()
    make_private_folders(folder)
    path = folder / LOG_NAME
    handler = PrivateRotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    _in_use[:] = [path]
    root.setLevel(min(root.level or logging.INFO, logging.INFO))
    log.info("%s %s starting; %s", APP_NAME, __version__, about_this_machine(toolkit))
    catch_uncaught()
    return path


def log_file() -> Path:
    """Where this session logs (Help › About shows it), or would once started."""
    return _in_use[0] if _in_use else log_dir() / LOG_NAME


def about_this_machine(toolkit: str = "") -> str:
    parts = [f"Python {platform.python_version()}", toolkit, platform.platform()]
    return "; ".join(part for part in parts if part)


def stop_log(path: Path) -> None:
    """Closes the handler writing ``path`` (tests, and a clean quit)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            root.removeHandler(handler)
            handler.close()
    if path in _in_use:
        _in_use.clear()
        release_uncaught()


def catch_uncaught() -> None:
    """Uncaught exceptions, in the main thread or any other, go to the log with their stack
    as well as wherever they went before."""
    previous, previous_thread = sys.excepthook, threading.excepthook

    def main_thread(
        kind: type[BaseException], error: BaseException, stack: TracebackType | None
    ) -> None:
        log.critical("Uncaught error", exc_info=(kind, error, stack))
        previous(kind, error, stack)

    def other_thread(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            stack = (args.exc_type, args.exc_value, args.exc_traceback)
            log.critical("Uncaught error in thread %s", args.thread, exc_info=stack)
        previous_thread(args)

    if not _hooks_before:
        _hooks_before[:] = [(previous, previous_thread)]
        sys.excepthook = main_thread
        threading.excepthook = other_thread


def release_uncaught() -> None:
    """Gives the hooks back as they were before ``catch_uncaught``."""
    if _hooks_before:
        (sys.excepthook, threading.excepthook), *_ = _hooks_before
        _hooks_before.clear()
