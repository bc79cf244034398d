"""Copies for the user's Sent folder: which are still to be filed, and what happened."""

from __future__ import annotations

from composer.errors import RecordNotFound
from composer.records import SentCopy
from composer.store.connection import Connection
from composer.store.rows import _sent_copy


class SentCopyRows(Connection):
    """The sent_copies table. Whether a message wants a copy is its sender's choice
    (composer/outbox.py), recorded with the message's "sent"."""

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
