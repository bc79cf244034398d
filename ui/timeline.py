"""An interview's or a person's story in date order, and the two things to note in it:
a reply that came in, and feedback received."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from composer.afterword import Afterword
from composer.dates import chosen_locale, medium_date_time
from composer.records import MessageState, Reply
from composer.timeline import EventKind, TimelineEvent, contact_timeline, interview_timeline
from ui import operations
from ui.feedback import FeedbackDialog
from ui.runner import Runner
from ui.widgets import named, plain_text_edit, push_button, save_cancel_buttons, to_local

_MARKS = {
    EventKind.APPLIED: "Applied",
    EventKind.INTERVIEW: "Interview",
    EventKind.MESSAGE: "You wrote",
    EventKind.FEEDBACK: "Feedback",
    EventKind.REPLY: "They wrote",
}


def event_text(event: TimelineEvent, locale_name: str) -> str:
    when = medium_date_time(event.when, locale_name)
    detail = event.detail.strip().splitlines()[0] if event.detail.strip() else ""
    return f"{when}  ·  {event.title}" + (f"\n    {detail}" if detail else "")


class ReplyDialog(QDialog):
    """Notes that someone answered: the follow-up reminders of that thread stop."""

    def __init__(
        self,
        afterword: Afterword,
        *,
        interview_id: int | None = None,
        contact_id: int | None = None,
        message_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Note a reply")
        self.afterword = afterword
        self.interview_id = interview_id
        self.from_combo = named(QComboBox(), "From")
        self.about_combo = named(QComboBox(), "In answer to")
        self.received_edit = named(QDateTimeEdit(to_local(afterword.clock())), "Received")
        self.received_edit.setCalendarPopup(True)
        self.received_edit.setDisplayFormat("ddd d MMM yyyy HH:mm")
        self.summary_edit = plain_text_edit("What they said")
        self._fill(contact_id, message_id)
        form = QFormLayout(self)
        form.addRow("Fr&om:", self.from_combo)
        form.addRow("In &answer to:", self.about_combo)
        form.addRow("&Received:", self.received_edit)
        form.addRow("&What they said:", self.summary_edit)
        form.addRow(save_cancel_buttons(self))

    def _fill(self, contact_id: int | None, message_id: int | None) -> None:
        store = self.afterword.store
        self.from_combo.addItem("—", None)
        if self.interview_id is not None:
            for person in store.participants(self.interview_id):
                self.from_combo.addItem(person.contact.name, person.contact.id)
        if contact_id is not None and self.from_combo.findData(contact_id) < 0:
            self.from_combo.addItem(store.contact(contact_id).name, contact_id)
        self.from_combo.setCurrentIndex(max(0, self.from_combo.findData(contact_id)))
        self.about_combo.addItem("—", None)
        ids = store.message_list_ids(interview_id=self.interview_id, contact_id=contact_id)
        for summary in store.message_summaries(ids[:200]).values() if ids else []:
            if summary.state is MessageState.SENT:
                self.about_combo.addItem(summary.subject, summary.id)
        if message_id is not None and self.about_combo.findData(message_id) < 0:
            self.about_combo.addItem(store.message(message_id).subject, message_id)
        chosen = self.about_combo.findData(message_id) if message_id is not None else 1
        self.about_combo.setCurrentIndex(chosen if 0 <= chosen < self.about_combo.count() else 0)

    def reply(self) -> Reply:
        message_id = self.about_combo.currentData()
        interview_id = self.interview_id
        if interview_id is None and message_id is not None:
            interview_id = self.afterword.store.message(message_id).interview_id
        return Reply(
            received_at=datetime.fromtimestamp(
                self.received_edit.dateTime().toSecsSinceEpoch()
            ).astimezone(),
            summary=self.summary_edit.toPlainText(),
            message_id=message_id,
            interview_id=interview_id,
            contact_id=self.from_combo.currentData(),
        )


class TimelineDialog(QDialog):
    def __init__(
        self,
        afterword: Afterword,
        runner: Runner,
        *,
        interview_id: int | None = None,
        contact_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        assert (interview_id is None) != (contact_id is None), "one interview or one person"
        self.afterword = afterword
        self.runner = runner
        self.interview_id, self.contact_id = interview_id, contact_id
        self.changed_records = False
        self.events = named(QListWidget(), "Timeline")
        self.reply_button = push_button("Note a &reply…", "Note a reply", self.note_reply)
        self.feedback_button = push_button("Add &feedback…", "Add feedback", self.add_feedback)
        self.feedback_button.setVisible(interview_id is not None)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        named(close.button(QDialogButtonBox.StandardButton.Close), "Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.reply_button)
        buttons.addWidget(self.feedback_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.events, 1)
        layout.addLayout(buttons)
        self.resize(640, 480)
        self.refresh()

    def refresh(self) -> None:
        store = self.afterword.store
        if self.interview_id is not None:
            events = interview_timeline(store, self.interview_id)
            self.setWindowTitle(f"Timeline: {store.interview(self.interview_id).company}")
        else:
            assert self.contact_id is not None
            events = contact_timeline(store, self.contact_id)
            self.setWindowTitle(f"Timeline: {store.contact(self.contact_id).name}")
        self.events.clear()
        for event in events:
            text = event_text(event, chosen_locale(store))
            self.events.addItem(f"{_MARKS[event.kind]}: {text}")
        if not events:
            self.events.addItem("Nothing yet.")

    def note_reply(self) -> None:
        dialog = ReplyDialog(
            self.afterword, interview_id=self.interview_id, contact_id=self.contact_id, parent=self
        )
        operations.until_saved(
            dialog,
            lambda done, failed: operations.note_reply(
                self.afterword, self.runner, dialog.reply(), done, failed
            ),
            lambda _: self._changed(),
        )

    def add_feedback(self) -> None:
        dialog = FeedbackDialog(self.afterword, interview_id=self.interview_id, parent=self)
        save = operations.save_feedback(self.afterword, self.runner, dialog.note)
        operations.until_saved(dialog, save, lambda _: self._changed())

    def _changed(self) -> None:
        self.changed_records = True
        self.refresh()
