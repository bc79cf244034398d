"""Files to send with a message: chosen with a dialog or dropped in, kept as bytes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from composer.errors import AfterwordError
from composer.library import LARGE_ATTACHMENTS, attachment_from_file, total_size
from composer.records import Attachment
from ui import dialogs
from ui.widgets import named, push_button, status_label


def size_text(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


class AttachmentsBox(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self._attachments: list[Attachment] = []
        self.files = named(QListWidget(), "Attachments")
        self.files.setMaximumHeight(70)
        self.add_button = push_button("Attac&h…", "Attach files", self.choose)
        self.remove_button = push_button("Remo&ve", "Remove attachment", self.remove_selected)
        self.warning = status_label("Attachment size warning")
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.files, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
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

    def remove_selected(self) -> None:
        row = self.files.currentRow()
        if 0 <= row < len(self._attachments):
            del self._attachments[row]
            self._show()
            self.changed.emit()

    def _show(self) -> None:
        self.files.clear()
        for attachment in self._attachments:
            item = QListWidgetItem(f"{attachment.filename} ({size_text(len(attachment.data))})")
            self.files.addItem(item)
        self.files.setVisible(bool(self._attachments))
        self.remove_button.setEnabled(bool(self._attachments))
        total = total_size(self._attachments)
        self.warning.setText(
            f"The attachments add up to {size_text(total)}: many mail servers refuse messages "
            f"over {size_text(LARGE_ATTACHMENTS)}. Consider a link instead."
            if self.too_large
            else ""
        )
        self.warning.setVisible(self.too_large)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        self.add_files([p for p in paths if p.is_file()])
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
