"""A mailbox visit that needs a password nobody stored asks for it, then files the copy."""

# ruff: noqa: F811  (the fixtures imported below are parameters of every test)

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

import ui.dialogs
import ui.mailbox_watch
from composer.account import ImapAccount, Security
from composer.afterword import Afterword
from composer.mailbox import MailboxSettings, save_mailbox_settings
from composer.password_binding import Destination
from composer.records import Contact, Interview, InterviewStatus, Role
from tests.helpers.clock import NOW, clock
from tests.helpers.imap_fixtures import dovecot, imap_user, mailbox  # noqa: F401
from tests.helpers.imap_server import FLAGGED_SENT, PASSWORD, DovecotServer
from tests.ui.conftest import Dialogs
from tests.ui.helpers import written
from ui.main_window import MainWindow
from ui.password_prompt import PasswordDialog

WAIT = 20_000


def rejected(afterword: Afterword) -> int:
    store = afterword.store
    bo = store.add_contact(Contact("Bo Chen", "bo@initech.example", "Initech"))
    interview = store.add_interview(
        Interview("Initech", "Analyst", NOW - timedelta(days=9), status=InterviewStatus.REJECTED)
    )
    assert bo.id and interview.id
    store.set_participants(interview.id, [(bo.id, Role.INTERVIEWER)])
    return interview.id


@pytest.mark.parametrize("typed", [PASSWORD, None], ids=["typed", "cancelled"])
def test_a_mailbox_with_no_password_asks_for_it_and_files_the_copy(
    typed: str | None,
    qtbot: QtBot,
    ready: Afterword,
    answers: Dialogs,
    mailbox: ImapAccount,
    dovecot: DovecotServer,
    ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    save_mailbox_settings(ready.store, MailboxSettings(mailbox, own_password=True, check_minutes=0))
    interview_id = rejected(ready)
    asked: list[str] = []

    def run(dialog: QDialog) -> bool:
        assert isinstance(dialog, PasswordDialog)
        asked.append(dialog.why.text())
        if typed is None:
            return False
        dialog.password.setText(typed)
        dialog.continue_button.click()
        return True

    monkeypatch.setattr(ui.dialogs, "run_dialog", run)
    monkeypatch.setattr(ui.mailbox_watch, "FIRST_VISIT_MS", 60_000)
    monkeypatch.setattr(ui.mailbox_watch, "AFTER_SEND_MS", 10)
    main = MainWindow(ready, clock=lambda: clock() + timedelta(minutes=30))
    qtbot.addWidget(main)
    main.show()
    main.write(interview_id, "no_hard_feelings")
    written(qtbot, main.compose)  # rendered off the GUI thread
    main.compose.send()
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT)
    qtbot.waitUntil(lambda: not main.mailbox.busy and main.runner.busy == 0, timeout=WAIT)

    assert f"{mailbox.username} on {mailbox.host}" in asked[0]
    copies = dovecot.messages(mailbox.username, FLAGGED_SENT, ca_file)
    if typed is None:
        assert copies == [], "nothing filed without the password"
        assert main.mailbox.declined, "not asked again at every visit"
        assert "Not yet copied to your Sent folder" in main.statusBar().currentMessage()
    else:
        assert len(copies) == 1, "filed once the password was typed"
        assert len(asked) == 1
    main.runner.wait()


def test_a_mailbox_moved_elsewhere_asks_saying_why_then_files_the_copy(
    qtbot: QtBot,
    ready: Afterword,
    answers: Dialogs,
    mailbox: ImapAccount,
    dovecot: DovecotServer,
    ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue #16: the sending password, shared with the mailbox, was saved for both servers;
    a restored backup's settings move the mailbox. It is not sent there until typed for it."""
    smtp = ready.outbox.account()
    assert smtp is not None
    bound_to = [Destination.of(smtp), Destination.of(mailbox)]
    ready.credentials.use_for_session(smtp.key, PASSWORD, bound_to)
    moved = replace(mailbox, port=dovecot.starttls_port, security=Security.STARTTLS)
    save_mailbox_settings(ready.store, MailboxSettings(moved, check_minutes=0))
    interview_id = rejected(ready)
    asked: list[str] = []

    def run(dialog: QDialog) -> bool:
        assert isinstance(dialog, PasswordDialog)
        asked.append(dialog.why.text())
        dialog.password.setText(PASSWORD)
        dialog.continue_button.click()
        return True

    monkeypatch.setattr(ui.dialogs, "run_dialog", run)
    monkeypatch.setattr(ui.mailbox_watch, "FIRST_VISIT_MS", 60_000)
    monkeypatch.setattr(ui.mailbox_watch, "AFTER_SEND_MS", 10)
    main = MainWindow(ready, clock=lambda: clock() + timedelta(minutes=30))
    qtbot.addWidget(main)
    main.show()
    main.write(interview_id, "no_hard_feelings")
    written(qtbot, main.compose)  # rendered off the GUI thread
    main.compose.send()
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT)
    qtbot.waitUntil(lambda: not main.mailbox.busy and main.runner.busy == 0, timeout=WAIT)

    assert asked[0] == (
        f"Your mailbox settings now point to {dovecot.host}:{dovecot.starttls_port}, not the "
        f"server your password was saved for ({dovecot.host}:{dovecot.tls_port}). Enter your "
        "password to use it there."
    )
    assert len(dovecot.messages(mailbox.username, FLAGGED_SENT, ca_file)) == 1
    assert len(asked) == 1
    main.runner.wait()
