"""Drafts that no longer need writing go; a failed message becomes a draft by choice only.

A draft is obsolete once the same follow-up (interview and template) went to every one of
its recipients after it was made: Compose's draft, say, left over when the panel sent one
message to each person. Such drafts are offered for removal, never removed unasked.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from composer.store import Store


def remove_drafts(store: Store, ids: Sequence[int]) -> int:
    """Removes those still drafts, in one transaction; how many went. A message sent or
    being sent meanwhile is kept: a record of what went out is never thrown away."""
    return store.remove_drafts(ids)


def edit_failed_as_draft(store: Store, message_id: int, now: datetime) -> None:
    """The user chose to rewrite a failed message: it becomes a draft (nothing of it went
    out), its error and Message-ID dropped, so Compose sends it as a new message."""
    store.failed_to_draft(message_id, now)
