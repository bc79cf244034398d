"""A file's permission bits, as the checks that files are the user's alone read them."""

from __future__ import annotations

from pathlib import Path


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777
