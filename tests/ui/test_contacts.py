"""The contacts page and dialog, driven as a user would: typing, clicking, keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import QDialog, QStyledItemDelegate
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.afterword import Afterword
from composer.compose import draft_from_template
from composer.records import Contact, Interview, Message, MessageState, Profile, Role
from tests.ui.helpers import (
    answer,
    answer_questions,
    mnemonics,
    reachable_controls,
    record_tells,
    shown,
    tab_order,
)
from ui.contacts import ContactDialog, ContactsPage
from ui.runner import Runner


@pytest.fixture
def page(qtbot: QtBot, afterword: Afterword, runner: Runner) -> ContactsPage:
    return shown(qtbot, ContactsPage(afterword, runner))


def add(afterword: Afterword, name: str, email: str = "", company: str = "") -> int:
    contact = afterword.store.add_contact(Contact(name, email, company))
    assert contact.id is not None
    return contact.id


def shown_names(page: ContactsPage) -> list[str]:
    model = page.table.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


# --- the page ---------------------------------------------------------------------------


def test_the_model_behind_the_table_is_sound(
    afterword: Afterword, runner: Runner, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    for name in ("Ana Lima", "Bo Chen", "Harriet Ross"):
        add(afterword, name, company="Acme")
    page = ContactsPage(afterword, runner)
    qtbot.addWidget(page)
    qtmodeltester.check(page.model)
    assert shown_names(page) == ["Ana Lima", "Bo Chen", "Harriet Ross"]


def test_search_narrows_the_table_as_you_type(
    afterword: Afterword, runner: Runner, qtbot: QtBot
) -> None:
    add(afterword, "Ana Lima", "ana@acme.example", "Acme")
    add(afterword, "Harriet Ross", "hr@acme.example", "Acme")
    add(afterword, "Bo Chen", "bo@globex.example", "Globex")
    page = ContactsPage(afterword, runner)
    qtbot.addWidget(page)
    assert page.search.placeholderText() == "Search contacts"
    qtbot.keyClicks(page.search, "glo")
    assert shown_names(page) == ["Bo Chen"]
    page.search.clear()
    qtbot.keyClicks(page.search, "acme")
    assert shown_names(page) == ["Ana Lima", "Harriet Ross"]


def test_the_table_draws_text_unshaped_in_the_page_font(page: ContactsPage) -> None:
    """Cheaper to paint at each keystroke; family and size still follow the window."""
    bigger = QFont(page.font())
    bigger.setPointSizeF(page.font().pointSizeF() + 5)
    page.setFont(bigger)  # as a user's larger text setting would
    font = page.table.font()
    assert font.styleStrategy() & QFont.StyleStrategy.PreferNoShaping
    assert (font.family(), font.pointSizeF()) == (bigger.family(), bigger.pointSizeF())


def test_a_search_that_finds_nobody_keeps_the_table(
    afterword: Afterword, runner: Runner, qtbot: QtBot
) -> None:
    add(afterword, "Ana Lima")
    page = ContactsPage(afterword, runner)
    qtbot.addWidget(page)
    qtbot.keyClicks(page.search, "zzz")
    assert shown_names(page) == []
    assert page.stack.currentWidget() is page.list_view  # not "No contacts yet"


def test_add_a_contact(
    page: ContactsPage, afterword: Afterword, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(dialog: ContactDialog) -> None:
        qtbot.keyClicks(dialog.name_edit, "Ana Lima")
        qtbot.keyClicks(dialog.email_edit, "ana@acme.example")
        qtbot.keyClicks(dialog.company_edit, "Acme")
        qtbot.keyClicks(dialog.title_edit, "Engineering Lead")
        qtbot.keyClicks(dialog.phone_edit, "+44 20 7946 0000")
        qtbot.keyClicks(dialog.notes_edit, "Met at the final round")

    answer(monkeypatch, fill, ContactDialog)
    with qtbot.waitSignal(page.runner.changed):
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    [saved] = afterword.store.contacts()
    assert (saved.name, saved.email, saved.company) == ("Ana Lima", "ana@acme.example", "Acme")
    assert (saved.title, saved.phone, saved.notes) == (
        "Engineering Lead",
        "+44 20 7946 0000",
        "Met at the final round",
    )
    assert shown_names(page) == ["Ana Lima"]
    assert page.selected_contact_id() == saved.id  # the new contact is selected


def test_cancelling_the_dialog_adds_nothing(
    page: ContactsPage, afterword: Afterword, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui.dialogs, "run_dialog", lambda dialog: False)
    with qtbot.assertNotEmitted(page.runner.changed):
        page.new_contact()
    assert afterword.store.contacts() == []


def test_edit_the_selected_contact(
    afterword: Afterword,
    runner: Runner,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add(afterword, "Ana Lima", "ana@acme.example", "Acme")
    bo = add(afterword, "Bo Chen", "bo@globex.example", "Globex")
    page = ContactsPage(afterword, runner)
    qtbot.addWidget(page)
    assert not page.edit_button.isEnabled() and not page.delete_button.isEnabled()
    page.table.selectRow(1)
    assert page.selected_contact_id() == bo
    assert page.edit_button.isEnabled() and page.delete_button.isEnabled()

    def fill(dialog: ContactDialog) -> None:
        assert dialog.name_edit.text() == "Bo Chen"  # the dialog opens on what is stored
        dialog.title_edit.clear()
        qtbot.keyClicks(dialog.title_edit, "Recruiter")

    answer(monkeypatch, fill, ContactDialog)
    with qtbot.waitSignal(page.runner.changed):
        qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    edited = afterword.store.contact(bo)
    assert (edited.name, edited.title, edited.email) == (
        "Bo Chen",
        "Recruiter",
        "bo@globex.example",
    )
    assert len(afterword.store.contacts()) == 2
    assert page.selected_contact_id() == bo


def test_enter_or_double_click_on_a_row_edits_it(
    afterword: Afterword, runner: Runner, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(afterword, "Ana Lima")
    page = shown(qtbot, ContactsPage(afterword, runner))
    opened = answer(monkeypatch, lambda dialog: None, ContactDialog)
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert [d.name_edit.text() for d in opened] == ["Ana Lima"]
    cell = page.table.visualRect(page.model.index(0, 0)).center()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert len(opened) == 1  # a single click only selects
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert [d.name_edit.text() for d in opened] == ["Ana Lima", "Ana Lima"]


def test_delete_asks_first_and_keeps_what_was_sent(
    afterword: Afterword, runner: Runner, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = afterword.store
    ana = add(afterword, "Ana Lima", "ana@acme.example")
    bo = add(afterword, "Bo Chen")
    sent = store.save_message(Message("Thank you", "Thanks!", ["ana@acme.example"], contact_id=ana))
    assert sent.id is not None
    store.queue_message(sent.id)
    assert store.claim_for_sending(sent.id)
    store.mark_sent(sent.id, "250 OK")
    page = ContactsPage(afterword, runner)
    qtbot.addWidget(page)
    page.table.selectRow(0)
    questions = answer_questions(monkeypatch, False)
    with qtbot.assertNotEmitted(page.runner.changed):
        qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert questions == ["Delete Ana Lima? Messages already sent to them are kept in Sent."]
    assert [c.id for c in store.contacts()] == [ana, bo]

    answer_questions(monkeypatch, True)
    with qtbot.waitSignal(page.runner.changed):
        qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert [c.id for c in store.contacts()] == [bo]
    assert shown_names(page) == ["Bo Chen"]
    assert page.selected_contact_id() == bo  # the next one, ready for the keyboard
    kept = store.message(sent.id)
    assert kept.state is MessageState.SENT and kept.to == ["ana@acme.example"]


def test_a_contact_deleted_meanwhile_is_told_not_crashed(
    afterword: Afterword, runner: Runner, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ana = add(afterword, "Ana Lima")
    page = ContactsPage(afterword, runner)
    qtbot.addWidget(page)
    page.table.selectRow(0)
    afterword.store.delete_contact(ana)  # elsewhere, e.g. another window
    told = record_tells(monkeypatch)
    page.edit_selected()
    assert told == [(f"The contact #{ana} no longer exists; it may have been deleted.", True)]
    assert page.stack.currentWidget() is page.empty  # the list caught up


def test_no_contacts_shows_a_friendly_start(
    page: ContactsPage, afterword: Afterword, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert page.stack.currentWidget() is page.empty
    assert page.empty.label.text() == (
        "No contacts yet. Add the people you meet: recruiters, interviewers, HR."
    )
    assert page.empty.button.text() == "&Add a contact"
    answer(monkeypatch, lambda dialog: qtbot.keyClicks(dialog.name_edit, "Ana Lima"), ContactDialog)
    with qtbot.waitSignal(page.runner.changed):
        qtbot.mouseClick(page.empty.button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.list_view
    assert shown_names(page) == ["Ana Lima"]


def test_focus_search_puts_the_cursor_in_the_search_field(
    afterword: Afterword, runner: Runner, qtbot: QtBot
) -> None:
    add(afterword, "Ana Lima")
    page = shown(qtbot, ContactsPage(afterword, runner))
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.search.setText("ana")
    page.focus_search()
    assert page.search.hasFocus() and page.search.selectedText() == "ana"


def test_every_control_on_the_page_has_a_name_and_takes_tab_focus(
    afterword: Afterword, runner: Runner, qtbot: QtBot
) -> None:
    page = ContactsPage(afterword, runner)
    qtbot.addWidget(page)
    add(afterword, "Ana Lima")
    page.refresh()
    controls = reachable_controls(page)
    assert {c.accessibleName() for c in controls} >= {
        "Search contacts",
        "Contacts",
        "Add contact",
        "Edit contact",
        "Delete contact",
        "Add a contact",
    }
    for control in controls:
        assert control.accessibleName(), control
        assert control.focusPolicy() & Qt.FocusPolicy.TabFocus, control.accessibleName()


# --- the dialog -------------------------------------------------------------------------


@pytest.fixture
def dialog(qtbot: QtBot) -> ContactDialog:
    return shown(qtbot, ContactDialog())


def test_a_bad_email_is_shown_at_its_field(dialog: ContactDialog, qtbot: QtBot) -> None:
    qtbot.keyClicks(dialog.name_edit, "Ana Lima")
    qtbot.keyClicks(dialog.email_edit, "ana@")
    qtbot.keyClick(dialog.email_edit, Qt.Key.Key_Return)  # Enter saves
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.email_error.objectName() == "email_error"
    assert dialog.email_error.isVisible()
    assert "“ana@” is not valid" in dialog.email_error.text()
    assert dialog.email_edit.text() == "ana@" and dialog.name_edit.text() == "Ana Lima"
    assert not dialog.name_error.isVisible()

    qtbot.keyClicks(dialog.email_edit, "acme.example")
    qtbot.keyClick(dialog.email_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert dialog.contact().email == "ana@acme.example"


def test_a_name_is_required(dialog: ContactDialog, qtbot: QtBot) -> None:
    qtbot.keyClicks(dialog.email_edit, "ana@acme.example")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.name_error.isVisible() and dialog.name_error.text()
    assert not dialog.email_error.isVisible()
    assert dialog.email_edit.text() == "ana@acme.example"


def test_ctrl_s_saves_and_escape_cancels(qtbot: QtBot) -> None:
    saving = shown(qtbot, ContactDialog(Contact("Ana Lima", id=7)))
    saving.activateWindow()
    qtbot.waitUntil(saving.isActiveWindow)
    qtbot.keySequence(saving.name_edit, QKeySequence(QKeySequence.StandardKey.Save))
    assert saving.result() == QDialog.DialogCode.Accepted
    assert saving.contact() == Contact("Ana Lima", id=7)  # editing keeps the id

    cancelling = shown(qtbot, ContactDialog())
    qtbot.keyClick(cancelling.name_edit, Qt.Key.Key_Escape)
    assert not cancelling.isVisible()
    assert cancelling.result() == QDialog.DialogCode.Rejected


def test_editing_shows_every_field(qtbot: QtBot) -> None:
    stored = Contact("Ana Lima", "ana@acme.example", "Acme", "Lead", "+44 1", "Likes Rust", 3)
    dialog = ContactDialog(stored)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Edit contact"
    assert dialog.contact() == stored


def test_every_control_in_the_dialog_has_a_name_in_tab_order(dialog: ContactDialog) -> None:
    controls = reachable_controls(dialog)
    order = tab_order(dialog.name_edit, controls)
    assert order == [
        "Name",
        "Greeting",
        "Email",
        "Company",
        "Title",
        "Phone",
        "Notes",
        "Save",
        "Cancel",
    ]
    assert len(controls) == len(order)


def test_alt_keys_are_unambiguous(
    afterword: Afterword, runner: Runner, qtbot: QtBot, dialog: ContactDialog
) -> None:
    add(afterword, "Ana Lima")
    page = ContactsPage(afterword, runner)
    qtbot.addWidget(page)
    for root, count in ((page, 5), (dialog, 9)):
        keys = mnemonics(root)
        assert len(keys) == count and len(set(keys)) == count, keys


def test_the_table_paints_as_the_standard_delegate_would(
    page: ContactsPage, afterword: Afterword
) -> None:
    """Its delegate takes each cell's text in one call; what it paints is the same."""
    add(afterword, "Ana\nMaria", "ana@example.org", "Globex " * 40)  # a line break; elided
    add(afterword, "Bo Chen", "bo@example.org", "Initech")
    page.refresh()
    page.table.selectRow(1)
    ours = page.table.viewport().grab().toImage()

    page.table.setItemDelegate(QStyledItemDelegate(page.table))

    assert ours == page.table.viewport().grab().toImage()


# --- the greeting -----------------------------------------------------------------------


def test_the_greeting_worked_out_shows_as_the_name_is_typed(
    dialog: ContactDialog, qtbot: QtBot
) -> None:
    assert dialog.greeting_edit.placeholderText() == ""
    qtbot.keyClicks(dialog.name_edit, "Dr. Amara Okafor")
    assert dialog.greeting_edit.placeholderText() == "Dr. Okafor"
    assert not dialog.greeting_note.isVisible()

    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "WHITFIELD, DANA")
    assert dialog.greeting_edit.placeholderText() == "Dana"
    dialog.accept()
    assert dialog.contact().greeting == ""  # nothing typed: it keeps following the name


def test_a_greeting_that_is_a_guess_says_so_until_one_is_typed(
    dialog: ContactDialog, qtbot: QtBot
) -> None:
    qtbot.keyClicks(dialog.name_edit, "J. Smith")
    assert dialog.greeting_edit.placeholderText() == "J. Smith"
    assert dialog.greeting_note.isVisible()
    assert dialog.greeting_note.text() == (
        "Could not tell how to greet them: type how you would address them."
    )
    qtbot.keyClicks(dialog.email_edit, "jane.smith@acme.example")
    assert dialog.greeting_edit.placeholderText() == "Jane"  # the address told
    assert not dialog.greeting_note.isVisible()

    dialog.email_edit.clear()
    assert dialog.greeting_note.isVisible()
    qtbot.keyClicks(dialog.greeting_edit, "Ms Smith")
    assert not dialog.greeting_note.isVisible()


def test_a_typed_greeting_is_saved_and_used_in_the_thank_you(
    page: ContactsPage,
    afterword: Afterword,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fill(dialog: ContactDialog) -> None:
        qtbot.keyClicks(dialog.name_edit, "Dr. Amara Okafor")
        qtbot.keyClicks(dialog.email_edit, "amara@acme.example")
        qtbot.keyClicks(dialog.greeting_edit, "  Amara ")

    answer(monkeypatch, fill, ContactDialog)
    with qtbot.waitSignal(page.runner.changed):
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    [saved] = afterword.store.contacts()
    assert saved.greeting == "Amara"
    assert thank_you_greeting(afterword, saved) == "Dear Amara,"

    def clear(dialog: ContactDialog) -> None:
        assert dialog.greeting_edit.text() == "Amara"  # the dialog opens on what is stored
        dialog.greeting_edit.clear()

    answer(monkeypatch, clear, ContactDialog)
    with qtbot.waitSignal(page.runner.changed):
        qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    assert thank_you_greeting(afterword, afterword.store.contact(saved.id or 0)) == (
        "Dear Dr. Okafor,"
    )


def thank_you_greeting(afterword: Afterword, contact: Contact) -> str:
    when = datetime(2026, 11, 3, 14, 30, tzinfo=UTC)  # a fixed day: never the real clock
    interview = afterword.store.add_interview(Interview("Acme", "Data Engineer", when))
    assert interview.id is not None and contact.id is not None
    afterword.store.set_participants(interview.id, [(contact.id, Role.INTERVIEWER)])
    afterword.store.save_profile(Profile("Sam Rivera", "sam@example.org"))
    message = draft_from_template(
        afterword.store,
        afterword.templates,
        "thank_you",
        contact_id=contact.id,
        interview_id=interview.id,
    )
    return message.body.splitlines()[0]
