"""Send later: a message kept in the outbox with the time it is to go.

A scheduled message is in the state "scheduled" with ``scheduled_at``; when it is due, it
is released to "queued" by one atomic UPDATE (in a ``BEGIN IMMEDIATE`` transaction) and
sent as any queued message. Whoever releases it sends it: the window's timer and any
number of ``send-due`` runs may look at once, and each message goes once.

A message more than ``OVERDUE_AFTER`` late (the computer was off or asleep) is never sent
without the user: the window shows it at start-up; ``send-due`` leaves it and says so.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
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


# --- the migration: a state and a column --------------------------------------------------


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


# --- queries, on the store's connection ---------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def schedule(store: Store, message_id: int, when: datetime) -> None:
    """A draft, queued or failed message (just saved) is to go at ``when``."""
    with store.transaction() as db:
        cursor = db.execute(
            "UPDATE messages SET state = 'scheduled', scheduled_at = ? "
            "WHERE id = ? AND state IN ('draft', 'queued', 'failed', 'scheduled')",
            (_iso(when), message_id),
        )
    if cursor.rowcount == 0:
        raise store.not_editable(message_id)


def unschedule(store: Store, message_id: int) -> None:
    """Back to a draft: it will not go until the user sends it."""
    with store.transaction() as db:
        cursor = db.execute(
            "UPDATE messages SET state = 'draft', scheduled_at = NULL "
            "WHERE id = ? AND state = 'scheduled'",
            (message_id,),
        )
    if cursor.rowcount == 0:
        raise store.not_editable(message_id)


def due_ids(store: Store, now: datetime, *, since: datetime | None = None) -> list[int]:
    """Scheduled messages whose time has come (from ``since`` on, if given), oldest first."""
    after = _iso(since) if since is not None else ""
    rows = store.rows(
        "SELECT id FROM messages WHERE state = 'scheduled' AND scheduled_at <= ? "
        "AND scheduled_at >= ? ORDER BY scheduled_at, id",
        (_iso(now), after),
    )
    return [row[0] for row in rows]


def overdue(store: Store, before: datetime) -> list[Scheduled]:
    """Scheduled messages that were to go before ``before``: for the user to decide."""
    rows = store.rows(
        "SELECT id, subject, to_addrs, scheduled_at FROM messages "
        "WHERE state = 'scheduled' AND scheduled_at < ? ORDER BY scheduled_at, id",
        (_iso(before),),
    )
    return [
        Scheduled(row[0], row[1], ", ".join(json.loads(row[2])), datetime.fromisoformat(row[3]))
        for row in rows
    ]


def release(store: Store, message_id: int) -> bool:
    """Scheduled → queued, for whoever sends it now; False if someone else has it (another
    ``send-due``, the window) or the user changed or cancelled it meanwhile."""
    with store.transaction() as db:
        cursor = db.execute(
            "UPDATE messages SET state = 'queued' WHERE id = ? AND state = 'scheduled'",
            (message_id,),
        )
    return cursor.rowcount == 1


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
