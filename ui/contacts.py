"""Contacts: the people met along the way, found as you type, edited in a small dialog."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from composer.afterword import Afterword
from composer.errors import AfterwordError, InvalidAddress
from composer.greeting import greeting_for
from composer.records import Contact
from ui import dialogs, operations
from ui.duplicates import SameAddressChoice, ask_same_address, taken_message
from ui.models import ContactsModel, LazyTableModel, TextsDelegate
from ui.runner import Runner
from ui.widgets import (
    EmptyState,
    error_label,
    named,
    plain_text_edit,
    push_button,
    record_table,
    save_cancel_buttons,
    show_error,
    status_label,
    with_error,
)

if TYPE_CHECKING:
    from ui.contacts_import import ContactFiles

T = TypeVar("T")
UNCERTAIN_GREETING = "Could not tell how to greet them: type how you would address them."


# --- the contact dialog -----------------------------------------------------------------


class ContactDialog(QDialog):
    """Adds or edits one contact; refuses to close on a missing name or a bad address."""

    def __init__(self, contact: Contact | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._id = contact.id if contact else None
        self.setWindowTitle("Edit contact" if self._id else "New contact")
        self._build()
        if contact is not None:
            self._fill(contact)

    def _build(self) -> None:
        self.name_edit = named(QLineEdit(), "Name")
        self.name_error = error_label("name_error")
        self.greeting_edit = named(QLineEdit(), "Greeting")
        self.greeting_edit.setToolTip(
            'How you address them after "Dear". Leave it empty to use the one shown, '
            "worked out from the name."
        )
        self.greeting_note = status_label("Greeting note")
        self.greeting_note.setText(UNCERTAIN_GREETING)
        self.greeting_note.hide()
        self.email_edit = named(QLineEdit(), "Email")
        self.email_edit.setPlaceholderText("ana@example.org")
        self.email_error = error_label("email_error")
        self.company_edit = named(QLineEdit(), "Company")
        self.title_edit = named(QLineEdit(), "Title")
        self.title_edit.setPlaceholderText("e.g. Engineering Lead, Recruiter")
        self.phone_edit = named(QLineEdit(), "Phone")
        self.notes_edit = plain_text_edit("Notes")
        self.check_in_spin = named(QSpinBox(), "Keep in touch every")
        self.check_in_spin.setRange(0, 365)
        self.check_in_spin.setSuffix(" days")
        self.check_in_spin.setSpecialValueText("Not asked to")
        self.check_in_spin.setToolTip(
            "They asked you to stay in touch: Today reminds you to check in this often."
        )
        form = QFormLayout()
        form.addRow("&Name:", with_error(self.name_edit, self.name_error))
        form.addRow("&Greeting:", with_error(self.greeting_edit, self.greeting_note))
        form.addRow("E&mail:", with_error(self.email_edit, self.email_error))
        form.addRow("&Company:", self.company_edit)
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Phone:", self.phone_edit)
        form.addRow("N&otes:", self.notes_edit)
        form.addRow("&Keep in touch every:", self.check_in_spin)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(save_cancel_buttons(self))
        for edit in (self.name_edit, self.email_edit, self.greeting_edit):
            edit.textChanged.connect(self._show_derived_greeting)

    def _show_derived_greeting(self) -> None:
        """The greeting the rules give, as the name is typed; flagged when it is a guess."""
        name, email = self.name_edit.text(), self.email_edit.text().strip()
        derived = greeting_for(name, email) if name.strip() or email else None
        self.greeting_edit.setPlaceholderText(derived.text if derived else "")
        typed = bool(self.greeting_edit.text().strip())
        self.greeting_note.setVisible(derived is not None and not derived.certain and not typed)

    def _fill(self, contact: Contact) -> None:
        self.name_edit.setText(contact.name)
        self.greeting_edit.setText(contact.greeting)
        self.email_edit.setText(contact.email)
        self.company_edit.setText(contact.company)
        self.title_edit.setText(contact.title)
        self.phone_edit.setText(contact.phone)
        self.notes_edit.setPlainText(contact.notes)
        self.check_in_spin.setValue(contact.check_in_days or 0)

    def contact(self) -> Contact:
        return Contact(
            name=self.name_edit.text().strip(),
            email=self.email_edit.text().strip(),
            company=self.company_edit.text().strip(),
            title=self.title_edit.text().strip(),
            phone=self.phone_edit.text().strip(),
            notes=self.notes_edit.toPlainText(),
            id=self._id,
            check_in_days=self.check_in_spin.value() or None,
            greeting=" ".join(self.greeting_edit.text().split()),  # "": from the name
        )

    def accept(self) -> None:
        if self._valid():
            super().accept()

    def _valid(self) -> bool:
        name_problem = "" if self.name_edit.text().strip() else "Type a name for this contact."
        email_problem = self._email_problem()
        show_error(self.name_edit, self.name_error, name_problem)
        show_error(self.email_edit, self.email_error, email_problem)
        if name_problem or email_problem:
            (self.name_edit if name_problem else self.email_edit).setFocus()
            return False
        return True

    def _email_problem(self) -> str:
        email = self.email_edit.text().strip()
        if not email:
            return ""  # an email can come later
        from composer.mail import parse_address  # the email package: not needed at start-up

        try:
            parse_address(email, "email")
        except InvalidAddress as error:
            return str(error)
        return ""


# --- a page of records ------------------------------------------------------------------


class RecordsPage(QWidget):
    """A table of records with its buttons, or an empty state when there are none yet.

    Single records are read and written on the GUI thread: each is one quick query.
    """

    changed = Signal()
    shown = operations.EVERY_RECORD  # the announced changes that make it look again

    def __init__(
        self,
        afterword: Afterword,
        runner: Runner,
        model: LazyTableModel[Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self.model = model
        self.table = record_table()
        self.table.setModel(model)
        self.table.setItemDelegate(TextsDelegate(model, self.table))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.list_view = QWidget()
        self.stack = QStackedWidget()
        self._need_selection: list[QPushButton] = []
        operations.refresh_on(runner, self.shown, self.refresh)

    def _lay_out(
        self,
        above: list[QWidget],
        buttons: list[QPushButton],
        empty: EmptyState,
        more: Sequence[QPushButton] = (),
    ) -> None:
        """``more`` go at the right, and need no record selected."""
        self.empty = empty
        self._need_selection = buttons[1:]  # all but Add act on the selected record
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch()
        for button in more:
            row.addWidget(button)
        layout = QVBoxLayout(self.list_view)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in [*above, self.table]:
            layout.addWidget(widget)
        layout.addLayout(row)
        self.stack.addWidget(self.list_view)
        self.stack.addWidget(empty)
        QVBoxLayout(self).addWidget(self.stack)

    def _on_keys(self, key: QKeySequence.StandardKey, action: Callable[[], object]) -> None:
        QShortcut(key, self.table, action, Qt.ShortcutContext.WidgetShortcut)

    def refresh(self) -> None:
        self._show_rows(self._selected_id())

    def _selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _selected_id(self) -> int | None:
        row = self._selected_row()
        return self.model.id_at(row) if row is not None else None

    def _neighbour_id(self) -> int | None:
        """The record to select once the selected one is deleted."""
        row = self._selected_row()
        if row is None:
            return None
        return self.model.id_at(row + 1) or self.model.id_at(row - 1)

    def _read(self, read: Callable[[], T]) -> T | None:
        try:
            return read()
        except AfterwordError as error:
            self._failed(error)
            return None

    def _select(self, record_id: int | None) -> None:
        """Once saved: the list as it is now, with that record selected."""
        self._show_rows(record_id)

    def _failed(self, error: AfterwordError) -> None:
        dialogs.tell(self, str(error), error=True)
        self.refresh()

    def _show_rows(self, select: int | None) -> None:
        self.model.reload()
        self.table.resizeColumnsToContents()
        self._after_reload(select)

    def _after_reload(self, select: int | None) -> None:
        self.stack.setCurrentWidget(self.empty if self._is_empty() else self.list_view)
        row = self.model.row_of(select) if select is not None else -1
        if row >= 0:
            self.table.selectRow(row)
        self._update_buttons()

    def _is_empty(self) -> bool:
        return self.model.rowCount() == 0

    def _show_timeline(self, **about: int) -> None:
        """One record's story so far; a reply or feedback noted there changes the records."""
        from ui.timeline import TimelineDialog

        dialog = TimelineDialog(self.afterword, self.runner, parent=self, **about)
        dialogs.run_dialog(dialog)  # a reply or feedback noted there was announced
        dialog.deleteLater()

    def _update_buttons(self) -> None:
        chosen = self._selected_row() is not None
        for button in self._need_selection:
            button.setEnabled(chosen)


# --- the contacts page ------------------------------------------------------------------


class ContactsPage(RecordsPage):
    """The contacts list: search as you type, add, edit, delete, import and export."""

    shown = operations.Changes.CONTACTS

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        self.model: ContactsModel
        super().__init__(afterword, runner, ContactsModel(afterword.store), parent)
        self.search = named(QLineEdit(), "Search contacts")
        self.search.setPlaceholderText("Search contacts")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        named(self.table, "Contacts")
        self.table.activated.connect(self.edit_selected)
        self._on_keys(QKeySequence.StandardKey.Delete, self.delete_selected)
        self.add_button = push_button("&Add…", "Add contact", self.new_contact)
        self.edit_button = push_button("E&dit…", "Edit contact", self.edit_selected)
        self.delete_button = push_button("De&lete", "Delete contact", self.delete_selected)
        self.timeline_button = push_button("Timelin&e…", "Timeline", self.timeline_selected)
        self._files: ContactFiles | None = None
        self.import_button = push_button(
            "Import…", "Import contacts", lambda: self.files.import_file()
        )
        self.export_button = push_button(
            "E&xport…", "Export contacts", lambda: self.files.export_file()
        )
        empty = EmptyState(
            "No contacts yet. Add the people you meet: recruiters, interviewers, HR.",
            "&Add a contact",
            self.new_contact,
        )
        self.empty_import_button = push_button(
            "&Import from a file…", "Import contacts from a file", lambda: self.files.import_file()
        )
        _add_below(empty, self.empty_import_button)
        buttons = [self.add_button, self.edit_button, self.delete_button, self.timeline_button]
        self._lay_out([self.search], buttons, empty, [self.import_button, self.export_button])
        self.refresh()

    @property
    def files(self) -> ContactFiles:
        """Import and export, loaded when first used: they are not needed to open the app."""
        if self._files is None:
            from ui.contacts_import import ContactFiles

            self._files = ContactFiles(self.afterword, self.runner, self)
            self._files.imported.connect(self._imported)
            self._files.busy_changed.connect(self._files_busy)
        return self._files

    def new_contact(self) -> None:
        dialog = ContactDialog(parent=self)
        while dialogs.run_dialog(dialog) and not self._added(dialog.contact()):
            pass  # back to the editor, with what was typed, to change the address
        dialog.deleteLater()

    def _added(self, contact: Contact) -> bool:
        """Adds, or merges into the contact who already has the address; False when the
        user goes back to change it."""
        store = self.afterword.store
        try:
            same = store.contact_id_by_email(contact.email)
            existing = store.contact(same) if same is not None else None
        except AfterwordError as error:
            self._failed(error)
            return True
        if existing is None or existing.id is None:
            self._save_contact(contact)
            return True
        same_id, choice = existing.id, ask_same_address(self, existing, contact)
        if choice is SameAddressChoice.MERGE:
            self._save_contact(contact, merge_into_id=same_id)
        elif choice is SameAddressChoice.OPEN:
            self.open_contact(same_id)
        return choice is not SameAddressChoice.BACK

    def open_contact(self, contact_id: int) -> None:
        """Shows the contact in the list (the search cleared if it hid them) and edits it."""
        if self.model.row_of(contact_id) < 0:
            self.search.clear()
        self._show_rows(contact_id)
        self.edit_selected()

    def edit_selected(self) -> None:
        contact_id = self.selected_contact_id()
        if contact_id is None:
            return
        contact = self._read(lambda: self.afterword.store.contact(contact_id))
        if contact is None:
            return
        dialog = ContactDialog(contact, parent=self)
        while dialogs.run_dialog(dialog) and not self._updated(dialog.contact()):
            pass  # back to the editor: the address is another contact's
        dialog.deleteLater()

    def _updated(self, contact: Contact) -> bool:
        """Saves the edit, unless another contact has its address (then False)."""
        store = self.afterword.store
        try:
            other = store.contact_id_by_email(contact.email, other_than=contact.id)
            if other is not None:
                dialogs.tell(self, taken_message(store.contact(other), contact.email), error=True)
                return False
        except AfterwordError as error:
            self._failed(error)
            return True
        self._save_contact(contact)
        return True

    def _save_contact(self, contact: Contact, merge_into_id: int | None = None) -> None:
        operations.save_contact(
            self.afterword,
            self.runner,
            contact,
            lambda saved: self._select(saved.id),
            self._failed,
            merge_into_id=merge_into_id,
        )

    def delete_selected(self) -> None:
        row = self._selected_row()
        contact = self.model.row_at(row) if row is not None else None
        if contact is None or contact.id is None:
            return
        contact_id, neighbour = contact.id, self._neighbour_id()
        question = f"Delete {contact.name}? Messages already sent to them are kept in Sent."
        if dialogs.ask(self, question, yes="Delete"):
            operations.delete_contact(
                self.afterword,
                self.runner,
                contact_id,
                lambda _: self._select(neighbour),
                self._failed,
            )

    def focus_search(self) -> None:
        if self.stack.currentWidget() is self.empty:
            self.empty.button.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def timeline_selected(self) -> None:
        """What passed with this person: interviews, messages, feedback, replies."""
        contact_id = self.selected_contact_id()
        if contact_id is not None:
            self._show_timeline(contact_id=contact_id)

    def selected_contact_id(self) -> int | None:
        return self._selected_id()

    def _is_empty(self) -> bool:
        return super()._is_empty() and not self.search.text()

    def _imported(self) -> None:
        self.refresh()
        self.changed.emit()

    def _files_busy(self, busy: bool) -> None:
        """One file at a time: two imports at once would each miss the duplicates of the other."""
        for button in (self.import_button, self.export_button, self.empty_import_button):
            button.setEnabled(not busy)

    def _search_changed(self, text: str) -> None:
        selected = self.selected_contact_id()
        self.model.set_search(text)
        self._after_reload(selected)


def _add_below(empty: EmptyState, button: QPushButton) -> None:
    """A second way to start, under the empty state's own button."""
    layout = empty.layout()
    assert isinstance(layout, QVBoxLayout)
    where = layout.indexOf(empty.button) + 1
    layout.insertWidget(where, button, alignment=Qt.AlignmentFlag.AlignCenter)
