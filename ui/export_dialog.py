"""Exporting sent records: which messages, in which form, and where; written off the GUI
thread by ``composer.sent_export``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from composer.sent_export import Exported, export_eml, export_mbox, export_sent_csv
from composer.store import Store
from ui import dialogs
from ui.widgets import named


@dataclass(frozen=True)
class Format:
    text: str  # the choice in the dialog, with its mnemonic
    name: str  # what a screen reader says
    export: Callable[[Store, Sequence[int], Path], Exported]
    suffix: str  # of the file chosen; "" for a folder
    filters: str = ""


MBOX = Format(
    "One mail&box file (.mbox): opens in Thunderbird, Apple Mail and others",
    "Mailbox file",
    export_mbox,
    ".mbox",
    "Mailbox (*.mbox)",
)
EML = Format("A folder of .&eml files, one per message", "Folder of .eml files", export_eml, "")
CSV = Format(
    "A summary &table (.csv) for a spreadsheet",
    "Summary table",
    export_sent_csv,
    ".csv",
    "CSV table (*.csv)",
)
FORMATS = (MBOX, EML, CSV)


class ExportDialog(QDialog):
    """The selected messages or all those listed, as an mbox, .eml files or a CSV table."""

    def __init__(
        self, *, selected: int, listed: int, filtered: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export messages")
        noun = "message" if selected == 1 else "messages"
        self.selected_choice = named(
            QRadioButton(f"The &selected {noun} ({selected:,})"), "Only the selected messages"
        )
        everything = "in the list (as searched and filtered)" if filtered else "(everything)"
        self.listed_choice = named(
            QRadioButton(f"&All {listed:,} messages {everything}"), "All messages in the list"
        )
        self.selected_choice.setEnabled(selected > 0)
        (self.selected_choice if selected else self.listed_choice).setChecked(True)
        self.format_choices = [named(QRadioButton(f.text), f.name) for f in FORMATS]
        self.format_choices[0].setChecked(True)
        self._groups = [QButtonGroup(self), QButtonGroup(self)]  # two separate choices
        for button in (self.selected_choice, self.listed_choice):
            self._groups[0].addButton(button)
        for button in self.format_choices:
            self._groups[1].addButton(button)
        self._lay_out()

    def _lay_out(self) -> None:
        which = QGroupBox("Which messages")
        which_layout = QVBoxLayout(which)
        which_layout.addWidget(self.selected_choice)
        which_layout.addWidget(self.listed_choice)
        form = QGroupBox("As")
        form_layout = QVBoxLayout(form)
        for button in self.format_choices:
            form_layout.addWidget(button)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("E&xport…")
        named(ok, "Export")
        named(buttons.button(QDialogButtonBox.StandardButton.Cancel), "Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(which)
        layout.addWidget(form)
        layout.addWidget(buttons)

    @property
    def only_selected(self) -> bool:
        return self.selected_choice.isChecked()

    @property
    def format(self) -> Format:
        return next(f for f, b in zip(FORMATS, self.format_choices, strict=True) if b.isChecked())


def choose_folder(parent: QWidget | None, caption: str) -> str | None:
    """A folder to put the .eml files in (``ui.dialogs`` has file choosers only)."""
    return QFileDialog.getExistingDirectory(parent, caption) or None


def choose_target(parent: QWidget | None, chosen: Format) -> Path | None:
    """Where to export; the format's suffix is added unless the name typed ends in it
    ("j.doe" becomes "j.doe.mbox")."""
    if not chosen.suffix:
        folder = choose_folder(parent, "Export .eml files to the folder")
        return Path(folder) if folder else None
    path = dialogs.choose_save_file(parent, "Export to", chosen.filters)
    if not path:
        return None
    return dialogs.save_target(parent, path, chosen.filters)


def export_in_background(
    database: Path, chosen: Format, ids: Sequence[int], target: Path
) -> Exported:
    """For a worker thread: a connection of its own (SQLite's stay on their thread)."""
    with Store(database) as store:
        return chosen.export(store, ids, target)
