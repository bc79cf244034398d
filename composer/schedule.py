"""Send later: a message kept in the outbox with the time it is to go.

A scheduled message is in the state "scheduled" with ``scheduled_at``; when it is due, it
is released to "queued" by one atomic UPDATE (in a ``BEGIN IMMEDIATE`` transaction) and
sent as any queued message. Whoever releases it sends it: the window's timer and any
number of ``send-due`` runs may look at once, and each message goes once.

A message more than ``OVERDUE_AFTER`` late (the computer was off or asleep) is never sent
without the user: the window shows it at start-up; ``send-due`` leaves it and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from composer.store import Store

OVERDUE_AFTER = timedelta(hours=2)  # later than this, the user decides: never sent silently
MORNING = time(8, 0)  # "tomorrow morning", "Monday morning"


@dataclass(frozen=True)
class Scheduled:
    """One scheduled message, as the overdue list shows it."""

    id: int
    subject: str
    to: str
    scheduled_at: datetime


# --- on the store (its SQL in composer/store/scheduled.py) -------------------------------


def schedule(store: Store, message_id: int, when: datetime) -> None:
    """A draft, queued or failed message (just saved) is to go at ``when``."""
    store.schedule_message(message_id, when)


def unschedule(store: Store, message_id: int) -> None:
    """Back to a draft: it will not go until the user sends it."""
    store.unschedule_message(message_id)


def due_ids(store: Store, now: datetime, *, since: datetime | None = None) -> list[int]:
    """Scheduled messages whose time has come (from ``since`` on, if given), oldest first."""
    return store.scheduled_due(now, since=since)


def overdue(store: Store, before: datetime) -> list[Scheduled]:
    """Scheduled messages that were to go before ``before``: for the user to decide."""
    return [
        Scheduled(message_id, subject, ", ".join(to), when)
        for message_id, subject, to, when in store.scheduled_before(before)
    ]


def release_scheduled(store: Store, message_id: int) -> bool:
    """Scheduled → queued, for whoever sends it now; False if someone else has it (another
    ``send-due``, the window) or the user changed or cancelled it meanwhile."""
    return store.release_scheduled(message_id)


# --- suggestions --------------------------------------------------------------------------


def suggestions(now: datetime) -> list[tuple[str, datetime]]:
    """ "Send later" choices from ``now`` in the user's own time zone (``now`` aware, local):
    in an hour, tomorrow morning, and Monday morning from Friday to Sunday."""
    tomorrow = datetime.combine(now.date() + timedelta(days=1), MORNING, now.tzinfo)
    chosen = [
        ("In 1 hour", (now + timedelta(hours=1)).replace(second=0, microsecond=0)),
        (f"Tomorrow morning ({tomorrow:%a} {MORNING:%H:%M})", tomorrow),
    ]
    if now.weekday() >= 4:  # Friday, Saturday, Sunday
        days = 7 - now.weekday()
        monday = datetime.combine(now.date() + timedelta(days=days), MORNING, now.tzinfo)
        if monday != tomorrow:
            chosen.append((f"Monday morning ({MORNING:%H:%M})", monday))
    return chosen


# --- the undo delay -----------------------------------------------------------------------

UNDO_SETTING = "undo_send_seconds"  # how long a sent message waits, with Undo in view
DEFAULT_UNDO_SECONDS = 10
MAX_UNDO_SECONDS = 60


def undo_seconds(store: Store) -> int:
    """As Settings › Sending keeps it; 0: messages go at once. A stored value from another
    version that makes no sense falls back to the default, never a crash."""
    value = store.get_setting(UNDO_SETTING)
    if not isinstance(value, int) or isinstance(value, bool):
        return DEFAULT_UNDO_SECONDS
    return min(max(value, 0), MAX_UNDO_SECONDS)


def set_undo_seconds(store: Store, seconds: int) -> None:
    store.set_setting(UNDO_SETTING, min(max(int(seconds), 0), MAX_UNDO_SECONDS))
