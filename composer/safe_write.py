"""Every file the user chooses to write (an export, a backup) lands where it was asked,
whole, and theirs alone.

A symlink at the chosen name is followed, as ``cp`` and editors do: its target gets the
content and the link stays. A device, named pipe, socket or folder is refused before
anything is written: renaming over it would put a file where the user meant something
else (as root, ``/dev/null`` would become a file). A regular file is replaced atomically
by a 0600 temporary file written beside it, so the result is private whatever the file
was before.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from composer.broken_files import PRIVATE
from composer.errors import FileProblem

_KINDS = (
    (stat.S_ISDIR, "it is a folder"),
    (stat.S_ISCHR, "it is a device"),
    (stat.S_ISBLK, "it is a device"),
    (stat.S_ISFIFO, "it is a named pipe"),
    (stat.S_ISSOCK, "it is a socket"),
)


def real_target(path: Path) -> Path:
    """Where writing ``path`` lands: the symlink's target (followed through every link),
    checked to be a regular file or nothing yet. Raises ``FileProblem`` otherwise."""
    resolved = Path(os.path.realpath(path))
    try:
        mode = resolved.stat().st_mode
    except FileNotFoundError:
        return resolved  # a new file (or a dangling link's target): made there
    except OSError as error:
        if error.errno == errno.ELOOP:  # realpath gives up on a loop; renaming would end it
            raise not_a_file(path, "it is a link that leads round in a circle") from None
        return resolved  # unreadable: the write itself says why, in the caller's words
    for is_kind, kind in _KINDS:
        if is_kind(mode):
            raise not_a_file(path, kind)
    return resolved


def not_a_file(path: Path, kind: str) -> FileProblem:
    return FileProblem(
        f"{path} is not a regular file ({kind}), so nothing was written there. "
        "Choose a file name in a folder."
    )


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A private (0600) temporary file beside where ``path`` lands, to write; when the block
    ends without error it is synced and renamed over that file, and on any error removed,
    so the old file stays whole. ``FileProblem`` before anything is written if ``path`` is
    not a file; ``OSError`` from the disk is left to the caller to word."""
    target = real_target(Path(path))
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        _seal(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def _seal(temporary: Path) -> None:
    """0600 even if the writer made a file of its own, and on the disk before the rename."""
    handle = os.open(temporary, os.O_RDONLY)
    try:
        os.fchmod(handle, PRIVATE)
        os.fsync(handle)
    finally:
        os.close(handle)


def _sync_folder(folder: Path) -> None:
    """The rename itself on the disk; some systems cannot open a folder, which is fine."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with suppress(OSError):
            os.fsync(handle)
    finally:
        os.close(handle)
