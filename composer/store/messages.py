"""Messages with their attachments: saved, read, listed, searched."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

from composer.errors import AlreadySent, RecordNotFound
from composer.records import Attachment, Message, MessageState, MessageSummary
from composer.store.connection import Connection
from composer.store.rows import _addresses, _iso, _message, _moment, fts_query


class MessageRows(Connection):
    """The messages and message_attachments tables, and their search index."""

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
            message.header_id,  # into the column message_id
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

    def not_editable(self, message_id: int) -> Exception:
        return self._not_editable(message_id)

    def _not_editable(self, message_id: int) -> Exception:
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

    def remove_drafts(self, ids: Sequence[int]) -> int:
        """Removes those still drafts, in one transaction; how many went."""
        marks = ", ".join("?" * len(ids))
        with self.transaction() as db:
            cursor = db.execute(
                f"DELETE FROM messages WHERE state = 'draft' AND id IN ({marks})", list(ids)
            )
        return cursor.rowcount

    def failed_to_draft(self, message_id: int, now: datetime) -> None:
        """A failed message becomes a draft, its error, bytes and Message-ID dropped."""
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE messages SET state = 'draft', error = NULL, raw = NULL, message_id = NULL, "
                "attempts = 0, updated_at = ? WHERE id = ? AND state = 'failed'",
                (now.astimezone(UTC).isoformat(), message_id),
            )
            if cursor.rowcount == 1:
                return
            rows = db.execute("SELECT state FROM messages WHERE id = ?", (message_id,)).fetchall()
        if not rows:
            raise RecordNotFound("message", message_id)
        raise AlreadySent(
            f"This message is {rows[0][0]} now, no longer failed: it was not changed."
        )
