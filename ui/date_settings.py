"""Settings › Dates: how dates are written in messages and shown in lists."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QWidget

from composer.dates import choose_locale, chosen_locale, long_date, medium_date, offered_locales
from composer.store import Store
from ui.widgets import combo, status_label

EXAMPLE = date(2026, 11, 3)  # a fixed day to show the format: no clock needed


class DatesGroup(QGroupBox):
    changed = Signal()  # a new locale was chosen: messages and lists are written again

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__("Dates", parent)
        self.store = store
        current = chosen_locale(store)
        self.written_as = combo("Date format", [(n, c) for c, n in offered_locales(current)])
        self.written_as.setCurrentIndex(max(0, self.written_as.findData(current)))
        self.example = status_label("Date example")
        form = QFormLayout(self)
        form.addRow("Dates as written in:", self.written_as)  # no Alt+letter is free
        form.addRow("", self.example)
        self._show_example()
        self.written_as.currentIndexChanged.connect(self._chosen)

    def _chosen(self) -> None:
        choose_locale(self.store, str(self.written_as.currentData()))
        self._show_example()
        self.changed.emit()

    def _show_example(self) -> None:
        name = str(self.written_as.currentData())
        self.example.setText(
            f"In a message: {long_date(EXAMPLE, name)}. In lists: {medium_date(EXAMPLE, name)}."
        )
