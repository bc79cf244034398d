"""Both accounts read from settings a newer version, a backup or a hand edit wrote: unknown
keys are read past and kept, damaged values are a clear message, never a crash."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import pytest

from composer.account import ImapAccount, Security, SmtpAccount
from composer.errors import AccountError
from composer.mailbox import MailboxSettings, mailbox_settings, save_mailbox_settings
from composer.outbox import Outbox
from composer.records import Message, MessageState
from composer.store import ACCOUNT_SETTING, IMAP_ACCOUNT_SETTING, Store
from tests.helpers.smtp_server import SmtpServer

NEWER = {"sign_in": "oauth2", "refresh_hint": "kept-value-7f3a"}  # a newer version's keys
DAMAGED = (
    "Your mail account settings are damaged (port is not a number). "
    "Set them again in Settings › Account."
)


def stored_account(outbox: Outbox) -> dict[str, Any]:
    data = outbox.store.get_setting(ACCOUNT_SETTING)
    assert isinstance(data, dict)
    return data


def test_an_account_with_unknown_keys_reads_and_keeps_them_when_saved(
    outbox: Outbox, caplog: pytest.LogCaptureFixture
) -> None:
    account = outbox.account()
    assert account is not None
    outbox.store.set_setting(ACCOUNT_SETTING, {**stored_account(outbox), **NEWER})
    with caplog.at_level(logging.INFO, logger="composer.account"):
        assert outbox.account() == account
    assert "refresh_hint" in caplog.text and "sign_in" in caplog.text
    assert "kept-value-7f3a" not in caplog.text and "oauth2" not in caplog.text  # names only

    outbox.save_account(replace(account, port=2525))

    saved = stored_account(outbox)
    assert saved["port"] == 2525
    assert {key: saved[key] for key in NEWER} == NEWER


def test_a_port_that_is_not_a_number_is_a_clear_account_error(outbox: Outbox) -> None:
    outbox.store.set_setting(ACCOUNT_SETTING, {**stored_account(outbox), "port": "587"})
    with pytest.raises(AccountError) as raised:
        outbox.account()
    assert str(raised.value) == DAMAGED


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"security": "plain"}, "security is not one of tls, starttls or none"),
        ({"timeout": "soon"}, "timeout is not a number"),
        ({"port": True}, "port is not a number"),
        ({"host": None}, "host is not text"),
        ({"host": ...}, "host is missing"),
    ],
)
def test_each_damaged_value_is_named(outbox: Outbox, change: dict[str, Any], says: str) -> None:
    data = {**stored_account(outbox), **change}
    damaged = {key: value for key, value in data.items() if value is not ...}
    outbox.store.set_setting(ACCOUNT_SETTING, damaged)
    with pytest.raises(AccountError, match=f"damaged \\({says}\\)"):
        outbox.account()


def test_settings_that_are_not_a_set_of_values_are_damaged() -> None:
    with pytest.raises(AccountError, match="damaged"):
        SmtpAccount.from_dict(["smtp.example.org", 587])


def test_sending_with_a_damaged_account_fails_the_message_with_the_reason(
    outbox: Outbox, smtp_server: SmtpServer
) -> None:
    """What the user sees in the outbox after Send: the reason, and nothing went out."""
    outbox.store.set_setting(ACCOUNT_SETTING, {**stored_account(outbox), "port": "587"})
    message = outbox.queue(Message(subject="Thank you", body="Thanks.", to=["ana@acme.example"]))
    assert message.id is not None

    [result] = outbox.send([message.id])

    assert result.state is MessageState.FAILED
    assert result.detail == DAMAGED
    assert smtp_server.recorder.received == []


def test_a_mailbox_with_unknown_keys_reads_and_keeps_them_when_saved(store: Store) -> None:
    account = ImapAccount("imap.example.org", 993, Security.TLS, "zoe")
    save_mailbox_settings(store, MailboxSettings(account, check_minutes=30))
    store.set_setting(IMAP_ACCOUNT_SETTING, {**store.get_setting(IMAP_ACCOUNT_SETTING), **NEWER})

    settings = mailbox_settings(store)
    assert settings == MailboxSettings(account, check_minutes=30)
    save_mailbox_settings(store, replace(settings, own_password=True))

    saved = store.get_setting(IMAP_ACCOUNT_SETTING)
    assert saved["own_password"] is True and saved["check_minutes"] == 30
    assert {key: saved[key] for key in NEWER} == NEWER


def test_a_damaged_mailbox_interval_is_a_clear_account_error(store: Store) -> None:
    account = ImapAccount("imap.example.org", 993, Security.TLS, "zoe")
    save_mailbox_settings(store, MailboxSettings(account))
    damaged = {**store.get_setting(IMAP_ACCOUNT_SETTING), "check_minutes": "often"}
    store.set_setting(IMAP_ACCOUNT_SETTING, damaged)
    with pytest.raises(AccountError) as raised:
        mailbox_settings(store)
    assert str(raised.value) == (
        "Your mailbox settings are damaged (check_minutes is not a number). "
        "Set them again in Settings › Mailbox."
    )
