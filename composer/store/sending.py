"""A message's way out: queued, claimed, sent or failed or uncertain, and the ledger of
follow-ups sent that keeps one from going twice."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime

from composer.records import Message
from composer.retry_note import WAITING_LIKE, after_restart
from composer.store.messages import MessageRows
from composer.store.rows import _message, _moment
from composer.store.sent_copies import SentCopyRows


class SendingRows(MessageRows, SentCopyRows):
    """The states of outgoing messages, and the follow_ups_sent ledger."""

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
            header_id, raw = prepare(message)
            cursor = db.execute(
                "UPDATE messages SET state = 'sending', attempts = attempts + 1, error = NULL, "
                "message_id = ?, raw = ?, updated_at = ? WHERE id = ? AND state = 'queued'",
                (header_id, raw, self._now(), message_id),
            )
            return cursor.rowcount == 1

    def record_outgoing(self, message_id: int, header_id: str, raw: bytes) -> None:
        """Keeps the exact bytes about to go out, before they go."""
        with self.transaction() as db:
            db.execute(
                "UPDATE messages SET message_id = ?, raw = ?, updated_at = ? "
                "WHERE id = ? AND state = 'sending'",
                (header_id, raw, self._now(), message_id),
            )

    def mark_sent(self, message_id: int, server_reply: str, *, copy_to_sent: bool = False) -> None:
        """With ``copy_to_sent``, a copy for the Sent folder is recorded in the same commit,
        so a crash cannot lose it."""
        now = self._now()
        self._finish(
            message_id,
            "sent",
            sent_at=now,
            server_reply=server_reply,
            error=None,
            copy_to_sent=copy_to_sent,
        )

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
        copy_to_sent: bool = False,
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
                if copy_to_sent:
                    self.copy_pending(message_id)

    @staticmethod
    def _ledger(db: sqlite3.Connection, message_id: int) -> None:
        db.execute(
            "INSERT OR IGNORE INTO follow_ups_sent SELECT interview_id, template_id, contact_id, "
            "id, sent_at FROM messages WHERE id = ? AND interview_id IS NOT NULL "
            "AND template_id IS NOT NULL AND contact_id IS NOT NULL",
            (message_id,),
        )

    def mark_uncertain_as_sent(self, message_id: int, *, copy_to_sent: bool = False) -> None:
        """The user checked (their Sent folder, the recipient) and it did go out; with
        ``copy_to_sent``, a copy for the Sent folder is recorded in the same commit."""
        with self.transaction() as db:
            db.execute(
                "UPDATE messages SET state = 'sent', sent_at = COALESCE(sent_at, updated_at), "
                "updated_at = ? WHERE id = ? AND state = 'uncertain'",
                (self._now(), message_id),
            )
            self._ledger(db, message_id)
            if copy_to_sent:
                self.copy_pending(message_id)

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
