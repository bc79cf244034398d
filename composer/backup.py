"""Backup: the records, the user's templates and their files, in one zip.

A backup is a zip with the database (a consistent snapshot taken through SQLite's backup
API), the templates folder as it is, and ``manifest.json`` listing every file with its size
and SHA-256. Restoring one (composer/restore.py) checks all of that and rebuilds the
records before it changes anything.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from composer import __version__
from composer.afterword import Afterword
from composer.errors import (
    DataFileError,
    FileProblem,
    StorageError,
)
from composer.paths import DATABASE_NAME, DICTIONARY_NAME, Paths
from composer.safe_write import replacing
from composer.store import data_file
from composer.templates import SUFFIX

FORMAT = "afterword-backup"
FORMAT_VERSION = 2  # 2: may hold the user's spelling words (an older Afterword says to update)
MANIFEST = "manifest.json"
TEMPLATES = "templates"
SAFETY_FOLDER = "backups"
_CHUNK = 1024 * 1024


# --- what a data dir or a backup holds --------------------------------------------------


@dataclass(frozen=True)
class Contents:
    contacts: int = 0
    interviews: int = 0
    messages: int = 0
    templates: int = 0  # the user's own; the built-ins come with the app
    other_files: int = 0  # beside them: a template set aside as unreadable, say
    profile: bool = False
    account: bool = False
    sending: int = 0

    @property
    def empty(self) -> bool:
        things = (self.contacts, self.interviews, self.messages, self.templates, self.other_files)
        return not any(things) and not (self.profile or self.account)

    def describe(self) -> str:
        """In the user's words: "2 contacts, 1 interview, … and your profile"."""
        parts = [
            _count(self.contacts, "contact"),
            _count(self.interviews, "interview"),
            _count(self.messages, "message"),
            _count(self.templates, "template") + " of your own",
        ]
        if self.other_files:
            parts.append(_count(self.other_files, "other file") + " in your templates folder")
        parts += ["your profile"] * self.profile + ["your mail account settings"] * self.account
        return ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    contents: Contents
    size: int  # bytes of the zip

    def describe(self) -> str:
        return f"Backed up {self.contents.describe()} to {self.path} ({_size_text(self.size)})."


@dataclass(frozen=True)
class Entry:
    path: str
    size: int
    sha256: str


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _size_text(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"


def default_backup_name(today: date | None = None) -> str:
    return f"afterword-backup-{(today or date.today()).isoformat()}.zip"


def safety_folder(paths: Paths) -> Path:
    """Where a restore keeps a copy of the data it replaces."""
    return paths.data_dir / SAFETY_FOLDER


def _templates_dir(afterword: Afterword) -> Path:
    return afterword.templates.user_dir or afterword.paths.config_dir / TEMPLATES


def _contents(database: Path, templates: Path) -> Contents:
    """Counted on a connection of its own: this may run on any thread."""
    mine, others = _template_counts(templates)
    counts = data_file.record_counts(database)
    return Contents(
        contacts=counts["contacts"],
        interviews=counts["interviews"],
        messages=counts["messages"],
        templates=mine,
        other_files=others,
        profile=bool(counts["profile"]),
        account=bool(counts["account"]),
        sending=counts["sending"],
    )


def _template_counts(folder: Path) -> tuple[int, int]:
    """The user's templates, and every other file in their folder: a restore replaces the
    whole folder, so a file set aside there is something it would lose too."""
    if not folder.is_dir():
        return 0, 0
    files = [path.relative_to(folder) for path in folder.rglob("*") if path.is_file()]
    mine = {path.stem for path in files if len(path.parts) == 1 and path.suffix == SUFFIX}
    beside = {f"{template}.files" for template in mine}  # their default attachments
    attachments = [path for path in files if len(path.parts) == 2 and path.parts[0] in beside]
    return len(mine), len(files) - len(mine) - len(attachments)


# --- backup -----------------------------------------------------------------------------


def backup(afterword: Afterword, target: Path) -> BackupSummary:
    """Writes beside ``target`` and renames into place: an interrupted backup never leaves
    a half file under the chosen name (nor spoils an older backup already there)."""
    target = Path(target)
    try:
        return _write_backup(afterword, target)
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise FileProblem(
                f"The disk where the backup goes is full, so nothing was written to {target}. "
                "Free some space on it, or choose another folder, and try again."
            ) from None
        raise FileProblem(
            f"The backup could not be written to {target} ({error.strerror or error}). "
            "Choose another folder, or free some space on the disk, and try again."
        ) from None


def _write_backup(afterword: Afterword, target: Path) -> BackupSummary:
    """Raises OSError for the caller to tell: a backup and a safety copy say it differently."""
    with (
        replacing(target) as partial,  # 0600: all the user's mail and contacts, theirs alone
        tempfile.TemporaryDirectory(dir=partial.parent, prefix=".afterword-backup-") as work,
    ):
        snapshot = Path(work) / DATABASE_NAME
        _snapshot(afterword.paths.database, snapshot)
        contents = _contents(snapshot, _templates_dir(afterword))
        _write_zip(partial, snapshot, _templates_dir(afterword), afterword.paths.dictionary)
    return BackupSummary(target, contents, target.stat().st_size)


def _snapshot(database: Path, copy: Path) -> None:
    """SQLite's backup API gives one consistent moment; copying the live file (and its
    journal) could catch a write half-done."""
    try:
        data_file.snapshot(database, copy)
    except DataFileError as error:
        if error.disk_full:  # the copy's disk, not the data's
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(copy)) from None
        raise StorageError(
            f"Afterword's data could not be read for the backup ({error}). Nothing was "
            "written; try again in a moment."
        ) from None


def _write_zip(partial: Path, snapshot: Path, templates: Path, dictionary: Path) -> None:
    """The records, the templates folder and the words the user added to the spelling
    dictionary (a backup from before it had one restores as before)."""
    words = [(DICTIONARY_NAME, dictionary)] if dictionary.is_file() else []
    files = [(DATABASE_NAME, snapshot), *_template_files(templates), *words]
    for name, path in files:
        _check_storable(name, path)
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        entries = [_add(archive, name, path) for name, path in files]
        archive.writestr(MANIFEST, json.dumps(_manifest_data(snapshot, entries), indent=2))
    with partial.open("rb") as written:
        os.fsync(written.fileno())  # on the disk before it takes the chosen name


def _template_files(folder: Path) -> list[tuple[str, Path]]:
    """Everything in the folder: templates, their ``.files/``, even files set aside."""
    if not folder.is_dir():
        return []
    found = sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return [(f"{TEMPLATES}/{path.relative_to(folder).as_posix()}", path) for path in found]


def _check_storable(name: str, path: Path) -> None:
    """Restore checks every name the same way: a backup it would refuse is never written."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        storable = False
    else:
        storable = _safe(name)
    if not storable:
        shown = os.fsencode(path).decode("utf-8", "replace")  # printable, whatever its bytes
        raise FileProblem(
            f"The file {shown} has a name a backup cannot hold, so nothing was written. "
            "Rename it (letters, digits, spaces and dashes are safe) and try again."
        )


def _add(archive: zipfile.ZipFile, name: str, path: Path) -> Entry:
    """Hashes the very bytes that go into the zip, so a file changed meanwhile still matches."""
    info = zipfile.ZipInfo.from_file(path, name, strict_timestamps=False)
    info.compress_type = zipfile.ZIP_DEFLATED
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as source, archive.open(info, "w") as member:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            member.write(chunk)
            size += len(chunk)
    return Entry(name, size, digest.hexdigest())


def _manifest_data(snapshot: Path, entries: list[Entry]) -> dict[str, Any]:
    schema = data_file.schema_version(snapshot)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "schema_version": schema,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": [{"path": e.path, "size": e.size, "sha256": e.sha256} for e in entries],
    }


def _safe(name: str) -> bool:
    """Refuses only what could leave the folder, on any system the backup may come back on:
    ":" and "\\" are ordinary in a name on Linux and macOS ("CV 10:30.pdf"), but "\\" parts
    a path on Windows, as a drive ("C:") starts one there."""
    parts = re.split(r"[/\\]", name)
    return (
        not PurePosixPath(name).is_absolute()
        and not PureWindowsPath(name).drive
        and all(part not in ("", ".", "..") for part in parts)
    )
