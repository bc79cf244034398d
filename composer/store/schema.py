"""The tables, as each version of Afterword made them: one function a step."""

from __future__ import annotations

import json
import sqlite3

from composer.signature import signed
from composer.store.rows import _addresses


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


def add_scheduled_state(db: sqlite3.Connection) -> None:
    """The messages table gets "scheduled" among its states and a ``scheduled_at`` column.
    SQLite cannot change a CHECK: the table is rebuilt (its indexes and triggers made
    again from the schema as it stands), foreign keys being off during migrations."""
    columns = [row[1] for row in db.execute("PRAGMA table_info(messages)")]
    if "scheduled_at" in columns:  # a file whose version was set back: it has it already
        return
    table_sql, others = _messages_schema(db)
    old_check = "'sent', 'failed', 'uncertain')"
    if old_check not in table_sql:
        raise sqlite3.DatabaseError("the messages table is not as expected")
    new_sql = table_sql.replace(old_check, "'sent', 'failed', 'uncertain', 'scheduled')", 1)
    new_sql = new_sql.replace("CREATE TABLE messages", "CREATE TABLE messages_new", 1)
    new_sql = new_sql.rstrip().removesuffix(")") + ",\n    scheduled_at TEXT\n)"
    listed = ", ".join(columns)
    db.execute(new_sql)
    db.execute(f"INSERT INTO messages_new({listed}) SELECT {listed} FROM messages")
    db.execute("DROP TABLE messages")
    db.execute("ALTER TABLE messages_new RENAME TO messages")
    for sql in others:
        db.execute(sql)
    db.execute("CREATE INDEX messages_scheduled ON messages(scheduled_at) WHERE scheduled_at")


def _messages_schema(db: sqlite3.Connection) -> tuple[str, list[str]]:
    """The table's CREATE statement, and those of its indexes and triggers."""
    rows = db.execute(
        "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'messages' AND sql IS NOT NULL"
    ).fetchall()
    table = next(sql for kind, sql in rows if kind == "table")
    return table, [sql for kind, sql in rows if kind != "table"]


def add_lessons(db: sqlite3.Connection) -> None:
    """Lessons the user draws from the feedback, each linked to the notes behind it. Reads
    nothing of feedback_notes but its id, so it runs the same before or after any column
    another migration adds there."""
    _execute_script(
        db,
        """
        CREATE TABLE IF NOT EXISTS lessons (
            id INTEGER PRIMARY KEY,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            practised_at TEXT
        );
        CREATE TABLE IF NOT EXISTS lesson_feedback (
            lesson_id INTEGER NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
            note_id INTEGER NOT NULL REFERENCES feedback_notes(id) ON DELETE CASCADE,
            PRIMARY KEY (lesson_id, note_id)
        );
        CREATE INDEX IF NOT EXISTS lesson_feedback_by_note ON lesson_feedback(note_id);
        """,
    )


def add_feedback_channel(db: sqlite3.Connection) -> None:
    """Feedback notes say how they came: by email (all notes so far), by phone or in person."""
    columns = [row[1] for row in db.execute("PRAGMA table_info(feedback_notes)")]
    if "channel" in columns:  # a file whose version was set back: it has it already
        return
    db.execute(
        "ALTER TABLE feedback_notes ADD COLUMN channel TEXT NOT NULL DEFAULT 'email' "
        "CHECK (channel IN ('email', 'phone', 'in_person'))"
    )
