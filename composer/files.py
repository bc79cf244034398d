"""Broken files are kept aside, never overwritten: the user may need what is in them."""

from __future__ import annotations

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
