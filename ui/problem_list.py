"""A template's problems, one a line ("Line 13: …"); choosing one goes to its line."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from composer.templates import Problem
from ui.widgets import named


class ProblemList(QListWidget):
    line_chosen = Signal(int)  # counted from 1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Problems")
        self.setWordWrap(True)  # a plain sentence can be long: all of it is shown
        self.itemClicked.connect(self._choose)
        self.itemActivated.connect(self._choose)

    def show_problems(self, found: Sequence[Problem]) -> None:
        self.clear()
        for problem in found:
            item = QListWidgetItem(problem.shown())
            item.setData(Qt.ItemDataRole.UserRole, problem.line)
            item.setToolTip(problem.shown())  # a long one is cut off in a narrow list
            self.addItem(item)

    def shown(self) -> list[str]:
        return [self.item(row).text() for row in range(self.count())]

    def _choose(self, item: QListWidgetItem) -> None:
        self.line_chosen.emit(int(item.data(Qt.ItemDataRole.UserRole)))
