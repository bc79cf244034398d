"""A new contact with an address another contact has: a warning, and a merge that keeps the
contact already linked to interviews and messages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.afterword import Afterword
from composer.records import Contact, Interview, Role
from tests.ui.helpers import record_tells, shown
from ui.contacts import ContactDialog, ContactsPage
from ui.duplicates import SameAddress
from ui.interviews import InterviewDialog
from ui.runner import Runner

Step = Callable[[QDialog], None]


def run_dialogs(monkeypatch: pytest.MonkeyPatch, steps: list[Step]) -> list[QDialog]:
    """Each dialog shown is handled by the next step, as a user would; returns them."""
    seen: list[QDialog] = []

    def run(dialog: QDialog) -> bool:
        assert steps, f"unexpected dialog {type(dialog).__name__}"
        seen.append(dialog)
        steps.pop(0)(dialog)
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(ui.dialogs, "run_dialog", run)
    return seen


def type_contact(qtbot: QtBot, name: str, email: str, company: str = "", phone: str = "") -> Step:
    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ContactDialog)
        for edit, text in (
            (dialog.name_edit, name),
            (dialog.email_edit, email),
            (dialog.company_edit, company),
            (dialog.phone_edit, phone),
        ):
            edit.clear()
            qtbot.keyClicks(edit, text)
        dialog.accept()

    return fill


def press(button: str) -> Step:
    def click(dialog: QDialog) -> None:
        assert isinstance(dialog, SameAddress)
        {"merge": dialog.merge_button, "open": dialog.open_button, "back": dialog.back_button}[
            button
        ].click()

    return click


@pytest.fixture
def ana(afterword: Afterword) -> tuple[int, int]:
    """Ana Lima, who took part in an interview at Acme: (contact id, interview id)."""
    store = afterword.store
    contact = store.add_contact(Contact("Ana Lima", "ana@acme.example", notes="Met at PyCon"))
    interview = store.add_interview(Interview("Acme"))
    assert contact.id is not None and interview.id is not None
    store.set_participants(interview.id, [(contact.id, Role.INTERVIEWER)])
    return contact.id, interview.id


def test_a_repeated_address_warns_and_merges_into_the_contact_already_kept(
    afterword: Afterword,
    runner: Runner,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    ana: tuple[int, int],
) -> None:
    ana_id, interview_id = ana
    page = shown(qtbot, ContactsPage(afterword, runner))
    seen = run_dialogs(
        monkeypatch,
        [
            type_contact(qtbot, "A. Lima", "ANA@acme.example", "Acme", "+44 20 7946 0000"),
            press("merge"),
        ],
    )
    page.new_contact()
    warning = seen[1]
    assert isinstance(warning, SameAddress)
    assert warning.text.text().startswith("Ana Lima already has ANA@acme.example.")
    assert [b.text() for b in (warning.merge_button, warning.open_button, warning.back_button)] == [
        "&Merge into Ana Lima",
        "&Open Ana Lima",
        "&Go back",
    ]
    qtbot.waitUntil(lambda: runner.busy == 0)  # the merge is written off the GUI thread
    kept = afterword.store.contact(ana_id)
    assert (kept.name, kept.email, kept.company, kept.phone) == (
        "Ana Lima",
        "ana@acme.example",
        "Acme",
        "+44 20 7946 0000",
    )
    assert afterword.store.contact_ids() == [ana_id]  # one contact, not two
    [person] = afterword.store.participants(interview_id)
    assert person.contact.id == ana_id and person.contact.company == "Acme"
    assert page.model.rowCount() == 1 and page.selected_contact_id() == ana_id


def test_going_back_keeps_what_was_typed_to_change_the_address(
    afterword: Afterword,
    runner: Runner,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    ana: tuple[int, int],
) -> None:
    page = shown(qtbot, ContactsPage(afterword, runner))
    typed: list[str] = []

    def look_and_change(dialog: QDialog) -> None:
        assert isinstance(dialog, ContactDialog)
        typed.append(dialog.company_edit.text())  # still there when shown again
        dialog.email_edit.setText("ana.lima@globex.example")
        dialog.accept()

    run_dialogs(
        monkeypatch,
        [
            type_contact(qtbot, "Ana Lima", "ana@acme.example", "Globex"),
            press("back"),
            look_and_change,
        ],
    )
    with qtbot.waitSignal(runner.changed):
        page.new_contact()
    assert typed == ["Globex"]
    assert len(afterword.store.contact_ids()) == 2
    assert afterword.store.contact_id_by_email("ana.lima@globex.example") is not None


def test_open_shows_the_contact_already_kept_in_its_editor(
    afterword: Afterword,
    runner: Runner,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    ana: tuple[int, int],
) -> None:
    afterword.store.add_contact(Contact("Bo Chen", "bo@initech.example"))
    page = shown(qtbot, ContactsPage(afterword, runner))
    qtbot.keyClicks(page.search, "bo")  # Ana is not listed
    opened: list[str] = []

    def see(dialog: QDialog) -> None:
        assert isinstance(dialog, ContactDialog)
        opened.append(dialog.name_edit.text())
        dialog.reject()

    run_dialogs(monkeypatch, [type_contact(qtbot, "Ana", "ana@acme.example"), press("open"), see])
    page.new_contact()
    assert opened == ["Ana Lima"]
    assert page.selected_contact_id() == ana[0]
    assert len(afterword.store.contact_ids()) == 2  # nothing added


def test_an_edit_to_another_contacts_address_is_refused_with_a_message(
    afterword: Afterword,
    runner: Runner,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    ana: tuple[int, int],
) -> None:
    bo = afterword.store.add_contact(Contact("Bo Chen", "bo@initech.example"))
    page = shown(qtbot, ContactsPage(afterword, runner))
    page.table.selectRow(page.model.row_of(bo.id or 0))
    told = record_tells(monkeypatch)
    run_dialogs(
        monkeypatch,
        [type_contact(qtbot, "Bo Chen", "ana@acme.example"), lambda dialog: dialog.reject()],
    )
    page.edit_selected()
    assert told and told[0][0].startswith("Ana Lima already has ana@acme.example.")
    assert afterword.store.contact(bo.id or 0).email == "bo@initech.example"


def test_a_contact_made_in_the_interview_dialog_merges_and_takes_part(
    afterword: Afterword, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, ana: tuple[int, int]
) -> None:
    dialog = shown(qtbot, InterviewDialog(afterword))
    seen = run_dialogs(
        monkeypatch, [type_contact(qtbot, "Ana", "ana@acme.example", "Acme"), press("merge")]
    )
    dialog.people_box.new_contact()
    warning = seen[1]
    assert isinstance(warning, SameAddress) and not warning.open_button.isVisibleTo(warning)
    assert dialog.participants() == [(ana[0], Role.INTERVIEWER)]
    assert afterword.store.contact(ana[0]).company == "Acme"
    assert afterword.store.contact_ids() == [ana[0]]
