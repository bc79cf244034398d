"""To, Cc and Bcc as in a mail client: type part of a name, company or address, and the
matching contacts pop up; Enter or a click puts "Name <address>" in the field. An address
that is no contact is kept as typed (it is checked when the message is queued).

The matches come from the store's search index, a few rows at a time: a model of every
contact would take longer to build than a keystroke may, at 10,000 contacts.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QCompleter, QLabel, QLineEdit, QListView, QWidget

from composer.address_trust import (
    ENGLISH,
    AddressTrust,
    Trust,
    flagged,
    note,
    own_scripts,
    written_address,
)
from composer.mail import parse_address_or_none, split_addresses
from composer.records import Contact
from composer.store import Store
from ui.models import Index
from ui.widgets import named, status_label

MATCHES_SHOWN = 8  # a popup, not a list to scroll: more words narrow it down
SEPARATORS = ",;"


def contact_text(contact: Contact) -> str:
    """How a contact stands in an address field: ``Name <address>``. Quotes are left out
    of the name (they would split the field wrongly), and a name with a comma is quoted."""
    name = contact.name.replace('"', "").strip()
    if not contact.email:
        return name
    if not name:
        return contact.email
    if any(c in name for c in ",;<>@:()[]\\"):
        name = f'"{name}"'
    return f"{name} <{contact.email}>"


def match_text(contact: Contact) -> str:
    """A line of the popup: enough to tell two people of the same name apart."""
    about = " · ".join(part for part in (contact.company, contact.title) if part)
    return f"{contact_text(contact)}  —  {about}" if about else contact_text(contact)


class ContactMatches(QAbstractListModel):
    """The first contacts matching what is typed, from the store's in-memory index."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.contacts: list[Contact] = []
        self.total = 0

    def search(self, text: str) -> None:
        ids = self.store.contact_ids(text)
        found = self.store.contacts_by_id(ids[:MATCHES_SHOWN])
        self.beginResetModel()
        self.total = len(ids)
        self.contacts = [found[i] for i in ids[:MATCHES_SHOWN] if i in found]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.contacts)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.contacts):
            return None
        contact = self.contacts[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return match_text(contact)
        if role == Qt.ItemDataRole.EditRole:
            return contact_text(contact)
        if role == Qt.ItemDataRole.UserRole:
            return contact.id
        return None


def _piece_bounds(text: str, cursor: int) -> tuple[int, int]:
    """Where the address under the cursor starts and ends (separators in quotes aside)."""
    start, quoted = 0, False
    for n, character in enumerate(text[:cursor]):
        if character == '"':
            quoted = not quoted
        elif character in SEPARATORS and not quoted:
            start = n + 1
    end = len(text)
    for n in range(cursor, len(text)):
        if text[n] == '"':
            quoted = not quoted
        elif text[n] in SEPARATORS and not quoted:
            end = n
            break
    return start, end


def trust_note(field: str) -> QLabel:
    """Under the field: each flagged address beside its real (punycode) form, and why.
    Bold for a look-alike; no colour of our own, so the theme's text stays readable."""
    label = status_label(f"{field}: addresses to check", selectable=True)
    label.hide()
    return label


class AddressField(QLineEdit):
    """One address line (To, Cc or Bcc) that completes over contacts."""

    recipients_changed = Signal()  # typed in, or a contact chosen

    def __init__(self, store: Store, name: str, placeholder: str = "") -> None:
        super().__init__()
        named(self, name)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.store = store
        self._chosen: dict[str, int] = {}  # text put in for a contact → that contact
        self._by_email: dict[str, int | None] = {}  # a typed address → its contact, if any
        self.matches = ContactMatches(store, self)
        self.completer_ = QCompleter(self.matches, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setWidget(self)
        self.completer_.activated[QModelIndex].connect(self._picked)  # type: ignore[index]
        self.popup = named(QListView(), f"{name}: matching contacts")
        self.popup.setUniformItemSizes(True)  # rows are measured once, not each
        self.completer_.setPopup(self.popup)
        self.textEdited.connect(self._typed)
        self.trust_note = trust_note(name)  # look-alike domains, with their real form
        self._mine = ENGLISH  # the user's scripts, read again each time the field is shown
        self.textChanged.connect(self._show_trust)

    # --- what it holds ----------------------------------------------------------------

    def addresses(self) -> list[str]:
        return split_addresses(self.text())

    def contact_ids(self) -> list[int]:
        """The contacts it holds, in order, each once."""
        ids = (self._contact_of(piece) for piece in self.addresses())
        return list(dict.fromkeys(i for i in ids if i is not None))

    def typed(self) -> list[str]:
        """The addresses in it that are none of the contacts."""
        return [piece for piece in self.addresses() if self._contact_of(piece) is None]

    def _contact_of(self, piece: str) -> int | None:
        if piece in self._chosen:
            return self._chosen[piece]
        email = parse_address_or_none(piece)
        if email is None:
            return None
        if email not in self._by_email:
            self._by_email[email] = next(iter(self.store.contact_ids_by_email([email])), None)
        return self._by_email[email]

    def forget_lookups(self) -> None:
        """Contacts were changed elsewhere: an address typed may now be someone's."""
        self._by_email.clear()

    # --- addresses people can trust ----------------------------------------------------

    def look_alikes(self) -> list[AddressTrust]:
        """The addresses in it whose domain cannot be shown as typed (IDN homographs)."""
        written = (written_address(piece) for piece in self.addresses())
        return flagged((w for w in written if w), self._mine)

    def showEvent(self, event: QShowEvent) -> None:
        """The user's name or address may have changed in Settings (and their script)."""
        self._mine = own_scripts(self.store.profile())
        self._show_trust()
        super().showEvent(event)

    def _show_trust(self) -> None:
        found = self.look_alikes()
        text = "\n".join(note(f) for f in found)
        self.trust_note.setText(text)
        self.trust_note.setVisible(bool(text))
        font = self.trust_note.font()
        font.setBold(any(f.trust is not Trust.OTHER_SCRIPT for f in found))  # a look-alike
        self.trust_note.setFont(font)
        self.setToolTip(text)
        self.setAccessibleDescription(text)

    # --- filling it -------------------------------------------------------------------

    def set_recipients(self, contact_ids: Sequence[int], others: Sequence[str] = ()) -> None:
        """These contacts (as they are now in Contacts), then the other addresses."""
        contacts = self.store.contacts_by_id(list(contact_ids)) if contact_ids else {}
        pieces = []
        self._chosen.clear()
        for contact_id in (i for i in contact_ids if i in contacts):
            text = contact_text(contacts[contact_id])
            self._chosen[text] = contact_id
            pieces.append(text)
        self.setText(", ".join([*pieces, *others]))
        self.popup.hide()

    def set_addresses(self, addresses: Sequence[str], first: int | None = None) -> None:
        """A saved message's addresses, as they were; ``first`` is the contact it was
        written for (two contacts may share an address)."""
        self._chosen.clear()
        if first is not None:
            contact = self.store.contacts_by_id([first]).get(first)
            wanted = contact.email.lower() if contact else None
            for piece in addresses:
                if wanted and parse_address_or_none(piece) == wanted:
                    self._chosen[piece] = first
        self.setText(", ".join(addresses))

    # --- completion -------------------------------------------------------------------

    def _typed(self, _text: str) -> None:
        start, end = _piece_bounds(self.text(), self.cursorPosition())
        query = self.text()[start:end].strip()
        if not query or query in self._chosen:
            self.popup.hide()
        else:
            self.show_matches(query)
        self.recipients_changed.emit()

    def show_matches(self, query: str) -> None:
        self.matches.search(query)
        popup = self.popup
        if not self.matches.rowCount():
            popup.hide()
            return
        self.completer_.complete()
        popup.setCurrentIndex(self.matches.index(0))  # Enter takes the best match

    def _picked(self, index: QModelIndex) -> None:
        contact_id = index.data(Qt.ItemDataRole.UserRole)
        contact = next((c for c in self.matches.contacts if c.id == contact_id), None)
        if contact is None:
            return
        text = contact_text(contact)
        start, end = _piece_bounds(self.text(), self.cursorPosition())
        head = self.text()[:start].rstrip()
        tail = self.text()[end:].lstrip(SEPARATORS + " ")
        head = f"{head} " if head else ""
        self._chosen[text] = contact_id
        self.setText(f"{head}{text}, {tail}".rstrip() + (" " if not tail else ""))
        self.setCursorPosition(len(head) + len(text) + 2)
        self.recipients_changed.emit()
