"""The contacts page and dialog, driven as a user would: typing, clicking, keys."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.app import Afterword
from composer.paths import Paths
from composer.records import Contact, Message, MessageState
from ui.contacts import ContactDialog, ContactsPage
from ui.runner import Runner

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QPlainTextEdit,
    QAbstractItemView,
    QDateTimeEdit,
    QCheckBox,
)


@pytest.fixture
def afterword(paths: Paths) -> Iterator[Afterword]:
    opened = Afterword.open(paths)
    yield opened
    opened.close()


@pytest.fixture
def runner() -> Iterator[Runner]:
    started = Runner()
    yield started
    started.wait()


@pytest.fixture
def page(qtbot: QtBot, afterword: Afterword, runner: Runner) -> ContactsPage:
    shown = ContactsPage(afterword, runner)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def add(afterword: Afterword, name: str, email: str = "", company: str = "") -> int:
    contact = afterword.store.add_contact(Contact(name, email, company))
    assert contact.id is not None
    return contact.id


def shown_names(page: ContactsPage) -> list[str]:
    model = page.table.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def reachable_controls(root: QWidget) -> list[QWidget]:
    """What a user tabs to; not the inner parts Qt builds into a combo or a date editor."""

    def inner_part(widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None and parent is not root:
            if isinstance(parent, QComboBox | QAbstractSpinBox):
                return True
            parent = parent.parentWidget()
        return False

    return [
        widget
        for widget in root.findChildren(QWidget)
        if isinstance(widget, INTERACTIVE)
        and widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        and not inner_part(widget)
    ]


def mnemonics(root: QWidget) -> list[str]:
    """The Alt+letter keys of what is on screen, in the order they appear."""
    texts = [b.text() for b in root.findChildren(QAbstractButton) if b.isVisibleTo(root)]
    texts += [label.text() for label in root.findChildren(QLabel) if label.buddy()]
    texts += [box.title() for box in root.findChildren(QGroupBox)]
    return [match.lower() for text in texts for match in re.findall(r"(?<!&)&(\w)", text)]


def tab_order(first: QWidget, controls: list[QWidget]) -> list[str]:
    """The controls' names in the order Tab visits them, starting at ``first``."""
    order = [first.accessibleName()]
    widget = first.nextInFocusChain()
    while widget is not None and widget is not first:
        if widget in controls:
            order.append(widget.accessibleName())
        widget = widget.nextInFocusChain()
    return order


def answer_questions(monkeypatch: pytest.MonkeyPatch, answer: bool) -> list[str]:
    """Answers every ``ask`` with ``answer``; returns the questions asked."""
    questions: list[str] = []

    def ask(parent: QWidget | None, question: str, **options: str) -> bool:
        questions.append(question)
        return answer

    monkeypatch.setattr(ui.dialogs, "ask", ask)
    return questions


def answer(
    monkeypatch: pytest.MonkeyPatch, fill: Callable[[ContactDialog], None]
) -> list[ContactDialog]:
    """Replaces the modal loop: fills the dialog, presses Save, returns what Save did."""
    seen: list[ContactDialog] = []

    def run(dialog: QDialog) -> bool:
        assert isinstance(dialog, ContactDialog)
        seen.append(dialog)
        fill(dialog)
        dialog.accept()
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(ui.dialogs, "run_dialog", run)
    return seen


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

    answer(monkeypatch, fill)
    with qtbot.waitSignal(page.changed):
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
    with qtbot.assertNotEmitted(page.changed):
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

    answer(monkeypatch, fill)
    with qtbot.waitSignal(page.changed):
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
    page = ContactsPage(afterword, runner)
    qtbot.addWidget(page)
    page.show()
    opened = answer(monkeypatch, lambda dialog: None)
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
    with qtbot.assertNotEmitted(page.changed):
        qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert questions == ["Delete Ana Lima? Messages already sent to them are kept in Sent."]
    assert [c.id for c in store.contacts()] == [ana, bo]

    answer_questions(monkeypatch, True)
    with qtbot.waitSignal(page.changed):
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
    told: list[tuple[str, bool]] = []
    monkeypatch.setattr(ui.dialogs, "tell", lambda parent, m, error=False: told.append((m, error)))
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
    answer(monkeypatch, lambda dialog: qtbot.keyClicks(dialog.name_edit, "Ana Lima"))
    qtbot.mouseClick(page.empty.button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.list_view
    assert shown_names(page) == ["Ana Lima"]


def test_focus_search_puts_the_cursor_in_the_search_field(
    afterword: Afterword, runner: Runner, qtbot: QtBot
) -> None:
    add(afterword, "Ana Lima")
    page = ContactsPage(afterword, runner)
    qtbot.addWidget(page)
    page.show()
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
    shown = ContactDialog()
    qtbot.addWidget(shown)
    shown.show()
    return shown


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
    saving = ContactDialog(Contact("Ana Lima", id=7))
    qtbot.addWidget(saving)
    saving.show()
    saving.activateWindow()
    qtbot.waitUntil(saving.isActiveWindow)
    qtbot.keySequence(saving.name_edit, QKeySequence(QKeySequence.StandardKey.Save))
    assert saving.result() == QDialog.DialogCode.Accepted
    assert saving.contact() == Contact("Ana Lima", id=7)  # editing keeps the id

    cancelling = ContactDialog()
    qtbot.addWidget(cancelling)
    cancelling.show()
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
    assert order == ["Name", "Email", "Company", "Title", "Phone", "Notes", "Save", "Cancel"]
    assert len(controls) == len(order)


def test_alt_keys_are_unambiguous(
    afterword: Afterword, runner: Runner, qtbot: QtBot, dialog: ContactDialog
) -> None:
    add(afterword, "Ana Lima")
    page = ContactsPage(afterword, runner)
    qtbot.addWidget(page)
    for root, count in ((page, 3), (dialog, 7)):
        keys = mnemonics(root)
        assert len(keys) == count and len(set(keys)) == count, keys
