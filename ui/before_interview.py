"""Today's card the day before an interview: the lessons to review and the almosts so far,
worked out off the GUI thread; hidden on every other day."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from composer.afterword import Afterword
from composer.before_interview import Briefing, almost_words, briefings
from composer.dates import chosen_locale, medium_date, short_time
from composer.errors import AfterwordError
from composer.records import Lesson
from ui.runner import Runner
from ui.widgets import status_label

Briefings = tuple[list[Briefing], str]  # the cards, and the user's date locale


class BeforeInterviewCard(QFrame):
    """One card per interview tomorrow, in plain text (it quotes the user's own words)."""

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self.briefings: list[Briefing] = []
        self._asked = 0
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = status_label("Before tomorrow's interview", selectable=True)
        self.text.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.text)
        self.setVisible(False)

    def refresh(self, now: datetime) -> None:
        """Only the latest answer is shown: the clock may have moved past midnight."""
        self._asked += 1
        asked = self._asked
        self.runner.run(
            lambda: self._compute(now),
            lambda found: self.show_briefings(*found) if asked == self._asked else None,
            self._not_computed,
        )

    def _compute(self, now: datetime) -> Briefings:
        with self.afterword.reading() as store:
            return briefings(store, now), chosen_locale(store)

    def _not_computed(self, error: AfterwordError) -> None:
        self.show_briefings([], "")

    def show_briefings(self, found: list[Briefing], locale: str) -> None:
        self.briefings = found
        self.text.setText("\n\n".join(_card(briefing, locale) for briefing in found))
        self.setVisible(bool(found))


def _card(briefing: Briefing, locale: str) -> str:
    at = briefing.interview.scheduled_at
    when = f" ({short_time(at, locale)})" if at else ""
    lines = [briefing.title + when]
    if briefing.lessons:
        lines.append("Lessons to review:")
        lines += [f"  • {_lesson(lesson, locale)}" for lesson in briefing.lessons]
    else:
        lines.append("No lessons to review: you can write some on the Feedback page.")
    almosts = almost_words(briefing.almosts)
    lines.append(almosts or "Go in with confidence: every interview is practice for the next.")
    return "\n".join(lines)


def _lesson(lesson: Lesson, locale: str) -> str:
    if lesson.practised_at is None:
        return lesson.text
    return f"{lesson.text} (practised {medium_date(lesson.practised_at, locale)})"
