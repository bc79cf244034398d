"""The whole flow through the widgets, the demo, the screenshots and accessibility."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QDialog, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.afterword import Afterword
from composer.records import Message, MessageState
from tests.helpers.clock import NOW
from tests.helpers.smtp_server import SmtpServer
from tests.ui.conftest import Dialogs
from tests.ui.helpers import INTERACTIVE, written
from ui import render_screens
from ui.app import DEMO_NOTE, open_demo
from ui.contacts import ContactDialog
from ui.interviews import InterviewDialog
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, ready: Afterword, answers: Dialogs) -> Iterator[MainWindow]:
    main = MainWindow(ready)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.runner.wait()


def fill_and_save(monkeypatch: pytest.MonkeyPatch, qtbot: QtBot) -> None:
    """Stands in for the user at the contact and interview editors."""

    def run(dialog: QDialog) -> bool:
        if isinstance(dialog, ContactDialog):
            qtbot.keyClicks(dialog.name_edit, "Ana Lima")
            qtbot.keyClicks(dialog.email_edit, "ana@acme.example")
            qtbot.keyClicks(dialog.company_edit, "Acme")
        elif isinstance(dialog, InterviewDialog):
            qtbot.keyClicks(dialog.company_edit, "Acme")
            qtbot.keyClicks(dialog.position_edit, "Data Engineer")
            yesterday = NOW.astimezone().replace(tzinfo=None) - timedelta(days=1)
            dialog.when_edit.setDateTime(
                QDateTime(
                    QDate(yesterday.year, yesterday.month, yesterday.day),
                    QTime(yesterday.hour, yesterday.minute, yesterday.second),
                )
            )
            dialog.status_combo.setCurrentIndex(dialog.status_combo.findText("Done"))
            qtbot.keyClicks(dialog.topic_edit, "streaming pipelines")
            box = dialog.people_box
            qtbot.keyClicks(box.contact_edit, "ana lima")
            box.role_combo.setCurrentIndex(box.role_combo.findText("Interviewer"))
            qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
        dialog.accept()
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(ui.dialogs, "run_dialog", run)


def test_the_whole_flow_through_the_widgets(
    qtbot: QtBot,
    window: MainWindow,
    ready: Afterword,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fill_and_save(monkeypatch, qtbot)
    window.show_area(window.contacts)
    with qtbot.waitSignal(window.runner.changed):
        qtbot.mouseClick(window.contacts.add_button, Qt.MouseButton.LeftButton)
    window.show_area(window.interviews)
    with qtbot.waitSignal(window.runner.changed):
        qtbot.mouseClick(window.interviews.add_button, Qt.MouseButton.LeftButton)
    window.interviews.table.selectRow(0)

    qtbot.mouseClick(window.interviews.follow_up_button, Qt.MouseButton.LeftButton)

    assert window.current_area() is window.compose
    compose = window.compose
    written(qtbot, compose)  # the template is rendered off the GUI thread
    window.activateWindow()  # the user's window, in front again while they waited
    qtbot.waitUntil(window.isActiveWindow)
    assert compose.template.currentData() == "thank_you"
    assert compose.checked_contact_ids() == [1]
    assert compose.body.toPlainText().startswith("Dear Ana,\n\nThank you for taking the time")
    assert "streaming pipelines" in compose.body.toPlainText()
    window.activateWindow()  # the editors' saves ended on the event loop, which moved on
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(compose.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not compose.sending and bool(smtp_server.received), timeout=15000)

    [got] = smtp_server.received
    window.show_area(window.sent)
    sent = window.sent
    assert sent.model.rowCount() == 1
    assert sent.model.index(0, 0).data() == "Sent"
    sent.table.selectRow(0)
    stored = ready.store.message(sent.selected_id() or 0)
    assert stored.state is MessageState.SENT and stored.raw is not None
    assert stored.raw.replace(b"\r\n", b"\n") == got.data.replace(b"\r\n", b"\n")
    header_id = message_from_bytes(got.data, policy=policy.default)["Message-ID"]
    assert f"Message-ID: {header_id}" in sent.reader.toPlainText()
    assert "Dear Ana," in sent.reader.toPlainText()


def test_an_uncertain_message_explains_itself(
    qtbot: QtBot, window: MainWindow, ready: Afterword, answers: Dialogs
) -> None:
    message = ready.outbox.queue(Message("Thanks", "Thank you.", ["ana@acme.example"]))
    assert message.id is not None
    ready.store.claim_for_sending(message.id)
    ready.store.recover_interrupted()
    window.show_area(window.sent)  # its buttons are clicked where the user sees them
    sent = window.sent
    sent.refresh()
    sent.select(message.id)

    assert "may or may not have been delivered" in sent.explanation.text()
    assert sent.mark_sent_button.isEnabled() and sent.send_again_button.isEnabled()
    with qtbot.waitSignal(window.runner.changed):
        sent.mark_sent_button.click()
    assert ready.store.message(message.id).state is MessageState.SENT
    qtbot.waitUntil(lambda: window.runner.busy == 0)  # the list read again
    assert not sent.send_again_button.isEnabled()


def test_sending_an_uncertain_message_again_asks_first(
    qtbot: QtBot,
    window: MainWindow,
    ready: Afterword,
    answers: Dialogs,
    smtp_server: SmtpServer,
) -> None:
    message = ready.outbox.queue(Message("Thanks", "Thank you.", ["ana@acme.example"]))
    assert message.id is not None
    ready.store.claim_for_sending(message.id)
    ready.store.recover_interrupted()
    window.sent.refresh()
    window.sent.select(message.id)

    answers.answers.append(False)
    window.sent.send_again_button.click()
    assert "they may get it twice" in answers.asked[0]
    answers.answers.append(True)
    window.sent.send_again_button.click()
    qtbot.waitUntil(lambda: not window.sent.sending, timeout=15000)

    assert ready.store.message(message.id).state is MessageState.SENT
    assert len(smtp_server.received) == 1


def test_messages_can_be_filtered_and_the_model_is_sound(
    qtbot: QtBot, window: MainWindow, ready: Afterword, qtmodeltester: ModelTester
) -> None:
    from composer.records import Contact

    ana = ready.store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    for n in range(3):
        ready.outbox.save_draft(
            Message(f"Draft {n}", "…", ["ana@acme.example"], contact_id=ana.id if n else None)
        )
    sent = window.sent
    sent.refresh()
    qtmodeltester.check(sent.model)
    assert sent.model.rowCount() == 3
    sent.contact_filter.setCurrentIndex(sent.contact_filter.findData(ana.id))
    assert sent.model.rowCount() == 2
    qtmodeltester.check(sent.model)


def test_quitting_while_sending_asks(window: MainWindow, answers: Dialogs) -> None:
    gate = threading.Event()
    window.runner.run(lambda: gate.wait(10), sending=True)  # a send still in flight
    answers.answers.append(False)
    assert not window.close()
    assert "still being sent" in answers.asked[0]
    gate.set()
    window.runner.wait()
    assert window.close()
    assert len(answers.asked) == 1, "nothing in flight: no question"


def test_every_interactive_widget_has_an_accessible_name(window: MainWindow) -> None:
    unnamed = [
        f"{type(w).__name__} in {type(w.parent()).__name__}"
        for w in window.findChildren(QWidget)
        if isinstance(w, INTERACTIVE)
        and w.isVisibleTo(window)
        and not w.accessibleName()
        and not isinstance(w.parent(), QComboBox | QAbstractItemView)  # Qt's own internals
    ]
    assert unnamed == []


def test_the_window_remembers_its_size_and_area(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    first = MainWindow(ready)
    qtbot.addWidget(first)
    first.resize(700, 520)  # within the offscreen screen (800 x 600)
    first.show_area(first.sent)
    first.close()
    again = MainWindow(ready)
    qtbot.addWidget(again)
    assert again.current_area() is again.sent
    assert (again.width(), again.height()) == (700, 520)


def test_the_demo_sends_to_its_capture_server(
    qtbot: QtBot, tmp_path: Path, answers: Dialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    afterword, capture = open_demo(tmp_path / "demo")
    try:
        window = MainWindow(afterword, demo=DEMO_NOTE)
        qtbot.addWidget(window)
        assert window.windowTitle() == "Afterword (demo)"
        assert "capture server" in window.demo_label.text()
        done = next(i for i in afterword.store.interviews() if i.status == "done")
        assert done.id is not None
        window.follow_up(done.id, "thank_you")  # Ana and Bo interviewed: one message each
        panel = window.compose.choice.panel
        assert panel is not None
        written(qtbot, panel)
        panel.send()
        qtbot.waitUntil(lambda: not panel.sending, timeout=15000)
        assert panel.summary.text() == "Sent 2 messages."
        greetings = {
            r.recipients[0]: b"Dear " + r.recipients[0][:2].title().encode()
            for r in capture.received
        }
        assert sorted(greetings) == ["ana@acme.example", "bo@acme.example"]
        for received in capture.received:
            assert greetings[received.recipients[0]] in received.data
        window.runner.wait()
    finally:
        afterword.close()
        capture.stop()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_screenshot_script_renders_each_screen(
    tmp_path: Path, answers: Dialogs, dark: bool
) -> None:
    shots = render_screens.render_demo_screens(tmp_path / "shots", dark_theme=dark)
    assert [p.name for p in shots] == [
        "1-today.png",
        "2-interviews.png",
        "3-contacts.png",
        "4-compose.png",
        "5-outbox-and-sent.png",
        "6-feedback.png",
        "7-templates.png",
        "8-settings.png",
        "9-one-message-each.png",
        "10-the-check.png",
    ]
    for shot in shots:
        image = QImage(str(shot))
        size = render_screens.CHECK_SIZE if shot.name == "10-the-check.png" else render_screens.SIZE
        if shot.name == "8-settings.png":  # the whole page, every section: taller
            assert image.width() == size[0] and image.height() > size[1]
        else:
            assert (image.width(), image.height()) == size
        width, height = size
        samples = [
            image.pixelColor(x, y) for x in range(0, width, 50) for y in range(0, height, 50)
        ]
        assert len({c.rgb() for c in samples}) > 2
        lightness = sum(c.lightnessF() for c in samples) / len(samples)
        assert lightness < 0.4 if dark else lightness > 0.6, shot.name
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert app.palette().color(QPalette.ColorRole.Window).lightnessF() > 0.6, "put back"


def test_ctrl_s_saves_the_template_on_templates_and_the_draft_elsewhere(
    qtbot: QtBot, window: MainWindow, ready: Afterword, answers: Dialogs
) -> None:
    window.show_area(window.templates)
    window.templates.select("thank_you")
    window.templates.customize()
    window.templates.editor.appendPlainText("{# a note to myself #}")
    qtbot.keyClick(window.templates.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert ready.templates.get("thank_you").source.endswith("{# a note to myself #}")
    assert not window.templates.has_unsaved_changes()

    window.show_area(window.compose)
    qtbot.keyClicks(window.compose.subject, "A note")
    qtbot.keyClick(window.compose.subject, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.compose.message_id is not None
    assert ready.store.message(window.compose.message_id).subject == "A note"


def test_quitting_when_the_draft_cannot_be_saved_asks_first(
    window: MainWindow, ready: Afterword, answers: Dialogs
) -> None:
    """The records busy in another program (a backup, say) as the user quits: the text they
    wrote is not lost without a word."""
    window.show_area(window.compose)
    window.compose.subject.setText("Thank you for Tuesday")
    window.compose.body.setPlainText("Dear Ana, a note written with care.")
    ready.store._db.execute("PRAGMA busy_timeout = 100")  # a real lock, waited for briefly
    other = sqlite3.connect(ready.paths.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        answers.answers.append(False)
        assert not window.close(), "Keep working"
        assert "could not be saved as a draft" in answers.asked[0]
        assert window.compose.body.toPlainText() == "Dear Ana, a note written with care."
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert window.close(), "the records free again: saved, and no question"
    assert len(answers.asked) == 1
    [draft] = [ready.store.message(i) for i in ready.store.message_ids(MessageState.DRAFT)]
    assert draft.subject == "Thank you for Tuesday"


def test_quitting_with_an_unsaved_template_asks(window: MainWindow, answers: Dialogs) -> None:
    window.templates.select("thank_you")
    window.templates.customize()
    window.templates.editor.appendPlainText("unsaved")
    answers.answers.append(False)
    assert not window.close()
    assert "not saved" in answers.asked[0]
    assert window.current_area() is window.templates
    answers.answers.append(True)
    assert window.close()


def test_unsaved_settings_are_asked_about_and_ctrl_s_saves_them(
    qtbot: QtBot, window: MainWindow, ready: Afterword, answers: Dialogs
) -> None:
    assert not window.settings_page.has_unsaved_changes()
    window.show_area(window.compose)
    window.settings_page.signature.setPlainText("Zoë, with a new signature")
    answers.answers.append(False)
    assert not window.close()
    assert "Settings are not saved" in answers.asked[0]
    assert window.current_area() is window.settings_page

    qtbot.keyClick(window.settings_page.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert ready.store.profile().signature == "Zoë, with a new signature"
    assert not window.settings_page.has_unsaved_changes()
    assert window.close()
