"""The connection to the data file: opening it (private, WAL, upgraded), transactions, and
SQLite's errors turned into ones the user can act on.

Schema version lives in ``PRAGMA user_version``; each migration is a small function applied
in its own transaction. Writes use ``BEGIN IMMEDIATE`` so a writer never fails half-way with
"database is locked"; WAL with ``synchronous=FULL`` keeps the last commit across a power cut.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC
from pathlib import Path
from typing import Any, Self

from composer.broken_files import keep_private, open_private
from composer.clock import Clock, utc_now
from composer.errors import DatabaseDamaged, DatabaseLocked, DatabaseTooNew, StorageError
from composer.store import migrations


class _MigrationFailed(Exception):
    """Carries a migration's SQLite error past the transaction, which rolls it back."""


def _of_the_file(error: sqlite3.DatabaseError) -> bool:
    """A problem of the data file or its disk (full, locked, damaged: SQLite says "database
    disk image is malformed" as a bare DatabaseError), not a mistake in a statement."""
    return type(error) in (sqlite3.DatabaseError, sqlite3.OperationalError)


def _make_private(database: Path) -> None:
    """The user's mail and contacts, 0600 whatever the folder or umask: a new database is
    created empty (SQLite takes an empty file as new) so that SQLite gives its -wal and -shm
    the same mode; one from before has group's and others' access taken away. What cannot be
    done here (a read-only folder, another owner) SQLite reports in its own words next."""
    with suppress(OSError):
        os.close(open_private(database, new_only=True))
    for path in (database, *(database.with_name(database.name + s) for s in ("-wal", "-shm"))):
        with suppress(OSError):
            keep_private(path)


class Connection:
    """One connection and its transactions; the tables' groups add their rows to it."""

    def __init__(self, path: Path | str, *, clock: Clock = utc_now) -> None:
        self.path = Path(path)
        self._clock = clock
        self._db = self._connect()
        try:
            self._migrate()
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA foreign_keys = ON")  # after migrations: see _migrate
        except BaseException:
            self._db.close()
            raise

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _make_private(self.path)
        try:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=5.0)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA user_version").fetchone()  # reads the header: is it a database?
        except sqlite3.DatabaseError as error:
            raise self._storage_error(error) from None
        return db

    def _storage_error(self, error: sqlite3.Error) -> StorageError:
        text = str(error)
        if "locked" in text or "busy" in text:
            return DatabaseLocked(str(self.path))
        if "not a database" in text or "malformed" in text:
            return DatabaseDamaged(str(self.path), text)
        return StorageError(f"The data file {self.path} cannot be used: {text}.")

    def close(self) -> None:
        self._db.close()
        self._closed = True

    @property
    def is_open(self) -> bool:
        return not getattr(self, "_closed", False)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        # Checked before anything writes (even the WAL switch rewrites the file header).
        found = self.schema_version
        if found > migrations.SCHEMA_VERSION:
            raise DatabaseTooNew(str(self.path), found, migrations.SCHEMA_VERSION)
        for version in range(found, len(migrations.MIGRATIONS)):
            try:
                with self.transaction() as db:  # foreign keys are off: a table rebuild
                    try:  # must not cascade; checked before commit
                        migrations.MIGRATIONS[version](db)
                        if db.execute("PRAGMA foreign_key_check").fetchall():
                            raise sqlite3.IntegrityError("foreign key check failed")
                        db.execute(f"PRAGMA user_version = {version + 1}")
                    except sqlite3.Error as error:
                        raise _MigrationFailed(error) from None
            except (sqlite3.Error, _MigrationFailed) as error:
                raise StorageError(
                    f"The data file {self.path} could not be upgraded to this version of "
                    f"Afterword ({error}). It has been left as it was; please report this."
                ) from None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, taken at once, rolled back on any error.

        Inside another it is a savepoint: committed with the outer one (several steps, one
        commit), and an error in it undoes only its own changes.
        """
        if self._db.in_transaction:
            with self._savepoint() as db:
                yield db
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise self._storage_error(error) from None
        try:
            yield self._db
        except sqlite3.DatabaseError as error:  # a full disk, say: nothing was written
            self._roll_back()
            if not _of_the_file(error):
                raise
            raise self._storage_error(error) from None
        except BaseException:
            self._roll_back()
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            self._roll_back()
            if not _of_the_file(error):
                raise
            raise self._storage_error(error) from None

    def _roll_back(self) -> None:
        """SQLite may have rolled back already (it does on a full disk or an I/O error):
        then there is nothing left to undo, and asking again would hide the real error."""
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    @contextmanager
    def _savepoint(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("SAVEPOINT step")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK TO step")
                raise
            finally:
                self._db.execute("RELEASE step")
        except sqlite3.OperationalError as error:
            raise self._storage_error(error) from None

    def _now(self) -> str:
        return self._clock().astimezone(UTC).isoformat()

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as error:
            if not _of_the_file(error):
                raise
            raise self._storage_error(error) from None

    def _rows_by_id(self, table: str, ids: Sequence[int]) -> list[sqlite3.Row]:
        marks = ", ".join("?" * len(ids))
        return self._query(f"SELECT * FROM {table} WHERE id IN ({marks})", list(ids))
