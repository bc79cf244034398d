"""Feedback › Thank them for it: the message quotes what that person said."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.records import Contact, FeedbackNote, Interview, InterviewStatus, Role
from tests.ui.conftest import Dialogs
from tests.ui.helpers import written
from ui.main_window import MainWindow

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_thanking_for_feedback_quotes_their_words(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    store = ready.store
    bo = store.add_contact(Contact("Bo Chen", "bo@initech.example", "Initech"))
    no = store.add_interview(Interview("Initech", "Analyst", NOW, status=InterviewStatus.REJECTED))
    assert bo.id and no.id
    store.set_participants(no.id, [(bo.id, Role.INTERVIEWER)])
    said = "Strong design skills;\nwe hired someone with more Kafka experience. Good luck!"
    store.save_feedback(FeedbackNote(no.id, said, NOW, contact_id=bo.id))
    window = MainWindow(ready, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.show()
    window.show_area(window.feedback)
    window.feedback.notes.setCurrentRow(0)

    qtbot.mouseClick(window.feedback.thank_button, Qt.MouseButton.LeftButton)

    written(qtbot, window.compose)  # the template is rendered off the GUI thread
    body = window.compose.body.toPlainText()
    assert window.compose.template.currentData() == "thanks_for_feedback"
    assert "“Strong design skills; we hired someone with more Kafka experience”" in body
    assert "Good luck" not in body
    window.runner.wait()
