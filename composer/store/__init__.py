"""The records, in one SQLite file: every SQL statement of Afterword lives in this package.

``Store`` is one object made of one class per group of tables (contacts, interviews,
messages, sending, Sent copies, replies and feedback, reminders) over one connection, so
callers see one store and each group's SQL sits in its own module.
"""

from __future__ import annotations

from pathlib import Path

from composer.clock import Clock, utc_now
from composer.store import interview_search
from composer.store.contacts import ContactRows
from composer.store.interviews import InterviewRows
from composer.store.lessons import LessonRows
from composer.store.message_list import ListReading
from composer.store.migrations import MIGRATIONS, SCHEMA_VERSION
from composer.store.reminders import ReminderRows
from composer.store.replies import ReplyRows
from composer.store.rows import fts_query
from composer.store.scheduled import ScheduleRows
from composer.store.sending import SendingRows
from composer.store.settings import (
    ACCOUNT_SETTING,
    DEFAULT_CHECK_MINUTES,
    IMAP_ACCOUNT_SETTING,
    SettingRows,
    reply_check_minutes,
)

__all__ = [
    "ACCOUNT_SETTING",
    "DEFAULT_CHECK_MINUTES",
    "IMAP_ACCOUNT_SETTING",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Store",
    "fts_query",
    "reply_check_minutes",
]


class Store(
    SettingRows,
    ContactRows,
    InterviewRows,
    SendingRows,
    ScheduleRows,
    ReminderRows,
    ReplyRows,
    LessonRows,
    ListReading,
):
    """All records, one connection. Open one per thread or process; SQLite arbitrates."""

    def __init__(self, path: Path | str, *, clock: Clock = utc_now) -> None:
        self._contacts_seen = None
        self._interviews_seen = interview_search.InterviewTexts()
        super().__init__(path, clock=clock)
