"""Importing and exporting contacts from the Contacts page, as a user would: choose a file,
choose what each column holds, import, read the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.afterword import Afterword
from composer.contacts_io import ImportReport, Skipped, read_csv
from composer.records import Contact
from tests.ui.helpers import reachable_controls, record_tells, shown
from ui.contacts import ContactsPage
from ui.contacts_import import CsvImportDialog, ImportReportDialog
from ui.runner import Runner

WAIT = 10_000  # ms: the file is read and stored on a worker thread


@pytest.fixture
def page(qtbot: QtBot, afterword: Afterword, runner: Runner) -> ContactsPage:
    return shown(qtbot, ContactsPage(afterword, runner))


def shown_names(page: ContactsPage) -> list[str]:
    model = page.table.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def preview_cells(dialog: CsvImportDialog, column: str) -> list[str]:
    model = dialog.preview.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    where = headers.index(column)
    return [model.index(row, where).data() for row in range(model.rowCount())]


@dataclass
class Screens:
    """Stands in for the modal loop: the column chooser is filled by ``choose``, then
    Import is clicked; each report is kept as the user would read it."""

    qtbot: QtBot
    choose: Callable[[CsvImportDialog], None] = lambda dialog: None
    import_it: bool = True
    choosers: list[CsvImportDialog] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)

    def run(self, dialog: QDialog) -> bool:
        if isinstance(dialog, ImportReportDialog):
            shown_text = [dialog.summary.text(), dialog.note.text(), dialog.details.toPlainText()]
            self.reports.append("\n".join(shown_text))
            dialog.accept()
            return True
        assert isinstance(dialog, CsvImportDialog), dialog
        self.choosers.append(dialog)
        self.choose(dialog)
        if not self.import_it:
            dialog.reject()
            return False
        self.qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        return dialog.result() == QDialog.DialogCode.Accepted


@pytest.fixture
def screens(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Screens:
    answering = Screens(qtbot)
    monkeypatch.setattr(ui.dialogs, "run_dialog", answering.run)
    return answering


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(ui.dialogs, "choose_file", lambda parent, caption, filters="": str(path))


def pick(dialog: CsvImportDialog, column: str, field_name: str | None) -> None:
    chooser = next(c for c in dialog.choosers if c.accessibleName() == f"Column {column}")
    chooser.setCurrentIndex(chooser.findData(field_name))


# --- import -----------------------------------------------------------------------------


def test_import_a_csv_with_columns_chosen_in_the_preview(
    page: ContactsPage,
    afterword: Afterword,
    screens: Screens,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    afterword.store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    page.refresh()
    path = tmp_path / "people.csv"
    path.write_text(
        "Who,Reach at,Firm,Comments\n"
        "Bo Chen,bo@globex.example,Globex,Recruiter\n"
        "Ana L.,ANA@acme.example,Acme,Lead\n"
        "Cy Dee,cy@,Initech,\n"
        "Di Eve,di@initech.example,Initech,Engineering Manager\n",
        encoding="utf-8",
    )
    choose_file(monkeypatch, path)

    def choose(dialog: CsvImportDialog) -> None:
        assert not dialog.import_button.isEnabled()  # nothing says who anyone is yet
        assert dialog.summary.text() == (
            "Choose the column that holds each person's name or email address."
        )
        pick(dialog, "Who", "name")
        pick(dialog, "Reach at", "email")
        pick(dialog, "Firm", "company")
        assert preview_cells(dialog, "Notes")[0] == "Recruiter"  # guessed from "Comments"
        pick(dialog, "Comments", "title")
        assert dialog.import_button.isEnabled()
        assert dialog.summary.text() == "4 rows to import; all are shown as they would come in."
        assert preview_cells(dialog, "Name") == ["Bo Chen", "Ana L.", "Cy Dee", "Di Eve"]
        assert preview_cells(dialog, "Title")[0] == "Recruiter"
        assert preview_cells(dialog, "Result") == [
            "Imported",
            "Skipped: ANA@acme.example is already one of your contacts.",
            "Not imported: “cy@” is not a valid email address.",
            "Imported",
        ]

    screens.choose = choose
    with qtbot.waitSignal(page.changed, timeout=WAIT):
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert shown_names(page) == ["Ana Lima", "Bo Chen", "Di Eve"]
    bo = next(c for c in afterword.store.contacts() if c.name == "Bo Chen")
    assert (bo.email, bo.company, bo.title, bo.notes) == (
        "bo@globex.example",
        "Globex",
        "Recruiter",
        "",
    )
    [report] = screens.reports
    assert report.startswith("Imported 2 contacts. Skipped 1 duplicate")
    assert "1 entry could not be imported" in report
    assert "Line 4: “cy@” is not a valid email address." in report
    assert "Line 3: skipped, ANA@acme.example is already one of your contacts." in report
    assert page.import_button.isEnabled()


def test_a_csv_with_no_header_row_is_imported_from_its_first_line(
    page: ContactsPage,
    afterword: Afterword,
    screens: Screens,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "Ana Lima,ana@acme.example\nBen Ode,ben@acme.example\nCy Park,cy@acme.example\n",
        encoding="utf-8",
    )
    choose_file(monkeypatch, path)

    def choose(dialog: CsvImportDialog) -> None:
        names = [chooser.accessibleName() for chooser in dialog.choosers]
        assert names == ["Column 1", "Column 2"]
        assert not dialog.import_button.isEnabled()
        pick(dialog, "1", "name")
        pick(dialog, "2", "email")
        assert dialog.summary.text() == "3 rows to import; all are shown as they would come in."
        assert preview_cells(dialog, "Line") == ["1", "2", "3"]

    screens.choose = choose
    with qtbot.waitSignal(page.changed, timeout=WAIT):
        qtbot.mouseClick(page.empty_import_button, Qt.MouseButton.LeftButton)
    assert shown_names(page) == ["Ana Lima", "Ben Ode", "Cy Park"]
    [report] = screens.reports
    assert report.startswith("Imported 3 contacts.")


def test_cancelling_the_preview_imports_nothing(
    page: ContactsPage,
    afterword: Afterword,
    screens: Screens,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Name,Email\nBo Chen,bo@globex.example\n", encoding="utf-8")
    choose_file(monkeypatch, path)
    screens.import_it = False
    with qtbot.assertNotEmitted(page.changed, wait=200):
        qtbot.mouseClick(page.empty_import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(screens.choosers) == 1, timeout=WAIT)
    assert afterword.store.contacts() == [] and screens.reports == []
    assert page.stack.currentWidget() is page.empty


def test_a_vcard_file_is_imported_at_once_with_its_report(
    page: ContactsPage,
    screens: Screens,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    path = tmp_path / "phone.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Müller-Łukasiewicz\r\nEMAIL:zoe@x.example\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:山田太郎\r\nEMAIL:taro@\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    choose_file(monkeypatch, path)
    with qtbot.waitSignal(page.changed, timeout=WAIT):
        qtbot.mouseClick(page.empty_import_button, Qt.MouseButton.LeftButton)
        assert not page.empty_import_button.isEnabled()  # one import at a time
    assert screens.choosers == []  # no columns to choose in a vCard
    assert shown_names(page) == ["Zoë Müller-Łukasiewicz"]
    [report] = screens.reports
    assert report.startswith("Imported 1 contact. 1 entry could not be imported")
    assert "Line 6: “taro@” is not a valid email address." in report


def test_a_file_that_cannot_be_read_is_told(
    page: ContactsPage,
    screens: Screens,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    told = record_tells(monkeypatch)
    choose_file(monkeypatch, tmp_path / "gone.csv")
    qtbot.mouseClick(page.empty_import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(told), timeout=WAIT)
    [(message, error)] = told
    assert error and "cannot read" in message and "gone.csv" in message
    assert screens.choosers == [] and screens.reports == []
    assert page.empty_import_button.isEnabled()


# --- export, and back -------------------------------------------------------------------


CSV_TYPE, VCARD_TYPE = "CSV file (*.csv)", "vCard file (*.vcf)"


@pytest.mark.parametrize(
    ("name", "picked", "written"),
    [
        ("everyone", CSV_TYPE, "everyone.csv"),
        ("all.vcf", CSV_TYPE, "all.vcf"),  # the suffix typed says the format
        ("contacts", VCARD_TYPE, "contacts.vcf"),  # Qt's own dialog adds no suffix
        ("j.doe", CSV_TYPE, "j.doe.csv"),  # ".doe" is no file type
        ("j.doe", VCARD_TYPE, "j.doe.vcf"),
    ],
)
def test_export_then_import_again_finds_every_contact_a_duplicate(
    page: ContactsPage,
    afterword: Afterword,
    screens: Screens,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    name: str,
    picked: str,
    written: str,
) -> None:
    for contact in (
        Contact("Zoë Müller-Łukasiewicz", "zoe@x.example", "Acme; Inc", notes="a\nb"),
        Contact("山田太郎", "taro@example.jp"),
        Contact("Bo Chen", "bo@globex.example", "Globex", "Recruiter"),
    ):
        afterword.store.add_contact(contact)
    page.refresh()
    told = record_tells(monkeypatch)
    chosen = tmp_path / name
    monkeypatch.setattr(ui.dialogs, "choose_save_file_and_type", lambda *_: (str(chosen), picked))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(told), timeout=WAIT)
    assert told == [(f"Exported 3 contacts to {tmp_path / written}.", False)]
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == [written]
    is_vcard = (tmp_path / written).read_text(encoding="utf-8").startswith("BEGIN:VCARD")
    assert is_vcard == written.endswith(".vcf")

    choose_file(monkeypatch, tmp_path / written)
    with qtbot.assertNotEmitted(page.changed, wait=200):
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(screens.reports), timeout=WAIT)
    [report] = screens.reports
    assert report.startswith("No contacts were imported. Skipped 3 duplicates")
    assert shown_names(page) == ["Bo Chen", "Zoë Müller-Łukasiewicz", "山田太郎"]


# --- reachable by everyone ---------------------------------------------------------------


def test_the_page_names_its_file_buttons(page: ContactsPage, afterword: Afterword) -> None:
    names = {c.accessibleName() for c in reachable_controls(page)}
    assert {"Import contacts", "Export contacts", "Import contacts from a file"} <= names


def test_every_control_in_the_import_dialogs_has_a_name(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Name,E-mail Address\nBo Chen,bo@\n", encoding="utf-8")
    chooser = shown(qtbot, CsvImportDialog(read_csv(path), set()))
    report = ImportReport(0, (), (Skipped(2, "“bo@” is not a valid email address."),))
    reporting = shown(qtbot, ImportReportDialog(report))
    assert {c.accessibleName() for c in reachable_controls(chooser)} == {
        "Column Name",
        "Column E-mail Address",
        "Preview of the first rows",
        "Import",
        "Cancel",
    }
    assert {c.accessibleName() for c in reachable_controls(reporting)} == {
        "Rows not imported",
        "Close",
    }
    for dialog in (chooser, reporting):
        for control in reachable_controls(dialog):
            assert control.focusPolicy() & Qt.FocusPolicy.TabFocus, control.accessibleName()


def test_the_preview_shows_how_each_person_will_be_greeted(
    page: ContactsPage,
    afterword: Afterword,
    screens: Screens,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "Name,Email,Called\n"
        '"Whitfield, Dana",dana@acme.example,\n'
        "Dr. Amara Okafor,amara@acme.example,\n"
        "Robert Smith,rob@acme.example,Bob\n"
        "J. Smith,js@acme.example,\n",
        encoding="utf-8",
    )
    choose_file(monkeypatch, path)

    def choose(dialog: CsvImportDialog) -> None:
        assert preview_cells(dialog, "Greeting") == [
            "Dana",
            "Dr. Okafor",
            "Robert",
            "J. Smith (a guess: check it)",
        ]
        pick(dialog, "Called", "greeting")  # "Called" is not a name it guesses
        assert preview_cells(dialog, "Greeting")[2] == "Bob"

    screens.choose = choose
    with qtbot.waitSignal(page.changed, timeout=WAIT):
        qtbot.mouseClick(page.empty_import_button, Qt.MouseButton.LeftButton)
    greetings = {c.name: c.greeting for c in afterword.store.contacts()}
    assert greetings == {
        "Whitfield, Dana": "",
        "Dr. Amara Okafor": "",
        "Robert Smith": "Bob",
        "J. Smith": "",
    }
