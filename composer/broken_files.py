"""Broken files are kept aside, never overwritten: the user may need what is in them."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path


def set_aside(path: Path, *, siblings: tuple[str, ...] = ()) -> Path:
    """Renames ``path`` (and e.g. its ``-wal``/``-shm`` siblings) to ``<name>.broken-<time>``."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    number = 2
    while target.exists():
        target = path.with_name(f"{path.name}.broken-{stamp}-{number}")
        number += 1
    path.rename(target)
    for suffix in siblings:
        sibling = path.with_name(path.name + suffix)
        if sibling.exists():
            sibling.rename(target.with_name(target.name + suffix))
    return target


# --- private files ------------------------------------------------------------------------

PRIVATE = 0o600  # the user's mail and contacts: nobody else on the machine may read them


def open_private(path: Path, *, new_only: bool = False, append: bool = False) -> int:
    """A descriptor for writing ``path`` as 0600 whatever the umask; a file left there
    before (a stale ``.part``, a 0644 word list) is narrowed too, since ``os.open``'s mode
    only acts on creation. ``new_only`` refuses an existing file (``FileExistsError``);
    ``append`` keeps what the file holds and writes after it."""
    kept = os.O_APPEND if append else os.O_TRUNC
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if new_only else kept)
    handle = os.open(path, flags, PRIVATE)
    try:
        os.fchmod(handle, PRIVATE)
    except BaseException:
        os.close(handle)
        raise
    return handle


def keep_private(path: Path) -> None:
    """Takes away group's and others' access (never adds any: a read-only file stays so),
    from a file written by a library that chose its own mode, or a folder made before."""
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        os.chmod(path, mode & 0o700)


def make_private_folders(folder: Path) -> None:
    """``folder`` and any missing parents made 0700: ``mkdir(parents=True, mode=…)`` gives
    the mode to the last one only."""
    for parent in reversed([path for path in folder.parents if not path.exists()]):
        parent.mkdir(mode=0o700, exist_ok=True)
    folder.mkdir(mode=0o700, exist_ok=True)  # a file in the way raises, as with any mkdir
