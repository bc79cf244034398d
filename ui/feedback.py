"""The feedback log: what was said, word for word, tagged by the user; counts show patterns."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from composer.afterword import Afterword
from composer.dates import chosen_locale, medium_date
from composer.errors import AfterwordError
from composer.records import FeedbackChannel, FeedbackNote, Interview
from composer.templates import BuiltIn
from ui import dialogs, operations
from ui.lessons import LessonsPanel
from ui.models import INTERVIEWS_LISTED
from ui.runner import Runner
from ui.widgets import (
    EmptyState,
    error_label,
    named,
    plain_text_edit,
    push_button,
    save_cancel_buttons,
    show_error,
    status_label,
    to_local,
    with_error,
)

ALL_TAGS = "All feedback"
MOMENT_FORMAT = "d MMM yyyy HH:mm"
CHANNELS = {  # how the feedback came, as the dialog offers it
    FeedbackChannel.EMAIL: "In writing (email)",
    FeedbackChannel.PHONE: "On the phone",
    FeedbackChannel.IN_PERSON: "In person",
}
CHANNEL_MARKS = {FeedbackChannel.PHONE: "☎ By phone · ", FeedbackChannel.IN_PERSON: "In person · "}


def role_at(interview: Interview) -> str:
    return ", ".join(part for part in (interview.position, interview.company) if part)


def tags_from(text: str) -> list[str]:
    return [tag.strip() for tag in text.split(",") if tag.strip()]


def moment(shown: QDateTime) -> datetime:
    """The date and time the user set, to the second (a call has a time of day)."""
    return datetime.fromtimestamp(shown.toSecsSinceEpoch()).astimezone()


class FeedbackDialog(QDialog):
    """Adds or edits one note; the words are kept exactly as typed."""

    def __init__(
        self,
        afterword: Afterword,
        note: FeedbackNote | None = None,
        interview_id: int | None = None,
        parent: QWidget | None = None,
        *,
        channel: FeedbackChannel = FeedbackChannel.EMAIL,
    ) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self._note = note
        self.setWindowTitle("Edit feedback" if note else "Add feedback")
        self._build()
        self.channel_combo.setCurrentIndex(self.channel_combo.findData(channel))
        self._fill_interviews(note.interview_id if note else interview_id)
        if note is not None:
            self._fill(note)

    def _build(self) -> None:
        self.interview_combo = named(QComboBox(), "Interview")
        self.interview_combo.currentIndexChanged.connect(self._fill_people)
        self.interview_error = error_label("interview_error")
        self.from_combo = named(QComboBox(), "From")
        self.channel_combo = named(QComboBox(), "How it came")
        for channel, words in CHANNELS.items():
            self.channel_combo.addItem(words, channel)
        self.received_edit = named(QDateTimeEdit(to_local(self.afterword.clock())), "When")
        self.received_edit.setCalendarPopup(True)
        self.received_edit.setDisplayFormat(MOMENT_FORMAT)
        self.text_edit = plain_text_edit("What they said")
        self.text_edit.setPlaceholderText("Their words, as they wrote or said them")
        self.text_error = error_label("text_error")
        self.tags_edit = named(QLineEdit(), "Tags")
        self.tags_edit.setPlaceholderText("e.g. experience, technical depth")
        completer = QCompleter([tag for tag, _ in self.afterword.store.tag_counts()], self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tags_edit.setCompleter(completer)
        self.kind_check = named(QCheckBox("&Kind words: one of the almosts"), "Kind words")
        form = QFormLayout(self)
        form.addRow("&Interview:", with_error(self.interview_combo, self.interview_error))
        form.addRow("Fr&om:", self.from_combo)
        form.addRow("&How it came:", self.channel_combo)
        form.addRow("Whe&n:", self.received_edit)
        form.addRow("&What they said:", with_error(self.text_edit, self.text_error))
        form.addRow("T&ags:", self.tags_edit)
        form.addRow("", self.kind_check)
        form.addRow(save_cancel_buttons(self))

    def _fill_interviews(self, chosen: int | None) -> None:
        """The interviews that matter now, and the one this note is about."""
        for item in self.afterword.store.interview_choices(INTERVIEWS_LISTED, chosen):
            self.interview_combo.addItem(role_at(item), item.id)
        self.interview_combo.setCurrentIndex(max(0, self.interview_combo.findData(chosen)))
        self._fill_people()

    def _fill_people(self) -> None:
        chosen = self.from_combo.currentData()
        self.from_combo.clear()
        self.from_combo.addItem("—", None)
        interview_id = self.interview_combo.currentData()
        if interview_id is not None:
            for person in self.afterword.store.participants(interview_id):
                self.from_combo.addItem(person.contact.name, person.contact.id)
        self.from_combo.setCurrentIndex(max(0, self.from_combo.findData(chosen)))

    def _fill(self, note: FeedbackNote) -> None:
        self.from_combo.setCurrentIndex(max(0, self.from_combo.findData(note.contact_id)))
        self.received_edit.setDateTime(to_local(note.received_at))
        self.channel_combo.setCurrentIndex(self.channel_combo.findData(note.channel))
        self.text_edit.setPlainText(note.text)
        self.tags_edit.setText(", ".join(note.tags))
        self.kind_check.setChecked(note.kind)

    def note(self) -> FeedbackNote:
        return FeedbackNote(
            interview_id=int(self.interview_combo.currentData()),
            text=self.text_edit.toPlainText(),
            received_at=moment(self.received_edit.dateTime()),
            tags=tags_from(self.tags_edit.text()),
            kind=self.kind_check.isChecked(),
            contact_id=self.from_combo.currentData(),
            id=self._note.id if self._note else None,
            channel=FeedbackChannel(self.channel_combo.currentData()),
        )

    def accept(self) -> None:
        no_interview = "" if self.interview_combo.count() else "Add the interview first."
        no_text = "" if self.text_edit.toPlainText().strip() else "Write down what they said."
        show_error(self.interview_combo, self.interview_error, no_interview)
        show_error(self.text_edit, self.text_error, no_text)
        if not (no_interview or no_text):
            super().accept()


SHOWN = (
    operations.Changes.FEEDBACK
    | operations.Changes.LESSONS
    | operations.Changes.INTERVIEWS
    | operations.Changes.CONTACTS
)


class FeedbackPage(QWidget):
    """Every note across all interviews; pick a tag to see only the notes carrying it."""

    changed = Signal()
    thank_requested = Signal(int, str, list)  # interview id, template id, contact ids

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self._notes: list[FeedbackNote] = []
        self._build()
        self.refresh()
        operations.refresh_on(runner, SHOWN, self.refresh)

    def _build(self) -> None:
        self.tags = named(QListWidget(), "Tags")
        self.tags.currentItemChanged.connect(lambda *_: self._show_notes())
        self.notes = named(QListWidget(), "Feedback notes")
        self.notes.setWordWrap(True)
        self.notes.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.notes.setSpacing(3)
        self.notes.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.notes.currentRowChanged.connect(self._show_note)
        self.notes.itemActivated.connect(lambda _: self.edit_selected())
        self.text = status_label("Feedback text", selectable=True)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.add_button = push_button("&Add…", "Add feedback", self.add)
        self.edit_button = push_button("E&dit…", "Edit feedback", self.edit_selected)
        self.delete_button = push_button("De&lete", "Delete feedback", self.delete_selected)
        self.thank_button = push_button("&Thank them for it…", "Thank them", self.thank_selected)
        self.lesson_button = push_button("Write a le&sson…", "Write a lesson", self.write_lesson)
        self.lessons = LessonsPanel(self.afterword, self.runner)
        self.lessons.changed.connect(self.changed.emit)
        self.empty = EmptyState(
            "No feedback noted yet. When someone tells you how you did, note it here, word for "
            "word, with a tag or two: over time the patterns show.",
            "&Add feedback",
            self.add,
        )
        self._lay_out()

    def _lay_out(self) -> None:
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.notes, 2)
        column.addWidget(self.text, 1)
        splitter = QSplitter()
        left = QWidget()
        tags = QVBoxLayout(left)
        tags.setContentsMargins(0, 0, 0, 0)
        tags.addWidget(QLabel("Tags, most frequent first:"))
        tags.addWidget(self.tags)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button, self.thank_button):
            buttons.addWidget(button)
        buttons.addWidget(self.lesson_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.lessons, 1)
        self._splitter = splitter

    # --- showing ------------------------------------------------------------------------

    def refresh(self) -> None:
        chosen = self.chosen_tag()
        self.tags.blockSignals(True)
        self.tags.clear()
        self.tags.addItem(ALL_TAGS)
        for tag, count in self.afterword.store.tag_counts():
            item = QListWidgetItem(f"{tag} ({count})")
            item.setData(Qt.ItemDataRole.UserRole, tag)
            self.tags.addItem(item)
        rows = [self.tags.item(r) for r in range(self.tags.count())]
        match = [i for i, item in enumerate(rows) if item.data(Qt.ItemDataRole.UserRole) == chosen]
        self.tags.setCurrentRow(match[0] if match else 0)
        self.tags.blockSignals(False)
        self._show_notes()
        self.lessons.refresh()

    def chosen_tag(self) -> str:
        item = self.tags.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole) or "") if item else ""

    def _show_notes(self) -> None:
        store = self.afterword.store
        self._notes = store.feedback_notes(tag=self.chosen_tag())
        about = store.interviews_by_id(sorted({note.interview_id for note in self._notes}))
        self.notes.clear()
        for note in self._notes:
            tags = f"  [{', '.join(note.tags)}]" if note.tags else ""
            first_line = note.text.strip().splitlines()[0] if note.text.strip() else ""
            when = medium_date(note.received_at, chosen_locale(store))
            label = role_at(about[note.interview_id])
            how = CHANNEL_MARKS.get(note.channel, "")
            self.notes.addItem(f"{how}{when} · {label}{tags}\n{first_line}")
        has_any = bool(self._notes) or bool(self.chosen_tag())
        self.empty.setVisible(not has_any)
        self._splitter.setVisible(has_any)
        self.notes.setCurrentRow(0 if self._notes else -1)
        self._show_note(self.notes.currentRow())

    def _show_note(self, row: int) -> None:
        note = self.selected_note()
        self.text.setText(note.text if note else "")
        for button in (self.edit_button, self.delete_button, self.thank_button, self.lesson_button):
            button.setEnabled(note is not None)

    def selected_note(self) -> FeedbackNote | None:
        row = self.notes.currentRow()
        return self._notes[row] if 0 <= row < len(self._notes) else None

    # --- actions ------------------------------------------------------------------------

    def add(self, interview_id: int | None = None) -> None:
        if not self.afterword.store.interview_ids(limit=1):
            dialogs.tell(self, "Add the interview first (Interviews), then note its feedback.")
            return
        self._edit(FeedbackDialog(self.afterword, interview_id=interview_id, parent=self))

    def edit_selected(self) -> None:
        note = self.selected_note()
        if note is not None:
            self._edit(FeedbackDialog(self.afterword, note, parent=self))

    def _edit(self, dialog: FeedbackDialog) -> None:
        save = operations.save_feedback(self.afterword, self.runner, dialog.note)
        operations.until_saved(dialog, save)

    def delete_selected(self) -> None:
        note = self.selected_note()
        if note is None or note.id is None:
            return
        if dialogs.ask(self, "Delete this feedback note? Its words are not kept.", yes="Delete"):
            operations.delete_feedback(
                self.afterword, self.runner, note.id, lambda _: None, self._not_saved
            )

    def _not_saved(self, error: AfterwordError) -> None:
        dialogs.tell(self, str(error), error=True)

    def thank_selected(self) -> None:
        """Drafts the thanks for this feedback to whoever gave it (with several notes of the
        interview selected, to each person who gave one): never to someone who gave none."""
        note = self.selected_note()
        if note is None:
            return
        notes = [n for n in self._selected_notes() if n.interview_id == note.interview_id]
        people = list(dict.fromkeys(n.contact_id for n in notes if n.contact_id is not None))
        if not people:
            dialogs.tell(
                self,
                "This note does not say who gave the feedback. Edit it and choose them in "
                "From, so that the thanks go to the right person.",
            )
            return
        self.thank_requested.emit(note.interview_id, BuiltIn.THANKS_FOR_FEEDBACK, people)

    def _selected_notes(self) -> list[FeedbackNote]:
        rows = sorted({self.notes.row(item) for item in self.notes.selectedItems()})
        chosen = [self._notes[row] for row in rows if 0 <= row < len(self._notes)]
        current = self.selected_note()
        return chosen if current in chosen else [current] if current else []

    def write_lesson(self) -> None:
        """From the notes selected; with a tag chosen and no more than one note selected,
        from every note carrying the tag (its count). The dialog shows which are ticked."""
        selected = self._selected_notes()
        chosen = self._notes if self.chosen_tag() and len(selected) < 2 else selected
        self.lessons.write(self._notes, {note.id for note in chosen if note.id is not None})
