"""Send later: the button beside Send with its suggestions and a free choice, what Compose
says once a message is scheduled, and the list of overdue ones shown at start-up.

The time is kept in the outbox (composer/schedule.py), so quitting loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from composer.afterword import Afterword
from composer.clock import Clock
from composer.dates import chosen_locale, medium_date_time
from composer.errors import AfterwordError
from composer.records import Message, MessageState
from composer.schedule import Scheduled, suggestions
from ui import dialogs
from ui.interviews import DATE_FORMAT, to_aware
from ui.undo_send import hold_compose
from ui.widgets import named, to_local

if TYPE_CHECKING:
    from ui.compose import ComposePage


class SendLaterButton(QToolButton):
    """ "Send later…" with tomorrow morning, Monday morning (from Friday) and in an hour,
    worked out when the menu opens, and "Choose a time…"."""

    chosen = Signal(object)  # the aware datetime the user picked

    def __init__(
        self, clock: Clock, on_chosen: Callable[[datetime], object], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.chosen.connect(on_chosen)
        self.setText("Send &later…")
        self.setAccessibleName("Send later")
        self.setToolTip("Keep it in the outbox and send it at a time you choose")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        menu = self.menu()
        assert menu is not None
        menu.aboutToShow.connect(self.fill)

    def fill(self) -> None:
        menu = self.menu()
        assert menu is not None
        menu.clear()
        for label, when in suggestions(self.clock().astimezone()):
            menu.addAction(label, partial(self.chosen.emit, when))
        menu.addSeparator()
        menu.addAction("Choose a time…", self.choose)

    def choose(self) -> None:
        when = choose_time(self, self.clock())
        if when is not None:
            self.chosen.emit(when)


class TimeDialog(QDialog):
    def __init__(self, now: datetime, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        start = (now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        self.when = named(QDateTimeEdit(to_local(start)), "Send at")
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat(DATE_FORMAT)
        self.when.setMinimumDateTime(to_local(now))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Send it on:"))
        layout.addWidget(self.when)
        layout.addWidget(buttons)

    def chosen(self) -> datetime:
        return to_aware(self.when.dateTime())


def choose_time(
    parent: QWidget | None, now: datetime, title: str = "Send later"
) -> datetime | None:
    dialog = TimeDialog(now, title, parent)
    return dialog.chosen() if dialogs.run_dialog(dialog) else None


def when_text(afterword: Afterword, when: datetime) -> str:
    return medium_date_time(when, chosen_locale(afterword.store))


# --- Compose's hooks ----------------------------------------------------------------------


def send_later(page: ComposePage, at: datetime) -> None:
    """One message, checked as Send checks it, then kept to go ``at``. Several people
    ticked would each get their own message, written side by side and sent from there:
    that is not sent later, so the page says what to do instead of sending it now."""
    if page.choice.one_each():
        page.status.setText(
            "Send later sends one message. With several people ticked, tick One message "
            "to all of them, or use Send to write and send one message each now."
        )
        return
    page.send(at=at)


def put_in_outbox(page: ComposePage, message: Message) -> Message:
    """Queued to go now, or scheduled when the user chose Send later (and it was checked)."""
    at, page.send_at = page.send_at, None
    outbox = page.afterword.outbox
    return outbox.queue(message) if at is None else outbox.schedule(message, at)


def in_outbox(page: ComposePage, message: Message) -> None:
    assert message.id is not None
    if message.state is MessageState.SCHEDULED:
        scheduled_in_compose(page, message)
    else:
        hold_compose(page, message.id)  # then it goes, unless Undo


def scheduled_in_compose(page: ComposePage, message: Message) -> None:
    """It is in the outbox with its time: the page is free for the next one."""
    assert message.id is not None and message.scheduled_at is not None
    page.saved.emit(message.id)
    page.clear_after_send(
        f"Scheduled: it goes on {when_text(page.afterword, message.scheduled_at)}. "
        "To change or cancel it, open it in Outbox & Sent."
    )


def reopened_note(afterword: Afterword, message: Message) -> str:
    """A scheduled message opened in Compose is a draft again while it is changed: what is
    on the page is what will go, and nothing goes while the user is still editing it."""
    if message.state is not MessageState.SCHEDULED or message.id is None:
        return ""
    try:
        afterword.outbox.unschedule(message.id)
    except AfterwordError as error:  # it went (or started to go) a moment ago
        return f"{error} What you see here will be kept as a new draft if you change it."
    when = when_text(afterword, message.scheduled_at) if message.scheduled_at else "later"
    return (
        f"This message was to go on {when}. It is a draft while you change it: "
        "choose Send later again (or Send) when it is ready."
    )


# --- overdue at start-up ------------------------------------------------------------------


class Overdue(Enum):
    SEND_NOW = "send"
    RESCHEDULE = "reschedule"
    KEEP_AS_DRAFT = "draft"


class OverdueDialog(QDialog):
    """Scheduled messages whose time passed while Afterword was closed (or the computer
    asleep): never sent hours late without the user saying so."""

    def __init__(
        self, afterword: Afterword, late: Sequence[Scheduled], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Messages that were to go while Afterword was closed")
        self.late = list(late)
        self.choice = Overdue.KEEP_AS_DRAFT
        count = len(self.late)
        intro = QLabel(
            f"{'This message was' if count == 1 else f'These {count} messages were'} to go "
            "while Afterword was closed. Send now, choose another time, or keep as a draft?"
        )
        intro.setWordWrap(True)
        self.list = named(QListWidget(), "Overdue messages")
        for message in self.late:
            self.list.addItem(
                f"{when_text(afterword, message.scheduled_at)}: {message.subject} (to {message.to})"
            )
        buttons = QDialogButtonBox()
        self.buttons: dict[Overdue, QPushButton] = {}
        for choice, text, role in (
            (Overdue.SEND_NOW, "&Send now", QDialogButtonBox.ButtonRole.AcceptRole),
            (Overdue.RESCHEDULE, "&Reschedule…", QDialogButtonBox.ButtonRole.ActionRole),
            (Overdue.KEEP_AS_DRAFT, "&Keep as draft", QDialogButtonBox.ButtonRole.RejectRole),
        ):
            button = buttons.addButton(text, role)
            assert button is not None
            button.clicked.connect(lambda _=False, choice=choice: self.choose(choice))
            self.buttons[choice] = button
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)

    def choose(self, choice: Overdue) -> None:
        self.choice = choice
        self.accept()
