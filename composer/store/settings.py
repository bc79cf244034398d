"""The user's settings (JSON by key) and their profile."""

from __future__ import annotations

import json
from typing import Any

from composer.records import Profile
from composer.store.connection import Connection

ACCOUNT_SETTING = "smtp_account"  # the mail account, as Settings saved it (no password)
# The mailbox (IMAP) account as a dict, with "server_files_sent": true when the mail server
# puts what it sends in Sent itself (Gmail, for one), so Afterword must not file a second copy.
IMAP_ACCOUNT_SETTING = "imap_account"
DEFAULT_CHECK_MINUTES = 15  # how often replies are looked for, unless the user says
MAX_CHECK_MINUTES = 24 * 60  # what Settings offers; a timer of 35,792 minutes overflows Qt's


def reply_check_minutes(mailbox: object) -> int:
    """How often to look for replies, from the saved mailbox (0: only when asked). Here, so
    the window can read it as it opens without loading what talking to the mailbox needs.
    A stored value that makes no sense (a restored backup's, another version's, damaged) is
    brought within what Settings offers, or the default, so the first visit runs and says
    what is damaged: never a window that cannot open."""
    if not isinstance(mailbox, dict):
        return DEFAULT_CHECK_MINUTES
    minutes = mailbox.get("check_minutes", DEFAULT_CHECK_MINUTES)
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        return DEFAULT_CHECK_MINUTES
    return min(max(0, minutes), MAX_CHECK_MINUTES)


class SettingRows(Connection):
    """Settings and the profile: one row each."""

    def get_setting(self, key: str) -> Any:
        rows = self._query("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(rows[0]["value"]) if rows else None

    def setting_texts(self) -> dict[str, str]:
        """Every setting as stored, unparsed: what a restore checks before the app reads it."""
        return {row["key"]: row["value"] for row in self._query("SELECT key, value FROM settings")}

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    def profile(self) -> Profile:
        rows = self._query("SELECT name, email, phone, signature FROM profile WHERE id = 1")
        return Profile(**dict(rows[0])) if rows else Profile()

    def save_profile(self, profile: Profile) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO profile(id, name, email, phone, signature) VALUES (1, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email, "
                "phone = excluded.phone, signature = excluded.signature",
                (profile.name, profile.email, profile.phone, profile.signature),
            )
