"""A data file other than the one the store has open: a backup's, a snapshot, the staged
copy of a restore. Counted, copied, checked and matched here, so that backup.py and
restore.py hold their policy and no SQL."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from composer.errors import DataFileError

# A profile counts once anything in it is filled in.
_FILLED_PROFILE = "SELECT count(*) FROM profile WHERE name || email || phone || signature != ''"


def data_file_error(error: sqlite3.Error) -> DataFileError:
    return DataFileError(str(error), disk_full=error.sqlite_errorcode == sqlite3.SQLITE_FULL)


def open_untrusted(database: Path) -> sqlite3.Connection:
    """Read-only and immutable (nothing is ever written to it), and with its schema
    distrusted: a view or trigger in it may not call functions with side effects."""
    uri = f"{database.absolute().as_uri()}?mode=ro&immutable=1"
    db = sqlite3.connect(uri, uri=True, isolation_level=None)
    db.execute("PRAGMA trusted_schema = OFF")
    db.execute("PRAGMA query_only = ON")
    return db


def read_only(database: Path) -> str:
    return f"{database.absolute().as_uri()}?mode=ro"


def _number(db: sqlite3.Connection, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0])


def record_counts(database: Path) -> dict[str, int]:
    """What the file holds, by one COUNT each; on a connection of its own: any thread."""
    with closing(sqlite3.connect(read_only(database), uri=True)) as db:
        return {
            "contacts": _number(db, "SELECT count(*) FROM contacts"),
            "interviews": _number(db, "SELECT count(*) FROM interviews"),
            "messages": _number(db, "SELECT count(*) FROM messages"),
            "profile": _number(db, _FILLED_PROFILE),
            # the settings version is bookkeeping (composer/settings_upgrade.py), not a
            # setting to lose
            "account": _number(db, "SELECT count(*) FROM settings WHERE key != 'settings_version'"),
            "sending": _number(db, "SELECT count(*) FROM messages WHERE state = 'sending'"),
        }


def snapshot(database: Path, copy: Path) -> None:
    """SQLite's backup API gives one consistent moment; copying the live file (and its
    journal) could catch a write half-done. Raises DataFileError."""
    try:
        with (
            closing(sqlite3.connect(read_only(database), uri=True)) as source,
            closing(sqlite3.connect(copy)) as target,
        ):
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    except sqlite3.Error as error:
        raise data_file_error(error) from None


def schema_version(database: Path) -> int:
    with closing(sqlite3.connect(database)) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def check_untrusted(database: Path, newest: int) -> tuple[int, list[str], set[str]]:
    """A backup's schema version, SQLite's verdict on it and its tables' names; read-only,
    so nothing in it runs. A version above ``newest`` is not read further (no verdict, no
    tables). Raises DataFileError."""
    try:
        with closing(open_untrusted(database)) as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > newest:
                return version, [], set()
            verdict = [row[0] for row in db.execute("PRAGMA integrity_check")]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise data_file_error(error) from None
    return version, verdict, tables


def match_page_size(staged: Path, live: Path) -> None:
    """A database in WAL mode only takes a backup-API copy with its own page size."""
    with closing(sqlite3.connect(read_only(live), uri=True)) as db:
        wanted = int(db.execute("PRAGMA page_size").fetchone()[0])
    with closing(sqlite3.connect(staged, isolation_level=None)) as db:
        if int(db.execute("PRAGMA page_size").fetchone()[0]) != wanted:
            db.execute("PRAGMA journal_mode = DELETE")  # the page size of WAL files is fixed
            db.execute(f"PRAGMA page_size = {wanted}")
            db.execute("VACUUM")


def copy_into(staged: Path, live: Path) -> None:
    """Through the backup API on a connection of its own: one write transaction, so the
    live Store's connection (WAL) sees the whole new content at its next read. Raises
    DataFileError for SQLite's operational errors (locked, busy, disk full)."""
    try:
        match_page_size(staged, live)
        with (
            closing(sqlite3.connect(staged)) as source,
            closing(sqlite3.connect(live, timeout=5.0)) as target,
        ):
            source.backup(target)
    except sqlite3.OperationalError as error:
        raise data_file_error(error) from None
