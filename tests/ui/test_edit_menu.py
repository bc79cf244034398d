"""Edit › Undo, Redo, Cut, Copy, Paste, Select All act on the focused field."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QPlainTextEdit
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.records import Contact
from tests.ui.conftest import Dialogs
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, afterword: Afterword, answers: Dialogs) -> Iterator[MainWindow]:
    main = MainWindow(afterword)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    yield main
    main.runner.wait()


def edit_action(window: MainWindow, text: str) -> QAction:
    [menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "&Edit"]
    assert isinstance(menu, QMenu)
    [action] = [a for a in menu.actions() if a.text().replace("&", "") == text]
    return action


def focus(qtbot: QtBot, field: QLineEdit | QPlainTextEdit) -> None:
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)


def test_each_edit_action_works_on_the_focused_search_field(
    window: MainWindow, qtbot: QtBot
) -> None:
    QApplication.clipboard().clear()
    window.afterword.store.add_contact(Contact("Bo Chen"))  # the list, not its empty state
    window.show_area(window.contacts)
    field = window.contacts.search
    focus(qtbot, field)
    undo, cut, paste = (edit_action(window, t) for t in ("Undo", "Cut", "Paste"))
    select_all, copy = edit_action(window, "Select All"), edit_action(window, "Copy")
    assert not select_all.isEnabled() and not cut.isEnabled() and not paste.isEnabled()
    qtbot.keyClicks(field, "Ana Lima")
    assert select_all.isEnabled() and undo.isEnabled() and not copy.isEnabled()
    select_all.trigger()
    assert field.selectedText() == "Ana Lima" and cut.isEnabled() and copy.isEnabled()
    cut.trigger()
    assert field.text() == "" and QApplication.clipboard().text() == "Ana Lima"
    assert window.edit_menu.field is field, window.edit_menu.field
    assert paste.isEnabled()
    paste.trigger()
    assert field.text() == "Ana Lima"
    undo.trigger()
    assert field.text() == ""
    assert edit_action(window, "Redo").isEnabled()
    edit_action(window, "Redo").trigger()
    assert field.text() == "Ana Lima"


def test_undo_and_copy_in_a_text_box_and_nothing_to_act_on_elsewhere(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.show_area(window.templates)
    box = QPlainTextEdit(window)
    box.show()
    focus(qtbot, box)
    qtbot.keyClicks(box, "Thank you")
    undo, copy = edit_action(window, "Undo"), edit_action(window, "Copy")
    assert undo.isEnabled() and not copy.isEnabled()
    edit_action(window, "Select All").trigger()
    assert copy.isEnabled()
    copy.trigger()
    assert QApplication.clipboard().text() == "Thank you"
    undo.trigger()
    assert box.toPlainText() == ""
    window.show_area(window.interviews)
    window.interviews.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.interviews.table)
    assert not any(edit_action(window, t).isEnabled() for t in ("Undo", "Cut", "Paste"))


def test_the_edit_actions_have_the_standard_keys_and_no_shortcut_is_taken_twice(
    window: MainWindow,
) -> None:
    assert edit_action(window, "Copy").shortcut() == QKeySequence(QKeySequence.StandardKey.Copy)
    assert edit_action(window, "Find contact").shortcut().toString() == "Ctrl+F"
    keys = [
        key.toString()
        for action in window.findChildren(QAction)
        for key in action.shortcuts()
        if not key.isEmpty()
    ]
    assert len(keys) == len(set(keys)), sorted(keys)
    assert {"Ctrl+Z", "Ctrl+X", "Ctrl+C", "Ctrl+V", "Ctrl+A", "Ctrl+N", "Ctrl+1"} <= set(keys)
