"""Compose's From line: who the message will come from, as Settings has it.

Read-only on purpose: the address is the sending account's, changed in Settings, where
the password and server that go with it are.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from composer.afterword import Afterword
from composer.errors import AccountError, AfterwordError
from composer.mail import sender_address
from ui.widgets import named

NO_ACCOUNT = "No sending account yet"


def from_line_text(afterword: Afterword) -> str:
    """``Sam Rivera <sam@example.org>``, as the message's From will say."""
    try:
        account = afterword.outbox.account()
    except AccountError as error:  # damaged settings: Send says so too
        return str(error)
    if account is None or not account.from_address:
        return NO_ACCOUNT
    name = afterword.store.profile().name
    try:
        return str(sender_address(name, account.from_address))
    except AfterwordError:  # Send says what to fix; here, show what there is
        return f"{name} <{account.from_address}>" if name else account.from_address


class FromLine(QWidget):
    change_requested = Signal()

    def __init__(self, afterword: Afterword, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.address = named(QLabel(), "From")
        self.address.setTextFormat(Qt.TextFormat.PlainText)  # a name is not markup
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.change_button = named(QPushButton("Change in Settings"), "Change in Settings")
        self.change_button.setFlat(True)
        font = self.change_button.font()
        font.setUnderline(True)  # reads as a link: it goes to Settings, it changes nothing here
        self.change_button.setFont(font)
        self.change_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.change_button.clicked.connect(self.change_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.address)
        layout.addWidget(self.change_button)
        layout.addStretch(1)

    def show_account(self) -> None:
        text = from_line_text(self.afterword)
        self.address.setText(text)
        self.change_button.setText(
            "Set up in Settings" if text == NO_ACCOUNT else "Change in Settings"
        )
