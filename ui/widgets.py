"""Small building blocks shared by the pages: named controls, labels, buttons, tables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QFont, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

W = TypeVar("W", bound=QWidget)


def to_local(moment: datetime) -> QDateTime:
    """A moment as the user's local date and time, for the date editors."""
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


def narrow(box: QComboBox, characters: int = 16) -> QComboBox:
    """A chooser as wide as its place, not as its longest choice: a long interview or
    template name must not widen the window past a small screen."""
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(characters)
    return box


def named(widget: W, name: str) -> W:
    """Screen readers announce this name; every control a user can reach gets one."""
    widget.setAccessibleName(name)
    return widget


def push_button(text: str, name: str, on_click: Callable[[], object]) -> QPushButton:
    button = named(QPushButton(text), name)
    button.clicked.connect(on_click)
    return button


def combo(name: str, items: list[tuple[str, object]]) -> QComboBox:
    box = named(QComboBox(), name)
    for text, data in items:
        box.addItem(text, data)
    return box


def plain_text_edit(name: str) -> QPlainTextEdit:
    """Tab moves on to the next field instead of typing a tab: the keyboard must get out."""
    edit = named(QPlainTextEdit(), name)
    edit.setTabChangesFocus(True)
    return edit


def status_label(name: str, *, selectable: bool = False) -> QLabel:
    """A line of text that says how things stand; ``selectable`` lets it be copied. Plain
    text always: it may quote a server, a file name or a stranger's name in a From line."""
    label = named(QLabel(), name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def error_label(object_name: str) -> QLabel:
    """Says what is wrong right under the field; hidden until there is something to say."""
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    font = label.font()
    font.setBold(True)  # no colour of our own: the theme's text colour stays readable
    label.setFont(font)
    label.hide()
    return label


def with_error(field: QWidget, error: QLabel) -> QWidget:
    """The field and its error label as one form row; the row's mnemonic reaches the field."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(field)
    layout.addWidget(error)
    box.setFocusProxy(field)
    return box


def show_error(field: QWidget, error: QLabel, message: str) -> None:
    error.setText(message)
    error.setVisible(bool(message))
    field.setAccessibleDescription(message)


def save_cancel_buttons(dialog: QDialog) -> QDialogButtonBox:
    """Save (Enter, Ctrl+S) and Cancel (Esc)."""
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
        dialog,  # in the dialog already, so that Save becomes its default button
    )
    save = box.button(QDialogButtonBox.StandardButton.Save)
    save.setText("&Save")
    save.setDefault(True)
    named(save, "Save")
    named(box.button(QDialogButtonBox.StandardButton.Cancel), "Cancel")
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    QShortcut(QKeySequence.StandardKey.Save, dialog, dialog.accept)
    return box


def record_table() -> QTableView:
    """A read-only table of records: whole rows, one at a time, Tab leaves it."""
    table = QTableView()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSortingEnabled(False)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.horizontalHeader().setStretchLastSection(True)
    # Fit the first rows only, a tall window's screenful: at 0 ("what is shown"), a table
    # not yet on screen measures every row (with 10,000 rows, all read as the window
    # opened); 100 rows took 15 ms at every refresh, 50 take about 8.
    table.horizontalHeader().setResizeContentsPrecision(50)
    table.verticalHeader().hide()
    # Text is laid out again for every cell at every paint (as you type a search, each
    # keystroke): Latin text is drawn without kerning or ligatures, which is most of that
    # work; scripts that need shaping still get it. Only this is set: family and size
    # still come from the window.
    font = QFont()
    font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    table.setFont(font)
    return table


class EmptyState(QWidget):
    """Shown instead of an empty table: what goes here, and the button to start."""

    def __init__(self, text: str, button_text: str, on_click: Callable[[], object]) -> None:
        super().__init__()
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = push_button(button_text, button_text.replace("&", ""), on_click)
        layout = QVBoxLayout(self)
        layout.addStretch()
        layout.addWidget(self.label)
        layout.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addStretch()


PAGE_MARGIN = 16  # around every page's content, so the areas line up as one window
SECTION_SPACING = 12  # between an area's title and its page


def heading_font(base: QFont, scale: float) -> QFont:
    """A heading is the window's own font, larger and bold: it follows the user's size."""
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * scale)
    font.setBold(True)
    return font


def page_heading(title: str, about: str) -> QWidget:
    """The area's title and one line on what it is for, above the page."""
    box = QWidget()
    name = QLabel(title)
    name.setObjectName("Page title")
    name.setTextFormat(Qt.TextFormat.PlainText)
    name.setFont(heading_font(name.font(), 1.5))
    line = status_label(f"About {title}")
    line.setText(about)
    line.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # quieter, from the palette
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(name)
    layout.addWidget(line)
    return box


class AreaFrame(QWidget):
    """An area as the window shows it: its heading, then the page, with the same margins
    everywhere. The page itself is put in when the area is first shown. ``headed=False``
    for a page whose own first lines say what it is (Compose's header fields, as in a mail
    client), so the room goes to what the user writes."""

    def __init__(self, title: str, about: str, *, headed: bool = True) -> None:
        super().__init__()
        self.heading = page_heading(title, about)
        self.heading.setVisible(headed)
        self.page: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN // 2)
        self._layout.setSpacing(SECTION_SPACING)
        self._layout.addWidget(self.heading)

    def put(self, page: QWidget) -> None:
        self.page = page
        inner = page.layout()
        if inner is not None:  # the frame's margins are the page's: not twice
            inner.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(page, 1)
