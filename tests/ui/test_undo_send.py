"""Undo send: after Send the message waits (Settings › Sending) with Undo in view, in
Compose and in the window's status bar; nothing reaches the server before."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.records import (
    Attachment,
    Contact,
    Interview,
    InterviewStatus,
    MessageState,
    Role,
)
from composer.schedule import set_undo_seconds, undo_seconds
from tests.helpers.clock import NOW
from tests.helpers.smtp_server import SmtpServer
from tests.ui.conftest import Dialogs
from tests.ui.test_one_each_panel import open_panel
from ui.main_window import MainWindow
from ui.sending_settings import SendingGroup
from ui.undo_send import UndoBar


@pytest.fixture
def window(qtbot: QtBot, ready: Afterword, answers: Dialogs) -> Iterator[MainWindow]:
    main = MainWindow(ready)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.runner.wait()


def write(qtbot: QtBot, window: MainWindow) -> None:
    compose = window.compose
    window.show_area(compose)
    qtbot.keyClicks(compose.to, "Lee Park <lee@partner.example>")
    qtbot.keyClicks(compose.subject, "Thank you")
    qtbot.keyClicks(compose.body, "Thank you for today, Lee.")
    compose.attachments.set_attachments([Attachment("cv.pdf", "application/pdf", b"%PDF-1")])


def status_bar_text(window: MainWindow) -> str:
    [bar] = window.statusBar().findChildren(UndoBar)
    return bar.label.text() if bar.isVisible() else ""


def test_undo_within_the_delay_returns_the_message_unsent(
    qtbot: QtBot, window: MainWindow, smtp_server: SmtpServer
) -> None:
    set_undo_seconds(window.afterword.store, 1)
    write(qtbot, window)
    compose = window.compose

    compose.send()
    qtbot.waitUntil(lambda: compose.undo_send.waiting, timeout=10_000)  # after the check
    assert status_bar_text(window) == "Sending “Thank you” in 1…"
    window.show_area(window.interviews)  # still in view in another area
    assert status_bar_text(window) == "Sending “Thank you” in 1…"
    [bar] = window.statusBar().findChildren(UndoBar)
    qtbot.mouseClick(bar.undo_button, Qt.MouseButton.LeftButton)

    qtbot.wait(1500)  # longer than the delay: nothing goes after all
    assert smtp_server.received == []
    assert not compose.undo_send.waiting and not compose.sending
    assert (compose.subject.text(), compose.body.toPlainText()) == (
        "Thank you",
        "Thank you for today, Lee.",
    )
    assert compose.to.addresses() == ["Lee Park <lee@partner.example>"]
    assert [a.filename for a in compose.attachments.attachments] == ["cv.pdf"]
    assert not compose.subject.isReadOnly()
    assert compose.message_id is not None
    kept = window.afterword.store.message(compose.message_id)
    assert kept.state is MessageState.DRAFT
    assert [a.filename for a in kept.attachments] == ["cv.pdf"]
    assert "back here as a draft" in compose.status.text()


def test_without_undo_it_goes_after_the_delay_once(
    qtbot: QtBot, window: MainWindow, smtp_server: SmtpServer
) -> None:
    set_undo_seconds(window.afterword.store, 1)
    write(qtbot, window)
    compose = window.compose

    compose.send()
    qtbot.waitUntil(lambda: compose.undo_send.waiting, timeout=10_000)
    assert smtp_server.received == []  # not yet: Undo is still possible
    qtbot.waitUntil(lambda: len(smtp_server.received) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: not compose.sending, timeout=10_000)
    assert status_bar_text(window) == ""
    assert compose.subject.text() == ""  # the page is free for the next one
    assert len(smtp_server.received) == 1


def test_quitting_while_it_waits_keeps_it_as_a_draft_and_says_so(
    qtbot: QtBot, window: MainWindow, smtp_server: SmtpServer, answers: Dialogs
) -> None:
    set_undo_seconds(window.afterword.store, 5)
    write(qtbot, window)
    compose = window.compose
    compose.send()
    qtbot.waitUntil(lambda: compose.undo_send.waiting, timeout=10_000)
    message_id = compose.message_id
    assert message_id is not None

    assert window.close()

    assert window.afterword.store.message(message_id).state is MessageState.DRAFT
    assert any("kept as a draft" in told for told in answers.told)
    qtbot.wait(300)
    assert smtp_server.received == []


def test_the_delay_is_a_setting_and_zero_sends_at_once(qtbot: QtBot, afterword: Afterword) -> None:
    group = SendingGroup(afterword.store)
    qtbot.addWidget(group)
    group.undo.setValue(20)
    assert undo_seconds(afterword.store) == 20
    group.undo.setValue(0)
    assert undo_seconds(afterword.store) == 0
    assert "no Undo" in group.note.text()


def test_a_fresh_data_dir_waits_ten_seconds(afterword: Afterword) -> None:
    afterword.store.set_setting("undo_send_seconds", None)  # as before anything was chosen
    assert undo_seconds(afterword.store) == 10
    afterword.store.set_setting("undo_send_seconds", "ten")  # another version's idea
    assert undo_seconds(afterword.store) == 10


@pytest.fixture
def panel_interview(ready: Afterword) -> int:
    """An interview with three interviewers: one message each."""
    store = ready.store
    interview = store.add_interview(
        Interview("Acme", "Data Engineer", NOW - timedelta(hours=3), status=InterviewStatus.DONE)
    )
    people = [
        store.add_contact(Contact(name, f"{name.split()[0].lower()}@acme.example"))
        for name in ("Ana Lima", "Bo Chen", "Cy Diaz")
    ]
    assert interview.id is not None
    store.set_participants(interview.id, [(p.id, Role.INTERVIEWER) for p in people if p.id])
    return interview.id


def test_undo_in_one_message_each_sends_nothing_and_the_next_send_sends_them_once(
    qtbot: QtBot, ready: Afterword, panel_interview: int, smtp_server: SmtpServer, answers: Dialogs
) -> None:
    set_undo_seconds(ready.store, 1)
    dialog = open_panel(qtbot, ready, panel_interview)
    dialog.columns[0].body.appendPlainText("P.S. Thanks for the tour.")
    [bar] = dialog.findChildren(UndoBar)

    dialog.send()
    qtbot.waitUntil(lambda: dialog.undo_send.waiting, timeout=10_000)
    assert bar.label.text() == "Sending 3 messages in 1…"
    qtbot.mouseClick(bar.undo_button, Qt.MouseButton.LeftButton)
    qtbot.wait(1500)
    assert smtp_server.received == []
    assert not dialog.sending and dialog.send_button.isEnabled()
    assert "P.S. Thanks for the tour." in dialog.columns[0].body.toPlainText()
    assert len(ready.store.message_ids(MessageState.DRAFT)) == 3

    set_undo_seconds(ready.store, 0)
    dialog.send()
    qtbot.waitUntil(lambda: not dialog.sending, timeout=15_000)
    assert len(smtp_server.received) == 3
    assert ready.store.message_ids(MessageState.DRAFT) == []  # the same three went
    assert any(b"P.S. Thanks for the tour." in r.data for r in smtp_server.received)
