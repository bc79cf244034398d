"""The steps from an empty file to the schema this code reads, in order: the file's
``PRAGMA user_version`` says how many it has had."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from composer.store.schema import (
    _schema_1,
    _schema_2,
    _schema_3,
    _schema_4,
    _schema_5,
    _schema_6,
    _signature_in_text,
    add_feedback_channel,
    add_lessons,
    add_scheduled_state,
)

MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _schema_1,
    _schema_2,
    _schema_3,
    _schema_4,
    _schema_5,
    _schema_6,
    _signature_in_text,
    add_scheduled_state,
    add_feedback_channel,  # 9: feedback by phone
    add_lessons,  # 10: lessons from the feedback
]
SCHEMA_VERSION = len(MIGRATIONS)
