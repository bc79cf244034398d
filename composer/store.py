"""The records, in one SQLite file.

Schema version lives in ``PRAGMA user_version``; each migration is a small function applied
in its own transaction. Writes use ``BEGIN IMMEDIATE`` so a writer never fails half-way with
"database is locked"; WAL with ``synchronous=FULL`` keeps the last commit across a power cut.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from composer import interview_search
from composer.clock import Clock, utc_now
from composer.errors import (
    DatabaseDamaged,
    DatabaseLocked,
    DatabaseTooNew,
    RecordNotFound,
    StorageError,
)
from composer.files import keep_private, open_private
from composer.records import (
    Attachment,
    Contact,
    FeedbackNote,
    Interview,
    InterviewStatus,
    Message,
    MessageState,
    MessageSummary,
    Participant,
    Profile,
    Reply,
    Role,
    SentCopy,
    WatchedMessage,
)
from composer.retry_note import WAITING_LIKE, after_restart
from composer.schedule import add_scheduled_state
from composer.search_words import plain_text, search_words
from composer.signature import signed

_BY_NAME = "ORDER BY name COLLATE NOCASE, id"  # how contacts are listed
ACCOUNT_SETTING = "smtp_account"  # the mail account, as Settings saved it (no password)
# The mailbox (IMAP) account as a dict, with "server_files_sent": true when the mail server
# puts what it sends in Sent itself (Gmail, for one), so Afterword must not file a second copy.
IMAP_ACCOUNT_SETTING = "imap_account"
DEFAULT_CHECK_MINUTES = 15  # how often replies are looked for, unless the user says


def reply_check_minutes(mailbox: dict[str, Any]) -> int:
    """How often to look for replies, from the saved mailbox (0: only when asked). Here, so
    the window can read it as it opens without loading what talking to the mailbox needs."""
    return max(0, int(mailbox.get("check_minutes", DEFAULT_CHECK_MINUTES)))


# --- schema -----------------------------------------------------------------------------


def _execute_script(db: sqlite3.Connection, script: str) -> None:
    """Statement by statement (``executescript`` would COMMIT the migration's transaction);
    ``complete_statement`` keeps a ";" inside a string or trigger in its statement."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        db.execute(statement)


def _schema_1(db: sqlite3.Connection) -> None:
    _execute_script(
        db,
        """
        CREATE TABLE profile (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            signature TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE contacts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            email TEXT NOT NULL DEFAULT '',
            company TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE interviews (
            id INTEGER PRIMARY KEY,
            company TEXT NOT NULL,
            position TEXT NOT NULL DEFAULT '',
            scheduled_at TEXT,
            stage TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'scheduled'
                CHECK (status IN ('scheduled', 'done', 'offer', 'rejected', 'withdrawn')),
            notes TEXT NOT NULL DEFAULT '',
            feedback TEXT NOT NULL DEFAULT '',
            topic TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE interview_contacts (
            interview_id INTEGER NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
            contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('interviewer', 'recruiter', 'hr')),
            PRIMARY KEY (interview_id, contact_id, role)
        );
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            state TEXT NOT NULL
                CHECK (state IN ('draft', 'queued', 'sending', 'sent', 'failed', 'uncertain')),
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            to_addrs TEXT NOT NULL,
            cc_addrs TEXT NOT NULL DEFAULT '[]',
            bcc_addrs TEXT NOT NULL DEFAULT '[]',
            template_id TEXT,
            contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
            interview_id INTEGER REFERENCES interviews(id) ON DELETE SET NULL,
            message_id TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            sent_at TEXT,
            raw BLOB,
            server_reply TEXT,
            error TEXT,
            attempts INTEGER NOT NULL DEFAULT 0
        );
        """,
    )


def _schema_2(db: sqlite3.Connection) -> None:
    """Attachments kept with the message, so the record stays whole if the file moves."""
    _execute_script(
        db,
        """
        CREATE TABLE message_attachments (
            id INTEGER PRIMARY KEY,
            message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            filename TEXT NOT NULL,
            content_type TEXT NOT NULL,
            data BLOB NOT NULL
        );
        CREATE INDEX message_attachments_by_message ON message_attachments(message_id);
        CREATE INDEX messages_by_state ON messages(state);
        CREATE INDEX interview_contacts_by_contact ON interview_contacts(contact_id);
        """,
    )


def _schema_3(db: sqlite3.Connection) -> None:
    """The send-once ledger: which follow-up went to whom, for which interview."""
    _execute_script(
        db,
        """
        CREATE TABLE follow_ups_sent (
            interview_id INTEGER NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
            template_id TEXT NOT NULL,
            contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
            sent_at TEXT NOT NULL,
            PRIMARY KEY (interview_id, template_id, contact_id)
        );
        INSERT OR IGNORE INTO follow_ups_sent
            SELECT interview_id, template_id, contact_id, id, sent_at FROM messages
            WHERE state = 'sent' AND interview_id IS NOT NULL AND template_id IS NOT NULL
            AND contact_id IS NOT NULL;
        """,
    )


def _schema_4(db: sqlite3.Connection) -> None:
    """Outbox & Sent lists newest first: an index in that order, so the first rows of
    50,000 come at once instead of after a sort."""
    db.execute(
        "CREATE INDEX messages_newest_first ON messages(COALESCE(sent_at, updated_at) DESC, "
        "id DESC)"
    )


_SEARCHED = "subject, body, to_addrs, cc_addrs, bcc_addrs"


def _addresses(addresses: Sequence[str]) -> str:
    """As typed (not \\u-escaped), so "Noël" in a recipient can be searched for."""
    return json.dumps(list(addresses), ensure_ascii=False)


def _schema_5(db: sqlite3.Connection) -> None:
    """Records and follow-ups: full-text search over messages, threads, replies noted,
    the feedback log, the date an application went in, check-ins, and the user's choices
    about due follow-ups (snoozed or dismissed)."""
    rows = db.execute("SELECT id, to_addrs, cc_addrs, bcc_addrs FROM messages").fetchall()
    db.executemany(  # addresses as typed, before they are indexed for search
        "UPDATE messages SET to_addrs = ?, cc_addrs = ?, bcc_addrs = ? WHERE id = ?",
        [(*(_addresses(json.loads(text)) for text in row[1:]), row[0]) for row in rows],
    )
    _execute_script(
        db,
        f"""
        ALTER TABLE messages ADD COLUMN in_reply_to TEXT;
        ALTER TABLE messages ADD COLUMN reference_ids TEXT NOT NULL DEFAULT '';
        ALTER TABLE interviews ADD COLUMN applied_at TEXT;
        ALTER TABLE interviews ADD COLUMN status_changed_at TEXT;
        UPDATE interviews SET applied_at = created_at, status_changed_at = updated_at;
        ALTER TABLE contacts ADD COLUMN check_in_days INTEGER;
        CREATE VIRTUAL TABLE messages_search USING fts5(
            {_SEARCHED}, content='messages', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        );
        INSERT INTO messages_search(messages_search) VALUES ('rebuild');
        CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
            INSERT INTO messages_search(rowid, {_SEARCHED})
            VALUES (new.id, new.subject, new.body, new.to_addrs, new.cc_addrs, new.bcc_addrs);
        END;
        CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
            INSERT INTO messages_search(messages_search, rowid, {_SEARCHED})
            VALUES ('delete', old.id, old.subject, old.body, old.to_addrs, old.cc_addrs,
                    old.bcc_addrs);
        END;
        CREATE TRIGGER messages_search_update AFTER UPDATE OF {_SEARCHED} ON messages BEGIN
            INSERT INTO messages_search(messages_search, rowid, {_SEARCHED})
            VALUES ('delete', old.id, old.subject, old.body, old.to_addrs, old.cc_addrs,
                    old.bcc_addrs);
            INSERT INTO messages_search(rowid, {_SEARCHED})
            VALUES (new.id, new.subject, new.body, new.to_addrs, new.cc_addrs, new.bcc_addrs);
        END;
        CREATE TABLE replies (
            id INTEGER PRIMARY KEY,
            message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
            interview_id INTEGER REFERENCES interviews(id) ON DELETE CASCADE,
            contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
            received_at TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            header_id TEXT UNIQUE,
            created_at TEXT NOT NULL
        );
        CREATE INDEX replies_by_message ON replies(message_id);
        CREATE INDEX replies_by_interview ON replies(interview_id);
        CREATE INDEX replies_by_contact ON replies(contact_id);
        CREATE TABLE feedback_notes (
            id INTEGER PRIMARY KEY,
            interview_id INTEGER NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
            contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
            received_at TEXT NOT NULL,
            text TEXT NOT NULL,
            kind INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE INDEX feedback_by_interview ON feedback_notes(interview_id);
        CREATE TABLE feedback_tags (
            note_id INTEGER NOT NULL REFERENCES feedback_notes(id) ON DELETE CASCADE,
            tag TEXT NOT NULL COLLATE NOCASE,
            PRIMARY KEY (note_id, tag)
        );
        CREATE TABLE due_choices (
            key TEXT PRIMARY KEY,
            snoozed_until TEXT,
            dismissed INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX messages_by_interview ON messages(interview_id, template_id);
        CREATE INDEX messages_by_contact ON messages(contact_id);
        CREATE INDEX contacts_by_name ON contacts(name COLLATE NOCASE, id);
        CREATE TABLE sent_copies (
            message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'filed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            filed_at TEXT
        );
        """,
    )


def _schema_6(db: sqlite3.Connection) -> None:
    """How to greet each contact, as the user typed it ("" while derived from the name)."""
    db.execute("ALTER TABLE contacts ADD COLUMN greeting TEXT NOT NULL DEFAULT ''")


def _signature_in_text(db: sqlite3.Connection) -> None:
    """The signature used to be added when sending; now it is in the text the user sees.
    Messages not yet sent get it in their text once, here, so none goes out with it twice
    or without it; sent ones keep their text (their bytes show what went)."""
    row = db.execute("SELECT signature FROM profile WHERE id = 1").fetchone()
    signature = row[0] if row else ""
    if not signature.strip():
        return
    rows = db.execute("SELECT id, body FROM messages WHERE state != 'sent'").fetchall()
    db.executemany(
        "UPDATE messages SET body = ? WHERE id = ?",
        [(signed(body, signature), message_id) for message_id, body in rows],
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _schema_1,
    _schema_2,
    _schema_3,
    _schema_4,
    _schema_5,
    _schema_6,
    _signature_in_text,
    add_scheduled_state,
]
SCHEMA_VERSION = len(MIGRATIONS)


# --- conversions ------------------------------------------------------------------------


def fts_query(text: str) -> str | None:
    """The user's words as an FTS5 query: each word a quoted prefix, all of them required.
    Quoting keeps operators and punctuation (AND, "-", "@") from being read as syntax."""
    words = [word.replace('"', '""') for word in search_words(text)]
    return " ".join(f'"{word}"*' for word in words) or None


def _iso(moment: datetime | None) -> str | None:
    """Stored in UTC, so text order is time order; a naive time is the user's local time."""
    return moment.astimezone(UTC).isoformat() if moment else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _contact(row: sqlite3.Row) -> Contact:
    return Contact(
        id=row["id"],
        name=row["name"],
        email=row["email"],
        company=row["company"],
        title=row["title"],
        phone=row["phone"],
        notes=row["notes"],
        check_in_days=row["check_in_days"],
        greeting=row["greeting"],
    )


def _interview(row: sqlite3.Row) -> Interview:
    return Interview(
        id=row["id"],
        company=row["company"],
        position=row["position"],
        scheduled_at=_moment(row["scheduled_at"]),
        stage=row["stage"],
        status=InterviewStatus(row["status"]),
        notes=row["notes"],
        feedback=row["feedback"],
        topic=row["topic"],
        applied_at=_moment(row["applied_at"]),
        status_changed_at=_moment(row["status_changed_at"] or row["updated_at"]),
    )


def _message(row: sqlite3.Row, attachments: list[Attachment]) -> Message:
    return Message(
        id=row["id"],
        state=MessageState(row["state"]),
        subject=row["subject"],
        body=row["body"],
        to=json.loads(row["to_addrs"]),
        cc=json.loads(row["cc_addrs"]),
        bcc=json.loads(row["bcc_addrs"]),
        template_id=row["template_id"],
        contact_id=row["contact_id"],
        interview_id=row["interview_id"],
        message_id=row["message_id"],
        attachments=attachments,
        created_at=_moment(row["created_at"]),
        updated_at=_moment(row["updated_at"]),
        sent_at=_moment(row["sent_at"]),
        raw=row["raw"],
        server_reply=row["server_reply"],
        error=row["error"],
        attempts=row["attempts"],
        in_reply_to=row["in_reply_to"],
        references=row["reference_ids"].split(),
        scheduled_at=_moment(row["scheduled_at"]),
    )


def _reply(row: sqlite3.Row) -> Reply:
    return Reply(
        id=row["id"],
        received_at=datetime.fromisoformat(row["received_at"]),
        summary=row["summary"],
        message_id=row["message_id"],
        interview_id=row["interview_id"],
        contact_id=row["contact_id"],
        header_id=row["header_id"],
    )


def _feedback(row: sqlite3.Row) -> FeedbackNote:
    return FeedbackNote(
        id=row["id"],
        interview_id=row["interview_id"],
        contact_id=row["contact_id"],
        received_at=datetime.fromisoformat(row["received_at"]),
        text=row["text"],
        kind=bool(row["kind"]),
        tags=sorted(row["tags"].split("\x1f"), key=str.casefold) if row["tags"] else [],
    )


def _sent_copy(row: sqlite3.Row) -> SentCopy:
    return SentCopy(
        message_id=row["message_id"],
        state=row["state"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        filed_at=_moment(row["filed_at"]),
    )


class _MigrationFailed(Exception):
    """Carries a migration's SQLite error past the transaction, which rolls it back."""


# --- the store --------------------------------------------------------------------------


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


class Store:
    """All records, one connection. Open one per thread or process; SQLite arbitrates."""

    def __init__(self, path: Path | str, *, clock: Clock = utc_now) -> None:
        self.path = Path(path)
        self._clock = clock
        self._db = self._connect()
        self._contacts_seen: tuple[tuple[int, int], tuple[list[int], list[str]]] | None = None
        self._interviews_seen = interview_search.InterviewTexts()
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

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        # Checked before anything writes (even the WAL switch rewrites the file header).
        found = self.schema_version
        if found > SCHEMA_VERSION:
            raise DatabaseTooNew(str(self.path), found, SCHEMA_VERSION)
        for version in range(found, len(MIGRATIONS)):
            try:
                with self.transaction() as db:  # foreign keys are off: a table rebuild
                    try:  # must not cascade; checked before commit
                        MIGRATIONS[version](db)
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

    # --- settings and profile -----------------------------------------------------------

    def get_setting(self, key: str) -> Any:
        rows = self._query("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(rows[0]["value"]) if rows else None

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    def profile(self) -> Profile:
        rows = self._query("SELECT name, email, phone, signature FROM profile WHERE id = 1")
        return Profile(**dict(rows[0])) if rows else Profile()

    def save_profile(self, profile: Profile) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO profile(id, name, email, phone, signature) VALUES (1, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email, "
                "phone = excluded.phone, signature = excluded.signature",
                (profile.name, profile.email, profile.phone, profile.signature),
            )

    # --- contacts -----------------------------------------------------------------------

    def add_contact(self, contact: Contact) -> Contact:
        now = self._now()
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO contacts(name, email, company, title, phone, notes, check_in_days, "
                "greeting, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*self._contact_values(contact), now, now),
            )
        contact.id = cursor.lastrowid
        return contact

    def add_contacts(self, contacts: Sequence[Contact]) -> None:
        """Many at once (an import): one transaction, all or none."""
        now = self._now()
        with self.transaction() as db:
            for contact in contacts:
                cursor = db.execute(
                    "INSERT INTO contacts(name, email, company, title, phone, notes, "
                    "check_in_days, greeting, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*self._contact_values(contact), now, now),
                )
                contact.id = cursor.lastrowid

    def contact_emails(self) -> set[str]:
        """Every contact's address, lower-cased: for de-duplicating an import."""
        rows = self._query("SELECT DISTINCT lower(email) FROM contacts WHERE email != ''")
        return {row[0] for row in rows}

    def update_contact(self, contact: Contact) -> None:
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE contacts SET name = ?, email = ?, company = ?, title = ?, phone = ?, "
                "notes = ?, check_in_days = ?, greeting = ?, updated_at = ? WHERE id = ?",
                (*self._contact_values(contact), self._now(), contact.id),
            )
        if cursor.rowcount == 0:
            raise RecordNotFound("contact", contact.id or 0)

    @staticmethod
    def _contact_values(contact: Contact) -> tuple[str | int | None, ...]:
        return (
            contact.name,
            contact.email,
            contact.company,
            contact.title,
            contact.phone,
            contact.notes,
            contact.check_in_days,
            " ".join(contact.greeting.split()),  # one line: it goes after "Dear"
        )

    def delete_contact(self, contact_id: int) -> None:
        """Removes the contact; messages sent to them stay, with the address they went to."""
        with self.transaction() as db:
            db.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))

    def contact(self, contact_id: int) -> Contact:
        rows = self._query("SELECT * FROM contacts WHERE id = ?", (contact_id,))
        if not rows:
            raise RecordNotFound("contact", contact_id)
        return _contact(rows[0])

    def contacts(self, search: str = "") -> list[Contact]:
        pattern = f"%{plain_text(search).strip()}%"
        rows = self._query(
            "SELECT * FROM contacts WHERE name LIKE ?1 OR email LIKE ?1 OR company LIKE ?1 "
            "ORDER BY name COLLATE NOCASE, id",
            (pattern,),
        )
        return [_contact(row) for row in rows]

    def contact_ids(self, search: str = "") -> list[int]:
        """Ids in display order, of the contacts with every word of ``search`` somewhere in
        their name, address, company, title or greeting (any case: "Bob" finds Robert);
        rows are fetched as shown."""
        words = [word.casefold() for word in search_words(search)]
        if not words and self._contacts_seen is None:  # opening the list: no index needed yet
            return [row[0] for row in self._query(f"SELECT id FROM contacts {_BY_NAME}")]
        ids, texts = self._contact_index()
        for word in words:  # one pass a word: cheaper than all() a row
            kept = [n for n, text in enumerate(texts) if word in text]
            ids, texts = [ids[n] for n in kept], [texts[n] for n in kept]
        return list(ids)

    def _contact_index(self) -> tuple[list[int], list[str]]:
        """Each contact's searchable text, kept between keystrokes: a scan of 10,000 rows
        in SQL takes longer than a keystroke may. Read again once anything was written
        (here, or by another connection: ``data_version``)."""
        version = (self._db.execute("PRAGMA data_version").fetchone()[0], self._db.total_changes)
        if self._contacts_seen is None or self._contacts_seen[0] != version:
            rows = self._query(
                f"SELECT id, name, email, company, title, greeting FROM contacts {_BY_NAME}"
            )
            index = ([row[0] for row in rows], ["\n".join(row[1:]).casefold() for row in rows])
            self._contacts_seen = (version, index)
        return self._contacts_seen[1]

    def contact_ids_by_email(self, emails: Sequence[str]) -> list[int]:
        """The contacts with any of these addresses (any case), in id order."""
        wanted = sorted({email.lower() for email in emails})
        found: set[int] = set()
        for start in range(0, len(wanted), 500):  # SQLite caps the values in one query
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._query(f"SELECT id FROM contacts WHERE lower(email) IN ({marks})", chunk)
            found.update(row[0] for row in rows)
        return sorted(found)

    def contact_id_by_email(self, email: str, other_than: int | None = None) -> int | None:
        """The contact (not ``other_than``) who has this address, any case; None if none."""
        found = self.contact_ids_by_email([email.strip()]) if email.strip() else []
        return next((i for i in found if i != other_than), None)

    def contacts_by_id(self, ids: Sequence[int]) -> dict[int, Contact]:
        return {c.id: c for c in map(_contact, self._rows_by_id("contacts", ids)) if c.id}

    def _rows_by_id(self, table: str, ids: Sequence[int]) -> list[sqlite3.Row]:
        marks = ", ".join("?" * len(ids))
        return self._query(f"SELECT * FROM {table} WHERE id IN ({marks})", list(ids))

    # --- interviews ---------------------------------------------------------------------

    @staticmethod
    def _interview_values(interview: Interview) -> tuple[str | None, ...]:
        return (
            interview.company,
            interview.position,
            _iso(interview.scheduled_at),
            interview.stage,
            str(interview.status),
            interview.notes,
            interview.feedback,
            interview.topic,
            _iso(interview.applied_at),
        )

    def add_interview(self, interview: Interview) -> Interview:
        now = self._now()
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO interviews(company, position, scheduled_at, stage, status, notes, "
                "feedback, topic, applied_at, created_at, updated_at, status_changed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *self._interview_values(interview)[:-1],
                    _iso(interview.applied_at) or now,
                    now,
                    now,
                    now,
                ),
            )
        interview.id = cursor.lastrowid
        return interview

    def update_interview(self, interview: Interview) -> None:
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE interviews SET company = ?1, position = ?2, scheduled_at = ?3, "
                "stage = ?4, status = ?5, notes = ?6, feedback = ?7, topic = ?8, "
                "applied_at = COALESCE(?9, applied_at), updated_at = ?10, "
                "status_changed_at = CASE WHEN status = ?5 THEN status_changed_at ELSE ?10 END "
                "WHERE id = ?11",  # (in SET, "status" is still the value before the update)
                (*self._interview_values(interview), self._now(), interview.id),
            )
        if cursor.rowcount == 0:
            raise RecordNotFound("interview", interview.id or 0)

    def delete_interview(self, interview_id: int) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM interviews WHERE id = ?", (interview_id,))

    def interview(self, interview_id: int) -> Interview:
        rows = self._query("SELECT * FROM interviews WHERE id = ?", (interview_id,))
        if not rows:
            raise RecordNotFound("interview", interview_id)
        return _interview(rows[0])

    def interviews(self) -> list[Interview]:
        rows = self._query("SELECT * FROM interviews ORDER BY scheduled_at DESC, id DESC")
        return [_interview(row) for row in rows]

    def interview_ids(self, now: datetime | None = None, limit: int = -1) -> list[int]:
        """Upcoming first (soonest first), then past ones (most recent first), then undated;
        with ``limit``, only the first so many: a picker needs the ones that matter now."""
        moment = _iso(now or self._clock())
        rows = self._query(
            "SELECT id FROM interviews ORDER BY "
            "CASE WHEN scheduled_at IS NULL THEN 2 WHEN scheduled_at >= ?1 THEN 0 ELSE 1 END, "
            "CASE WHEN scheduled_at >= ?1 THEN scheduled_at END ASC, "
            "scheduled_at DESC, id DESC LIMIT ?2",
            (moment, limit),
        )
        return [row[0] for row in rows]

    def interview_ids_found(self, search: str) -> list[int]:
        """The list as ``interview_ids`` orders it, of the interviews with every word of
        ``search`` in their company, position, stage, status or people's names."""
        ids, words = self.interview_ids(), interview_search.words_of(search)
        if not words:
            return ids
        version = (self._db.execute("PRAGMA data_version").fetchone()[0], self._db.total_changes)
        texts = self._interviews_seen.texts(
            version, lambda: self._query(interview_search.SEARCHABLE)
        )
        return interview_search.matching(ids, texts, words)

    def interview_choices(self, limit: int, chosen: int | None = None) -> list[Interview]:
        """What a picker lists: the interviews that matter now (upcoming, then recent), and
        the chosen one even if it is older."""
        ids = self.interview_ids(limit=limit)
        if chosen is not None and chosen not in ids:
            ids.append(chosen)
        found = self.interviews_by_id(ids)
        return [found[i] for i in ids if i in found]

    def interviews_by_id(self, ids: Sequence[int]) -> dict[int, Interview]:
        return {i.id: i for i in map(_interview, self._rows_by_id("interviews", ids)) if i.id}

    def set_participants(self, interview_id: int, people: Sequence[tuple[int, Role]]) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM interview_contacts WHERE interview_id = ?", (interview_id,))
            db.executemany(
                "INSERT INTO interview_contacts(interview_id, contact_id, role) VALUES (?, ?, ?)",
                [(interview_id, contact_id, str(role)) for contact_id, role in people],
            )

    def participants(self, interview_id: int) -> list[Participant]:
        rows = self._query(
            "SELECT c.*, ic.role FROM interview_contacts ic JOIN contacts c ON c.id = "
            "ic.contact_id WHERE ic.interview_id = ? ORDER BY ic.rowid",
            (interview_id,),
        )
        return [Participant(_contact(row), Role(row["role"])) for row in rows]

    # --- messages -----------------------------------------------------------------------

    def save_message(self, message: Message) -> Message:
        """Inserts or updates a draft or queued message, attachments included."""
        return self.save_messages([message])[0]

    def save_messages(self, messages: Sequence[Message]) -> list[Message]:
        """Inserts or updates several (a panel's thank-yous) in one transaction: all are
        saved or none is, and a batch costs one commit instead of one per message."""
        now = self._now()
        new = [message for message in messages if message.id is None]
        try:
            with self.transaction() as db:
                for message in messages:
                    self._write_message(db, message, now)
        except BaseException:
            for message in new:  # rolled back: they were never saved
                message.id = None
            raise
        return list(messages)

    def _write_message(self, db: sqlite3.Connection, message: Message, now: str) -> None:
        values = (
            str(message.state),
            message.subject,
            message.body,
            _addresses(message.to),
            _addresses(message.cc),
            _addresses(message.bcc),
            message.template_id,
            message.contact_id,
            message.interview_id,
            message.message_id,
            message.in_reply_to,
            " ".join(message.references),
            _iso(message.scheduled_at) if message.state is MessageState.SCHEDULED else None,
        )
        if message.id is None:
            cursor = db.execute(
                "INSERT INTO messages(state, subject, body, to_addrs, cc_addrs, bcc_addrs, "
                "template_id, contact_id, interview_id, message_id, in_reply_to, "
                "reference_ids, scheduled_at, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, now, now),
            )
            message.id = cursor.lastrowid
        else:
            # A draft saved over a failed message (Compose's autosave) keeps it failed: it
            # becomes a draft only when the user chooses so (Outbox & Sent's Edit as new draft).
            cursor = db.execute(
                "UPDATE messages SET state = CASE WHEN state = 'failed' AND ? = 'draft' "
                "THEN state ELSE ? END, subject = ?, body = ?, to_addrs = ?, "
                "cc_addrs = ?, bcc_addrs = ?, template_id = ?, contact_id = ?, "
                "interview_id = ?, message_id = ?, in_reply_to = ?, reference_ids = ?, "
                "scheduled_at = ?, updated_at = ? "
                "WHERE id = ? AND state IN ('draft', 'queued', 'failed', 'scheduled')",
                (values[0], *values, now, message.id),
            )
            if cursor.rowcount == 0:
                raise self._not_editable(message.id)
            db.execute("DELETE FROM message_attachments WHERE message_id = ?", (message.id,))
        if message.attachments:
            db.executemany(
                "INSERT INTO message_attachments(message_id, filename, content_type, data) "
                "VALUES (?, ?, ?, ?)",
                [(message.id, a.filename, a.content_type, a.data) for a in message.attachments],
            )

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """For the modules that keep their own SQL (composer/schedule.py)."""
        return self._query(sql, params)

    def scheduled_due(self, now: datetime) -> list[int]:
        """Scheduled messages whose time has come by ``now``, oldest first."""
        from composer.schedule import due_ids

        return due_ids(self, now)

    def not_editable(self, message_id: int) -> Exception:
        return self._not_editable(message_id)

    def _not_editable(self, message_id: int) -> Exception:
        from composer.errors import AlreadySent

        rows = self._query("SELECT state FROM messages WHERE id = ?", (message_id,))
        if not rows:
            return RecordNotFound("message", message_id)
        return AlreadySent(
            f"This message is {rows[0]['state']} and can no longer be changed; "
            "start a new one instead."
        )

    def message(self, message_id: int) -> Message:
        rows = self._query("SELECT * FROM messages WHERE id = ?", (message_id,))
        if not rows:
            raise RecordNotFound("message", message_id)
        return _message(rows[0], self._attachments(message_id))

    def _attachments(self, message_id: int) -> list[Attachment]:
        rows = self._query(
            "SELECT filename, content_type, data FROM message_attachments "
            "WHERE message_id = ? ORDER BY id",
            (message_id,),
        )
        return [Attachment(row["filename"], row["content_type"], row["data"]) for row in rows]

    def message_ids(self, *states: MessageState) -> list[int]:
        if not states:
            rows = self._query("SELECT id FROM messages ORDER BY id")
        else:
            marks = ", ".join("?" * len(states))
            rows = self._query(
                f"SELECT id FROM messages WHERE state IN ({marks}) ORDER BY id",
                [str(state) for state in states],
            )
        return [row["id"] for row in rows]

    def message_list_ids(
        self,
        *,
        contact_id: int | None = None,
        interview_id: int | None = None,
        search: str = "",
        states: Sequence[str] = (),
    ) -> list[int]:
        """Newest first, optionally only those about one contact or one interview, in some
        states, or with every word of ``search`` (or a word starting so) in the subject,
        text or addresses."""
        # Only the filters given: "?1 IS NULL OR contact_id = ?1" would keep SQLite from
        # using an index, and scan all 50,000 rows.
        where: list[str] = ["1"]
        values: list[int | str] = []
        if states:
            where.append(f"state IN ({', '.join('?' * len(states))})")
            values.extend(states)
        for column, value in (("contact_id", contact_id), ("interview_id", interview_id)):
            if value is not None:
                where.append(f"{column} = ?")
                values.append(value)
        if (query := fts_query(search)) is not None:
            where.append("id IN (SELECT rowid FROM messages_search WHERE messages_search MATCH ?)")
            values.append(query)
        rows = self._query(
            f"SELECT id FROM messages WHERE {' AND '.join(where)} "
            "ORDER BY COALESCE(sent_at, updated_at) DESC, id DESC",
            values,
        )
        return [row[0] for row in rows]

    def message_counts(self) -> dict[str, int]:
        """How many messages are in each state ("draft": 3, "failed": 1), by one COUNT:
        the folder list and the sidebar show them without reading a row."""
        rows = self._query("SELECT state, COUNT(id) FROM messages GROUP BY state")
        return {row[0]: row[1] for row in rows}

    def has_messages(self) -> bool:
        return bool(self._query("SELECT EXISTS (SELECT 1 FROM messages)")[0][0])

    def message_summaries(self, ids: Sequence[int]) -> dict[int, MessageSummary]:
        """What a list shows, without bodies or raw bytes."""
        marks = ", ".join("?" * len(ids))
        rows = self._query(
            "SELECT id, state, subject, to_addrs, cc_addrs, created_at, updated_at, sent_at, "
            "error, contact_id, interview_id, "
            "EXISTS (SELECT 1 FROM replies r WHERE r.message_id = m.id) AS replied, "
            "(SELECT last_error FROM sent_copies c WHERE c.message_id = m.id "
            f"AND c.state = 'pending') AS copy_error FROM messages m WHERE id IN ({marks})",
            list(ids),
        )
        return {
            row["id"]: MessageSummary(
                id=row["id"],
                state=MessageState(row["state"]),
                subject=row["subject"],
                to=json.loads(row["to_addrs"]) + json.loads(row["cc_addrs"]),
                when=_moment(row["sent_at"] or row["updated_at"]),
                error=row["error"],
                contact_id=row["contact_id"],
                interview_id=row["interview_id"],
                replied=bool(row["replied"]),
                copy_error=row["copy_error"],
            )
            for row in rows
        }

    def delete_message(self, message_id: int) -> None:
        """Only a draft can be deleted: a record of what was sent is never thrown away."""
        with self.transaction() as db:
            cursor = db.execute(
                "DELETE FROM messages WHERE id = ? AND state = 'draft'", (message_id,)
            )
        if cursor.rowcount == 0:
            raise self._not_editable(message_id)

    def queue_message(self, message_id: int) -> None:
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE messages SET state = 'queued', updated_at = ? "
                "WHERE id = ? AND state IN ('draft', 'failed', 'queued')",
                (self._now(), message_id),
            )
        if cursor.rowcount == 0:
            raise self._not_editable(message_id)

    def claim_for_sending(self, message_id: int) -> bool:
        """Moves a queued message to "sending"; False if someone else has it already.

        This single UPDATE is the lock against double sends: two workers, or two clicks,
        cannot both see the message as queued.
        """
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE messages SET state = 'sending', attempts = attempts + 1, error = NULL, "
                "updated_at = ? WHERE id = ? AND state = 'queued'",
                (self._now(), message_id),
            )
        return cursor.rowcount == 1

    def queued_message(self, message_id: int) -> Message | None:
        """The message if it is queued (ready to send), else None."""
        rows = self._query(
            "SELECT * FROM messages WHERE id = ? AND state = 'queued'", (message_id,)
        )
        return _message(rows[0], self._attachments(message_id)) if rows else None

    def claim_with_bytes(
        self, message_id: int, prepare: Callable[[Message], tuple[str, bytes]]
    ) -> bool:
        """Claims a queued message and keeps the exact bytes about to go out, in one durable
        transaction: one commit (one fsync) before the message goes, not two.

        The message is read inside the transaction, so the bytes are built from what is
        queued and no edit can slip in between; ``prepare`` returns its Message-ID and raw
        bytes. If ``prepare`` raises, nothing is changed: the message stays queued. False
        if the message is not queued: someone else has it, or it has gone already.
        """
        with self.transaction() as db:
            message = self.queued_message(message_id)
            if message is None:
                return False
            message_id_header, raw = prepare(message)
            cursor = db.execute(
                "UPDATE messages SET state = 'sending', attempts = attempts + 1, error = NULL, "
                "message_id = ?, raw = ?, updated_at = ? WHERE id = ? AND state = 'queued'",
                (message_id_header, raw, self._now(), message_id),
            )
            return cursor.rowcount == 1

    def record_outgoing(self, message_id: int, message_id_header: str, raw: bytes) -> None:
        """Keeps the exact bytes about to go out, before they go."""
        with self.transaction() as db:
            db.execute(
                "UPDATE messages SET message_id = ?, raw = ?, updated_at = ? "
                "WHERE id = ? AND state = 'sending'",
                (message_id_header, raw, self._now(), message_id),
            )

    def mark_sent(self, message_id: int, server_reply: str) -> None:
        now = self._now()
        self._finish(message_id, "sent", sent_at=now, server_reply=server_reply, error=None)

    def already_sent_to(self, interview_id: int, template_id: str) -> set[int]:
        """The contacts who got this follow-up for this interview, or may have, or will:
        sent, being sent, queued, or uncertain."""
        rows = self._query(
            "SELECT contact_id FROM follow_ups_sent WHERE interview_id = ?1 AND template_id = ?2 "
            "UNION SELECT contact_id FROM messages WHERE interview_id = ?1 AND template_id = ?2 "
            "AND contact_id IS NOT NULL "
            "AND state IN ('queued', 'scheduled', 'sending', 'uncertain')",
            (interview_id, template_id),
        )
        return {row[0] for row in rows}

    def follow_up_sent_on(self, interview_id: int, template_id: str) -> dict[int, datetime]:
        """When each contact was sent this follow-up, for telling the user the date."""
        rows = self._query(
            "SELECT contact_id, sent_at FROM follow_ups_sent "
            "WHERE interview_id = ? AND template_id = ?",
            (interview_id, template_id),
        )
        return {row[0]: moment for row in rows if (moment := _moment(row[1])) is not None}

    def mark_failed(self, message_id: int, error: str, *, uncertain: bool = False) -> None:
        state = "uncertain" if uncertain else "failed"
        self._finish(message_id, state, sent_at=None, server_reply=None, error=error)

    def _finish(
        self,
        message_id: int,
        state: str,
        *,
        sent_at: str | None,
        server_reply: str | None,
        error: str | None,
    ) -> None:
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE messages SET state = ?, sent_at = ?, server_reply = ?, error = ?, "
                "updated_at = ? WHERE id = ? AND state = 'sending'",
                (state, sent_at, server_reply, error, self._now(), message_id),
            )
            if cursor.rowcount != 1:  # only the claimer may settle a message: a bug otherwise
                raise RuntimeError(f"message {message_id} was not being sent; cannot mark {state}")
            if state == "sent":
                self._ledger(db, message_id)
                self._queue_copy(message_id)

    @staticmethod
    def _ledger(db: sqlite3.Connection, message_id: int) -> None:
        db.execute(
            "INSERT OR IGNORE INTO follow_ups_sent SELECT interview_id, template_id, contact_id, "
            "id, sent_at FROM messages WHERE id = ? AND interview_id IS NOT NULL "
            "AND template_id IS NOT NULL AND contact_id IS NOT NULL",
            (message_id,),
        )

    def mark_uncertain_as_sent(self, message_id: int) -> None:
        """The user checked (their Sent folder, the recipient) and it did go out."""
        with self.transaction() as db:
            db.execute(
                "UPDATE messages SET state = 'sent', sent_at = COALESCE(sent_at, updated_at), "
                "updated_at = ? WHERE id = ? AND state = 'uncertain'",
                (self._now(), message_id),
            )
            self._ledger(db, message_id)
            self._queue_copy(message_id)

    # --- copies for the user's Sent folder ------------------------------------------------

    def _queue_copy(self, message_id: int) -> None:
        """In the transaction that marks the message sent, so a crash cannot lose the copy."""
        imap = self.get_setting(IMAP_ACCOUNT_SETTING)
        if imap and not imap.get("server_files_sent"):
            self.copy_pending(message_id)

    def copy_pending(self, message_id: int) -> None:
        """A copy to file; one filed already stays filed. Only a message with its bytes."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO sent_copies(message_id) "
                "SELECT id FROM messages WHERE id = ? AND raw IS NOT NULL",
                (message_id,),
            )

    def copy_filed(self, message_id: int) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE sent_copies SET state = 'filed', attempts = attempts + 1, "
                "last_error = NULL, filed_at = ? WHERE message_id = ? AND state = 'pending'",
                (self._now(), message_id),
            )

    def copy_failed(self, message_id: int, error: str) -> None:
        """Stays pending, with the reason, to be tried again later."""
        with self.transaction() as db:
            db.execute(
                "UPDATE sent_copies SET attempts = attempts + 1, last_error = ? "
                "WHERE message_id = ? AND state = 'pending'",
                (error, message_id),
            )

    def pending_copies(self) -> list[SentCopy]:
        """Oldest message first, as they were sent."""
        rows = self._query("SELECT * FROM sent_copies WHERE state = 'pending' ORDER BY message_id")
        return [_sent_copy(row) for row in rows]

    def sent_copy(self, message_id: int) -> SentCopy | None:
        rows = self._query("SELECT * FROM sent_copies WHERE message_id = ?", (message_id,))
        return _sent_copy(rows[0]) if rows else None

    def sent_bytes(self, message_id: int) -> tuple[str, bytes]:
        """The Message-ID and exact bytes that went out, without the attachments' rows."""
        rows = self._query("SELECT message_id, raw FROM messages WHERE id = ?", (message_id,))
        if not rows or rows[0]["raw"] is None:
            raise RecordNotFound("sent message", message_id)
        return rows[0]["message_id"] or "", bytes(rows[0]["raw"])

    def requeue_uncertain(self, message_id: int) -> None:
        """The user checked that an uncertain message did not arrive and asks to send it."""
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE messages SET state = 'queued', updated_at = ? "
                "WHERE id = ? AND state = 'uncertain'",
                (self._now(), message_id),
            )
        if cursor.rowcount == 0:
            raise self._not_editable(message_id)

    def recover_interrupted(self) -> list[int]:
        """Marks messages left "sending" by a crash as uncertain; never re-sends them."""
        with self.transaction() as db:
            ids = [row[0] for row in db.execute("SELECT id FROM messages WHERE state = 'sending'")]
            db.execute(
                "UPDATE messages SET state = 'uncertain', updated_at = ?, error = ? "
                "WHERE state = 'sending'",
                (
                    self._now(),
                    "Afterword stopped while sending this message, so it may or may not have "
                    "been delivered. Check your mail's Sent folder or ask the recipient, then "
                    "mark it as sent or send it again.",
                ),
            )
            self._no_retry_waits(db)
        return ids

    def _no_retry_waits(self, db: sqlite3.Connection) -> None:
        """A "trying again in 2 seconds" note from a run that stopped would wait forever."""
        for message_id, note in db.execute(
            "SELECT id, error FROM messages WHERE state = 'failed' AND error LIKE ?",
            (WAITING_LIKE,),
        ).fetchall():
            if (truth := after_restart(note)) is not None:
                db.execute("UPDATE messages SET error = ? WHERE id = ?", (truth, message_id))

    # --- replies, feedback and the user's choices about due follow-ups ------------------

    def add_reply(self, reply: Reply) -> Reply:
        """Notes an answer; one with a known Message-ID is noted once however often seen.
        Raises ``RecordNotFound`` if the message, interview or contact it is about is gone."""
        try:
            cursor = self._insert_reply(reply)
        except sqlite3.IntegrityError:
            raise RecordNotFound("message, interview or contact", reply.interview_id or 0) from None
        reply.id = cursor.lastrowid if cursor.rowcount else None
        return reply

    def _insert_reply(self, reply: Reply) -> sqlite3.Cursor:
        with self.transaction() as db:
            return db.execute(
                "INSERT INTO replies(message_id, interview_id, contact_id, received_at, summary, "
                "header_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(header_id) DO NOTHING",
                (
                    reply.message_id,
                    reply.interview_id,
                    reply.contact_id,
                    _iso(reply.received_at),
                    reply.summary,
                    reply.header_id,
                    self._now(),
                ),
            )

    def watched_messages(self, since: datetime) -> list[WatchedMessage]:
        """Messages sent since ``since`` with a Message-ID: the ones replies are looked for."""
        rows = self._query(
            "SELECT id, message_id, sent_at, to_addrs, cc_addrs, interview_id, contact_id "
            "FROM messages WHERE state = 'sent' AND sent_at >= ? AND message_id IS NOT NULL "
            "ORDER BY sent_at, id",
            (_iso(since),),
        )
        return [
            WatchedMessage(
                id=row["id"],
                header_id=row["message_id"],
                sent_at=datetime.fromisoformat(row["sent_at"]),
                addresses=(*json.loads(row["to_addrs"]), *json.loads(row["cc_addrs"])),
                interview_id=row["interview_id"],
                contact_id=row["contact_id"],
            )
            for row in rows
        ]

    def reply_header_ids(self) -> set[str]:
        """The Message-IDs of the replies noted: found before, not read again."""
        rows = self._query("SELECT header_id FROM replies WHERE header_id IS NOT NULL")
        return {row[0] for row in rows}

    def replied_interview_ids(self) -> set[int]:
        """Interviews with an answer noted (by the user or found in their inbox)."""
        rows = self._query("SELECT DISTINCT interview_id FROM replies WHERE interview_id > 0")
        return {row[0] for row in rows}

    def replies(
        self, *, interview_id: int | None = None, contact_id: int | None = None
    ) -> list[Reply]:
        rows = self._query(
            "SELECT * FROM replies WHERE (?1 IS NULL OR interview_id = ?1) "
            "AND (?2 IS NULL OR contact_id = ?2) ORDER BY received_at, id",
            (interview_id, contact_id),
        )
        return [_reply(row) for row in rows]

    def delete_reply(self, reply_id: int) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM replies WHERE id = ?", (reply_id,))

    def save_feedback(self, note: FeedbackNote) -> FeedbackNote:
        values = (
            note.interview_id,
            note.contact_id,
            _iso(note.received_at),
            note.text,
            int(note.kind),
        )
        tags = list(dict.fromkeys(tag.strip() for tag in note.tags if tag.strip()))
        with self.transaction() as db:
            if note.id is None:
                cursor = db.execute(
                    "INSERT INTO feedback_notes(interview_id, contact_id, received_at, text, kind, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (*values, self._now()),
                )
                note.id = cursor.lastrowid
            else:
                cursor = db.execute(
                    "UPDATE feedback_notes SET interview_id = ?, contact_id = ?, received_at = ?, "
                    "text = ?, kind = ? WHERE id = ?",
                    (*values, note.id),
                )
                if cursor.rowcount == 0:
                    raise RecordNotFound("feedback note", note.id)
                db.execute("DELETE FROM feedback_tags WHERE note_id = ?", (note.id,))
            db.executemany(
                "INSERT OR IGNORE INTO feedback_tags(note_id, tag) VALUES (?, ?)",
                [(note.id, tag) for tag in tags],
            )
        note.tags = tags
        return note

    def delete_feedback(self, note_id: int) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM feedback_notes WHERE id = ?", (note_id,))

    def feedback_notes(
        self, *, interview_id: int | None = None, contact_id: int | None = None, tag: str = ""
    ) -> list[FeedbackNote]:
        """Newest first; with ``tag``, only the notes carrying it."""
        rows = self._query(
            "SELECT n.*, (SELECT group_concat(tag, char(31)) FROM feedback_tags t "
            "WHERE t.note_id = n.id) AS tags FROM feedback_notes n "
            "WHERE (?1 IS NULL OR interview_id = ?1) AND (?2 IS NULL OR contact_id = ?2) "
            "AND (?3 = '' OR EXISTS (SELECT 1 FROM feedback_tags t WHERE t.note_id = n.id "
            "AND t.tag = ?3)) ORDER BY received_at DESC, id DESC",
            (interview_id, contact_id, tag.strip()),
        )
        return [_feedback(row) for row in rows]

    def tag_counts(self) -> list[tuple[str, int]]:
        """Each tag with the number of notes carrying it, most frequent first: patterns."""
        rows = self._query(
            "SELECT min(tag) AS tag, count(*) AS n FROM feedback_tags GROUP BY tag "
            "ORDER BY n DESC, tag COLLATE NOCASE"
        )
        return [(row["tag"], row["n"]) for row in rows]

    def due_choices(self) -> dict[str, tuple[datetime | None, bool]]:
        """Per due item: snoozed until when, and whether the user dismissed it."""
        rows = self._query("SELECT key, snoozed_until, dismissed FROM due_choices")
        return {row[0]: (_moment(row[1]), bool(row[2])) for row in rows}

    def snooze_due(self, key: str, until: datetime) -> None:
        self._choose_due(key, _iso(until), dismissed=False)

    def dismiss_due(self, key: str) -> None:
        self._choose_due(key, None, dismissed=True)

    def _choose_due(self, key: str, until: str | None, *, dismissed: bool) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO due_choices(key, snoozed_until, dismissed) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET snoozed_until = excluded.snoozed_until, "
                "dismissed = excluded.dismissed",
                (key, until, int(dismissed)),
            )

    # --- what the follow-up reminders are computed from ---------------------------------

    def follow_ups_under_way(self) -> set[tuple[int, str, int | None]]:
        """(interview, template, contact) of every follow-up sent, queued, being sent or
        uncertain: a reminder for any of them would be a reminder to send twice."""
        rows = self._query(
            "SELECT interview_id, template_id, contact_id FROM follow_ups_sent "
            "UNION SELECT interview_id, template_id, contact_id FROM messages "
            "WHERE interview_id IS NOT NULL AND template_id IS NOT NULL "
            "AND state IN ('queued', 'scheduled', 'sending', 'sent', 'uncertain')"
        )
        return {(row[0], row[1], row[2]) for row in rows}

    def follow_up_addresses(self) -> dict[tuple[int, str], set[str]]:
        """Per (interview, template), the addresses (as typed) a follow-up went or is going
        to: one message to two interviewers thanks both, though it names one contact."""
        rows = self._query(
            "SELECT interview_id, template_id, to_addrs, cc_addrs FROM messages "
            "WHERE interview_id IS NOT NULL AND template_id IS NOT NULL "
            "AND state IN ('queued', 'scheduled', 'sending', 'sent', 'uncertain')"
        )
        found: dict[tuple[int, str], set[str]] = {}
        for row in rows:
            addresses = json.loads(row["to_addrs"]) + json.loads(row["cc_addrs"])
            found.setdefault((row[0], row[1]), set()).update(addresses)
        return found

    def replied_in_thread(self) -> set[str]:
        """The Message-IDs that a message sent, queued or being sent answers (In-Reply-To)."""
        rows = self._query(
            "SELECT DISTINCT in_reply_to FROM messages WHERE in_reply_to IS NOT NULL "
            "AND state IN ('queued', 'scheduled', 'sending', 'sent', 'uncertain')"
        )
        return {row[0] for row in rows}

    def sent_with_template(self, template_id: str) -> list[Message]:
        """Sent messages written from one template, without their raw bytes."""
        rows = self._query(
            "SELECT id FROM messages WHERE template_id = ? AND state = 'sent' ORDER BY sent_at",
            (template_id,),
        )
        return [self.message(row[0]) for row in rows]

    def check_ins(self) -> list[tuple[Contact, datetime]]:
        """Contacts who asked to stay in touch, each with the last time either side wrote
        (or when they were added, if nobody has yet). A message waiting in the outbox
        counts as written: it goes with the next send."""
        rows = self._query(
            "SELECT c.*, max(c.created_at, "
            "COALESCE((SELECT max(COALESCE(sent_at, updated_at)) FROM messages m "
            "WHERE m.contact_id = c.id AND m.state IN ('queued', 'scheduled', 'sending', 'sent', "
            "'uncertain')), ''), "
            "COALESCE((SELECT max(received_at) FROM replies r WHERE r.contact_id = c.id), '')) "
            "AS last_touch FROM contacts c WHERE check_in_days IS NOT NULL AND check_in_days > 0"
        )
        return [(_contact(row), datetime.fromisoformat(row["last_touch"])) for row in rows]

    def latest_application(self) -> datetime | None:
        rows = self._query("SELECT max(applied_at) FROM interviews")
        return _moment(rows[0][0])

    def interview_ids_with(self, contact_id: int) -> list[int]:
        """The interviews a contact took part in."""
        rows = self._query(
            "SELECT DISTINCT interview_id FROM interview_contacts WHERE contact_id = ?",
            (contact_id,),
        )
        return [row[0] for row in rows]

    def interviews_with_kind_feedback(self) -> set[int]:
        rows = self._query("SELECT DISTINCT interview_id FROM feedback_notes WHERE kind = 1")
        return {row[0] for row in rows}
