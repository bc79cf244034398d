"""The fields a template can use, listed with what each means; choosing one inserts it.

Double-click or Enter chooses a field. Not Qt's "activated", which some desktops (KDE)
send on a single click: a click only to read a field's description must not type it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from composer.templates import DESCRIPTIONS, Question
from ui.widgets import named

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class FieldPalette(QListWidget):
    chosen = Signal(str)  # the field's path, e.g. recipient.greeting

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Fields")
        self.setToolTip("Double-click or press Enter to insert the field at the cursor")
        for path, description in DESCRIPTIONS.items():
            self._add(path, description)
        self._questions: list[tuple[str, str]] = []  # listed after the fields
        self.itemDoubleClicked.connect(self._choose)

    def _add(self, path: str, description: str) -> None:
        item = QListWidgetItem(f"{path} — {description}")
        item.setData(Qt.ItemDataRole.UserRole, path)
        self.addItem(item)

    def show_questions(self, asked: Sequence[Question]) -> None:
        """The template's own questions, each insertable as it is named (ask.news)."""
        wanted = [(f"ask.{q.name}", f"your answer to “{q.prompt}”") for q in asked]
        if wanted == self._questions:  # as the user types: keep the row they are on
            return
        for row in reversed(range(len(DESCRIPTIONS), self.count())):
            self.takeItem(row)
        for path, description in wanted:
            self._add(path, description)
        self._questions = wanted

    def paths(self) -> list[str]:
        return [str(self.item(row).data(Qt.ItemDataRole.UserRole)) for row in range(self.count())]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if event.key() in _ENTER and item is not None:
            self._choose(item)
            event.accept()
            return
        super().keyPressEvent(event)

    def _choose(self, item: QListWidgetItem) -> None:
        self.chosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))
