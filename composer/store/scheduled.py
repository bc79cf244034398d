"""Messages to go later: the "scheduled" state and its ``scheduled_at``. When each goes is
decided in composer/schedule.py; here, the one UPDATE each step is."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from composer.store.messages import MessageRows


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class ScheduleRows(MessageRows):
    """The scheduled messages, released to the queue one UPDATE at a time."""

    def schedule_message(self, message_id: int, when: datetime) -> None:
        """A draft, queued or failed message (just saved) is to go at ``when``."""
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE messages SET state = 'scheduled', scheduled_at = ? "
                "WHERE id = ? AND state IN ('draft', 'queued', 'failed', 'scheduled')",
                (_iso(when), message_id),
            )
        if cursor.rowcount == 0:
            raise self.not_editable(message_id)

    def unschedule_message(self, message_id: int) -> None:
        """Back to a draft: it will not go until the user sends it."""
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE messages SET state = 'draft', scheduled_at = NULL "
                "WHERE id = ? AND state = 'scheduled'",
                (message_id,),
            )
        if cursor.rowcount == 0:
            raise self.not_editable(message_id)

    def scheduled_due(self, now: datetime, *, since: datetime | None = None) -> list[int]:
        """Scheduled messages whose time has come (from ``since`` on, if given), oldest first."""
        after = _iso(since) if since is not None else ""
        rows = self._query(
            "SELECT id FROM messages WHERE state = 'scheduled' AND scheduled_at <= ? "
            "AND scheduled_at >= ? ORDER BY scheduled_at, id",
            (_iso(now), after),
        )
        return [row[0] for row in rows]

    def scheduled_before(self, before: datetime) -> list[tuple[int, str, list[str], datetime]]:
        """(id, subject, recipients, when) of the scheduled messages due before ``before``."""
        rows = self._query(
            "SELECT id, subject, to_addrs, scheduled_at FROM messages "
            "WHERE state = 'scheduled' AND scheduled_at < ? ORDER BY scheduled_at, id",
            (_iso(before),),
        )
        return [
            (row[0], row[1], json.loads(row[2]), datetime.fromisoformat(row[3])) for row in rows
        ]

    def release_scheduled(self, message_id: int) -> bool:
        """Scheduled → queued; False if someone else has it or it is no longer scheduled."""
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE messages SET state = 'queued' WHERE id = ? AND state = 'scheduled'",
                (message_id,),
            )
        return cursor.rowcount == 1
