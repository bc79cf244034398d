"""A new contact with an address another contact has: say so, and offer to merge.

There is no "add anyway": two contacts with one address break reply matching (a reply
from that address could be either's), so the choice is to merge, open the one already
kept, or go back and change the address.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from composer.records import Contact
from ui import dialogs
from ui.widgets import named


class SameAddressChoice(Enum):
    MERGE = "merge"
    OPEN = "open"
    BACK = "back"


class SameAddress(QDialog):
    """ "Ana Lima already has ana@acme.example" with Merge into, Open, and Go back."""

    def __init__(
        self,
        existing: Contact,
        new: Contact,
        *,
        can_open: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.choice = SameAddressChoice.BACK
        self.setWindowTitle("Already in your contacts")
        self.text = text = QLabel(
            f"{existing.name} already has {new.email}. One address belongs to one contact, "
            f"so that replies from it are matched to the right person.\n\n"
            f"Merge into {existing.name} keeps {existing.name} with their interviews and "
            "messages, and fills in what their details lack from what you typed."
        )
        text.setWordWrap(True)
        named(text, "Already in your contacts")
        buttons = QDialogButtonBox()
        self.merge_button = self._button(
            buttons, f"&Merge into {existing.name}", SameAddressChoice.MERGE
        )
        self.merge_button.setDefault(True)
        self.open_button = self._button(buttons, f"&Open {existing.name}", SameAddressChoice.OPEN)
        self.open_button.setVisible(can_open)
        self.back_button = self._button(buttons, "&Go back", SameAddressChoice.BACK)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)

    def _button(
        self, buttons: QDialogButtonBox, text: str, choice: SameAddressChoice
    ) -> QPushButton:
        button = named(QPushButton(text), text.replace("&", ""))
        role = (
            QDialogButtonBox.ButtonRole.RejectRole
            if choice is SameAddressChoice.BACK
            else QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(button, role)
        button.clicked.connect(lambda: self._chosen(choice))
        return button

    def _chosen(self, choice: SameAddressChoice) -> None:
        self.choice = choice
        if choice is SameAddressChoice.BACK:
            self.reject()
        else:
            self.accept()


def ask_same_address(
    parent: QWidget, existing: Contact, new: Contact, *, can_open: bool = True
) -> SameAddressChoice:
    dialog = SameAddress(existing, new, can_open=can_open, parent=parent)
    dialogs.run_dialog(dialog)
    dialog.deleteLater()
    return dialog.choice


def taken_message(existing: Contact, email: str) -> str:
    """For an edit: merging one kept contact into another is not offered here."""
    return (
        f"{existing.name} already has {email}. One address belongs to one contact, so that "
        "replies are matched to the right person: change this address, or delete one of "
        "the two contacts."
    )
