"""Help › About Afterword and Help › How to use Afterword.

About says where everything is kept (the log too), each path in a read-only field so it
can be selected and copied into a file manager or a support message.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from composer import APP_NAME, __version__
from composer.help_text import using_section
from composer.log import log_file
from composer.paths import Paths
from ui import dialogs
from ui.widgets import named, push_button

LICENCE = "MIT"


def where_things_are(paths: Paths) -> list[tuple[str, str]]:
    """What a user (or someone helping them) looks for, and where it is."""
    return [
        ("Data folder", str(paths.data_dir)),
        ("Records", str(paths.database)),
        ("Settings", str(paths.config_dir)),
        ("Your templates", str(paths.config_dir / "templates")),
        ("Log", str(log_file())),
    ]


def open_folder(folder: Path) -> bool:
    """The file manager on ``folder``; False when the desktop has none to open it with."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class AboutDialog(QDialog):
    """Version, licence, and where the data, settings, logs and templates live."""

    def __init__(self, paths: Paths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.setWindowTitle(f"About {APP_NAME}")
        self.title = QLabel(f"<h2>{APP_NAME} {__version__}</h2>")
        self.summary = QLabel(
            "Follow up graciously after job interviews.<br>"
            f"Free software under the {LICENCE} licence."
        )
        self.summary.setWordWrap(True)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for label, where in where_things_are(paths):
            field = named(QLineEdit(where), label)
            field.setReadOnly(True)  # selectable and copyable, not editable
            field.setCursorPosition(0)
            field.setMinimumWidth(420)
            form.addRow(f"{label}:", field)
            self.fields[label] = field
        self.open_button = push_button(
            "&Open the data folder", "Open the data folder", self.open_data_folder
        )
        self.open_log_button = push_button(
            "Open the &log folder", "Open the log folder", self.open_log_folder
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_log_button, QDialogButtonBox.ButtonRole.ActionRole)
        named(buttons.button(QDialogButtonBox.StandardButton.Close), "Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.summary):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def open_data_folder(self) -> None:
        if not open_folder(self.paths.data_dir):
            dialogs.tell(
                self,
                "No file manager could open the data folder. Copy its path from the "
                "Data folder line and open it yourself.",
            )

    def open_log_folder(self) -> None:
        """The log folder is made with the first log line: it may not exist yet."""
        folder = log_file().parent
        if not folder.is_dir() or not open_folder(folder):
            dialogs.tell(
                self,
                "No file manager could open the log folder (or nothing was logged yet). "
                "Copy its path from the Log line and open it yourself.",
            )


class HowToDialog(QDialog):
    """The README's Using section (or its summary, where no README was installed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"How to use {APP_NAME}")
        self.text = named(QTextBrowser(), "How to use Afterword")
        self.text.setMarkdown(using_section())
        self.text.setOpenExternalLinks(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        named(buttons.button(QDialogButtonBox.StandardButton.Close), "Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(760, 560)
