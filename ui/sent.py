"""Outbox & Sent: every message with its state; the exact message that went out.

A failed message can be sent again; an "uncertain" one (Afterword stopped mid-send) says
what happened and lets the user mark it sent or send it again, after checking.
"""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QFontDatabase, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from composer.app import Afterword
from composer.errors import AfterwordError
from composer.outbox import SendResult
from composer.records import Message, MessageState
from ui import dialogs
from ui.models import MessagesModel
from ui.runner import Runner
from ui.widgets import named, push_button, status_label

ALL = "All"


def readable(message: Message) -> str:
    """Headers and text of the message exactly as it went out (or will go out)."""
    if not message.raw:
        lines = [f"To: {', '.join(message.to)}", f"Subject: {message.subject}", "", message.body]
        return "\n".join(lines)
    parsed = message_from_bytes(message.raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    headers = [f"{name}: {value}" for name, value in parsed.items()]
    body = parsed.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    files = [f"[attached: {part.get_filename()}]" for part in parsed.iter_attachments()]
    return "\n".join([*headers, "", text.replace("\r\n", "\n"), *files])


class SentPage(QWidget):
    open_draft_requested = Signal(int)
    changed = Signal()

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self.model = MessagesModel(afterword.store)
        self.sending = False
        self._stale = False
        self._build()
        self.refresh()

    def _build(self) -> None:
        self.contact_filter = named(QComboBox(), "Filter by contact")
        self.interview_filter = named(QComboBox(), "Filter by interview")
        self.table = named(QTableView(), "Messages")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.reader = named(QPlainTextEdit(), "The message as sent")
        self.reader.setReadOnly(True)
        self.reader.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.explanation = status_label("What happened")
        self.send_again_button = push_button("Send &again", "Send again", self.send_again)
        self.mark_sent_button = push_button("&Mark as sent", "Mark as sent", self.mark_sent)
        self.open_button = push_button("&Open in Compose", "Open in Compose", self._open)
        self.delete_button = push_button("&Delete draft", "Delete draft", self.delete_draft)
        self.empty = QLabel(
            "Nothing here yet. Messages you write appear here: drafts, what is being sent, "
            "and everything sent, with the exact text that went out."
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Contact:"))
        filters.addWidget(self.contact_filter, 1)
        filters.addWidget(QLabel("Interview:"))
        filters.addWidget(self.interview_filter, 1)
        actions = QHBoxLayout()
        for button in (self.open_button, self.delete_button):
            actions.addWidget(button)
        actions.addStretch(1)
        for button in (self.mark_sent_button, self.send_again_button):
            actions.addWidget(button)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.explanation)
        detail_layout.addWidget(self.reader, 1)
        detail_layout.addLayout(actions)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(detail)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(split)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.stack, 1)

        self.contact_filter.currentIndexChanged.connect(self._filter)
        self.interview_filter.currentIndexChanged.connect(self._filter)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self._show(None)

    # --- loading ------------------------------------------------------------------------

    def refresh_when_shown(self) -> None:
        """Reloads now if shown, else when next shown: a batch may end out of sight, and
        reloading 50,000 rows nobody sees would stall the window."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def refresh(self) -> None:
        self._stale = False
        chosen = self.selected_id()
        self._fill_filters()
        self.model.reload()
        filtered = self.model.contact_id is not None or self.model.interview_id is not None
        has_any = self.model.rowCount() > 0 or (filtered and self.afterword.store.has_messages())
        self.stack.setCurrentIndex(1 if has_any else 0)
        self.select(chosen)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _fill_filters(self) -> None:
        store = self.afterword.store
        for combo, items in (
            (self.contact_filter, [(c.id, c.name) for c in store.contacts()]),
            (
                self.interview_filter,
                [(i.id, f"{i.company}, {i.position}".strip(", ")) for i in store.interviews()],
            ),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ALL, None)
            for record_id, label in items:
                combo.addItem(label, record_id)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)
        self.model.contact_id = self.contact_filter.currentData()
        self.model.interview_id = self.interview_filter.currentData()

    def _filter(self) -> None:
        self.model.set_filter(
            contact_id=self.contact_filter.currentData(),
            interview_id=self.interview_filter.currentData(),
        )
        self._show(None)

    def select(self, message_id: int | None) -> None:
        row = self.model.row_of(message_id) if message_id is not None else -1
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.table.clearSelection()
            self._show(None)

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.id_at(rows[0].row()) if rows else None

    def _selected(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        message_id = self.selected_id()
        self._show(self.afterword.store.message(message_id) if message_id else None)

    def _show(self, message: Message | None) -> None:
        """Only the opened message's body and bytes are read, never the whole list's."""
        state = message.state if message else None
        self.reader.setPlainText(readable(message) if message else "")
        self.explanation.setText(_explain(message) if message else "")
        self.explanation.setVisible(bool(self.explanation.text()))
        self.send_again_button.setEnabled(state in (MessageState.FAILED, MessageState.UNCERTAIN))
        self.mark_sent_button.setEnabled(state is MessageState.UNCERTAIN)
        editable = (MessageState.DRAFT, MessageState.FAILED)
        self.open_button.setEnabled(state in editable)
        self.delete_button.setEnabled(state is MessageState.DRAFT)

    # --- actions ------------------------------------------------------------------------

    def send_again(self) -> None:
        message_id = self.selected_id()
        if message_id is None:
            return
        outbox = self.afterword.outbox
        try:
            if outbox.store.message(message_id).state is MessageState.UNCERTAIN:
                question = (
                    "Send this message again? Do this only if you checked that it did not "
                    "arrive (your mail's Sent folder, or the recipient): otherwise they may "
                    "get it twice."
                )
                if not dialogs.ask(self, question, yes="Send again"):
                    return
                outbox.send_again(message_id)
            else:
                outbox.retry(message_id)
        except AfterwordError as error:
            dialogs.tell(self, str(error), error=True)
            return
        self._send(message_id)

    def _send(self, message_id: int) -> None:
        self.sending = True
        self.send_again_button.setEnabled(False)
        self.explanation.setText("Sending…")
        self.explanation.show()
        self.runner.run(
            lambda: self.afterword.send_messages([message_id]),
            self._sent,
            lambda error: self._failed(error),
            sending=True,
        )

    def _sent(self, results: list[SendResult]) -> None:
        self.sending = False
        self.refresh()
        self.changed.emit()

    def _failed(self, error: BaseException) -> None:
        self.sending = False
        self.refresh()
        if not isinstance(error, AfterwordError):
            raise error
        dialogs.tell(self, str(error), error=True)

    def mark_sent(self) -> None:
        message_id = self.selected_id()
        if message_id is not None:
            self.afterword.outbox.mark_sent(message_id)
            self.refresh()
            self.changed.emit()

    def _open(self) -> None:
        message_id = self.selected_id()
        if message_id is not None:
            self.open_draft_requested.emit(message_id)

    def delete_draft(self) -> None:
        message_id = self.selected_id()
        if message_id is None or not dialogs.ask(self, "Delete this draft?", yes="Delete"):
            return
        try:
            self.afterword.store.delete_message(message_id)
        except AfterwordError as error:
            dialogs.tell(self, str(error), error=True)
        self.refresh()
        self.changed.emit()


def _explain(message: Message) -> str:
    match message.state:
        case MessageState.UNCERTAIN:
            return (
                f"{message.error or 'This message may or may not have been delivered.'} "
                "Mark as sent if it arrived; Send again only if it did not."
            )
        case MessageState.FAILED:
            return f"Not sent: {message.error}"
        case MessageState.SENT:
            return f"Sent. The server said: {message.server_reply}"
        case MessageState.DRAFT:
            return "A draft: open it in Compose to finish it."
    return f"{str(message.state).capitalize()}…"
