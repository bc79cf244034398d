"""Spelling as you type, with the real Hunspell dictionaries: underlines, the menu, Settings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.records import Contact, Interview, InterviewStatus, MessageState, Role
from composer.spelling import LANGUAGE_SETTING, SpellChecker
from tests.ui.conftest import Dialogs
from tests.ui.helpers import shown, written
from ui import spelling
from ui.compose import ComposePage
from ui.main_window import MainWindow
from ui.one_each_panel import PanelDialog
from ui.runner import Runner
from ui.spelling_settings import SpellingGroup
from ui.templates_page import TemplatesPage

SPELL_CHECK = QTextCharFormat.UnderlineStyle.SpellCheckUnderline


@pytest.fixture(autouse=True)
def _american_system(monkeypatch: pytest.MonkeyPatch) -> None:
    """The system's language, as a desktop session sets it: the default dictionary."""
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")


def underlined(edit: QPlainTextEdit) -> list[str]:
    """The words drawn with the red wavy underline, as the text layout holds them."""
    found = []
    block = edit.document().firstBlock()
    while block.isValid():
        for span in block.layout().formats():
            if span.format.underlineStyle() == SPELL_CHECK:
                found.append(block.text()[span.start : span.start + span.length])
        block = block.next()
    return found


def point_at(edit: QPlainTextEdit, word: str) -> QPoint:
    """Where a right click on ``word`` lands, in the field's viewport."""
    cursor = QTextCursor(edit.document())
    cursor.setPosition(edit.toPlainText().index(word) + 1)
    return edit.cursorRect(cursor).center()


def menu_texts(edit: QPlainTextEdit, shared: spelling.Spelling, word: str) -> list[str]:
    return [a.text() for a in spelling.spelling_menu(edit, shared, point_at(edit, word)).actions()]


def choose(edit: QPlainTextEdit, shared: spelling.Spelling, word: str, text: str) -> None:
    """Picks ``text`` from the menu a right click on ``word`` opens."""
    menu = spelling.spelling_menu(edit, shared, point_at(edit, word))
    [action] = [a for a in menu.actions() if a.text() == text]
    action.trigger()


def loaded(qtbot: QtBot, afterword: Afterword) -> spelling.Spelling:
    """Once the dictionary is loaded (or found missing) off the GUI thread."""
    shared = spelling.service(afterword)
    qtbot.waitUntil(lambda: shared.checker is not None or bool(shared.notice), timeout=5000)
    return shared


@pytest.fixture
def page(qtbot: QtBot, afterword: Afterword, runner: Runner) -> ComposePage:
    return shown(qtbot, ComposePage(afterword, runner))


@pytest.fixture
def shared(qtbot: QtBot, afterword: Afterword, page: ComposePage) -> spelling.Spelling:
    found = loaded(qtbot, afterword)
    assert found.checker is not None, found.notice
    return found


def test_a_misspelt_word_typed_in_compose_is_underlined(
    qtbot: QtBot, page: ComposePage, shared: spelling.Spelling
) -> None:
    qtbot.keyClicks(page.body, "I am intrested in the role, see https://acme.example/jobs")
    assert underlined(page.body) == ["intrested"]
    qtbot.keyClicks(page.body, " and I hope to recieve")
    assert underlined(page.body) == ["intrested", "recieve"]


def test_the_first_suggestion_replaces_the_word(
    qtbot: QtBot, page: ComposePage, shared: spelling.Spelling
) -> None:
    qtbot.keyClicks(page.body, "I am intrested in the role.")
    texts = menu_texts(page.body, shared, "intrested")
    assert texts[0] == "interested"
    assert texts.index(spelling.ADD) < texts.index(spelling.IGNORE) < texts.index("&Copy\tCtrl+C")
    choose(page.body, shared, "intrested", "interested")
    assert page.body.toPlainText() == "I am interested in the role."
    assert underlined(page.body) == []
    assert page.edited  # a change like any other: it is kept in the draft


def test_a_right_click_on_a_correct_word_gives_the_usual_menu(
    qtbot: QtBot, page: ComposePage, shared: spelling.Spelling
) -> None:
    qtbot.keyClicks(page.body, "I am intrested in the role.")
    texts = menu_texts(page.body, shared, "role")
    assert spelling.ADD not in texts and "interested" not in texts
    assert "&Copy\tCtrl+C" in texts


def test_add_to_dictionary_removes_the_underline_and_is_kept(
    qtbot: QtBot, afterword: Afterword, page: ComposePage, shared: spelling.Spelling
) -> None:
    qtbot.keyClicks(page.body, "Greetings from Pinpointly and Zorbleworks.")
    assert underlined(page.body) == ["Pinpointly", "Zorbleworks"]
    choose(page.body, shared, "Pinpointly", spelling.ADD)
    assert underlined(page.body) == ["Zorbleworks"]
    assert page.body.toPlainText() == "Greetings from Pinpointly and Zorbleworks."
    assert afterword.paths.dictionary.read_text(encoding="utf-8") == "Pinpointly\n"
    restarted = SpellChecker("en_US", afterword.paths.dictionary)
    assert [w for _, _, w in restarted.misspelt("Pinpointly")] == []


def test_a_word_that_cannot_be_kept_is_told_and_stays_underlined(
    qtbot: QtBot,
    afterword: Afterword,
    page: ComposePage,
    shared: spelling.Spelling,
    answers: Dialogs,
) -> None:
    afterword.paths.dictionary.mkdir()  # something in the way of the file
    qtbot.keyClicks(page.body, "Greetings from Pinpointly.")
    choose(page.body, shared, "Pinpointly", spelling.ADD)
    [told] = answers.told
    assert "could not be added to your dictionary" in told and "folder" in told
    assert underlined(page.body) == ["Pinpointly"]


def test_ignore_removes_the_underline_for_this_session_only(
    qtbot: QtBot, afterword: Afterword, page: ComposePage, shared: spelling.Spelling
) -> None:
    qtbot.keyClicks(page.body, "Greetings from Zorbleworks.")
    choose(page.body, shared, "Zorbleworks", spelling.IGNORE)
    assert underlined(page.body) == []
    assert not afterword.paths.dictionary.exists()


def test_a_contact_added_meanwhile_is_not_flagged_once_the_text_is_entered(
    qtbot: QtBot, afterword: Afterword, page: ComposePage, shared: spelling.Spelling
) -> None:
    page.body.insertPlainText("Dear Siobhán,")  # keyClicks types ASCII only
    assert underlined(page.body) == ["Siobhán"]
    afterword.store.add_contact(Contact("Siobhán Ní Bhriain", "sb@qwertronix.example"))
    page.subject.setFocus()
    page.body.setFocus()
    qtbot.waitUntil(lambda: underlined(page.body) == [], timeout=5000)
    assert page.body.toPlainText() == "Dear Siobhán,"


@pytest.fixture
def interview_with_topic(ready: Afterword) -> int:
    """Two interviewers; the topic as the user typed it, misspelt."""
    store = ready.store
    interview = store.add_interview(
        Interview(
            "Qwertronix",
            "Data Engineer",
            datetime(2026, 11, 3, 14, 30).astimezone(),
            status=InterviewStatus.DONE,
            topic="the recieve pipeline",
        )
    )
    people = [
        store.add_contact(Contact(name, email))
        for name, email in (
            ("Siobhán Ní Bhriain", "sb@qwertronix.example"),
            ("Wojciech Brzęczyszczykiewicz", "wb@qwertronix.example"),
        )
    ]
    assert interview.id is not None
    store.set_participants(interview.id, [(p.id, Role.INTERVIEWER) for p in people if p.id])
    return interview.id


def test_each_panel_column_is_checked_and_underlining_is_not_an_edit(
    qtbot: QtBot, afterword: Afterword, runner: Runner, interview_with_topic: int, answers: Dialogs
) -> None:
    """Names of the interviewers and the company are never flagged; underlines that arrive
    once the dictionary is loaded do not make Close ask about edits."""
    dialog = shown(qtbot, PanelDialog(afterword, runner, interview_with_topic))
    loaded(qtbot, afterword)
    for column in dialog.columns:

        def flagged(body: QPlainTextEdit = column.body) -> bool:
            return underlined(body) == ["recieve"]

        qtbot.waitUntil(flagged)
        assert not column.touched
    first = dialog.columns[0].body
    choose(first, spelling.service(afterword), "recieve", "receive")
    assert "the receive pipeline" in first.toPlainText()
    assert dialog.columns[0].touched and not dialog.columns[1].touched
    answers.answers.append(True)  # a replaced word is an edit: closing asks about it
    dialog.reject()
    assert answers.asked == ["Close and lose the changes you made to these messages?"]


def test_text_filled_in_before_the_dictionary_loads_is_underlined_without_being_edited(
    qtbot: QtBot, afterword: Afterword, runner: Runner, interview_with_topic: int
) -> None:
    page = shown(qtbot, ComposePage(afterword, runner))
    page.start_follow_up(interview_with_topic, "thank_you")
    written(qtbot, page)  # the template is rendered off the GUI thread
    assert "recieve" in page.body.toPlainText()
    qtbot.waitUntil(lambda: underlined(page.body) == ["recieve"], timeout=5000)
    assert not page.edited  # choosing another template will not ask to replace "your" text


def test_the_template_editor_is_checked_but_not_its_fields(
    qtbot: QtBot, afterword: Afterword, runner: Runner
) -> None:
    page = shown(qtbot, TemplatesPage(afterword, runner))
    loaded(qtbot, afterword)
    for row in range(page.list.count()):  # no built-in template is flagged
        page.list.setCurrentRow(row)
        assert underlined(page.editor) == [], page.current_id()
    page.list.setCurrentRow(0)
    page.customize()
    cursor = page.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    page.editor.setTextCursor(cursor)
    qtbot.keyClick(page.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(page.editor, "Thanks for the intervew, {{ recipient.frist_name }}!")
    assert underlined(page.editor) == ["intervew"]
    runner.wait()


def test_the_language_chosen_in_settings_is_used_and_kept(
    qtbot: QtBot, afterword: Afterword, runner: Runner, page: ComposePage, shared: spelling.Spelling
) -> None:
    group = shown(qtbot, SpellingGroup(afterword))
    qtbot.waitUntil(lambda: group.language.count() >= 2)
    labels = [group.language.itemText(i) for i in range(group.language.count())]
    assert "English (United Kingdom)" in labels and "English (United States)" in labels
    assert group.language.currentText() == "English (United States)"  # the system's
    qtbot.keyClicks(page.body, "The colour of the color swatch")
    assert underlined(page.body) == ["colour"]

    group.language.setCurrentIndex(labels.index("English (United Kingdom)"))
    group.language.activated.emit(group.language.currentIndex())  # as a user's choice
    qtbot.waitUntil(lambda: underlined(page.body) == ["color"], timeout=5000)
    assert afterword.store.get_setting(LANGUAGE_SETTING) == "en_GB"
    assert not group.notice.isVisibleTo(group)


@pytest.fixture
def no_dictionary(afterword: Afterword) -> Afterword:
    """A language chosen once whose dictionary is not installed (any more)."""
    afterword.store.set_setting(LANGUAGE_SETTING, "xx_XX")
    return afterword


@pytest.fixture
def window(qtbot: QtBot, no_dictionary: Afterword, answers: Dialogs) -> Iterator[MainWindow]:
    main = MainWindow(no_dictionary)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.runner.wait()


def test_with_no_dictionary_a_notice_says_so_once_and_compose_still_works(
    qtbot: QtBot, window: MainWindow, ready: Afterword, answers: Dialogs
) -> None:
    page = window.compose
    window.show_area(page)
    shared = loaded(qtbot, ready)
    assert shared.checker is None
    qtbot.waitUntil(lambda: "xx_XX" in window.statusBar().currentMessage())
    assert "Choose another in Settings" in window.statusBar().currentMessage()
    assert answers.told == []  # quiet: no dialog

    window.statusBar().clearMessage()
    window.show_area(window.templates)
    assert window.templates.editor.document().toPlainText()  # a field attached since
    assert window.statusBar().currentMessage() == ""  # said once

    window.show_area(page)
    qtbot.keyClicks(page.to, "kim@acme.example")
    qtbot.keyClicks(page.subject, "Thanks")
    qtbot.keyClicks(page.body, "I am intrested.")
    assert underlined(page.body) == []
    texts = menu_texts(page.body, shared, "intrested")
    # the usual menu; in the window Qt leaves out "Ctrl+C": Edit › Copy has that key
    assert spelling.ADD not in texts and "&Copy" in texts
    page.send()
    qtbot.waitUntil(lambda: "Sent." in page.status.text(), timeout=10000)
    [sent] = ready.store.message_ids(MessageState.SENT)
    assert ready.store.message(sent).body == "I am intrested."


def test_with_no_dictionary_settings_names_the_missing_one(
    qtbot: QtBot, no_dictionary: Afterword
) -> None:
    group = shown(qtbot, SpellingGroup(no_dictionary))
    qtbot.waitUntil(lambda: group.notice.isVisibleTo(group) and group.language.count() > 0)
    assert "xx_XX" in group.notice.text() and "not installed" in group.notice.text()
    assert group.language.currentText() == "xx_XX (not installed)"
