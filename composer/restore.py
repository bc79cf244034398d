"""Restore: a backup is untrusted input, checked whole before anything changes.

The zip is read only if it is a regular file, within limits (entries, each entry's size,
the total, the compression ratio) checked on its declared sizes and again while reading;
its records are rebuilt into a fresh database of Afterword's own schema (composer/store/rebuild.py),
so nothing but data comes in. Existing data is only replaced when the user says so, and a
safety backup of it is written first.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from composer.afterword import Afterword
from composer.backup import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    TEMPLATES,
    Contents,
    Entry,
    _contents,
    _safe,
    _templates_dir,
    _write_backup,
    safety_folder,
)
from composer.broken_files import keep_private, make_private_folders, open_private
from composer.clock import Clock
from composer.dates import forget_chosen
from composer.errors import (
    AfterwordError,
    BackupRefused,
    DatabaseLocked,
    DataFileError,
    FileProblem,
    SettingsTooNew,
    StorageError,
    WouldReplace,
)
from composer.paths import DATABASE_NAME, DICTIONARY_NAME
from composer.restore_settings import check_restored_settings
from composer.settings_upgrade import upgrade_settings
from composer.store import SCHEMA_VERSION, Store, data_file
from composer.store.rebuild import REQUIRED_TABLES, rebuild_and_upgrade

# Limits on what a backup may unpack to. A real backup is a few MB; one with years of
# attachments (kept in the database) a few hundred MB; a templates folder a few hundred
# files. Far above that, and far below what would fill a disk or memory.
MAX_ENTRIES = 10_000  # files in the zip
MAX_ENTRY_BYTES = 2 * 1024**3  # 2 GiB unpacked, for one file (the database is the big one)
MAX_TOTAL_BYTES = 4 * 1024**3  # 4 GiB unpacked, all files together
# Records and templates compress to a tenth, rarely a fiftieth; deflate's most is ~1,030:1,
# which only made-up data (a zip bomb) reaches. Files unpacking to less than RATIO_FLOOR
# may compress as they like (an empty database is mostly zeros).
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024
_CHUNK = 1024 * 1024
_MANIFEST_LIMIT = 16 * 1024 * 1024  # bytes: a real one lists a few hundred files
_ZIP_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)
_REBUILT = "rebuilt.sqlite3"


@dataclass(frozen=True)
class RestoreSummary:
    contents: Contents
    created: datetime  # when the backup was made
    safety_backup: Path | None  # what was there before, if there was anything
    kept_as_drafts: int = 0  # messages waiting to be sent in the backup, now drafts

    def describe(self) -> str:
        made = self.created.astimezone().strftime("%Y-%m-%d %H:%M")
        text = f"Restored {self.contents.describe()} from the backup made {made}."
        if self.kept_as_drafts:
            text += f" {_kept_as_drafts(self.kept_as_drafts)}"
        if self.safety_backup is not None:
            text += f" What was here before is kept in {self.safety_backup}."
        return text


def _kept_as_drafts(count: int) -> str:
    waiting = "1 message that was" if count == 1 else f"{count:,} messages that were"
    kept, them = ("is kept as a draft", "it") if count == 1 else ("are kept as drafts", "them")
    return (
        f"{waiting} waiting to be sent in the backup {kept}: nothing was sent. Review "
        f"and send {them} from Outbox & Sent."
    )


@dataclass(frozen=True)
class Manifest:
    schema_version: int
    created: datetime
    files: tuple[Entry, ...]


def restore(afterword: Afterword, source: Path, *, replace: bool = False) -> RestoreSummary:
    """Replaces the data of an open Afterword with a backup's.

    Everything is checked (and the records rebuilt and brought up to date) in a staging
    folder first: a refused file changes nothing. Existing data is only replaced with
    ``replace=True``, and then a safety backup of it is written first.
    """
    source, templates = Path(source), _templates_dir(afterword)
    with _staging(templates.parent) as work:
        manifest, kept_as_drafts = _stage(source, work, afterword.clock)
        present = _contents(afterword.paths.database, templates)
        _check_may_replace(present, source, replace)
        safety = None if present.empty else _safety_backup(afterword)
        _copy_database(work / _REBUILT, afterword.paths.database)
        forget_chosen(afterword.store)  # the restored records may choose another date format
        _swap_templates(work / TEMPLATES, templates, work)
        _put_back_words(work / DICTIONARY_NAME, afterword.paths.dictionary)
        contents = _contents(afterword.paths.database, templates)
    return RestoreSummary(contents, manifest.created, safety, kept_as_drafts)


def _put_back_words(staged: Path, live: Path) -> None:
    """The user's own spelling words, if the backup has them; else the ones here stay (the
    safety backup holds them, and a word too many does no harm)."""
    if not staged.is_file():
        return
    partial = live.with_name(f".{live.name}.restoring")
    shutil.copyfile(staged, partial)
    keep_private(partial)
    os.replace(partial, live)


@contextmanager
def _staging(beside: Path) -> Iterator[Path]:
    """Beside the templates folder, so the new one can be renamed into place."""
    try:
        beside.mkdir(parents=True, exist_ok=True)
        staging = tempfile.TemporaryDirectory(dir=beside, prefix=".afterword-restore-")
    except OSError as error:
        raise FileProblem(
            f"Afterword could not make a working folder in {beside} ({error.strerror}). "
            "Nothing was changed. Check that there is space on the disk."
        ) from None
    with staging as folder:
        yield Path(folder)


def _check_may_replace(present: Contents, source: Path, replace: bool) -> None:
    if present.sending:
        raise AfterwordError(
            "A message is being sent right now. Wait until it is done, then restore."
        )
    if not present.empty and not replace:
        raise WouldReplace(
            f"Restoring {source.name} would replace what Afterword holds now: "
            f"{present.describe()}. If you may want them again, back them up first."
        )


def _safety_backup(afterword: Afterword) -> Path:
    folder = safety_folder(afterword.paths)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return _write_backup(afterword, _unused_name(folder, afterword.clock())).path
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise FileProblem(
                f"The disk is full, so the safety copy of your data could not be written to "
                f"{folder}. Nothing was changed. Free some space on that disk and restore again."
            ) from None
        raise FileProblem(
            f"The safety copy could not be written to {folder} ({error.strerror or error}). "
            "Nothing was changed."
        ) from None


def _unused_name(folder: Path, now: datetime) -> Path:
    stamp = now.astimezone().strftime("%Y%m%d-%H%M%S")
    target, number = folder / f"before-restore-{stamp}.zip", 2
    while target.exists():
        target, number = folder / f"before-restore-{stamp}-{number}.zip", number + 1
    return target


def _copy_database(staged: Path, live: Path) -> None:
    """Through the backup API on a connection of its own: one write transaction, so the
    live Store's connection (WAL) sees the whole new content at its next read. ``staged``
    is the rebuilt file, never the backup's own."""
    try:
        data_file.copy_into(staged, live)
    except DataFileError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise DatabaseLocked(str(live)) from None
        raise StorageError(
            f"The backup's records could not be written into {live} ({error}). Your records "
            "are as they were; check that there is space on the disk and try again."
        ) from None


def _swap_templates(new: Path, live: Path, work: Path) -> None:
    """Two renames in one folder; the replaced templates are in the safety backup."""
    new.mkdir(exist_ok=True, mode=0o700)
    try:
        if live.exists():
            live.rename(work / "replaced-templates")
        new.rename(live)
    except OSError as error:
        if not live.exists() and (work / "replaced-templates").exists():
            (work / "replaced-templates").rename(live)
        raise FileProblem(
            f"Your records were restored, but your templates could not be put in {live} "
            f"({error.strerror}). Check the folder's permissions and restore again."
        ) from None


# --- checking a backup before anything changes ----------------------------------------


def _stage(source: Path, work: Path, clock: Clock) -> tuple[Manifest, int]:
    """Unpacks into ``work`` and checks every byte; raises BackupRefused otherwise. Also
    says how many messages waiting to be sent in the backup are kept as drafts."""
    try:
        with _open_regular(source) as file, zipfile.ZipFile(file) as archive:
            _check_members(archive, source)
            _check_sizes(archive, source, os.fstat(file.fileno()).st_size)
            manifest = _read_manifest(archive, source)
            budget = [MAX_TOTAL_BYTES]
            for entry in manifest.files:
                _extract(archive, entry, work / entry.path, source, budget)
    except _ZIP_DAMAGE as error:
        raise _damaged(source, str(error)) from None
    except OSError as error:
        raise FileProblem(
            f"{source} could not be read and unpacked ({error.strerror or error}). "
            "Nothing was changed. Check that the file is there and that there is space on "
            "the disk."
        ) from None
    version = _check_database(work / DATABASE_NAME, source)
    return manifest, _rebuild(work / DATABASE_NAME, work / _REBUILT, version, source, clock)


@contextmanager
def _open_regular(source: Path) -> Iterator[IO[bytes]]:
    """Opened without waiting (a FIFO would block) and checked on the open file itself:
    a device (``/dev/zero``) or a pipe never ends, so only a regular file is read."""
    fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise BackupRefused(
            f"{source} is not a regular file (it is a device, a pipe or a folder), so it is "
            "not read. Nothing was changed. Choose the backup's .zip file."
        )
    with os.fdopen(fd, "rb") as file:
        yield file


def _damaged(source: Path, detail: str) -> BackupRefused:
    return BackupRefused(
        f"{source.name} is damaged or incomplete ({detail}), so it cannot be restored. "
        "Nothing was changed. Try another copy of the backup."
    )


def _foreign(source: Path) -> BackupRefused:
    return BackupRefused(
        f"{source.name} is not an Afterword backup, so it cannot be restored. Nothing was "
        "changed. Choose a file made with “Back up…” in Afterword's settings."
    )


def _too_new(source: Path, found: object) -> BackupRefused:
    return BackupRefused(
        f"{source.name} was made by a newer version of Afterword ({found}; this version "
        f"understands up to schema {SCHEMA_VERSION}). Nothing was changed. Update "
        "Afterword, then restore it."
    )


def _too_big(source: Path, what: str) -> BackupRefused:
    return BackupRefused(
        f"{source.name} {what}, far more than any Afterword backup, so it is not unpacked. "
        "Nothing was changed. It may not be a real backup: restore one you made yourself."
    )


def _read_manifest(archive: zipfile.ZipFile, source: Path) -> Manifest:
    names = set(archive.namelist())
    if MANIFEST not in names or archive.getinfo(MANIFEST).file_size > _MANIFEST_LIMIT:
        raise _foreign(source)
    try:
        data = json.loads(archive.read(MANIFEST))
        manifest = _parse_manifest(data, source)
    # "format_version": Infinity overflows; "[[[[…" 200,000 deep exhausts json's recursion
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
        raise _foreign(source) from None
    if {entry.path for entry in manifest.files} != names - {MANIFEST}:
        raise _damaged(source, "its files do not match its list of files")
    return manifest


def _check_members(archive: zipfile.ZipFile, source: Path) -> None:
    """No name may point outside the folder it is unpacked in, and only files come in."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _too_big(source, f"holds {len(infos):,} files")
    for info in infos:
        if not _safe(info.filename):
            raise BackupRefused(
                f"{source.name} holds a file named “{info.filename}”, which would be written "
                "outside Afterword's folders, so it is refused. Nothing was changed."
            )
        _check_regular(info, source)
    if len({info.filename for info in infos}) != len(infos):
        raise _damaged(source, "it holds the same file twice")
    if any(info.flag_bits & 0x1 for info in infos):
        raise _foreign(source)  # encrypted: Afterword never writes those


def _check_regular(info: zipfile.ZipInfo, source: Path) -> None:
    """A symlink (or device, FIFO, folder) marked in the Unix mode is refused; no type
    given (a zip from Windows, the manifest) means a plain file."""
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind not in (0, stat.S_IFREG) or info.is_dir():
        raise BackupRefused(
            f"{source.name} holds “{info.filename}” as a link or special file, which a "
            "backup never holds, so it is refused. Nothing was changed."
        )


def _check_sizes(archive: zipfile.ZipFile, source: Path, size: int) -> None:
    """On the sizes the zip declares, before one byte is unpacked."""
    infos = archive.infolist()
    if sum(info.compress_size for info in infos) > size:
        raise _damaged(source, "it says it holds more than the file's size")
    for info in infos:
        if info.file_size > MAX_ENTRY_BYTES:
            raise _too_big(source, f"holds {info.filename}, {_gib(info.file_size)} unpacked")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        raise _too_big(source, f"unpacks to {_gib(total)}")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise _too_big(source, f"holds {info.filename}, packed {ratio:,.0f} times")


def _gib(size: int) -> str:
    return f"{size / 1024**3:.1f} GB" if size >= 1024**3 else f"{size / 1024**2:.0f} MB"


def _parse_manifest(data: Any, source: Path) -> Manifest:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _foreign(source)
    if int(data["format_version"]) > FORMAT_VERSION:
        raise _too_new(source, f"backup format {data['format_version']}")
    schema = data["schema_version"]
    if not isinstance(schema, int):
        raise TypeError("schema_version")
    if schema > SCHEMA_VERSION:
        raise _too_new(source, f"schema {schema}")
    files = tuple(_entry(item) for item in data["files"])
    if DATABASE_NAME not in {entry.path for entry in files}:
        raise _foreign(source)
    return Manifest(schema, datetime.fromisoformat(data["created"]), files)


def _entry(item: dict[str, Any]) -> Entry:
    entry = Entry(str(item["path"]), item["size"], str(item["sha256"]))
    in_place = entry.path in (DATABASE_NAME, DICTIONARY_NAME) or entry.path.startswith(
        f"{TEMPLATES}/"
    )
    if not (in_place and isinstance(entry.size, int) and entry.size >= 0):
        raise ValueError(entry.path)
    return entry


def _extract(
    archive: zipfile.ZipFile, entry: Entry, target: Path, source: Path, budget: list[int]
) -> None:
    """Only a member whose declared size is the one the manifest lists is read; zipfile
    never reads past that size, and the limits are checked again on the bytes read."""
    declared = archive.getinfo(entry.path).file_size
    if declared != entry.size:
        raise _damaged(source, f"{entry.path} does not match its checksum")
    make_private_folders(target.parent)
    digest, size = hashlib.sha256(), 0
    with archive.open(entry.path) as member, open(open_private(target), "wb") as out:
        while chunk := member.read(_CHUNK):
            size += len(chunk)
            budget[0] -= len(chunk)
            if size > entry.size:
                break  # not reached while zipfile keeps to the declared size, checked above
            if size > MAX_ENTRY_BYTES or budget[0] < 0:
                raise _too_big(source, f"unpacks {entry.path} past its limit")
            digest.update(chunk)
            out.write(chunk)
    if size != entry.size or digest.hexdigest() != entry.sha256:
        raise _damaged(source, f"{entry.path} does not match its checksum")


def _check_database(database: Path, source: Path) -> int:
    """Its schema version, if SQLite finds the file whole; read-only, so nothing in it runs."""
    try:
        version, verdict, tables = data_file.check_untrusted(database, SCHEMA_VERSION)
    except DataFileError as error:
        raise _damaged(source, f"its database cannot be read: {error}") from None
    if version > SCHEMA_VERSION:
        raise _too_new(source, f"schema {version}")
    if verdict != ["ok"]:
        raise _damaged(source, f"its database is damaged: {verdict[0]}")
    if version < 1 or not set(REQUIRED_TABLES) <= tables:
        raise _foreign(source)
    return version


def _rebuild(database: Path, rebuilt: Path, version: int, source: Path, clock: Clock) -> int:
    """The backup's rows into a fresh database at its version; then Store's migrations
    bring that up to date, and a snapshot taken mid-send stops looking as if it were
    sending: the live file only ever gets a whole, current database of the app's own.
    Its settings are checked too; returns how many waiting messages became drafts."""
    try:
        kept_as_drafts = rebuild_and_upgrade(database, rebuilt, version, source.name, clock)
        with Store(rebuilt, clock=clock) as staged:
            upgrade_settings(staged)  # a backup's older settings, brought up to date too
            check_restored_settings(staged, source.name)
    except SettingsTooNew as error:
        raise BackupRefused(
            f"{source.name} was made by a newer version of Afterword (settings version "
            f"{error.found}; this version understands up to {error.supported}). Nothing was "
            "changed. Update Afterword, then restore it."
        ) from None
    except DataFileError as error:
        if error.disk_full:  # the staging disk, not the backup
            raise FileProblem(
                f"The disk is full, so the records in {source.name} could not be unpacked. "
                "Nothing was changed. Free some space on the disk and restore again."
            ) from None
        raise _damaged(source, f"its database cannot be read: {error}") from None
    except StorageError as error:
        raise BackupRefused(
            f"The records in {source.name} could not be brought up to this version of "
            f"Afterword. Nothing was changed. ({error})"
        ) from None
    return kept_as_drafts
