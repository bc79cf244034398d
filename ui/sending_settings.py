"""Settings › Sending: how long a sent message waits with Undo in view (0: it goes at once)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QSpinBox, QWidget

from composer.schedule import MAX_UNDO_SECONDS, set_undo_seconds, undo_seconds
from composer.store import Store
from ui.widgets import named, status_label


class SendingGroup(QGroupBox):
    """Kept as soon as it changes, like Settings › Dates: nothing to save or forget."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__("Sending", parent)
        self.store = store
        self.undo = named(QSpinBox(), "Undo send: seconds to wait")
        self.undo.setRange(0, MAX_UNDO_SECONDS)
        self.undo.setSuffix(" s")
        self.undo.setSpecialValueText("Off: send at once")
        self.undo.setValue(undo_seconds(store))
        self.note = status_label("Undo send explained")
        self.note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Undo send, wait:", self.undo)
        form.addRow("", self.note)
        self._explain()
        self.undo.valueChanged.connect(self._changed)

    def _changed(self, seconds: int) -> None:
        set_undo_seconds(self.store, seconds)
        self._explain()

    def _explain(self) -> None:
        seconds = self.undo.value()
        self.note.setText(
            f"After Send, a message waits {seconds} seconds with Undo in view before it goes."
            if seconds
            else "Messages go as soon as you press Send; there is no Undo."
        )
