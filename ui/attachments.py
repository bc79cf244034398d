"""Files to send with a message: chosen with a dialog or dropped in, kept as bytes.

Shown as a strip of file chips under the subject, hidden while there are none, so the
text keeps the room: one attachment must not cost the message lines.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from composer.errors import AfterwordError
from composer.records import Attachment
from composer.templates import LARGE_ATTACHMENTS, attachment_from_file, total_size
from ui import dialogs
from ui.widgets import named, push_button, status_label


def size_text(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


class FileChip(QFrame):
    """One attached file: its name and size, and a button that takes it off."""

    def __init__(self, attachment: Attachment, on_remove: object) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(f"{attachment.filename} ({size_text(len(attachment.data))})")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.remove_button = named(QToolButton(), f"Remove {attachment.filename}")
        self.remove_button.setText("✕")
        self.remove_button.setToolTip(f"Remove {attachment.filename}")
        self.remove_button.setAutoRaise(True)
        self.remove_button.clicked.connect(on_remove)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 1, 1, 1)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(self.remove_button)

    def text(self) -> str:
        return self.label.text()


class AttachmentsBox(QWidget):
    """The strip of files; its Attach button is placed by the page, in the button row."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self._attachments: list[Attachment] = []
        self.chips: list[FileChip] = []
        self.strip = QHBoxLayout()
        self.strip.setContentsMargins(0, 0, 0, 0)
        self.add_button = push_button("Attac&h…", "Attach files", self.choose)
        self.warning = status_label("Attachment size warning")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.strip)
        layout.addWidget(self.warning)
        self._show()

    @property
    def attachments(self) -> list[Attachment]:
        return list(self._attachments)

    @property
    def too_large(self) -> bool:
        return total_size(self._attachments) > LARGE_ATTACHMENTS

    def set_attachments(self, attachments: list[Attachment]) -> None:
        self._attachments = list(attachments)
        self._show()

    def add_files(self, paths: list[Path]) -> None:
        for path in paths:
            try:
                self._attachments.append(attachment_from_file(path))
            except AfterwordError as error:
                dialogs.tell(self, str(error), error=True)
        self._show()
        self.changed.emit()

    def choose(self) -> None:
        self.add_files([Path(p) for p in dialogs.choose_files(self, "Attach files")])

    def remove(self, row: int) -> None:
        if 0 <= row < len(self._attachments):
            del self._attachments[row]
            self._show()
            self.changed.emit()

    def setEnabled(self, enabled: bool) -> None:
        super().setEnabled(enabled)
        self.add_button.setEnabled(enabled)

    def _show(self) -> None:
        for chip in self.chips:
            self.strip.removeWidget(chip)
            chip.deleteLater()
        while self.strip.count():  # the stretch after the chips
            self.strip.takeAt(0)
        self.chips = [
            FileChip(a, lambda _=False, row=n: self.remove(row))
            for n, a in enumerate(self._attachments)
        ]
        for chip in self.chips:
            self.strip.addWidget(chip)
        self.strip.addStretch(1)
        total = total_size(self._attachments)
        self.warning.setText(
            f"The attachments add up to {size_text(total)}: many mail servers refuse messages "
            f"over {size_text(LARGE_ATTACHMENTS)}. Consider a link instead."
            if self.too_large
            else ""
        )
        self.warning.setVisible(self.too_large)
        self.setVisible(bool(self._attachments))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        self.add_files([p for p in paths if p.is_file()])
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
