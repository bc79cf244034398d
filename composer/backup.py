"""Backup and restore: the records, the user's templates and their files, in one zip.

A backup is a zip with the database (a consistent snapshot taken through SQLite's backup
API), the templates folder as it is, and ``manifest.json`` listing every file with its size
and SHA-256. A restore checks all of that before it changes anything, never replaces data
without being told to, and keeps a safety copy of what it replaces.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from composer import __version__
from composer.app import Afterword
from composer.dates import forget_chosen
from composer.errors import (
    AfterwordError,
    BackupRefused,
    DatabaseLocked,
    FileProblem,
    StorageError,
    WouldReplace,
)
from composer.files import keep_private, make_private_folders, open_private
from composer.paths import DATABASE_NAME, DICTIONARY_NAME, Paths
from composer.safe_write import replacing
from composer.store import SCHEMA_VERSION, Store
from composer.templates import SUFFIX

FORMAT = "afterword-backup"
FORMAT_VERSION = 2  # 2: may hold the user's spelling words (an older Afterword says to update)
MANIFEST = "manifest.json"
TEMPLATES = "templates"
SAFETY_FOLDER = "backups"
_CHUNK = 1024 * 1024
_MANIFEST_LIMIT = 16 * 1024 * 1024  # bytes: a real one lists a few hundred files
_ZIP_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)
_RECORD_TABLES = ("contacts", "interviews", "messages")
_FILLED_PROFILE = "SELECT count(*) FROM profile WHERE name || email || phone || signature != ''"


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
class RestoreSummary:
    contents: Contents
    created: datetime  # when the backup was made
    safety_backup: Path | None  # what was there before, if there was anything

    def describe(self) -> str:
        made = self.created.astimezone().strftime("%Y-%m-%d %H:%M")
        text = f"Restored {self.contents.describe()} from the backup made {made}."
        if self.safety_backup is not None:
            text += f" What was here before is kept in {self.safety_backup}."
        return text


@dataclass(frozen=True)
class Entry:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    schema_version: int
    created: datetime
    files: tuple[Entry, ...]


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


def _read_only(database: Path) -> str:
    return f"{database.absolute().as_uri()}?mode=ro"


def _contents(database: Path, templates: Path) -> Contents:
    """Counted on a connection of its own: this may run on any thread."""
    mine, others = _template_counts(templates)
    with closing(sqlite3.connect(_read_only(database), uri=True)) as db:
        return Contents(
            contacts=_number(db, "SELECT count(*) FROM contacts"),
            interviews=_number(db, "SELECT count(*) FROM interviews"),
            messages=_number(db, "SELECT count(*) FROM messages"),
            templates=mine,
            other_files=others,
            profile=bool(_number(db, _FILLED_PROFILE)),
            account=bool(_number(db, "SELECT count(*) FROM settings")),
            sending=_number(db, "SELECT count(*) FROM messages WHERE state = 'sending'"),
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


def _number(db: sqlite3.Connection, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0])


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
        with (
            closing(sqlite3.connect(_read_only(database), uri=True)) as source,
            closing(sqlite3.connect(copy)) as target,
        ):
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    except sqlite3.Error as error:
        if error.sqlite_errorcode == sqlite3.SQLITE_FULL:  # the copy's disk, not the data's
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
    with closing(sqlite3.connect(snapshot)) as db:
        schema = int(db.execute("PRAGMA user_version").fetchone()[0])
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "schema_version": schema,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": [{"path": e.path, "size": e.size, "sha256": e.sha256} for e in entries],
    }


# --- restore ----------------------------------------------------------------------------


def restore(afterword: Afterword, source: Path, *, replace: bool = False) -> RestoreSummary:
    """Replaces the data of an open Afterword with a backup's.

    Everything is checked (and an older backup brought up to date) in a staging folder
    first: a refused file changes nothing. Existing data is only replaced with
    ``replace=True``, and then a safety backup of it is written first.
    """
    source, templates = Path(source), _templates_dir(afterword)
    with _staging(templates.parent) as work:
        manifest = _stage(source, work)
        present = _contents(afterword.paths.database, templates)
        _check_may_replace(present, source, replace)
        safety = None if present.empty else _safety_backup(afterword)
        _copy_database(work / DATABASE_NAME, afterword.paths.database)
        forget_chosen(afterword.store)  # the restored records may choose another date format
        _swap_templates(work / TEMPLATES, templates, work)
        _put_back_words(work / DICTIONARY_NAME, afterword.paths.dictionary)
        contents = _contents(afterword.paths.database, templates)
    return RestoreSummary(contents, manifest.created, safety)


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
        return _write_backup(afterword, _unused_name(folder)).path
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


def _unused_name(folder: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target, number = folder / f"before-restore-{stamp}.zip", 2
    while target.exists():
        target, number = folder / f"before-restore-{stamp}-{number}.zip", number + 1
    return target


def _copy_database(staged: Path, live: Path) -> None:
    """Through the backup API on a connection of its own: one write transaction, so the
    live Store's connection (WAL) sees the whole new content at its next read."""
    try:
        _match_page_size(staged, live)
        with (
            closing(sqlite3.connect(staged)) as source,
            closing(sqlite3.connect(live, timeout=5.0)) as target,
        ):
            source.backup(target)
    except sqlite3.OperationalError as error:
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


def _stage(source: Path, work: Path) -> Manifest:
    """Unpacks into ``work`` and checks every byte; raises BackupRefused otherwise."""
    try:
        with zipfile.ZipFile(source) as archive:
            manifest = _read_manifest(archive, source)
            for entry in manifest.files:
                _extract(archive, entry, work / entry.path, source)
    except _ZIP_DAMAGE as error:
        raise _damaged(source, str(error)) from None
    except OSError as error:
        raise FileProblem(
            f"{source} could not be read and unpacked ({error.strerror or error}). "
            "Nothing was changed. Check that the file is there and that there is space on "
            "the disk."
        ) from None
    _check_database(work / DATABASE_NAME, source)
    _bring_up_to_date(work / DATABASE_NAME, source)
    return manifest


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


def _read_manifest(archive: zipfile.ZipFile, source: Path) -> Manifest:
    _check_members(archive, source)
    names = set(archive.namelist())
    if MANIFEST not in names or archive.getinfo(MANIFEST).file_size > _MANIFEST_LIMIT:
        raise _foreign(source)
    try:
        data = json.loads(archive.read(MANIFEST))
        manifest = _parse_manifest(data, source)
    except (ValueError, KeyError, TypeError):
        raise _foreign(source) from None
    if {entry.path for entry in manifest.files} != names - {MANIFEST}:
        raise _damaged(source, "its files do not match its list of files")
    return manifest


def _check_members(archive: zipfile.ZipFile, source: Path) -> None:
    """No name may point outside the folder it is unpacked in."""
    names = archive.namelist()
    for name in names:
        if not _safe(name):
            raise BackupRefused(
                f"{source.name} holds a file named “{name}”, which would be written outside "
                "Afterword's folders, so it is refused. Nothing was changed."
            )
    if len(set(names)) != len(names):
        raise _damaged(source, "it holds the same file twice")
    if any(info.flag_bits & 0x1 for info in archive.infolist()):
        raise _foreign(source)  # encrypted: Afterword never writes those


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


def _extract(archive: zipfile.ZipFile, entry: Entry, target: Path, source: Path) -> None:
    """Stops at the size the manifest promises: a file cannot grow to fill the disk."""
    make_private_folders(target.parent)
    digest, size = hashlib.sha256(), 0
    with archive.open(entry.path) as member, open(open_private(target), "wb") as out:
        while chunk := member.read(_CHUNK):
            size += len(chunk)
            if size > entry.size:
                break
            digest.update(chunk)
            out.write(chunk)
    if size != entry.size or digest.hexdigest() != entry.sha256:
        raise _damaged(source, f"{entry.path} does not match its checksum")


def _check_database(database: Path, source: Path) -> None:
    try:
        with closing(sqlite3.connect(database)) as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise _too_new(source, f"schema {version}")
            verdict = [row[0] for row in db.execute("PRAGMA integrity_check")]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise _damaged(source, f"its database cannot be read: {error}") from None
    if verdict != ["ok"]:
        raise _damaged(source, f"its database is damaged: {verdict[0]}")
    if version < 1 or not set(_RECORD_TABLES) <= tables:
        raise _foreign(source)


def _bring_up_to_date(database: Path, source: Path) -> None:
    """Migrations run on the staged copy, and a snapshot taken mid-send stops looking as if
    it were sending: the live file only ever gets a whole, current database."""
    try:
        with Store(database) as staged:
            staged.recover_interrupted()
    except StorageError as error:
        raise BackupRefused(
            f"The records in {source.name} could not be brought up to this version of "
            f"Afterword. Nothing was changed. ({error})"
        ) from None


def _match_page_size(staged: Path, live: Path) -> None:
    """A database in WAL mode only takes a backup-API copy with its own page size."""
    with closing(sqlite3.connect(_read_only(live), uri=True)) as db:
        wanted = int(db.execute("PRAGMA page_size").fetchone()[0])
    with closing(sqlite3.connect(staged, isolation_level=None)) as db:
        if int(db.execute("PRAGMA page_size").fetchone()[0]) != wanted:
            db.execute("PRAGMA journal_mode = DELETE")  # the page size of WAL files is fixed
            db.execute(f"PRAGMA page_size = {wanted}")
            db.execute("VACUUM")
