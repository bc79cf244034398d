"""Today, Feedback and the timeline through the widgets: a reminder opens Compose with its
template and people, snoozing, dismissing and a reply noted clear it; feedback is logged,
counted by tag and thanked for."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.afterword import Afterword
from composer.records import (
    Contact,
    FeedbackNote,
    Interview,
    InterviewStatus,
    Role,
)
from composer.today import QUIET
from tests.helpers.clock import NOW
from tests.helpers.smtp_server import SmtpServer
from tests.ui.conftest import Dialogs
from tests.ui.helpers import reachable_controls
from ui.contacts import ContactDialog
from ui.feedback import FeedbackDialog
from ui.main_window import MainWindow
from ui.timeline import ReplyDialog, TimelineDialog

INLINE_RUNNER = True  # flows through the widgets: no threads checked here


DAY = timedelta(days=1)


@pytest.fixture
def people(ready: Afterword) -> dict[str, int]:
    store = ready.store
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme"))
    bo = store.add_contact(Contact("Bo Chen", "bo@acme.example", "Acme"))
    met = store.add_interview(Interview("Acme", "Data Engineer", NOW - timedelta(hours=3)))
    no = store.add_interview(
        Interview(
            "Initech",
            "Analyst",
            NOW - timedelta(days=9),
            status=InterviewStatus.REJECTED,
            applied_at=NOW - timedelta(days=20),
        )
    )
    assert ana.id and bo.id and met.id and no.id
    store.set_participants(met.id, [(ana.id, Role.INTERVIEWER), (bo.id, Role.INTERVIEWER)])
    store.set_participants(no.id, [(bo.id, Role.INTERVIEWER)])
    return {"ana": ana.id, "bo": bo.id, "met": met.id, "no": no.id}


def due_titles(window: MainWindow, qtbot: QtBot) -> list[str]:
    """What Today shows once it has looked again (the records were changed behind it)."""
    window.today.refresh()
    window.runner.wait()
    qtbot.waitUntil(lambda: window.runner.busy == 0)
    page = window.today
    return [page.due_list.item(row).text().split("\n")[0] for row in range(page.due_list.count())]


def choose(window: MainWindow, qtbot: QtBot, title_start: str) -> None:
    titles = due_titles(window, qtbot)
    window.today.due_list.setCurrentRow(
        next(i for i, t in enumerate(titles) if t.startswith(title_start))
    )


def test_today_lists_what_is_due_and_write_it_opens_compose_ready(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    window.show_area(window.interviews)
    window.show_area(window.today)
    assert due_titles(window, qtbot) == [
        "Reply graciously, in one message: Analyst at Initech",
        "Thank your interviewers: Data Engineer at Acme",
    ]
    choose(window, qtbot, "Thank your interviewers")
    qtbot.mouseClick(window.today.act_button, Qt.MouseButton.LeftButton)
    compose = window.compose
    assert window.current_area() is compose
    assert compose.template.currentData() == "thank_you"
    assert compose.interview.currentData() == people["met"]
    assert sorted(compose.checked_contact_ids()) == [people["ana"], people["bo"]]
    assert "Data Engineer" in compose.subject.text()


def test_sending_the_follow_up_clears_the_reminder(
    qtbot: QtBot, window: MainWindow, people: dict[str, int], smtp_server: SmtpServer
) -> None:
    window.show_area(window.today)
    choose(window, qtbot, "Reply graciously")
    qtbot.mouseClick(window.today.act_button, Qt.MouseButton.LeftButton)
    assert window.compose.template.currentData() == "after_rejection"
    assert window.compose.checked_contact_ids() == [people["bo"]]
    assert "what would have made me a stronger candidate?" in window.compose.body.toPlainText()
    with qtbot.waitSignal(window.compose.sent, timeout=20_000):
        window.compose.send()
    window.show_area(window.today)
    assert not any(t.startswith("Reply graciously") for t in due_titles(window, qtbot))
    assert [r.recipients for r in smtp_server.received] == [["bo@acme.example"]]


def test_snooze_dismiss_and_they_replied_each_clear_an_item(
    qtbot: QtBot,
    window: MainWindow,
    people: dict[str, int],
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window.show_area(window.today)
    page = window.today
    choose(window, qtbot, "Thank your interviewers")
    page.snooze(timedelta(days=1))
    assert not any(t.startswith("Thank") for t in due_titles(window, qtbot))
    assert window.afterword.store.due_choices(), "the snooze is kept in the records"

    store = window.afterword.store
    other = store.add_interview(
        Interview("Globex", "Analyst", NOW, status=InterviewStatus.REJECTED)
    )
    store.set_participants(other.id or 0, [(people["bo"], Role.INTERVIEWER)])
    choose(window, qtbot, "Reply graciously, in one message: Analyst at Globex")
    answers.answers.append(True)
    qtbot.mouseClick(page.dismiss_button, Qt.MouseButton.LeftButton)
    assert "Dismiss “Reply graciously, in one message: Analyst at Globex" in answers.asked[-1]
    assert not any(t.endswith("Globex") for t in due_titles(window, qtbot))

    def reply(dialog: QDialog) -> bool:
        assert isinstance(dialog, ReplyDialog)
        assert dialog.from_combo.currentData() == people["bo"]
        dialog.summary_edit.setPlainText("Thank you, Zoë, no hard feelings at all.")
        dialog.accept()
        return True

    monkeypatch.setattr(ui.dialogs, "run_dialog", reply)
    choose(window, qtbot, "Reply graciously")
    qtbot.mouseClick(page.replied_button, Qt.MouseButton.LeftButton)
    assert due_titles(window, qtbot) == [QUIET], "nothing was sent: no praise"
    [noted] = window.afterword.store.replies(interview_id=people["no"])
    assert noted.contact_id == people["bo"] and "no hard feelings" in noted.summary


def test_progress_shows_in_flight_and_the_almosts(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    store = window.afterword.store
    store.save_feedback(FeedbackNote(people["no"], "You were a close second.", NOW, kind=True))
    # On the first of this month and the last day of the one before, whatever day NOW is
    first = NOW.astimezone().replace(day=1, hour=12, minute=0, second=0)
    store.update_interview(replace(store.interview(people["no"]), applied_at=first))
    store.add_interview(
        Interview("Globex", "Analyst", status=InterviewStatus.WITHDRAWN, applied_at=first - DAY)
    )
    window.show_area(window.today)
    window.today.refresh()
    due_titles(window, qtbot)
    assert "In flight: 1" in window.today.summary.text()
    assert "Analyst, Initech (kind feedback)" in window.today.almosts.text()
    months = window.today.chart.months
    assert [m.applications for m in months[-2:]] == [1, 2]  # Globex; Initech and Acme (today)


# --- feedback ---------------------------------------------------------------------------


def test_feedback_is_logged_counted_by_tag_and_thanked_for(
    qtbot: QtBot, window: MainWindow, people: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    words = "Strong design skills;\nwe hired someone with more Kafka experience."

    def fill(dialog: QDialog) -> bool:
        assert isinstance(dialog, FeedbackDialog)
        dialog.interview_combo.setCurrentIndex(dialog.interview_combo.findData(people["no"]))
        dialog.from_combo.setCurrentIndex(dialog.from_combo.findData(people["bo"]))
        dialog.received_edit.setDate(QDate(2026, 11, 2))
        dialog.text_edit.setPlainText(words)
        qtbot.keyClicks(dialog.tags_edit, "experience, technical depth")
        dialog.accept()
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(ui.dialogs, "run_dialog", fill)
    window.show_area(window.feedback)
    page = window.feedback
    assert page.empty.isVisible()
    with qtbot.waitSignal(window.runner.changed):
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    [note] = window.afterword.store.feedback_notes()
    assert note.text == words and note.tags == ["experience", "technical depth"]
    assert [page.tags.item(r).text() for r in range(page.tags.count())] == [
        "All feedback",
        "experience (1)",
        "technical depth (1)",
    ]
    assert page.text.text() == words
    qtbot.mouseClick(page.thank_button, Qt.MouseButton.LeftButton)
    assert window.current_area() is window.compose
    assert window.compose.template.currentData() == "thanks_for_feedback"
    assert window.compose.checked_contact_ids() == [people["bo"]]
    assert "feedback" in window.compose.body.toPlainText()


def test_a_feedback_note_needs_words(afterword: Afterword, qtbot: QtBot) -> None:
    afterword.store.add_interview(Interview("Acme"))
    dialog = FeedbackDialog(afterword)
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.text_error.text() == "Write down what they said."
    for control in reachable_controls(dialog):
        assert control.accessibleName(), control


def test_the_timeline_shows_the_story_and_takes_a_reply(
    qtbot: QtBot, window: MainWindow, people: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = window.afterword.store
    store.save_feedback(FeedbackNote(people["no"], "Great questions.", NOW, ["curiosity"]))
    dialog = TimelineDialog(window.afterword, window.runner, interview_id=people["no"])
    qtbot.addWidget(dialog)
    lines = [dialog.events.item(r).text() for r in range(dialog.events.count())]
    assert [line.split(":")[0] for line in lines] == ["Applied", "Interview", "Feedback"]

    def reply(shown: QDialog) -> bool:
        assert isinstance(shown, ReplyDialog)
        shown.summary_edit.setPlainText("Happy to keep in touch")
        return True

    monkeypatch.setattr(ui.dialogs, "run_dialog", reply)
    with qtbot.waitSignal(window.runner.changed):
        qtbot.mouseClick(dialog.reply_button, Qt.MouseButton.LeftButton)
    assert dialog.events.item(dialog.events.count() - 1).text().startswith("They wrote")


def test_keep_in_touch_set_on_a_contact_comes_due_on_today(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(dialog: QDialog) -> bool:
        assert isinstance(dialog, ContactDialog)
        qtbot.keyClicks(dialog.name_edit, "Lena Park")
        qtbot.keyClicks(dialog.email_edit, "lena@umbrella.example")
        dialog.check_in_spin.setValue(30)
        dialog.accept()
        return True

    monkeypatch.setattr(ui.dialogs, "run_dialog", fill)
    window.show_area(window.contacts)
    with qtbot.waitSignal(window.runner.changed):
        qtbot.mouseClick(window.contacts.add_button, Qt.MouseButton.LeftButton)
    [lena] = [c for c in window.afterword.store.contacts() if c.name == "Lena Park"]
    assert lena.check_in_days == 30
    assert not any(t.startswith("Check in") for t in due_titles(window, qtbot))
    window.today.clock = lambda: NOW + timedelta(days=31)
    assert "Check in with Lena Park" in due_titles(window, qtbot)


def test_a_note_that_cannot_be_saved_stays_in_its_editor(
    qtbot: QtBot,
    window: MainWindow,
    people: dict[str, int],
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = window.afterword.store
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writing: the save must wait
    shown: list[str] = []

    def fill(dialog: QDialog) -> bool:
        assert isinstance(dialog, FeedbackDialog)
        shown.append(dialog.text_edit.toPlainText())
        if len(shown) == 1:
            dialog.interview_combo.setCurrentIndex(dialog.interview_combo.findData(people["no"]))
            dialog.text_edit.setPlainText("Strong on design, wanted more Kafka.")
        else:
            other.execute("ROLLBACK")  # the other program is done before the second try
        dialog.accept()
        return True

    monkeypatch.setattr(ui.dialogs, "run_dialog", fill)
    window.show_area(window.feedback)
    with qtbot.waitSignal(window.runner.changed, timeout=20_000):  # after the lock's 5 s
        qtbot.mouseClick(window.feedback.add_button, Qt.MouseButton.LeftButton)
    assert shown == ["", "Strong on design, wanted more Kafka."], "shown again, words kept"
    assert "What you typed is still there" in answers.told[-1]
    assert [n.text for n in store.feedback_notes()] == ["Strong on design, wanted more Kafka."]
    other.close()


def test_the_timeline_opens_from_an_interview_and_from_a_contact(
    qtbot: QtBot, window: MainWindow, people: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(ui.dialogs, "run_dialog", lambda d: shown.append(d.windowTitle()))
    for page in (window.interviews, window.contacts):
        window.show_area(page)
        page.table.selectRow(0)
        qtbot.mouseClick(page.timeline_button, Qt.MouseButton.LeftButton)
    assert shown == ["Timeline: Acme", "Timeline: Ana Lima"]
