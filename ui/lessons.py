"""Lessons on the Feedback page: what to work on, written from the notes behind it, and
ticked as practised (with the day) once the user has worked on it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from composer.afterword import Afterword
from composer.dates import chosen_locale, medium_date
from composer.errors import AfterwordError
from composer.records import FeedbackNote, Interview, Lesson
from ui import dialogs, operations
from ui.runner import Runner
from ui.widgets import (
    error_label,
    named,
    push_button,
    save_cancel_buttons,
    show_error,
    with_error,
)

NO_LESSONS = (
    "No lessons yet. Select feedback notes (or a tag) above and choose “Write a lesson…”: "
    "one short thing to work on, such as “Prepare a stakeholder story”."
)


def note_line(note: FeedbackNote, interview: Interview | None, locale: str) -> str:
    """One note in a line: when, which interview, its tags and its first words."""
    role = ", ".join(p for p in (interview.position, interview.company) if p) if interview else ""
    tags = f" [{', '.join(note.tags)}]" if note.tags else ""
    words = note.text.strip().splitlines()[0] if note.text.strip() else ""
    return f"{medium_date(note.received_at, locale)} · {role}{tags}: “{words}”"


class LessonDialog(QDialog):
    """Writes or edits one lesson and ticks the notes it came from."""

    def __init__(
        self,
        afterword: Afterword,
        notes: list[FeedbackNote],
        chosen: set[int],
        lesson: Lesson | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._lesson = lesson
        self.setWindowTitle("Edit the lesson" if lesson else "Write a lesson")
        self.text_edit = named(QLineEdit(lesson.text if lesson else ""), "Lesson")
        self.text_edit.setPlaceholderText("e.g. Prepare a stakeholder story")
        self.text_error = error_label("lesson_error")
        self.notes_list = named(QListWidget(), "From the feedback")
        self.notes_list.setWordWrap(True)
        self.notes_error = error_label("lesson_notes_error")
        self._fill(afterword, notes, chosen)
        form = QFormLayout(self)
        form.addRow("&Lesson:", with_error(self.text_edit, self.text_error))
        form.addRow("&From the feedback:", with_error(self.notes_list, self.notes_error))
        form.addRow(save_cancel_buttons(self))

    def _fill(self, afterword: Afterword, notes: list[FeedbackNote], chosen: set[int]) -> None:
        store = afterword.store
        about = store.interviews_by_id(sorted({note.interview_id for note in notes}))
        locale = chosen_locale(store)
        for note in notes:
            item = QListWidgetItem(note_line(note, about.get(note.interview_id), locale))
            item.setData(Qt.ItemDataRole.UserRole, note.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = note.id in chosen
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.notes_list.addItem(item)

    def note_ids(self) -> list[int]:
        items = [self.notes_list.item(row) for row in range(self.notes_list.count())]
        return [
            int(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() is Qt.CheckState.Checked
        ]

    def lesson(self) -> Lesson:
        return Lesson(
            text=self.text_edit.text().strip(),
            note_ids=self.note_ids(),
            practised_at=self._lesson.practised_at if self._lesson else None,
            id=self._lesson.id if self._lesson else None,
        )

    def accept(self) -> None:
        no_text = "" if self.text_edit.text().strip() else "Write what you will work on."
        no_notes = "" if self.note_ids() else "Tick the feedback this lesson comes from."
        show_error(self.text_edit, self.text_error, no_text)
        show_error(self.notes_list, self.notes_error, no_notes)
        if not (no_text or no_notes):
            super().accept()


class LessonsPanel(QWidget):
    """The lessons, not yet practised first, each with the feedback it came from."""

    changed = Signal()

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self._lessons: list[Lesson] = []
        self.list = named(QListWidget(), "Lessons")
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.currentRowChanged.connect(lambda _: self._update_buttons())
        self.list.itemActivated.connect(lambda _: self.edit_selected())
        self.edit_button = push_button("Ed&it lesson…", "Edit the lesson", self.edit_selected)
        self.delete_button = push_button("Delete lesso&n", "Delete the lesson", self.delete)
        self.practised_button = push_button("&Practised", "Practised", self.toggle_practised)
        self.practised_button.setCheckable(True)
        self._lay_out()
        self.refresh()

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.practised_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>What to work on</b> (lessons from the feedback)"))
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

    def refresh(self, chosen_id: int | None = None) -> None:
        """Keeps the lesson selected (or selects ``chosen_id``) wherever it moved to."""
        chosen = chosen_id or getattr(self.selected(), "id", None)
        store = self.afterword.store
        self._lessons = store.lessons()
        notes = {note.id: note for note in store.feedback_notes()}
        about = store.interviews_by_id(sorted({note.interview_id for note in notes.values()}))
        locale = chosen_locale(store)
        self.list.clear()
        for lesson in self._lessons:
            sources = [notes[n] for n in lesson.note_ids if n in notes]
            lines = [f"   from {note_line(n, about.get(n.interview_id), locale)}" for n in sources]
            self.list.addItem("\n".join([_headline(lesson, locale), *lines]))
        if not self._lessons:
            self.list.addItem(NO_LESSONS)
        ids = [lesson.id for lesson in self._lessons]
        self.list.setCurrentRow(ids.index(chosen) if chosen in ids else 0)
        self._update_buttons()

    def selected(self) -> Lesson | None:
        row = self.list.currentRow()
        return self._lessons[row] if 0 <= row < len(self._lessons) else None

    def _update_buttons(self) -> None:
        lesson = self.selected()
        for button in (self.edit_button, self.delete_button, self.practised_button):
            button.setEnabled(lesson is not None)
        self.practised_button.setChecked(lesson is not None and lesson.practised_at is not None)

    def write(self, notes: list[FeedbackNote], chosen: set[int]) -> None:
        """A new lesson from ``notes`` (those shown), with ``chosen`` ticked."""
        if not notes:
            dialogs.tell(self, "Note some feedback first: a lesson comes from what was said.")
            return
        self._edit(LessonDialog(self.afterword, notes, chosen, parent=self))

    def edit_selected(self) -> None:
        lesson = self.selected()
        if lesson is not None:
            notes = self.afterword.store.feedback_notes()
            self._edit(LessonDialog(self.afterword, notes, set(lesson.note_ids), lesson, self))

    def _edit(self, dialog: LessonDialog) -> None:
        """The lesson just written or edited is the one selected afterwards."""
        save = operations.save_lesson(self.afterword, self.runner, dialog.lesson)
        operations.until_saved(dialog, save, lambda lesson: self.refresh(lesson.id))

    def toggle_practised(self) -> None:
        lesson = self.selected()
        if lesson is not None and lesson.id is not None:
            practised = lesson.practised_at is None
            lesson_id = lesson.id
            operations.mark_practised(
                self.afterword, self.runner, lesson_id, practised, self._failed
            )

    def delete(self) -> None:
        lesson = self.selected()
        if lesson is None or lesson.id is None:
            return
        lesson_id = lesson.id
        if dialogs.ask(self, f"Delete the lesson “{lesson.text}”?", yes="Delete"):
            operations.delete_lesson(self.afterword, self.runner, lesson_id, self._failed)

    def _failed(self, error: AfterwordError) -> None:
        dialogs.tell(self, str(error), error=True)
        self.refresh()


def _headline(lesson: Lesson, locale: str) -> str:
    if lesson.practised_at is None:
        return f"☐ {lesson.text}"
    return f"☑ {lesson.text} (practised {medium_date(lesson.practised_at, locale)})"
