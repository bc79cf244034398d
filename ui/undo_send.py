"""Undo send: a message just sent waits a few seconds (Settings › Sending) with "Sending
in 9… Undo" in view, in Compose and in the window's status bar; nothing reaches the
server before. Undo brings it back to Compose as a draft, text, people and files intact.

The wait is a timer in the window, not a time in the records: a message waiting is
queued, and Undo saves it back as a draft. Quitting while it waits keeps it as a draft and
says so (as Gmail does on closing): the user's last word came before the wait was over,
and quitting never waits on the network for a message the user could still take back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from composer.errors import AfterwordError
from composer.schedule import undo_seconds
from composer.store import Store
from ui.widgets import named, push_button

if TYPE_CHECKING:
    from ui.compose import ComposePage
    from ui.one_each_panel import PanelDialog, PersonColumn

UNDONE = "Not sent: your message is back here as a draft."


class UndoSend(QObject):
    """One message (or one panel's messages) waiting at a time; a second Send lets the
    first go at once rather than keep two countdowns in view."""

    changed = Signal(str)  # what to show; "" when nothing waits

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.left = 0
        self.what = ""
        self._go: Callable[[], None] | None = None
        self._undo: Callable[[], None] | None = None
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._tick)

    @property
    def waiting(self) -> bool:
        return self._go is not None

    def hold(self, what: str, go: Callable[[], None], undo: Callable[[], None]) -> None:
        """``go`` after the delay (at once when it is 0), unless ``undo`` comes first."""
        seconds = undo_seconds(self.store)
        if self.waiting:
            self.send_now()
        if seconds <= 0:
            go()
            return
        self.what, self.left, self._go, self._undo = what, seconds, go, undo
        self._timer.start()
        self.changed.emit(self.text())

    def text(self) -> str:
        return f"Sending {self.what} in {self.left}…" if self.waiting else ""

    def undo(self) -> None:
        self._end(self._undo)

    def send_now(self) -> None:
        self._end(self._go)

    def _end(self, then: Callable[[], None] | None) -> None:
        if then is None:
            return
        self._timer.stop()
        self._go = self._undo = None
        self.changed.emit("")
        then()

    def _tick(self) -> None:
        self.left -= 1
        if self.left <= 0:
            self.send_now()
        else:
            self.changed.emit(self.text())


class UndoBar(QWidget):
    """ "Sending in 9… [Undo] [Send now]", shown only while something waits."""

    def __init__(self, undo_send: UndoSend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = named(QLabel(), "Sending in")
        self.undo_button = push_button("&Undo", "Undo send", undo_send.undo)
        self.now_button = push_button("Send no&w", "Send now", undo_send.send_now)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.undo_button)
        row.addWidget(self.now_button)
        undo_send.changed.connect(self._show)
        self._show(undo_send.text())

    def _show(self, text: str) -> None:
        self.label.setText(text)
        self.setVisible(bool(text))


# --- Compose's hooks ----------------------------------------------------------------------


def hold_compose(page: ComposePage, message_id: int) -> None:
    """The page stays as it is, locked, while the message waits."""
    page.sending = True
    page._editing_locked(True)
    page.status.setText("")
    page._update_send()
    page.undo_send.hold(
        f"“{page.subject.text()}”",
        lambda: page._start_sending(message_id),
        lambda: _undone(page),
    )


def _undone(page: ComposePage) -> None:
    page.sending = False
    page._editing_locked(False)
    try:
        page.afterword.outbox.save_draft(page.current_message())  # queued → draft
    except AfterwordError as error:  # the records busy: the text is still on the page
        page.status.setText(f"Not sent. Your message could not be saved as a draft: {error}")
    else:
        page.status.setText(UNDONE)
    page._update_send()
    if page.message_id is not None:
        page.saved.emit(page.message_id)


def keep_waiting_as_draft(page: ComposePage) -> str:
    """Quitting while a message waits: it is kept as a draft; what to tell the user."""
    if not page.undo_send.waiting:
        return ""
    subject = page.undo_send.what
    page.undo_send.undo()
    return (
        f"The message {subject} had not been sent yet, so it was kept as a draft. "
        "Open it in Outbox & Sent to send it."
    )


# --- the panel's ----------------------------------------------------------------------------


def hold_panel(panel: PanelDialog, ids: list[int], wanted: list[PersonColumn]) -> None:
    count = len(ids)
    panel.undo_send.hold(
        f"{count} message{'s' if count != 1 else ''}",
        lambda: panel.go(ids),
        lambda: _panel_undone(panel, ids, wanted),
    )


def _panel_undone(panel: PanelDialog, ids: list[int], wanted: list[PersonColumn]) -> None:
    """Each message back to a draft, and its column's again: the next Send sends these
    same messages, with whatever the user changes, not a second copy of each."""
    outbox, store = panel.afterword.outbox, panel.afterword.store
    for message_id, column in zip(ids, wanted, strict=True):
        outbox.save_draft(store.message(message_id))
        column.retry_id = message_id
        column.status.setText("Not sent.")
    panel.sending = False
    panel._update_send()
    panel.summary.setText("Not sent: the messages are here to change, then send again.")
