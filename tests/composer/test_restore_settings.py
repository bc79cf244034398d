"""A backup's settings are checked before the app reads them: one it could not use is
refused, naming it, so a restore never leaves an Afterword that cannot open (#16)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from composer.account import ImapAccount, Security, SmtpAccount
from composer.afterword import Afterword
from composer.backup import backup
from composer.mailbox import MailboxSettings, mailbox_settings, save_mailbox_settings
from composer.restore import restore
from composer.store import reply_check_minutes
from composer.store.settings import MAX_CHECK_MINUTES
from tests.composer import test_restore_untrusted as untrusted
from tests.composer.test_backup import refused
from tests.composer.test_restore_untrusted import OpenAfterword, crafted

# The fixtures of the backup tests: a backup Afterword made, and a data dir with records.
existing, saved, open_afterword = untrusted.existing, untrusted.saved, untrusted.open_afterword

ACCOUNT = {
    "host": "smtp.example.org",
    "port": 587,
    "security": "starttls",
    "username": "zoe",
    "from_address": "zoe@example.org",
    "ca_file": "",
    "timeout": 30.0,
}
MAILBOX = {
    **{key: value for key, value in ACCOUNT.items() if key != "from_address"},
    "port": 993,
    "security": "tls",
    "server_files_sent": False,
    "own_password": False,
    "check_minutes": 15,
}


def with_setting(saved: Path, tmp_path: Path, key: str, text: str) -> Path:
    quoted = text.replace("'", "''")
    return crafted(saved, tmp_path, f"INSERT INTO settings VALUES ('{key}', '{quoted}')")


def changed(base: dict[str, Any], **changes: Any) -> str:
    return json.dumps({**base, **changes})


@pytest.mark.parametrize(
    ("key", "text", "said"),
    [
        ("imap_account", changed(MAILBOX, check_minutes=40_000), "every 40000 minutes"),
        ("imap_account", changed(MAILBOX, check_minutes=-5), "every -5 minutes"),
        ("imap_account", changed(MAILBOX, check_minutes="15"), "check_minutes of the wrong"),
        ("smtp_account", "{not json", "is not readable"),
        ("smtp_account", json.dumps([1, 2]), "is not a set of fields"),
        ("smtp_account", changed(ACCOUNT, security=None), "security of the wrong kind"),
        ("smtp_account", changed(ACCOUNT, security="ssl3"), "security “ssl3”"),
        ("smtp_account", changed(ACCOUNT, port="587"), "port of the wrong kind"),
        ("smtp_account", changed(ACCOUNT, port=70_000), "port 70000, not one from 1"),
        ("smtp_account", changed(ACCOUNT, timeout=1e9), "a timeout of"),
        ("imap_account", changed(MAILBOX, own_password=1), "own_password of the wrong"),
        ("provider", "[1]", "is not text"),
        ("undo_send_seconds", '"60"', "is not a number"),
        ("date_locale", "[" * 100_000, "is not readable"),
    ],
)
def test_a_setting_the_app_could_not_use_refuses_the_backup_naming_it(
    existing: Afterword, saved: Path, tmp_path: Path, key: str, text: str, said: str
) -> None:
    refused(existing, with_setting(saved, tmp_path, key, text), f"setting “{key}” .*{said}")


def test_a_field_of_a_newer_version_is_kept_and_never_used(
    existing: Afterword, saved: Path, tmp_path: Path
) -> None:
    """Settings keep what a newer Afterword wrote (composer/account.py): not a reason to
    refuse a backup, and never read as anything."""
    newer = with_setting(saved, tmp_path, "smtp_account", changed(ACCOUNT, signature_font="x"))
    restore(existing, newer, replace=True)
    assert existing.outbox.account() == SmtpAccount.from_dict(ACCOUNT)


def test_a_missing_security_is_named(existing: Afterword, saved: Path, tmp_path: Path) -> None:
    lacking = json.dumps({k: v for k, v in ACCOUNT.items() if k != "security"})
    refused(existing, with_setting(saved, tmp_path, "smtp_account", lacking), "lacks security")


def test_settings_afterword_wrote_are_restored_as_they_were(
    open_afterword: OpenAfterword, tmp_path: Path
) -> None:

    maker = open_afterword("maker")
    maker.outbox.save_account(SmtpAccount.from_dict(ACCOUNT))
    account = ImapAccount("imap.example.org", 993, Security.TLS, "zoe")
    mailbox = MailboxSettings(account, check_minutes=0)
    save_mailbox_settings(maker.store, mailbox)
    made = backup(maker, tmp_path / "mine.zip").path

    user = open_afterword("user")
    restore(user, made)

    assert user.outbox.account() == SmtpAccount.from_dict(ACCOUNT)
    assert mailbox_settings(user.store) == mailbox


@pytest.mark.parametrize(
    ("stored", "used"),
    [(40_000, MAX_CHECK_MINUTES), (-3, 0), ("often", 15), (True, 15), (30, 30)],
)
def test_a_stored_interval_is_read_within_what_settings_offers(stored: object, used: int) -> None:
    """A database from before this check, or from another version, still opens."""
    assert reply_check_minutes({"check_minutes": stored}) == used
