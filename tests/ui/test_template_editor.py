"""The template editor: line numbers beside the text, problem lines marked, fields inserted
at the cursor, spelling still checked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QTextCursor
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from tests.ui.test_spelling import loaded, underlined
from ui import spelling
from ui.template_editor import TemplateEditor


def editor_with(qtbot: QtBot, text: str) -> TemplateEditor:
    editor = TemplateEditor("Template text")
    qtbot.addWidget(editor)
    editor.resize(500, 300)
    editor.setPlainText(text)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def lines(count: int) -> str:
    return "\n".join(f"Line of text {number}" for number in range(1, count + 1))


def colours(image: QImage) -> set[int]:
    return {image.pixel(x, y) for x in range(image.width()) for y in range(image.height())}


def row_of(editor: TemplateEditor, line: int) -> int:
    """The middle of a line of text, in the editor's own coordinates."""
    block = editor.document().findBlockByNumber(line - 1)
    geometry = editor.blockBoundingGeometry(block).translated(editor.contentOffset())
    return round(geometry.center().y())


def test_the_line_numbers_take_room_as_the_lines_grow(qtbot: QtBot) -> None:
    editor = editor_with(qtbot, lines(12))
    narrow = editor.line_number_area_width()

    editor.setPlainText(lines(150))

    wide = editor.line_number_area_width()
    assert wide > narrow  # "150" needs a digit more than "12"
    assert editor.viewportMargins().left() == wide  # the text starts after them
    qtbot.waitUntil(lambda: editor.line_numbers.width() == wide)


def test_the_line_numbers_are_painted(qtbot: QtBot) -> None:
    editor = editor_with(qtbot, lines(3))
    blank = editor_with(qtbot, "")

    numbers = editor.line_numbers.grab().toImage()
    nothing = blank.line_numbers.grab().toImage()

    assert numbers.width() == editor.line_number_area_width()
    assert len(colours(numbers)) > 1, "a margin of one colour shows no number"
    assert len(colours(numbers)) > len(colours(nothing))  # "1" alone, against 1, 2 and 3


def test_a_problem_line_is_tinted_in_the_text_and_its_number(qtbot: QtBot) -> None:
    editor = editor_with(qtbot, lines(6))
    before = editor.line_numbers.grab().toImage()

    editor.mark_lines([4])

    assert editor.marked_lines() == [4]
    text = editor.viewport().grab().toImage()
    y4, y2 = row_of(editor, 4), row_of(editor, 2)
    right = text.width() - 5  # past the words: only the tint is there
    assert QColor(text.pixel(right, y4)) != QColor(text.pixel(right, y2))
    after = editor.line_numbers.grab().toImage()
    assert before.pixel(2, y4) != after.pixel(2, y4)  # the number's own row is tinted
    assert before.pixel(2, y2) == after.pixel(2, y2)


def test_a_field_is_inserted_at_the_cursor_as_one_undo_step(qtbot: QtBot) -> None:
    editor = editor_with(qtbot, "Dear ,\nWe met today.")
    cursor = editor.textCursor()
    cursor.setPosition(len("Dear "))
    editor.setTextCursor(cursor)

    editor.insert_field("recipient.greeting")

    assert editor.toPlainText() == "Dear {{ recipient.greeting }},\nWe met today."
    assert editor.textCursor().position() == len("Dear {{ recipient.greeting }}")
    editor.undo()
    assert editor.toPlainText() == "Dear ,\nWe met today."


def test_spelling_is_checked_beside_the_line_numbers(qtbot: QtBot, afterword: Afterword) -> None:
    editor = editor_with(qtbot, "Dear Ana,")
    spelling.attach(editor, afterword)
    loaded(qtbot, afterword)
    editor.mark_lines([1])

    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "Thanks for the intervew")

    qtbot.waitUntil(lambda: underlined(editor) == ["intervew"], timeout=5000)
    assert editor.marked_lines() == [1]  # the problem marks and the underlines live together
    assert len(colours(editor.line_numbers.grab().toImage())) > 1
