"""A backup's records, rebuilt into a database of Afterword's own making.

A backup's database is untrusted: it may carry triggers, views, extra tables or pragmas
that would act later (a trigger once added a Bcc to every message sent). So it is never
taken whole nor written to: it is opened read-only, with ``trusted_schema`` off, and only
read with SELECTs on Afterword's own tables (no trigger fires on a read). Its rows are
copied, column by column of the app's schema, into a fresh database made by Afterword's
own migrations up to the backup's version; only then do the remaining migrations run, on
a file that holds nothing but the app's schema and plain data.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing
from pathlib import Path

from composer.clock import Clock
from composer.errors import BackupRefused
from composer.store import Store
from composer.store.data_file import data_file_error, open_untrusted
from composer.store.migrations import MIGRATIONS

REQUIRED_TABLES = ("contacts", "interviews", "messages")
# The most one value (a message's text, its raw copy, an attachment) may hold: SQLite
# refuses to read a bigger one, so it never reaches memory. Mail servers take 25 to 150 MB
# a message; a value far past that is no record a user could have sent.
MAX_VALUE_BYTES = 256 * 1024 * 1024

# What each declared column type takes, as Python's sqlite3 hands the values out. A value
# of another type refuses the backup: Afterword never writes one, so it is tampering or
# damage, and converting it could turn an id into a row the user never had.
_TAKES: dict[str, tuple[type, ...]] = {
    "INTEGER": (int,),
    "TEXT": (str,),
    "REAL": (float, int),
    "BLOB": (bytes,),
}


def rebuild(backup: Path, fresh: Path, version: int, name: str) -> None:
    """``fresh`` gets the app's schema at ``version`` and the backup's rows in it.

    ``name`` is the backup's file name, for the messages. Raises BackupRefused.
    """
    with closing(open_untrusted(backup)) as source, closing(_made(fresh, version)) as target:
        source.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        target.execute("BEGIN IMMEDIATE")
        for table in _own_tables(target):
            _copy_table(source, target, table, name)
        if target.execute("PRAGMA foreign_key_check").fetchone():
            raise _refused(name, "a record in it refers to one that is not there")
        target.execute("COMMIT")


def _made(fresh: Path, version: int) -> sqlite3.Connection:
    """The app's migrations, as Store runs them, up to the backup's version."""
    db = sqlite3.connect(fresh, isolation_level=None)
    for number, migration in enumerate(MIGRATIONS[:version], start=1):
        db.execute("BEGIN IMMEDIATE")
        migration(db)
        db.execute(f"PRAGMA user_version = {number}")
        db.execute("COMMIT")
    return db


def _own_tables(db: sqlite3.Connection) -> list[str]:
    """The app's ordinary tables; a search index (and its shadow tables) is rebuilt from
    the messages by the app's own triggers, never copied."""
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    virtual = [name for name, sql in rows if sql.upper().startswith("CREATE VIRTUAL")]
    return [
        name
        for name, _ in rows
        if name not in virtual
        and not name.startswith("sqlite_")
        and not any(name.startswith(f"{table}_") for table in virtual)
    ]


def _copy_table(
    source: sqlite3.Connection, target: sqlite3.Connection, table: str, name: str
) -> None:
    wanted = _columns(target, table)
    present = _backup_columns(source, table, name)
    if present is None:
        if table in REQUIRED_TABLES:
            raise _refused(name, f"it has no {table} table")
        return  # a table the backup lacks comes back empty
    copied = [column for column in wanted if column in present]
    listed = ", ".join(f'"{column}"' for column in copied)
    marks = ", ".join("?" * len(copied))
    try:
        read = source.execute(f'SELECT {listed} FROM "{table}"')  # reads the first row
        rows = _checked(read, table, copied, wanted, name)
        target.executemany(f'INSERT INTO "{table}" ({listed}) VALUES ({marks})', rows)
    except sqlite3.IntegrityError as error:
        raise _refused(name, f"a row of its {table} table does not fit ({error})") from None
    except sqlite3.DataError as error:
        if error.sqlite_errorcode != sqlite3.SQLITE_TOOBIG:
            raise
        raise _too_big(name, table) from None


def _too_big(name: str, table: str) -> BackupRefused:
    return BackupRefused(
        f"{name} cannot be restored: its {table} table holds a value of more than "
        f"{MAX_VALUE_BYTES // 1024**2} MB (a message or attachment bigger than any mail "
        "server takes), which Afterword does not load. Nothing was changed. Try another "
        "copy of the backup."
    )


def _columns(db: sqlite3.Connection, table: str) -> dict[str, str]:
    """Each column's declared type, as the app's schema says it."""
    return {row[1]: row[2].upper() for row in db.execute(f'PRAGMA table_info("{table}")')}


def _backup_columns(source: sqlite3.Connection, table: str, name: str) -> set[str] | None:
    """None if the backup has no such plain table (a view or virtual table is refused)."""
    row = source.execute(
        "SELECT type, sql FROM sqlite_master WHERE name = ? COLLATE NOCASE", (table,)
    ).fetchone()
    if row is None:
        return None
    kind, sql = row
    if kind != "table" or str(sql).upper().lstrip().startswith("CREATE VIRTUAL"):
        raise _refused(name, f"its {table} is not a plain table")
    return {info[1] for info in source.execute(f'PRAGMA table_info("{table}")')}


def _checked(
    rows: Iterable[tuple[object, ...]],
    table: str,
    copied: list[str],
    declared: dict[str, str],
    name: str,
) -> Iterator[tuple[object, ...]]:
    """Each value of the type its column declares (or NULL, which the schema may refuse)."""
    takes = [_TAKES.get(declared[column], (object,)) for column in copied]
    for number, row in enumerate(rows, start=1):
        for column, value, types in zip(copied, row, takes, strict=True):
            if value is not None and not isinstance(value, types):
                raise _refused(
                    name,
                    f"row {number} of its {table} table holds {_kind(value)} in the "
                    f"{column} column, which takes {declared[column].lower()} values",
                )
        yield row


def _kind(value: object) -> str:
    kinds = {int: "a whole number", float: "a decimal number", str: "text", bytes: "bytes"}
    return kinds.get(type(value), "a value of another kind")


def _refused(name: str, why: str) -> BackupRefused:
    return BackupRefused(
        f"{name} cannot be restored: {why}. Afterword never writes such a backup, so it "
        "may have been damaged or changed by someone. Nothing was changed. Try another copy."
    )


def rebuild_and_upgrade(backup: Path, fresh: Path, version: int, name: str, clock: Clock) -> int:
    """``rebuild``, then Store's migrations bring ``fresh`` up to date, a snapshot taken
    mid-send stops looking as if it were sending, and what waited to be sent is kept as
    drafts (how many is returned). SQLite's errors as DataFileError."""
    try:
        rebuild(backup, fresh, version, name)
        with Store(fresh, clock=clock) as staged:
            staged.recover_interrupted()
        return keep_waiting_as_drafts(fresh)
    except sqlite3.DatabaseError as error:
        raise data_file_error(error) from None


def keep_waiting_as_drafts(fresh: Path) -> int:
    """Queued and scheduled messages become drafts: a backup's messages (perhaps someone
    else's, with a Bcc the lists do not show) never go out from the user's account unless
    the user reviews them and sends them. Returns how many."""
    with closing(sqlite3.connect(fresh, isolation_level=None)) as db:
        db.execute("BEGIN IMMEDIATE")
        kept = db.execute(
            "UPDATE messages SET state = 'draft', scheduled_at = NULL "
            "WHERE state IN ('queued', 'scheduled')"
        ).rowcount
        db.execute("COMMIT")
    return kept
