"""A field that finds a contact as you type: any word of the name, address, company or title.

With 10,000 contacts a drop-down of them all cannot be used; here the store's search index
answers each keystroke and the completer shows only the first few matches.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from composer.records import Contact
from composer.store import Store

SHOWN = 20  # matches listed at once: more is a sign to type more


def contact_label(contact: Contact) -> str:
    """Name, company and address: two Ana Limas are told apart by where they work."""
    named = f"{contact.name} ({contact.company})" if contact.company else contact.name
    return f"{named} <{contact.email}>" if contact.email else named


class ContactPicker(QLineEdit):
    """Emits ``picked`` with the contact's id when one is chosen from the list."""

    picked = Signal(int)
    entered = Signal()  # Enter with something typed: add them, not save the whole dialog

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.matches = QStandardItemModel(self)  # only what is listed: at most SHOWN rows
        self.completions = QCompleter(self.matches, self)
        self.completions.setWidget(self)
        self.completions.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completions.setMaxVisibleItems(10)
        self.completions.activated[QModelIndex].connect(self._activated)  # type: ignore[index]
        self.setPlaceholderText("Type a name, company or address")
        self.setClearButtonEnabled(True)
        self.textEdited.connect(self.list_matches)
        self.textChanged.connect(self._text_changed)

    def list_matches(self, text: str) -> None:
        """Lists the first matches of ``text`` under the field."""
        ids = self.store.contact_ids(text)[:SHOWN] if text.strip() else []
        found = self.store.contacts_by_id(ids) if ids else {}
        self.matches.clear()
        for contact_id in ids:
            item = QStandardItem(contact_label(found[contact_id]))
            item.setData(contact_id, Qt.ItemDataRole.UserRole)
            self.matches.appendRow(item)
        if ids:
            self.completions.complete()
        else:
            self.hide_matches()

    def hide_matches(self) -> None:
        popup = self.completions.popup()
        if popup is not None:
            popup.hide()

    def chosen(self) -> int | None:
        """The contact meant by what is typed: the only match, or one typed out in full."""
        ids = self.store.contact_ids(self.text())[:SHOWN] if self.text().strip() else []
        if len(ids) == 1:
            return ids[0]
        found = self.store.contacts_by_id(ids) if ids else {}
        exact = [i for i in ids if contact_label(found[i]) == self.text().strip()]
        return exact[0] if len(exact) == 1 else None

    def show_matches(self) -> None:
        self.list_matches(self.text())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter adds the person typed; in a dialog it would otherwise press Save."""
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.text().strip():
            self.entered.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def _text_changed(self, text: str) -> None:
        if not text:  # cleared, or the contact was added: nothing left to choose from
            self.hide_matches()

    def _activated(self, index: QModelIndex) -> None:
        contact_id = index.data(Qt.ItemDataRole.UserRole)
        if contact_id is not None:
            self.picked.emit(int(contact_id))
