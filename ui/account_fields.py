"""What the account forms share (Settings, its Mailbox group, the first-run assistant):
status lines, the CA certificate row, errors said to the user, the test message."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from composer.account import SmtpAccount
from composer.afterword import Afterword
from composer.errors import AfterwordError
from ui import dialogs
from ui.widgets import named, push_button

CA_FILTERS = "Certificates (*.pem *.crt *.cer);;All files (*)"


def user_message(error: BaseException) -> str:
    """The message written for the user; anything else is a bug and stays loud."""
    if isinstance(error, AfterwordError):
        return str(error)
    raise error


def send_test_message(afterword: Afterword, account: SmtpAccount, typed: str) -> tuple[str, str]:
    """Blocking, for the worker: the outbox there has its own database connection."""
    with afterword.background() as outbox:
        return outbox.send_test_message(account, typed)


def say(label: QLabel, text: str) -> None:
    """Sets a status line; an empty one takes no room in its form."""
    label.setText(text)
    parent = label.parentWidget()
    form = parent.layout() if parent is not None else None
    if isinstance(form, QFormLayout):
        form.setRowVisible(label, bool(text))


class CaFileRow(QHBoxLayout):
    """An extra CA certificate to trust (a company's, Proton Bridge's): its file, Choose…
    and Clear. ``what`` ends each control's accessible name ("" or " for the mailbox")."""

    def __init__(self, owner: QWidget, what: str = "", *, choose: str, clear: str) -> None:
        super().__init__()
        self.owner = owner
        self.field = named(QLineEdit(), f"Extra CA certificate file{what}")
        self.field.setPlaceholderText("None: the system's trusted certificates only")
        self.choose_button = push_button(choose, f"Choose a CA certificate file{what}", self.choose)
        self.clear_button = push_button(
            clear, f"Clear the CA certificate file{what}", self.field.clear
        )
        self.addWidget(self.field, 1)
        self.addWidget(self.choose_button)
        self.addWidget(self.clear_button)

    def choose(self) -> None:
        path = dialogs.choose_file(self.owner, "Choose a CA certificate", CA_FILTERS)
        if path:
            self.field.setText(path)


def hold(button: QAbstractButton) -> None:
    """Disabled while its work runs. Disabling the focused button would hand the focus to
    the next field, its text selected for the next key to replace: the focus leaves it
    for nowhere instead, and comes back with ``release``."""
    if button.isEnabled():  # held already (a password asked for meanwhile): as it was
        button.setProperty(_HAD_FOCUS, button.hasFocus())
    if button.hasFocus():
        button.clearFocus()
    button.setEnabled(False)


def release(button: QAbstractButton) -> None:
    button.setEnabled(True)
    if button.property(_HAD_FOCUS) and button.window().focusWidget() is None:
        button.setFocus(Qt.FocusReason.OtherFocusReason)
    button.setProperty(_HAD_FOCUS, False)


_HAD_FOCUS = "afterword_had_focus"
