"""What the follow-up reminders are computed from, and the user's choices about them
(snoozed, dismissed)."""

from __future__ import annotations

import json
from datetime import datetime

from composer.records import Contact, Message
from composer.store.messages import MessageRows
from composer.store.rows import _contact, _iso, _moment


class ReminderRows(MessageRows):
    """Due choices, and the queries reminders and check-ins read."""

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
