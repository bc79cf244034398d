"""Lessons through the widgets: written on the Feedback page from a tag or from the notes
chosen, ticked as practised, and shown on Today the day before the next interview only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.afterword import Afterword
from composer.records import Contact, FeedbackNote, Interview, InterviewStatus, Role
from tests.helpers.clock import NOW, SetClock
from tests.ui.conftest import Dialogs
from ui.lessons import LessonDialog
from ui.main_window import MainWindow

DAY = timedelta(days=1)
STORY = "Prepare a stakeholder story"


def tomorrow_at(hour: int) -> datetime:
    return datetime.combine(NOW.astimezone().date() + DAY, time(hour)).astimezone()


@pytest.fixture
def clock() -> SetClock:
    return SetClock(NOW)


@pytest.fixture
def window(
    qtbot: QtBot, ready: Afterword, answers: Dialogs, clock: SetClock
) -> Iterator[MainWindow]:
    """Two noes with feedback (one kind, one at the final round) and an interview tomorrow."""
    store = ready.store
    bo = store.add_contact(Contact("Bo Chen", "bo@initech.example", "Initech"))
    no = store.add_interview(
        Interview("Initech", "Analyst", NOW - 9 * DAY, "Final round", InterviewStatus.REJECTED)
    )
    other = store.add_interview(
        Interview("Umbrella", "Analyst", NOW - 20 * DAY, status=InterviewStatus.REJECTED)
    )
    assert bo.id and no.id and other.id
    store.set_participants(no.id, [(bo.id, Role.INTERVIEWER)])
    store.save_feedback(
        FeedbackNote(no.id, "No example with stakeholders.", NOW - 5 * DAY, ["stakeholders"])
    )
    store.save_feedback(
        FeedbackNote(
            other.id,
            "Lovely to meet you; we missed a stakeholder example.",
            NOW - 15 * DAY,
            ["stakeholders"],
            kind=True,
        )
    )
    store.save_feedback(FeedbackNote(other.id, "Slow on the SQL task.", NOW - 15 * DAY, ["sql"]))
    store.add_interview(Interview("Globex", "Data Engineer", tomorrow_at(10)))
    main = MainWindow(ready, clock=clock)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.runner.wait()


def write_lesson(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    def fill(dialog: QDialog) -> bool:
        assert isinstance(dialog, LessonDialog)
        qtbot.keyClicks(dialog.text_edit, text)
        dialog.accept()
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(ui.dialogs, "run_dialog", fill)
    with qtbot.waitSignal(window.runner.changed):
        qtbot.mouseClick(window.feedback.lesson_button, Qt.MouseButton.LeftButton)


def choose_tag(window: MainWindow, label: str) -> None:
    tags = window.feedback.tags
    tags.setCurrentRow(next(r for r in range(tags.count()) if tags.item(r).text() == label))


def card_text(window: MainWindow, qtbot: QtBot) -> str | None:
    """The card's words once Today has looked again; None when it is not shown."""
    window.today.refresh()
    window.runner.wait()
    qtbot.waitUntil(lambda: window.runner.busy == 0)
    card = window.today.before_interview
    return None if card.isHidden() else card.text.text()


def test_a_lesson_from_a_tag_shows_on_today_only_the_day_before_the_interview(
    qtbot: QtBot, window: MainWindow, clock: SetClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.show_area(window.feedback)
    choose_tag(window, "stakeholders (2)")
    write_lesson(window, qtbot, monkeypatch, STORY)

    [lesson] = window.afterword.store.lessons()
    tagged = window.afterword.store.feedback_notes(tag="stakeholders")
    assert lesson.text == STORY and lesson.note_ids == sorted(n.id or 0 for n in tagged)
    shown = window.feedback.lessons.list.item(0).text()
    assert shown.startswith(f"☐ {STORY}\n") and "No example with stakeholders" in shown

    window.show_area(window.today)
    words = card_text(window, qtbot)
    assert words is not None
    assert words.startswith("Tomorrow: Data Engineer at Globex")
    assert f"• {STORY}" in words
    assert "reached the final round at 1 company and heard kind feedback after 1 interview" in words
    for other_day in (NOW - DAY, NOW + DAY, NOW + 2 * DAY):  # two days before, the day, after
        clock.now = other_day
        assert card_text(window, qtbot) is None
    clock.now = NOW
    assert card_text(window, qtbot) is not None


def test_a_lesson_from_the_notes_chosen_links_only_those(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.show_area(window.feedback)
    page = window.feedback
    sql = next(r for r, n in enumerate(page._notes) if n.tags == ["sql"])
    page.notes.setCurrentRow(sql)
    write_lesson(window, qtbot, monkeypatch, "Practise SQL joins")
    [lesson] = window.afterword.store.lessons()
    assert lesson.note_ids == [page._notes[sql].id]


def test_a_lesson_needs_words_and_its_feedback(window: MainWindow, qtbot: QtBot) -> None:
    notes = window.afterword.store.feedback_notes()
    dialog = LessonDialog(window.afterword, notes, set())
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.text_error.text() == "Write what you will work on."
    assert dialog.notes_error.text() == "Tick the feedback this lesson comes from."


def test_practised_marks_a_lesson_with_its_day_and_moves_it_down(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.show_area(window.feedback)
    choose_tag(window, "stakeholders (2)")
    write_lesson(window, qtbot, monkeypatch, STORY)
    choose_tag(window, "sql (1)")
    write_lesson(window, qtbot, monkeypatch, "Practise SQL joins")
    panel = window.feedback.lessons
    assert panel.list.item(0).text().startswith("☐ Practise SQL joins")

    with qtbot.waitSignal(window.runner.changed):
        qtbot.mouseClick(panel.practised_button, Qt.MouseButton.LeftButton)

    assert panel.list.item(0).text().startswith(f"☐ {STORY}")
    assert panel.list.item(1).text().startswith("☑ Practise SQL joins (practised ")
    [_, done] = window.afterword.store.lessons()
    assert done.practised_at is not None
    assert done.practised_at.astimezone().date() == NOW.astimezone().date()
    window.show_area(window.today)
    words = card_text(window, qtbot) or ""
    assert words.index(f"• {STORY}") < words.index("• Practise SQL joins (practised ")
