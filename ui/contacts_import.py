"""Contacts from and to files: a CSV's columns chosen over a preview, vCards taken as they
are, and a report of what came in and what did not.

Files are read and written, and the import stored, off the GUI thread, each on a store
connection of its own (SQLite connections stay on the thread that opened them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import (
    QObject,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from composer import contacts_io, vcard
from composer.afterword import Afterword
from composer.contacts_io import Checked, CsvTable, ImportReport, Outcome
from composer.errors import AfterwordError
from composer.greeting import greeting_of
from composer.records import Contact
from composer.store import Store
from ui import dialogs
from ui.models import ColumnsModel, Index
from ui.runner import Runner
from ui.widgets import combo, named, record_table, status_label

T = TypeVar("T")

FIELD_CHOICES: list[tuple[str, object]] = [
    ("Ignore", None),
    ("Name", "name"),
    ("Email", "email"),
    ("Company", "company"),
    ("Title", "title"),
    ("Phone", "phone"),
    ("Notes", "notes"),
    ("Greeting", "greeting"),
]
IMPORT_TYPES = "Contacts (*.csv *.vcf *.vcard);;CSV files (*.csv);;vCard files (*.vcf *.vcard)"
EXPORT_TYPES = "CSV file (*.csv);;vCard file (*.vcf)"
VCARD_SUFFIXES = (".vcf", ".vcard")
CHOOSE_NAME_OR_EMAIL = "Choose the column that holds each person's name or email address."


def plural(count: int, word: str, words: str = "") -> str:
    return f"{count:,} {word if count == 1 else words or word + 's'}"


def _result(row: Checked) -> str:
    if row.outcome is Outcome.NEW:
        return "Imported"
    prefix = "Skipped" if row.outcome is Outcome.DUPLICATE else "Not imported"
    return f"{prefix}: {row.reason}"


def _greeting(contact: Contact) -> str:
    """As the messages will greet them; a guess is marked, to be checked after import."""
    greeting = greeting_of(contact)
    return greeting.text if greeting.certain else f"{greeting.text} (a guess: check it)"


# --- the preview ------------------------------------------------------------------------


class PreviewModel(ColumnsModel[Checked]):
    """The first rows of the file as they would be imported: a handful, not the file."""

    columns: Sequence[tuple[str, Callable[[Checked], str]]] = (
        ("Line", lambda r: str(r.line)),
        ("Result", _result),
        ("Name", lambda r: r.contact.name),
        ("Email", lambda r: r.contact.email),
        ("Company", lambda r: r.contact.company),
        ("Title", lambda r: r.contact.title),
        ("Phone", lambda r: r.contact.phone),
        ("Notes", lambda r: " ".join(r.contact.notes.split())),
        ("Greeting", lambda r: _greeting(r.contact)),
    )

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Checked] = []

    def set_rows(self, rows: list[Checked]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_count(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        shown = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
        if not index.isValid() or role not in shown or index.row() >= len(self._rows):
            return None
        return self.columns[index.column()][1](self._rows[index.row()])


class CsvImportDialog(QDialog):
    """One field chooser per column of the file, and the first rows as they would come in."""

    def __init__(self, table: CsvTable, existing: set[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import contacts from {table.file_name}")
        self.table, self.existing = table, existing
        guessed = contacts_io.guess_columns(table.header)
        self.choosers = [
            self._chooser(header, field)
            for header, field in zip(table.header, guessed, strict=True)
        ]
        self.model = PreviewModel()
        self.preview = named(record_table(), "Preview of the first rows")
        self.preview.setModel(self.model)
        self.summary = status_label("Summary")
        self.note = status_label("How the file was read")
        self.note.setText(table.note)
        self.note.setVisible(bool(table.note))
        self._lay_out()
        self._update()
        self.resize(760, 560)

    def _chooser(self, header: str, field: str | None) -> QComboBox:
        numbered = re.fullmatch(r"Column \d+", header)  # a file with no header row
        chooser = combo(header if numbered else f"Column {header}", FIELD_CHOICES)
        chooser.setCurrentIndex(chooser.findData(field))
        chooser.currentIndexChanged.connect(self._update)
        return chooser

    def _lay_out(self) -> None:
        form_box = QWidget()
        form = QFormLayout(form_box)
        for index, chooser in enumerate(self.choosers):
            label = QLabel(self._column_label(index))
            label.setBuddy(chooser)
            form.addRow(label, chooser)
        scroll = QScrollArea()
        scroll.setWidget(form_box)
        scroll.setWidgetResizable(True)
        self.import_button = named(QPushButton("Import"), "Import")
        self.import_button.setDefault(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        named(buttons.button(QDialogButtonBox.StandardButton.Cancel), "Cancel")
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Which contact field does each column hold?"))
        layout.addWidget(scroll, 1)
        for widget in (self.preview, self.summary, self.note, buttons):
            layout.addWidget(widget, 1 if widget is self.preview else 0)

    def _column_label(self, index: int) -> str:
        """The column's name and a value from it: names like "Col3" say little."""
        header = self.table.header[index]
        cells = (row.cells[index] for row in self.table.rows[:20] if len(row.cells) > index)
        sample = next((" ".join(cell.split()) for cell in cells if cell.strip()), "")
        if len(sample) > 40:
            sample = sample[:39] + "…"
        return f"{header} (e.g. {sample}):" if sample else f"{header}:"

    def columns(self) -> list[str | None]:
        return [chooser.currentData() for chooser in self.choosers]

    def _update(self) -> None:
        columns = self.columns()
        self.model.set_rows(contacts_io.preview(self.table, columns, self.existing))
        self.preview.resizeColumnsToContents()
        ready = "name" in columns or "email" in columns
        self.import_button.setEnabled(ready)
        self.summary.setText(self._summary() if ready else CHOOSE_NAME_OR_EMAIL)

    def _summary(self) -> str:
        rows = len(self.table.rows)
        shown = self.model.rowCount()
        first = "it is" if rows == 1 else f"the first {shown} are" if shown < rows else "all are"
        return f"{plural(rows, 'row')} to import; {first} shown as they would come in."


# --- the report -------------------------------------------------------------------------


def report_summary(report: ImportReport) -> str:
    parts = [
        f"Imported {plural(report.imported, 'contact')}."
        if report.imported
        else "No contacts were imported."
    ]
    if report.duplicates:
        parts.append(
            f"Skipped {plural(len(report.duplicates), 'duplicate')}: "
            "already in your contacts, or earlier in the file."
        )
    if report.bad:
        parts.append(
            f"{plural(len(report.bad), 'entry', 'entries')} could not be imported (listed "
            "below): correct the file and import it again; what came in now will be skipped."
        )
    return " ".join(parts)


def report_details(report: ImportReport) -> str:
    bad = [f"Line {row.line}: {row.reason}" for row in report.bad]
    skipped = [f"Line {row.line}: skipped, {row.reason}" for row in report.duplicates]
    return "\n".join(bad + skipped)


class ImportReportDialog(QDialog):
    """What came in, and each row that did not, with its line and the reason."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Contacts imported")
        self.summary = status_label("Import summary", selectable=True)
        self.summary.setText(report_summary(report))
        self.note = status_label("How the file was read", selectable=True)
        self.note.setText(report.note)
        self.note.setVisible(bool(report.note))
        self.details = named(QPlainTextEdit(), "Rows not imported")
        self.details.setReadOnly(True)
        self.details.setTabChangesFocus(True)
        self.details.setPlainText(report_details(report))
        self.details.setVisible(bool(self.details.toPlainText()))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        named(close.button(QDialogButtonBox.StandardButton.Close), "Close")
        close.rejected.connect(self.accept)  # nothing to cancel: it has all happened
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.note, self.details, close):
            layout.addWidget(widget, 1 if widget is self.details else 0)
        self.resize(640, 420 if self.details.isVisibleTo(self) else 160)


# --- the flows --------------------------------------------------------------------------


class ContactFiles(QObject):
    """Import and Export for the contacts page."""

    imported = Signal()  # contacts were added
    busy_changed = Signal(bool)

    def __init__(self, afterword: Afterword, runner: Runner, page: QWidget) -> None:
        super().__init__(page)
        self.afterword = afterword
        self.runner = runner
        self.page = page

    def import_file(self) -> None:
        chosen = dialogs.choose_file(self.page, "Import contacts", IMPORT_TYPES)
        if chosen is None:
            return
        path = Path(chosen)
        if path.suffix.lower() in VCARD_SUFFIXES:
            self._run(lambda: self._on_own_store(vcard.import_vcards, path), self._report)
        else:
            self._run(lambda: self._read_csv(path), self._choose_columns)

    def export_file(self) -> None:
        chosen = dialogs.choose_save_file_and_type(self.page, "Export contacts", EXPORT_TYPES)
        if chosen is None:
            return
        typed, picked = chosen
        path = dialogs.save_target(self.page, typed, picked, EXPORT_TYPES)  # suffix: the format
        if path is None:
            return
        self._run(lambda: self._on_own_store(_export, path), lambda n: self._exported(n, path))

    def _exported(self, count: int, path: Path) -> None:
        dialogs.tell(self.page, f"Exported {plural(count, 'contact')} to {path}.")

    # --- steps ---------------------------------------------------------------------------

    def _read_csv(self, path: Path) -> tuple[CsvTable, set[str]]:
        table = contacts_io.read_csv(path)
        return table, self._on_own_store(contacts_io.existing_emails)

    def _choose_columns(self, read: tuple[CsvTable, set[str]]) -> None:
        table, existing = read
        dialog = CsvImportDialog(table, existing, self.page)
        accepted, columns = dialogs.run_dialog(dialog), dialog.columns()
        dialog.deleteLater()
        if accepted:
            self._run(
                lambda: self._on_own_store(contacts_io.import_csv, table, columns), self._report
            )

    def _report(self, report: ImportReport) -> None:
        if report.imported:
            self.imported.emit()
        dialog = ImportReportDialog(report, self.page)
        dialogs.run_dialog(dialog)
        dialog.deleteLater()

    # --- running ---------------------------------------------------------------------------

    def _on_own_store(self, work: Callable[..., T], *args: Any) -> T:
        """Runs on the worker thread: ``work(store, *args)`` on a connection of its own."""
        with self.afterword.reading() as store:
            return work(store, *args)

    def _run(self, work: Callable[[], T], on_done: Callable[[T], None]) -> None:
        self.busy_changed.emit(True)

        def done(result: T) -> None:
            self.busy_changed.emit(False)
            on_done(result)

        self.runner.run(work, done, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.busy_changed.emit(False)
        if not isinstance(error, AfterwordError):
            raise error  # a bug: loud
        dialogs.tell(self.page, str(error), error=True)


def _export(store: Store, path: Path) -> int:
    as_vcard = path.suffix.lower() in VCARD_SUFFIXES
    write = vcard.export_vcards if as_vcard else contacts_io.export_contacts_csv
    return write(contacts_io.chosen_contacts(store), path)
