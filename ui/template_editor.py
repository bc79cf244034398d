"""The template text with line numbers beside it, and the lines with a problem marked.

Problems are said by their line ("Line 13: …"): a writer who is not a programmer needs
to see which line that is without counting. The numbers are painted in a narrow area
in the editor's left margin (Qt's "code editor" example); a line with a problem is
tinted in the text and its number drawn in bold, so it does not rest on colour alone.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from ui.widgets import named

MARGIN = 4  # pixels either side of the numbers
MIN_DIGITS = 2  # the area keeps its width from line 1 to 99: it does not jump while typing


class LineNumbers(QWidget):
    """The margin that shows the editor's line numbers; the editor paints it."""

    def __init__(self, editor: TemplateEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.line_number_area_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.editor.paint_line_numbers(event)


class TemplateEditor(QPlainTextEdit):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, name)
        self.setTabChangesFocus(True)  # the keyboard must get out of the field
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.line_numbers = LineNumbers(self)
        self._problem_lines: set[int] = set()
        self.blockCountChanged.connect(self._fit_margin)
        self.updateRequest.connect(self._scroll_numbers)
        self._fit_margin()

    # --- line numbers ---------------------------------------------------------------------

    def line_number_area_width(self) -> int:
        digits = max(MIN_DIGITS, len(str(self.blockCount())))
        return 2 * MARGIN + self.fontMetrics().horizontalAdvance("9") * digits

    def _fit_margin(self) -> None:
        self.setViewportMargins(self.line_number_area_width(), 0, 0, 0)

    def _scroll_numbers(self, rect: QRect, dy: int) -> None:
        if dy:
            self.line_numbers.scroll(0, dy)
        else:
            self.line_numbers.update(0, rect.y(), self.line_numbers.width(), rect.height())
        if rect.contains(self.viewport().rect()):
            self._fit_margin()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        inside = self.contentsRect()
        self.line_numbers.setGeometry(
            QRect(inside.left(), inside.top(), self.line_number_area_width(), inside.height())
        )

    def paint_line_numbers(self, event: QPaintEvent) -> None:
        painter = QPainter(self.line_numbers)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.AlternateBase))
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        width = self.line_numbers.width() - MARGIN
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top():
                self._paint_number(painter, block.blockNumber() + 1, QRect(0, top, width, height))
            block, top = block.next(), bottom
        painter.end()

    def _paint_number(self, painter: QPainter, line: int, where: QRect) -> None:
        marked = line in self._problem_lines
        font = QFont(self.font())
        font.setBold(marked)
        painter.setFont(font)
        if marked:
            painter.fillRect(where.adjusted(0, 0, MARGIN, 0), _tint(self.palette()))
        role = QPalette.ColorRole.Text if marked else QPalette.ColorRole.PlaceholderText
        painter.setPen(self.palette().color(role))
        align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(where, int(align), str(line))

    # --- problems -------------------------------------------------------------------------

    def mark_lines(self, lines: list[int]) -> None:
        """Tints and underlines each line (counted from 1) that has a problem."""
        self._problem_lines = set(lines)
        marks = [mark for line in lines for mark in self._marks(line)]
        self.setExtraSelections(marks)
        self.line_numbers.update()

    def marked_lines(self) -> list[int]:
        """The lines marked in the text, counted from 1."""
        tints = [s for s in self.extraSelections() if s.cursor.selectedText() == ""]
        return [s.cursor.blockNumber() + 1 for s in tints]

    def _marks(self, line: int) -> list[QTextEdit.ExtraSelection]:
        """The line tinted from edge to edge, and its words underlined."""
        document = self.document()
        block = document.findBlockByNumber(line - 1)
        start = QTextCursor(block if block.isValid() else document.lastBlock())
        tint = QTextCharFormat()
        tint.setBackground(_tint(self.palette()))
        tint.setProperty(QTextFormat.Property.FullWidthSelection, True)
        words = QTextCursor(start)
        words.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        underline = QTextCharFormat()
        underline.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        return [_selection(start, tint), _selection(words, underline)]

    def go_to_line(self, line: int) -> None:
        block = self.document().findBlockByNumber(line - 1)
        if block.isValid():
            self.setTextCursor(QTextCursor(block))
        self.centerCursor()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- fields ---------------------------------------------------------------------------

    def insert_field(self, path: str) -> None:
        """At the cursor, replacing a selection, as one step Undo takes back."""
        cursor = self.textCursor()
        cursor.insertText(f"{{{{ {path} }}}}")
        self.setTextCursor(cursor)
        self.setFocus(Qt.FocusReason.OtherFocusReason)


def _selection(cursor: QTextCursor, look: QTextCharFormat) -> QTextEdit.ExtraSelection:
    selection = QTextEdit.ExtraSelection()
    selection.cursor = cursor
    selection.format = look
    return selection


def _tint(palette: QPalette) -> QColor:
    """The theme's highlight, faint: readable in light and dark palettes."""
    tint = QColor(palette.color(QPalette.ColorRole.Highlight))
    tint.setAlpha(70)
    return tint
