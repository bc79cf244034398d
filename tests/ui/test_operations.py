"""The seam from a gesture to the core: writes run off the GUI thread, a Send again is one
worker call, and every page showing a change refreshes itself when it is announced."""

from __future__ import annotations

import sqlite3
import time

import pytest
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.records import Interview, Message, MessageState
from tests.helpers.smtp_server import SmtpServer
from tests.ui.conftest import Dialogs
from tests.ui.helpers import answer, shown
from ui.contacts import ContactDialog, ContactsPage
from ui.feedback import FeedbackDialog, FeedbackPage
from ui.main_window import MainWindow
from ui.runner import Runner
from ui.timeline import TimelineDialog


@pytest.fixture
def people() -> dict[str, int]:
    """The window's records: none but what each test adds."""
    return {}


def test_the_window_answers_at_once_while_another_program_holds_the_records(
    qtbot: QtBot, afterword: Afterword, runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The save waits for the records on a worker, not on the GUI thread: then it is kept."""
    page = shown(qtbot, ContactsPage(afterword, runner))
    answer(monkeypatch, lambda dialog: qtbot.keyClicks(dialog.name_edit, "Ana Lima"), ContactDialog)
    other = sqlite3.connect(afterword.store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writing
    started = time.monotonic()
    page.new_contact()
    assert time.monotonic() - started < 1.0, "the window did not wait for the lock"
    with qtbot.waitSignal(runner.changed, timeout=10_000):
        other.execute("ROLLBACK")
    other.close()
    assert [c.name for c in afterword.store.contacts()] == ["Ana Lima"]
    assert page.model.rowCount() == 1


def test_a_page_refreshes_itself_when_a_change_it_shows_is_announced(
    qtbot: QtBot, afterword: Afterword, runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Feedback noted in an interview's timeline shows in Feedback, with no main window
    wiring the two together."""
    interview = afterword.store.add_interview(Interview("Acme"))
    feedback = shown(qtbot, FeedbackPage(afterword, runner))
    assert feedback.notes.count() == 0
    timeline = TimelineDialog(afterword, runner, interview_id=interview.id)
    qtbot.addWidget(timeline)
    words = "Clear answers; we chose someone with more Go."
    answer(monkeypatch, lambda dialog: dialog.text_edit.setPlainText(words), FeedbackDialog)
    with qtbot.waitSignal(runner.changed):
        timeline.feedback_button.click()
    assert feedback.notes.count() == 1 and words in feedback.notes.item(0).text()


def test_send_again_queues_and_sends_in_one_worker_call(
    qtbot: QtBot, window: MainWindow, ready: Afterword, answers: Dialogs, smtp_server: SmtpServer
) -> None:
    """The window's own connection writes nothing: the message cannot go in twice on two."""
    message = ready.outbox.queue(Message("Thanks", "Thank you.", ["ana@acme.example"]))
    assert message.id is not None
    ready.store.claim_for_sending(message.id)
    ready.store.recover_interrupted()
    window.show_area(window.sent)
    window.sent.refresh()
    window.sent.select(message.id)
    qtbot.waitUntil(lambda: window.runner.busy == 0)
    written = ready.store._db.total_changes

    answers.answers.append(True)  # "it did not arrive: send it again"
    window.sent.send_again_button.click()
    qtbot.waitUntil(lambda: not window.sent.sending, timeout=15_000)

    assert ready.store.message(message.id).state is MessageState.SENT
    assert len(smtp_server.received) == 1
    assert ready.store._db.total_changes == written
