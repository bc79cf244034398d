"""Feedback by phone through the widgets: Today offers the call beside the gracious reply
when the recruiter's number is on record, "I called them…" puts the call in the feedback
log and the timelines, and Today then offers the thanks for that feedback.

QDesktopServices.openUrl is the desktop's (there is no phone here): it is replaced by a
recorder of the URL it was given, a fair fake; everything else is real."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.afterword import Afterword
from composer.records import (
    Contact,
    FeedbackChannel,
    FeedbackNote,
    Interview,
    InterviewStatus,
    Role,
)
from tests.helpers.clock import NOW
from tests.ui.helpers import written
from ui.feedback import FeedbackDialog
from ui.main_window import MainWindow
from ui.timeline import TimelineDialog

NUMBER = "+44 20 7946 0000"
SAID = "You were strong on design;\nwe wanted more depth in SQL."


@pytest.fixture
def people(ready: Afterword) -> dict[str, int]:
    """An interview that ended in a no, with an interviewer and a recruiter (with a number),
    and one with an interviewer who has none."""
    store = ready.store
    rita = store.add_contact(Contact("Rita Ross", "rita@initech.example", "Initech", phone=NUMBER))
    bo = store.add_contact(Contact("Bo Chen", "bo@initech.example", "Initech"))
    no = store.add_interview(
        Interview("Initech", "Analyst", NOW - timedelta(days=9), status=InterviewStatus.REJECTED)
    )
    other = store.add_interview(
        Interview("Globex", "Analyst", NOW - timedelta(days=8), status=InterviewStatus.REJECTED)
    )
    assert rita.id and bo.id and no.id and other.id
    store.set_participants(no.id, [(bo.id, Role.INTERVIEWER), (rita.id, Role.RECRUITER)])
    store.set_participants(other.id, [(bo.id, Role.INTERVIEWER)])
    return {"rita": rita.id, "bo": bo.id, "no": no.id, "other": other.id}


def titles(window: MainWindow, qtbot: QtBot) -> list[str]:
    window.today.refresh()
    window.runner.wait()
    qtbot.waitUntil(lambda: window.runner.busy == 0)
    page = window.today
    return [page.due_list.item(row).text().split("\n")[0] for row in range(page.due_list.count())]


def choose(window: MainWindow, qtbot: QtBot, start: str) -> None:
    shown = titles(window, qtbot)
    window.today.due_list.setCurrentRow(next(i for i, t in enumerate(shown) if t.startswith(start)))


@pytest.fixture
def dialled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs handed to the desktop (which would start the user's phone program)."""
    urls: list[str] = []

    def open_url(url: QUrl) -> bool:
        urls.append(url.toString())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    return urls


def the_call(
    qtbot: QtBot, people: dict[str, int], seen: list[FeedbackDialog]
) -> Callable[[QDialog], bool]:
    """Fills "I called them…" as the user would, keeping what the dialog offered first."""

    def fill(dialog: QDialog) -> bool:
        assert isinstance(dialog, FeedbackDialog)
        seen.append(dialog)
        assert dialog.windowTitle() == "I called them"
        assert dialog.interview_combo.currentData() == people["no"]
        assert dialog.from_combo.currentData() == people["rita"], "the one called"
        assert dialog.channel_combo.currentData() == FeedbackChannel.PHONE
        shown = dialog.received_edit.dateTime().toSecsSinceEpoch()
        assert abs(shown - dialog.afterword.clock().timestamp()) < 60, "now, from the clock"
        dialog.text_edit.setPlainText(SAID)
        qtbot.keyClicks(dialog.tags_edit, "sql")
        dialog.accept()
        return dialog.result() == QDialog.DialogCode.Accepted

    return fill


def test_a_call_noted_from_today_is_logged_shown_and_then_thanked_for(
    qtbot: QtBot,
    window: MainWindow,
    people: dict[str, int],
    dialled: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window.show_area(window.today)
    assert not any(t.startswith("Thank Rita") for t in titles(window, qtbot)), "not before"
    choose(window, qtbot, "Reply graciously, in one message: Analyst at Initech")
    call = window.today.call
    assert call.call_button.isVisible() and call.called_button.isVisible()
    assert call.call_button.text() == f"&Call Rita Ross ({NUMBER})"
    qtbot.mouseClick(call.call_button, Qt.MouseButton.LeftButton)
    assert dialled == ["tel:+442079460000"], "digits and + only"

    seen: list[FeedbackDialog] = []
    monkeypatch.setattr(ui.dialogs, "run_dialog", the_call(qtbot, people, seen))
    with qtbot.waitSignal(window.runner.changed):
        qtbot.mouseClick(call.called_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1

    [note] = window.afterword.store.feedback_notes()
    assert (note.text, note.tags, note.channel) == (SAID, ["sql"], FeedbackChannel.PHONE)
    shown = titles(window, qtbot)
    assert "Thank Rita Ross for the feedback: Analyst at Initech" in shown
    assert not any("Initech" in t and t.startswith("Reply graciously") for t in shown)
    choose(window, qtbot, "Thank Rita Ross")
    qtbot.mouseClick(window.today.act_button, Qt.MouseButton.LeftButton)
    assert window.current_area() is window.compose
    assert window.compose.template.currentData() == "thanks_for_feedback"
    assert window.compose.checked_contact_ids() == [people["rita"]]
    written(qtbot, window.compose)
    assert "depth in SQL" in window.compose.body.toPlainText()

    window.show_area(window.feedback)
    assert window.feedback.notes.item(0).text().startswith("☎ By phone · ")
    for timeline in (
        TimelineDialog(window.afterword, window.runner, interview_id=people["no"]),
        TimelineDialog(window.afterword, window.runner, contact_id=people["rita"]),
    ):
        qtbot.addWidget(timeline)
        lines = [timeline.events.item(r).text() for r in range(timeline.events.count())]
        assert any("Feedback by phone [sql]" in line for line in lines), timeline.windowTitle()


def test_the_call_is_offered_only_when_the_contact_has_a_number(
    qtbot: QtBot, window: MainWindow, people: dict[str, int], dialled: list[str]
) -> None:
    window.show_area(window.today)
    choose(window, qtbot, "Reply graciously, in one message: Analyst at Globex")
    call = window.today.call
    assert call.call_button.isHidden() and call.called_button.isHidden()
    assert window.today.act_button.isVisible(), "the email stays"
    choose(window, qtbot, "Reply graciously, in one message: Analyst at Initech")
    assert not call.call_button.isHidden()
    assert dialled == []


def test_i_called_them_on_an_interview_notes_the_call(
    qtbot: QtBot, window: MainWindow, people: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    window.show_area(window.interviews)
    page = window.interviews
    row = next(
        r
        for r in range(page.model.rowCount())
        if (shown := page.model.row_at(r)) is not None and shown.id == people["no"]
    )
    page.table.selectRow(row)
    seen: list[FeedbackDialog] = []
    monkeypatch.setattr(ui.dialogs, "run_dialog", the_call(qtbot, people, seen))
    with qtbot.waitSignal(window.runner.changed):
        qtbot.mouseClick(page.called_button, Qt.MouseButton.LeftButton)
    [note] = window.afterword.store.feedback_notes(interview_id=people["no"])
    assert note.channel is FeedbackChannel.PHONE and note.contact_id == people["rita"]
    assert "Thank Rita Ross for the feedback: Analyst at Initech" in titles(window, qtbot)


def test_editing_a_call_keeps_it_a_call_at_its_time(
    qtbot: QtBot, ready: Afterword, people: dict[str, int]
) -> None:
    called_at = (NOW - timedelta(hours=2)).replace(microsecond=0)
    note = ready.store.save_feedback(
        FeedbackNote(
            people["no"], SAID, called_at, contact_id=people["rita"], channel=FeedbackChannel.PHONE
        )
    )
    dialog = FeedbackDialog(ready, note)
    qtbot.addWidget(dialog)
    edited = dialog.note()
    assert (edited.channel, edited.received_at, edited.contact_id) == (
        FeedbackChannel.PHONE,
        called_at,
        people["rita"],
    )
