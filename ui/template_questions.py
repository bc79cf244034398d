"""The template's own questions (``ask:`` lines in its header), one line each above
Compose's text: what no record holds, such as the news a "keeping in touch" message carries.
The text is filled in again as the user types an answer. Answers stay for the next message
(the same news goes to everyone one checks in with) until the app closes."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from composer.errors import AfterwordError
from composer.templates import Question, TemplateLibrary, questions
from ui.widgets import named

TYPING_PAUSE_MS = 300  # the text is filled in again after a pause this long


class TemplateQuestions(QWidget):
    changed = Signal()  # an answer changed (after a pause in typing)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._asked: tuple[Question, ...] = ()
        self._boxes: dict[str, QLineEdit] = {}
        self._form = QFormLayout(self)
        self._form.setContentsMargins(0, 0, 0, 0)
        self._pause = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._pause.timeout.connect(self.changed)
        self.hide()

    def ask(self, questions: Sequence[Question]) -> None:
        """Shows these questions; an answer to one asked again (same name) is kept."""
        questions = tuple(questions)
        if [(q.name, q.prompt) for q in questions] == [(q.name, q.prompt) for q in self._asked]:
            return
        kept = self.answers()
        while self._form.rowCount():
            self._form.removeRow(0)
        self._boxes = {q.name: self._box(q, kept.get(q.name, "")) for q in questions}
        self._asked = questions
        self.setVisible(bool(questions))

    def ask_for(self, library: TemplateLibrary, template_id: str | None) -> None:
        """The questions of the template chosen; one that cannot be read asks nothing (the
        text says why it cannot be filled in)."""
        try:
            found = questions(library.get(template_id).source) if template_id else ()
        except AfterwordError:
            found = ()
        self.ask(found)

    def _box(self, question: Question, answer: str) -> QLineEdit:
        box = named(QLineEdit(answer), question.prompt)
        box.setPlaceholderText("Type your answer: it goes into the text below")
        box.textEdited.connect(lambda _: self._pause.start())
        label = QLabel(question.prompt)
        label.setWordWrap(True)
        label.setBuddy(box)
        self._form.addRow(label)
        self._form.addRow(box)
        return box

    def box(self, name: str) -> QLineEdit:
        return self._boxes[name]

    def answers(self) -> dict[str, str]:
        return {name: box.text() for name, box in self._boxes.items()}
