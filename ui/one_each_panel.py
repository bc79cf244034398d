"""One message each: a personal message per person, side by side for review.

The normal way to follow up with several people (every path that starts a follow-up for
more than one person opens it). Each column is one person: an optional detail of what you
discussed (the text is filled in again when it changes, until you edit the text
yourself), the subject and whole text as it will go out, and the result once sent.
Someone already sent this follow-up is left out unless you tick "Send again".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from composer.afterword import Afterword
from composer.compose import PanelMessage, PanelUnwritten, queue_panel, unwritten_panel, write_panel
from composer.dates import FALLBACK, chosen_locale, medium_date
from composer.errors import AfterwordError
from composer.outbox import SendResult
from composer.records import MessageState
from composer.templates import BuiltIn
from ui import dialogs, password_prompt, spelling
from ui.checked_send import PanelCheck
from ui.runner import Runner
from ui.undo_send import UndoBar, UndoSend, hold_panel
from ui.widgets import named, plain_text_edit, status_label

CHECK_IN_OUTBOX = (
    "In Outbox & Sent, choose Mark as sent if it arrived, or Send again only if it did not."
)
EDITED_DETAIL = "You edited this text: type the detail into it directly."
WRITING = "Writing…"


def already_sent_text(item: PanelMessage, date_locale: str) -> str:
    when = f" on {medium_date(item.sent_on, date_locale)}" if item.sent_on else ""
    return f"Already sent this follow-up{when}."


class PersonColumn(QGroupBox):
    """One person's message."""

    def __init__(
        self, item: PanelMessage, *, with_detail: bool = True, date_locale: str = FALLBACK
    ) -> None:
        super().__init__(item.contact.name)
        self.item = item
        self.date_locale = date_locale
        name = item.contact.name
        self.detail = named(QLineEdit(), f"What you discussed with {name}")
        self.detail.setPlaceholderText("Optional: something you discussed")
        self.subject = named(QLineEdit(), f"Subject for {name}")
        self.body: QPlainTextEdit = plain_text_edit(f"Message to {name}")
        self.detail_note = status_label(f"Detail for {name}")
        self.detail_note.setText(EDITED_DETAIL)
        self.detail_note.hide()
        self.again = named(QCheckBox("Already sent: send &again"), f"Send again to {name}")
        self.again.setVisible(item.already_sent)
        self.status = status_label(f"Result for {name}", selectable=True)
        self.touched = False  # the user edited subject or text
        self.retry_id: int | None = None  # the message that failed: sending again retries it
        self.subject.textEdited.connect(self._touch)
        self.body.textChanged.connect(self._touch)
        self._showing = False
        form = QFormLayout()
        if with_detail:
            form.addRow("Detail:", self.detail)
            form.addRow("", self.detail_note)
        else:
            self.detail.hide()
        form.addRow("Subject:", self.subject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.again)
        layout.addWidget(self.status)
        self.show_item(item)

    def _touch(self) -> None:
        if not self._showing:
            self.touched = True
            self._detail_applies(False)

    def _detail_applies(self, applies: bool) -> None:
        """Once the text is the user's own, a detail would not reach it: said plainly."""
        self.detail.setEnabled(applies)
        self.detail_note.setVisible(not applies and self.detail.isVisibleTo(self))

    def show_item(self, item: PanelMessage) -> None:
        self.item = item
        message = item.message
        self._showing = True
        self.subject.setText(message.subject if message else "")
        self.body.setPlainText(message.body if message else "")
        self._showing = False
        for widget in (self.subject, self.body):
            widget.setEnabled(message is not None)
        self.status.setText(
            item.problem or (already_sent_text(item, self.date_locale) if item.already_sent else "")
        )

    @property
    def wanted(self) -> bool:
        return self.item.message is not None and (
            not self.item.already_sent or self.again.isChecked()
        )

    def edited(self) -> PanelMessage:
        """The item with the text as the user left it; after a failure, as the same message,
        so that no second copy of it is left to send."""
        if self.item.message is None:
            return self.item
        message = replace(
            self.item.message,
            subject=self.subject.text(),
            body=self.body.toPlainText(),
            id=self.retry_id,
        )
        return replace(self.item, message=message)

    def show_result(self, result: SendResult) -> None:
        """A failed message may be sent again from here; a sent or uncertain one is not
        offered again unasked (whether an uncertain one arrived is settled after checking)."""
        failed = result.state is MessageState.FAILED
        self.retry_id = result.message_id if failed else None
        if failed:
            self.status.setText(result.detail)
            return
        sent = result.state is MessageState.SENT
        self.status.setText("Sent." if sent else f"{result.detail} {CHECK_IN_OUTBOX}")
        self.touched = False  # the edits went out with it
        self.detail.setEnabled(False)  # it went: nothing more to fill in
        self.detail_note.hide()
        self.item = replace(self.item, already_sent=True)
        self.again.setChecked(False)
        self.again.setVisible(sent)


class PanelDialog(QDialog):
    def __init__(
        self,
        afterword: Afterword,
        runner: Runner,
        interview_id: int | None,
        template_id: str = BuiltIn.THANK_YOU,
        parent: QWidget | None = None,
        *,
        contact_ids: Sequence[int] | None = None,
        written: Sequence[PanelMessage] | None = None,
    ) -> None:
        """The people are ``contact_ids`` (else whom the template goes to at the interview);
        ``written`` gives messages already written (a follow-up in a thread), not refilled."""
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self.interview_id = interview_id
        self.template_id = template_id
        self.contact_ids = list(contact_ids) if contact_ids is not None else None
        self.fixed = written is not None
        self.sending = False
        self.check = PanelCheck(self)  # before they go
        self.undo_send = UndoSend(afterword.store, self)  # a few seconds with Undo in view
        self.results: dict[int, SendResult] = {}  # each message's latest, over every send
        self.setWindowTitle(self._title())
        self._render_count = 0  # only the latest render is shown
        self.writing = False  # the messages are being written off the GUI thread
        unwritten = [] if written is not None else self._unwritten()
        items = list(written) if written is not None else [_waiting(*pair) for pair in unwritten]
        date_locale = chosen_locale(afterword.store)
        self.columns = [
            PersonColumn(item, with_detail=not self.fixed, date_locale=date_locale)
            for item in items
        ]
        self._refill = QTimer(self, singleShot=True, interval=400)
        self._refill.timeout.connect(self.refill)
        self._build()
        if not self.fixed:
            self._write(unwritten)

    def _title(self) -> str:
        store = self.afterword.store
        where = f": {store.interview(self.interview_id).company}" if self.interview_id else ""
        return f"One message each{where}"

    def _unwritten(self, details: dict[int, str] | None = None) -> PanelUnwritten:
        """What each message needs from the records, read here on the GUI thread."""
        return unwritten_panel(
            self.afterword.store,
            self.afterword.templates,
            self.interview_id,
            self.template_id,
            details,
            self.contact_ids,
        )

    def _write(self, unwritten: PanelUnwritten) -> None:
        """Renders them off the GUI thread (a template may take seconds)."""
        self._render_count += 1
        number = self._render_count
        self.writing = True
        self._update_send()
        self.runner.run(lambda: write_panel(unwritten), lambda items: self._written(number, items))

    def _written(self, number: int, items: list[PanelMessage]) -> None:
        """A stale render is dropped; a column the user edited keeps its text."""
        if number != self._render_count or self.sending:
            return
        self.writing = False
        fresh = {item.contact.id: item for item in items}
        for column in self.columns:
            if column.item.contact.id in fresh and not column.touched:
                column.show_item(fresh[column.item.contact.id])
        self._update_send()

    def _build(self) -> None:
        row = QWidget()
        columns = QHBoxLayout(row)
        for column in self.columns:
            columns.addWidget(column)
            column.detail.textEdited.connect(lambda _: self._refill.start())
            column.again.toggled.connect(lambda _: self._update_send())
            spelling.attach(column.body, self.afterword)
        scroll = named(QScrollArea(), "Messages, one per person")
        scroll.setWidget(row)
        scroll.setWidgetResizable(True)
        self.summary = status_label("What will be sent")
        self.send_button = named(QPushButton("&Send"), "Send these messages")
        self.send_button.clicked.connect(self.send)
        close = named(QPushButton("&Close"), "Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(close)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        if not self.columns:
            layout.addWidget(QLabel("Nobody to write to yet: add the people in Interviews."))
        layout.addWidget(scroll, 1)
        layout.addWidget(UndoBar(self.undo_send))
        layout.addLayout(buttons)
        self.resize(min(1200, 380 * max(1, len(self.columns)) + 40), 560)
        self._update_send()

    def reject(self) -> None:
        """Not while sending (the results would be lost), nor over edits without asking."""
        if self.sending:
            self.summary.setText("Wait until the messages are sent before closing.")
            return
        if any(c.touched for c in self.columns) and not dialogs.ask(
            self, "Close and lose the changes you made to these messages?", yes="Close"
        ):
            return
        super().reject()

    def refill(self) -> None:
        """A detail changed: the messages are written again with it (not once closed)."""
        if not self.isVisible() or self.fixed:
            return
        details = {c.item.contact.id: c.detail.text() for c in self.columns if c.item.contact.id}
        self._write(self._unwritten(details))

    def _update_send(self) -> None:
        count = sum(column.wanted for column in self.columns)
        self.send_button.setText(f"&Send {count} message{'s' if count != 1 else ''}")
        self.send_button.setEnabled(count > 0 and not self.sending and not self.writing)
        if self.writing and not count:
            self.summary.setText("Writing the messages from the template…")
        elif count or self.sending:
            self.summary.setText("")
        elif self.results:
            self.summary.setText(outcome(list(self.results.values())))
        else:
            self.summary.setText(
                "Nothing to send: everyone here was sent this already, or has something to fix."
            )

    def send(self) -> None:
        self.check.start([column for column in self.columns if column.wanted])

    def send_checked(self, wanted: list[PersonColumn]) -> None:
        self._render_count += 1  # a detail's render still running must not undo what goes
        self.writing = False
        again = frozenset(
            c.item.contact.id for c in wanted if c.item.already_sent and c.item.contact.id
        )
        try:
            ids = queue_panel(
                self.afterword.outbox, [c.edited() for c in wanted], send_again_to=again
            )
        except AfterwordError as error:
            self.summary.setText(str(error))
            return
        self._by_message = dict(zip(ids, wanted, strict=True))
        self.sending = True
        self._update_send()
        for column in wanted:
            column.status.setText("Sending…")
        hold_panel(self, ids, wanted)  # then go(), unless Undo within the delay

    def go(self, ids: list[int]) -> None:
        self.runner.run(
            lambda report: self.afterword.send_messages(ids, report),
            self._finished,
            self._crashed,
            on_progress=self._one_done,
            sending=True,
        )

    def _one_done(self, result: SendResult) -> None:
        column = self._by_message.get(result.message_id)
        if column is not None:
            column.show_result(result)

    def _resend(self, ids: list[int]) -> None:
        """The password is there now: the messages that failed for want of it go again."""
        try:
            for message_id in ids:
                self.afterword.outbox.retry(message_id)
        except AfterwordError as error:  # no longer failed (a restore, say): it says why
            self._crashed(error)
            return
        self.go(ids)  # no second Undo wait: the user already chose to send

    def _finished(self, results: list[SendResult]) -> None:
        if password_prompt.asked_then_resent(self, results, self._resend, self._finished):
            return  # the password is asked for; the send goes on, or says why not
        for result in results:
            self._one_done(result)
        self.sending = False
        self.results.update((result.message_id, result) for result in results)
        self._update_send()
        self.summary.setText(outcome(list(self.results.values())))

    def _crashed(self, error: BaseException) -> None:
        self.sending = False
        self._update_send()
        if not isinstance(error, AfterwordError):
            raise error
        self.summary.setText(str(error))


def _waiting(item: PanelMessage, unwritten: object | None) -> PanelMessage:
    """A person whose message is being written: said so, until it is shown."""
    return item if unwritten is None else replace(item, problem=WRITING)


def outcome(results: Sequence[SendResult], *, closed: bool = False) -> str:
    """Success said as success; what did not go, counted, with where to look (under each
    message, or once the panel is closed, Outbox & Sent)."""
    sent = sum(r.state is MessageState.SENT for r in results)
    failed = sum(r.state is MessageState.FAILED for r in results)
    unsure = len(results) - sent - failed
    said = [f"Sent {_messages(sent)}."] if sent else []
    if failed:
        then = "open them in Outbox & Sent" if closed else "see why under each"
        said.append(f"{_messages(failed)} not sent: {then}, then send again.")
    if unsure:
        where = "check them in Outbox & Sent" if closed else "see under each"
        said.append(f"{_messages(unsure)} may not have gone: {where}.")
    return " ".join(said)


def _messages(count: int) -> str:
    return f"{count} message{'s' if count != 1 else ''}"


def one_outcome(result: SendResult) -> str:
    """What became of a message that is no longer this page's to send."""
    match result.state:
        case MessageState.SENT:
            return f"Sent. The server said: {result.detail}"
        case MessageState.UNCERTAIN:
            return f"{result.detail} {CHECK_IN_OUTBOX}"
    return result.detail
