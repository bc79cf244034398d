"""Drafts that no longer need writing go; a failed message becomes a draft by choice only.

A draft is obsolete once the same follow-up (interview and template) went to every one of
its recipients after it was made: Compose's draft, say, left over when the panel sent one
message to each person. Such drafts are offered for removal, never removed unasked.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from composer.errors import AlreadySent, RecordNotFound
from composer.store import Store


def remove_drafts(store: Store, ids: Sequence[int]) -> int:
    """Removes those still drafts, in one transaction; how many went. A message sent or
    being sent meanwhile is kept: a record of what went out is never thrown away."""
    marks = ", ".join("?" * len(ids))
    with store.transaction() as db:
        cursor = db.execute(
            f"DELETE FROM messages WHERE state = 'draft' AND id IN ({marks})", list(ids)
        )
    return cursor.rowcount


def edit_failed_as_draft(store: Store, message_id: int, now: datetime) -> None:
    """The user chose to rewrite a failed message: it becomes a draft (nothing of it went
    out), its error and Message-ID dropped, so Compose sends it as a new message."""
    with store.transaction() as db:
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
    raise AlreadySent(f"This message is {rows[0][0]} now, no longer failed: it was not changed.")
