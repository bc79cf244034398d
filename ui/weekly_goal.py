"""The weekly goal on Today: one line of progress and a small link to set or change it.

Today works the progress out off the GUI thread and hands it here; setting the goal writes
one setting, then Today looks again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from composer.afterword import Afterword
from composer.weekly_goal import MOST, WeekProgress, weekly_goal
from ui import operations
from ui.runner import Runner
from ui.widgets import named, save_cancel_buttons, status_label

SET_LINK = "Set a weekly goal"
CHANGE_LINK = "Change goal"


class WeeklyGoalDialog(QDialog):
    """Applications per week; 0 means no goal, and Today stops counting."""

    def __init__(self, goal: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Weekly goal")
        self.per_week = named(QSpinBox(), "Applications per week")
        self.per_week.setRange(0, MOST)
        self.per_week.setSpecialValueText("No goal")
        self.per_week.setValue(goal or 0)
        form = QFormLayout()
        form.addRow("&Applications per week:", self.per_week)
        about = QLabel(
            "A few applications every week keep the pipeline from running dry, so that "
            "no single answer weighs too much."
        )
        about.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(save_cancel_buttons(self))

    def goal(self) -> int:
        return self.per_week.value()


class WeeklyGoalLine(QWidget):
    """ "This week: 2 of 3 applications · 4-week streak", or only a link when no goal is set."""

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self.progress = status_label("Weekly goal", selectable=True)
        self.link = named(QLabel(), "Set the weekly goal")
        self.link.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.link.linkActivated.connect(lambda _: self.edit())
        layout = QVBoxLayout(self)  # one under the other: Today's column is narrow
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.progress)
        layout.addWidget(self.link)
        self.show_progress(None)

    def show_progress(self, week: WeekProgress | None) -> None:
        self.progress.setText(week.words() if week else "")
        self.progress.setVisible(week is not None)
        self._set_link(CHANGE_LINK if week else SET_LINK)

    def _set_link(self, text: str) -> None:
        self.link.setText(f'<a href="goal">{text}…</a>')
        self.link.setAccessibleName(text)

    def edit(self) -> None:
        """Today looks again when the goal is announced as set or cleared."""
        dialog = WeeklyGoalDialog(weekly_goal(self.afterword.store), self)
        operations.until_saved(
            dialog, operations.set_weekly_goal(self.afterword, self.runner, dialog.goal)
        )
