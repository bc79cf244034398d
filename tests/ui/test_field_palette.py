"""The field palette on the Templates page: a chosen field goes where the cursor is."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QProxyStyle, QStyle
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from tests.ui.conftest import Dialogs
from tests.ui.test_templates_page import choose, new_called, open_page, problems_shown
from ui.runner import Runner
from ui.templates_page import TemplatesPage

BEFORE, AFTER = "We met on ", " at the Acme office."


@pytest.fixture
def page(qtbot: QtBot, afterword: Afterword, runner: Runner) -> TemplatesPage:
    return open_page(qtbot, afterword, runner)


def cursor_between(page: TemplatesPage, line: int, before: str, after: str) -> None:
    """Line ``line`` (from 1) reads before + after, with the cursor between them."""
    cursor = QTextCursor(page.editor.document().findBlockByNumber(line - 1))
    cursor.insertText(before + after)
    cursor.movePosition(QTextCursor.MoveOperation.Left, n=len(after))
    page.editor.setTextCursor(cursor)


def double_click(qtbot: QtBot, page: TemplatesPage, path: str) -> None:
    row = page.fields.paths().index(path)
    item = page.fields.item(row)
    page.fields.scrollToItem(item)
    where = page.fields.visualItemRect(item).center()
    # As a mouse does: the first click of a double-click arrives on its own first.
    qtbot.mouseClick(page.fields.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(page.fields.viewport(), Qt.MouseButton.LeftButton, pos=where)


def line_text(page: TemplatesPage, line: int) -> str:
    return page.editor.document().findBlockByNumber(line - 1).text()


def test_double_click_inserts_the_field_at_the_cursor_keeping_the_text_around_it(
    qtbot: QtBot, page: TemplatesPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_called(qtbot, page, monkeypatch, "Short note")
    cursor_between(page, 8, BEFORE, AFTER)
    rest = page.editor.toPlainText()

    double_click(qtbot, page, "interview.date")

    inserted = f"{BEFORE}{{{{ interview.date }}}}{AFTER}"
    assert line_text(page, 8) == inserted
    page.editor.undo()
    assert page.editor.toPlainText() == rest  # Undo takes the field back out, and only it
    page.editor.redo()
    assert line_text(page, 8) == inserted
    assert page.editor.hasFocus()  # typing goes on where the field ends
    qtbot.keyClicks(page.editor, ",")
    assert line_text(page, 8) == f"{BEFORE}{{{{ interview.date }}}},{AFTER}"


class SingleClickDesktop(QProxyStyle):
    """A desktop (KDE's default) where one click activates an item in a list."""

    def styleHint(self, hint: QStyle.StyleHint, *args: object) -> int:
        if hint == QStyle.StyleHint.SH_ItemView_ActivateItemOnSingleClick:
            return 1
        return super().styleHint(hint, *args)  # type: ignore[arg-type]


def test_a_single_click_only_selects_a_field_even_where_it_activates(
    qtbot: QtBot, page: TemplatesPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_called(qtbot, page, monkeypatch, "Short note")
    style = SingleClickDesktop()
    page.fields.setStyle(style)
    cursor_between(page, 8, BEFORE, AFTER)
    row = page.fields.paths().index("recipient.company")

    where = page.fields.visualItemRect(page.fields.item(row)).center()
    qtbot.mouseClick(page.fields.viewport(), Qt.MouseButton.LeftButton, pos=where)

    assert page.fields.currentRow() == row
    assert line_text(page, 8) == BEFORE + AFTER


def test_the_palette_offers_the_template_s_own_questions(
    qtbot: QtBot, page: TemplatesPage, runner: Runner, answers: Dialogs
) -> None:
    choose(page, "keeping_in_touch")
    page.customize()
    assert "ask.news" in page.fields.paths()
    cursor_between(page, 9, "Lately: ", "")

    double_click(qtbot, page, "ask.news")

    assert line_text(page, 9) == "Lately: {{ ask.news }}"
    page.check()
    assert problems_shown(page) == []

    page.save()
    choose(page, "thank_you")  # asks nothing
    assert "ask.news" not in page.fields.paths()
    runner.wait()
