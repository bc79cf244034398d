"""A mailbox interval beyond what Settings offers (a backup's, another version's) no longer
stops the window: Qt's timer overflowed at 35,792 minutes (#16)."""

from __future__ import annotations

import pytest

from composer.store import IMAP_ACCOUNT_SETTING
from composer.store.settings import MAX_CHECK_MINUTES
from ui.mailbox_watch import MINUTE_MS
from ui.main_window import MainWindow


@pytest.fixture
def people() -> dict[str, int]:
    return {}  # no records needed: only the mailbox's interval


def test_an_interval_past_a_day_looks_for_replies_once_a_day(window: MainWindow) -> None:
    mailbox = {"host": "127.0.0.1", "port": 9, "security": "tls", "username": "zoe"}
    window.afterword.store.set_setting(IMAP_ACCOUNT_SETTING, {**mailbox, "check_minutes": 40_000})
    window.mailbox.start()
    try:
        assert window.mailbox.timer.isActive()
        assert window.mailbox.timer.interval() == MAX_CHECK_MINUTES * MINUTE_MS
    finally:
        window.mailbox.timer.stop()
