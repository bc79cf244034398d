"""Today tells the truth: a message the real server refused is at the top with Send again and
Open, and no praise is shown then; a first run shows its next step; an interview done with
no date is due and asks for its date."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.afterword import Afterword
from composer.records import Interview, InterviewStatus, Message, MessageState
from composer.sent_list import Group
from tests.helpers.clock import clock
from tests.helpers.smtp_server import SmtpServer, account_for
from tests.ui.conftest import Dialogs
from ui.interviews import InterviewDialog
from ui.main_window import MainWindow

ANA = "ana@acme.example"
REFUSED = "550 5.1.1 No such user here"


def open_window(qtbot: QtBot, afterword: Afterword) -> MainWindow:
    window = MainWindow(afterword, clock=clock)
    qtbot.addWidget(window)
    window.show()
    window.show_area(window.today)
    return window


@pytest.fixture
def dialogs_opened(monkeypatch: pytest.MonkeyPatch) -> list[QDialog]:
    """Dialogs the page opens, closed unsaved at once."""
    opened: list[QDialog] = []

    def run(dialog: QDialog) -> bool:
        opened.append(dialog)
        return False

    monkeypatch.setattr(ui.dialogs, "run_dialog", run)
    return opened


def shown_lines(window: MainWindow, qtbot: QtBot) -> list[str]:
    """Today's list once it has looked again: each entry's text, title and detail."""
    window.today.refresh()
    qtbot.waitUntil(lambda: window.runner.busy == 0, timeout=5000)
    page = window.today
    return [page.due_list.item(row).text() for row in range(page.due_list.count())]


@pytest.fixture
def refused(ready: Afterword, smtp_server: SmtpServer) -> Iterator[int]:
    """A thank-you sent to the real server, which refused its one recipient."""
    smtp_server.recorder.refuse[ANA] = REFUSED
    queued = ready.outbox.queue(Message("Thank you for today", "Dear Ana", [f"Ana Lima <{ANA}>"]))
    assert queued.id is not None
    [result] = ready.send_messages([queued.id])
    assert result.state is MessageState.FAILED, result.detail
    yield queued.id
    smtp_server.recorder.refuse.clear()


def test_a_failed_message_is_at_the_top_and_never_praised_then_sent_again_once(
    qtbot: QtBot,
    ready: Afterword,
    smtp_server: SmtpServer,
    refused: int,
    answers: Dialogs,
) -> None:
    window = open_window(qtbot, ready)
    page = window.today

    lines = shown_lines(window, qtbot)

    assert lines[0].startswith("Not sent: Thank you for today (to Ana Lima <ana@acme.example>)")
    assert REFUSED.split(" ", 1)[1] in lines[0]
    assert not any("Well done" in line for line in lines)
    page.due_list.setCurrentRow(0)
    assert page.act_button.text() == "Send &again" and page.open_button.isVisible()
    assert not page.snooze_button.isEnabled() and not page.dismiss_button.isEnabled()

    smtp_server.recorder.refuse.clear()  # the address was fixed on their side
    qtbot.mouseClick(page.act_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.sending, timeout=10000)

    assert ready.store.message(refused).state is MessageState.SENT
    assert [r.recipients for r in smtp_server.recorder.received] == [[ANA]], "sent once"
    assert not any(line.startswith("Not sent") for line in shown_lines(window, qtbot))


def test_open_shows_the_failed_message_in_the_outbox_where_it_stays_failed(
    qtbot: QtBot, ready: Afterword, refused: int, answers: Dialogs
) -> None:
    window = open_window(qtbot, ready)
    shown_lines(window, qtbot)
    window.today.due_list.setCurrentRow(0)

    qtbot.mouseClick(window.today.open_button, Qt.MouseButton.LeftButton)

    sent = window.sent
    assert window.current_area() is sent
    assert sent.folders.group is Group.OUTBOX and sent.selected_id() == refused
    assert "stays here, failed, until you Send again or Edit as new draft" in (
        sent.explanation.text()
    )
    assert not sent.open_button.isEnabled() and sent.edit_button.isEnabled()
    window.compose.open_draft(refused)  # as after a failed send in Compose...
    window.new_message()  # ...then something else: what was there is saved, still failed
    assert ready.store.message(refused).state is MessageState.FAILED
    window.show_area(sent)
    sent.select(refused)

    with qtbot.waitSignal(window.runner.changed):  # made a draft off the GUI thread
        qtbot.mouseClick(sent.edit_button, Qt.MouseButton.LeftButton)

    assert window.current_area() is window.compose
    assert window.compose.message_id == refused
    assert ready.store.message(refused).state is MessageState.DRAFT, "the user chose to"


def test_a_first_run_shows_the_start_instead_of_well_done(
    qtbot: QtBot,
    afterword: Afterword,
    smtp_server: SmtpServer,
    ca_file: Path,
    answers: Dialogs,
    dialogs_opened: list[QDialog],
) -> None:
    window = open_window(qtbot, afterword)
    page = window.today

    [line] = shown_lines(window, qtbot)

    assert "Well done" not in line and "setting up the email account" in line
    assert page.start_button.isVisible() and page.start_button.text() == "Set up your account…"
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert window.current_area() is window.settings_page

    window.close()

    afterword.outbox.save_account(account_for(smtp_server, ca_file))  # set up, and saved
    window = open_window(qtbot, afterword)
    page = window.today
    [line] = shown_lines(window, qtbot)
    assert "Add the interview you just had" in line and "Well done" not in line
    assert page.start_button.text() == "Add the interview you just had…"
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert [type(d) for d in dialogs_opened] == [InterviewDialog]
    assert window.current_area() is window.interviews


def test_an_interview_done_with_no_date_is_due_and_asks_for_the_date(
    qtbot: QtBot, ready: Afterword, answers: Dialogs, dialogs_opened: list[QDialog]
) -> None:
    done = ready.store.add_interview(
        Interview("Acme", "Analyst", None, status=InterviewStatus.DONE)
    )
    window = open_window(qtbot, ready)
    page = window.today

    [line] = shown_lines(window, qtbot)

    assert line.startswith("Thank your interviewers: Analyst at Acme")
    assert "Add the date of the interview" in line
    page.due_list.setCurrentRow(0)
    assert page.date_button.isVisible() and page.act_button.text() == "&Write it…"
    qtbot.mouseClick(page.date_button, Qt.MouseButton.LeftButton)
    [dialog] = dialogs_opened
    assert isinstance(dialog, InterviewDialog) and dialog.interview().id == done.id
