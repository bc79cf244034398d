"""Replies noted and the feedback log with its tags."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from composer.errors import RecordNotFound
from composer.records import FeedbackNote, Reply, WatchedMessage
from composer.store.connection import Connection
from composer.store.rows import _feedback, _iso, _reply


class ReplyRows(Connection):
    """The replies, feedback_notes and feedback_tags tables."""

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
            str(note.channel),
        )
        tags = list(dict.fromkeys(tag.strip() for tag in note.tags if tag.strip()))
        with self.transaction() as db:
            if note.id is None:
                cursor = db.execute(
                    "INSERT INTO feedback_notes(interview_id, contact_id, received_at, text, kind, "
                    "channel, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (*values, self._now()),
                )
                note.id = cursor.lastrowid
            else:
                cursor = db.execute(
                    "UPDATE feedback_notes SET interview_id = ?, contact_id = ?, received_at = ?, "
                    "text = ?, kind = ?, channel = ? WHERE id = ?",
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
