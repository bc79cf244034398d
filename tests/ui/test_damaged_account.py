"""Accounts a hand edit or another version damaged: Settings and Compose open, and Send says
what is wrong and where to set it again, never a crash dialog; nothing is sent or lost."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from composer.account import ImapAccount, Security
from composer.afterword import Afterword
from composer.mailbox import MailboxSettings, save_mailbox_settings
from composer.records import Contact, InterviewStatus, MessageState
from composer.store import ACCOUNT_SETTING, DEFAULT_CHECK_MINUTES, IMAP_ACCOUNT_SETTING
from tests.helpers.clock import clock
from tests.helpers.smtp_server import SmtpServer
from tests.ui.conftest import Dialogs
from tests.ui.helpers import write_to_all
from tests.ui.test_compose import interview_with, page
from ui.mailbox_watch import MINUTE_MS
from ui.main_window import MainWindow
from ui.runner import Runner
from ui.settings import SettingsPage

DAMAGED = (
    "Your mail account settings are damaged (port is not a number). "
    "Set them again in Settings › Account."
)


def test_send_with_a_damaged_account_says_so_and_keeps_the_message(
    qtbot: QtBot, ready: Afterword, smtp_server: SmtpServer, answers: Dialogs
) -> None:
    stored = ready.store.get_setting(ACCOUNT_SETTING)
    ready.store.set_setting(ACCOUNT_SETTING, {**stored, "port": str(stored["port"])})
    interview_id = interview_with(
        ready, Contact("Ana Lima", "ana@acme.example"), status=InterviewStatus.REJECTED
    )
    compose = page(qtbot, ready)
    ids = [p.contact.id for p in ready.store.participants(interview_id) if p.contact.id]
    write_to_all(compose, interview_id, "no_hard_feelings", ids)

    compose.send()
    qtbot.waitUntil(lambda: not compose.sending, timeout=10000)

    assert compose.status.text().startswith(DAMAGED)
    assert compose.fix_button.isVisible(), "a way to Settings, where it is set again"
    [failed] = ready.store.message_ids(MessageState.FAILED)
    assert ready.store.message(failed).error == DAMAGED
    assert smtp_server.recorder.received == []


def test_settings_open_with_a_damaged_mailbox_and_say_where_to_set_it(
    qtbot: QtBot, ready: Afterword, runner: Runner
) -> None:
    account = ImapAccount("imap.example.org", 993, Security.TLS, "zoe")
    save_mailbox_settings(ready.store, MailboxSettings(account))
    damaged = {**ready.store.get_setting(IMAP_ACCOUNT_SETTING), "security": "plain text"}
    ready.store.set_setting(IMAP_ACCOUNT_SETTING, damaged)

    settings = SettingsPage(ready, runner)
    qtbot.addWidget(settings)

    assert settings.mailbox.status.text() == (
        "Your mailbox settings are damaged (security is not one of tls, starttls or none). "
        "Set them again in Settings › Mailbox."
    )
    assert settings.mailbox.host.text() == ""
    assert settings.host.text() == "127.0.0.1", "the sending account, undamaged, still shows"


def test_the_window_opens_with_a_damaged_reply_interval_and_checks_as_usual(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    account = ImapAccount("imap.example.org", 993, Security.TLS, "zoe")
    save_mailbox_settings(ready.store, MailboxSettings(account, check_minutes=5))
    damaged = {**ready.store.get_setting(IMAP_ACCOUNT_SETTING), "check_minutes": "often"}
    ready.store.set_setting(IMAP_ACCOUNT_SETTING, damaged)

    window = MainWindow(ready, clock=clock)
    qtbot.addWidget(window)

    assert window.mailbox.timer.interval() == DEFAULT_CHECK_MINUTES * MINUTE_MS
    window.runner.wait()
