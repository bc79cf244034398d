"""The mailbox through the window: a message sent from Compose lands in the real Dovecot's
Sent folder on its own, and a reply in the inbox, found when asked, takes its reminders off
Today and shows as "replied" on the message and the interview."""

# ruff: noqa: F811  (the fixtures imported below are parameters of every test)

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

import ui.mailbox_watch
from composer.account import ImapAccount
from composer.afterword import Afterword
from composer.mailbox import MailboxSettings, MailboxVisit, save_mailbox_settings
from composer.password_binding import Destination
from composer.records import Contact, Interview, InterviewStatus, Reply, Role
from tests.helpers.clock import NOW, clock
from tests.helpers.imap_fixtures import dovecot, imap_user, mailbox  # noqa: F401  # noqa: F401
from tests.helpers.imap_server import FLAGGED_SENT, DovecotServer, free_port
from tests.helpers.smtp_server import PASSWORD
from tests.ui.conftest import Dialogs
from tests.ui.helpers import written
from ui.mailbox_watch import describe_visit
from ui.main_window import MainWindow

WAIT = 20_000  # ms: a real SMTP exchange, then a real IMAP one


def share_password(afterword: Afterword, mailbox: ImapAccount) -> None:
    """The sending password, typed this session, for the account and this mailbox."""
    smtp = afterword.outbox.account()
    assert smtp is not None
    bound_to = [Destination.of(smtp), Destination.of(mailbox)]
    afterword.credentials.use_for_session(smtp.key, PASSWORD, bound_to)


@pytest.fixture
def rejected(ready: Afterword, mailbox: ImapAccount) -> int:
    """Bo interviewed the user and the answer was no; the mailbox shares the SMTP password."""
    store = ready.store
    save_mailbox_settings(store, MailboxSettings(mailbox, check_minutes=0))
    share_password(ready, mailbox)
    bo = store.add_contact(Contact("Bo Chen", "bo@initech.example", "Initech"))
    interview = store.add_interview(
        Interview(
            "Initech",
            "Analyst",
            NOW - timedelta(days=9),
            status=InterviewStatus.REJECTED,
            applied_at=NOW - timedelta(days=20),
        )
    )
    assert bo.id and interview.id
    store.set_participants(interview.id, [(bo.id, Role.INTERVIEWER)])
    return interview.id


@pytest.fixture
def window(
    qtbot: QtBot,
    ready: Afterword,
    answers: Dialogs,
    rejected: int,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[MainWindow]:
    """Opened as the user opens Afterword; its first look at the mailbox is done."""
    monkeypatch.setattr(ui.mailbox_watch, "FIRST_VISIT_MS", 10)
    monkeypatch.setattr(ui.mailbox_watch, "AFTER_SEND_MS", 10)
    main = MainWindow(ready, clock=lambda: clock() + timedelta(minutes=30))
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.mailbox.visited, timeout=WAIT):
        main.show()
    yield main
    main.runner.wait()


def due_titles(window: MainWindow, qtbot: QtBot) -> list[str]:
    window.today.refresh()
    qtbot.waitUntil(lambda: window.runner.busy == 0, timeout=WAIT)
    page = window.today
    return [page.due_list.item(row).text().split("\n")[0] for row in range(page.due_list.count())]


def test_a_sent_follow_up_is_filed_and_a_reply_clears_its_reminders(
    qtbot: QtBot,
    window: MainWindow,
    rejected: int,
    mailbox: ImapAccount,
    dovecot: DovecotServer,
    ca_file: Path,
) -> None:
    window.show_area(window.today)
    titles = due_titles(window, qtbot)
    assert any(t.startswith("Reply graciously") for t in titles)
    window.write(rejected, "no_hard_feelings")
    written(qtbot, window.compose)  # rendered off the GUI thread
    with qtbot.waitSignal(window.mailbox.visited, timeout=WAIT):  # filed once it has gone
        window.compose.send()
    assert "1 copy filed in your Sent folder" in window.statusBar().currentMessage()
    [copy] = dovecot.messages(mailbox.username, FLAGGED_SENT, ca_file)
    assert b"Initech" in copy.raw and "\\Seen" in copy.flags

    reply = "\r\n".join(
        [
            "From: Bo Chen <bo@initech.example>",
            "To: zoe@example.org",
            "Subject: Thanks, and a thought",
            f"Date: {format_datetime(clock() + timedelta(minutes=1))}",
            f"Message-ID: {make_msgid(domain='initech.example')}",
            "",
            "Thank you, Zoe. No hard feelings at all; keep an eye on our openings.",
            "",
        ]
    )
    dovecot.deliver(mailbox.username, reply.encode(), ca_file)
    window.show_area(window.today)
    with qtbot.waitSignal(window.mailbox.visited, timeout=WAIT):
        qtbot.mouseClick(window.today.check_button, Qt.MouseButton.LeftButton)

    assert "1 new reply noticed (Bo Chen)" in window.statusBar().currentMessage()
    assert not any(t.startswith("Reply graciously") for t in due_titles(window, qtbot))
    window.show_area(window.interviews)
    statuses = [window.interviews.model.index(row, 4).data() for row in range(1)]
    assert statuses == ["Rejected, replied"]
    window.show_area(window.sent)
    qtbot.waitUntil(lambda: window.sent.model.rowCount() == 1, timeout=WAIT)
    assert window.sent.model.index(0, 0).data() == "Sent, replied"


def test_checking_without_a_mailbox_says_where_to_set_one_up(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    main = MainWindow(ready)
    qtbot.addWidget(main)
    main.check_mailbox()
    assert "set up your mailbox" in answers.told[-1]
    assert main.current_area() is main.built("settings_page")


def test_no_visit_while_a_backup_is_restored_and_the_one_asked_for_comes_after(
    qtbot: QtBot, window: MainWindow
) -> None:
    window._restoring(True)
    window.check_mailbox()
    assert not window.mailbox.busy and window.runner.busy == 0
    with qtbot.waitSignal(window.mailbox.visited, timeout=WAIT):
        window._restoring(False)


def test_a_copy_that_cannot_be_filed_yet_is_shown_and_the_message_stays_sent(
    qtbot: QtBot,
    ready: Afterword,
    answers: Dialogs,
    rejected: int,
    mailbox: ImapAccount,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unreachable = replace(mailbox, port=free_port())
    save_mailbox_settings(ready.store, MailboxSettings(unreachable, check_minutes=0))
    share_password(ready, unreachable)
    monkeypatch.setattr(ui.mailbox_watch, "AFTER_SEND_MS", 10)
    main = MainWindow(ready)
    qtbot.addWidget(main)
    main.show()
    main.write(rejected, "no_hard_feelings")
    written(qtbot, main.compose)  # rendered off the GUI thread
    with qtbot.waitSignal(main.mailbox.visited, timeout=WAIT):
        main.compose.send()

    said = main.statusBar().currentMessage()
    assert "Not yet copied to your Sent folder" in said and "try again later" in said
    main.show_area(main.sent)
    qtbot.waitUntil(lambda: main.sent.model.rowCount() == 1, timeout=WAIT)
    assert main.sent.model.index(0, 0).data() == "Sent, not yet in your Sent folder"
    main.runner.wait()


def test_a_visit_tells_its_news_and_its_trouble_together() -> None:
    visit = MailboxVisit()
    visit.replies.noted.append(Reply(NOW, "Thanks!"))
    visit.replies.senders.append("Ana Lima")
    visit.filing.failed[1] = "Not yet copied to your Sent folder: the server is down."
    assert describe_visit(visit) == (
        "1 new reply noticed (Ana Lima). Not yet copied to your Sent folder: the server is down."
    )
    visit.replies.noted += [Reply(NOW, "Yes"), Reply(NOW, "Also")]
    visit.replies.senders += ["bo@initech.example", "Ana Lima"]
    assert describe_visit(visit).startswith("3 new replies noticed (Ana Lima, bo@initech.example).")
    assert describe_visit(MailboxVisit()) == "Mailbox checked: nothing new."


def test_the_interval_set_is_the_timer_and_zero_means_only_when_asked(
    window: MainWindow, mailbox: ImapAccount
) -> None:
    store = window.afterword.store
    assert not window.mailbox.timer.isActive()  # 0: only when asked
    save_mailbox_settings(store, MailboxSettings(mailbox, check_minutes=5))
    window.mailbox.start()
    assert window.mailbox.timer.isActive()
    assert window.mailbox.timer.interval() == 5 * 60_000


def test_a_check_asked_for_during_a_visit_comes_after_it_not_alongside(
    qtbot: QtBot, window: MainWindow
) -> None:
    visits: list[object] = []
    window.mailbox.visited.connect(visits.append)
    qtbot.waitUntil(lambda: window.runner.busy == 0, timeout=WAIT)
    window.check_mailbox()
    window.check_mailbox()
    assert window.runner.busy == 1  # the second waits for the first
    qtbot.waitUntil(lambda: len(visits) == 2, timeout=WAIT)
