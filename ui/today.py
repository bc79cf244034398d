"""Today: the follow-ups that are due, each one click from Compose, and how things are going.

Messages that did not go (failed, uncertain) come first, with Send again and Open; a first
run shows its next step instead of an empty list; praise only when it is true.

Everything here is computed off the GUI thread on a connection of its own; the page only
shows the result.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from composer.afterword import Afterword
from composer.clock import Clock
from composer.due import DueItem, DueKind, due_items
from composer.errors import AfterwordError
from composer.progress import Progress, progress
from composer.records import MessageState
from composer.today import NOTHING_DUE, FirstStep, Standing, standing
from composer.weekly_goal import WeekProgress, week_progress
from ui import dialogs, operations, unsent
from ui.before_interview import BeforeInterviewCard
from ui.models import STANDS_OUT, attention_colour
from ui.phone_call import CallButtons
from ui.progress_chart import ProgressChart
from ui.runner import Runner
from ui.timeline import ReplyDialog
from ui.weekly_goal import WeeklyGoalLine
from ui.widgets import named, push_button, status_label

SNOOZES = (("Until tomorrow", timedelta(days=1)), ("For 3 days", timedelta(days=3)),
           ("For a week", timedelta(days=7)))  # fmt: skip
__all__ = ["NOTHING_DUE", "TodayPage"]
TodayFigures = tuple[list[DueItem], Progress, Standing, WeekProgress | None]


SHOWN = operations.EVERY_RECORD | operations.Changes.SETTINGS  # the weekly goal, dates


class TodayPage(QWidget):
    compose_requested = Signal(object)  # a DueItem
    new_interview_requested = Signal()
    open_message_requested = Signal(int)  # in Outbox & Sent
    edit_interview_requested = Signal(int)  # to add its date
    settings_requested = Signal()
    check_replies_requested = Signal()
    changed = Signal()
    counted = Signal(int)  # how many items are due, each time they are worked out

    def __init__(
        self,
        afterword: Afterword,
        runner: Runner,
        parent: QWidget | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self.clock = clock or afterword.clock
        self.items: list[DueItem] = []
        self.standing: Standing | None = None
        self.sending = False
        self._stale = True
        self._asked = 0  # refreshes begun; an older answer arriving late is dropped
        operations.refresh_on(runner, SHOWN, self.refresh)  # its count is the sidebar's
        self._build()

    def _build(self) -> None:
        self.due_list = named(QListWidget(), "Due today")
        self.due_list.setWordWrap(True)
        self.due_list.setSpacing(3)
        self.due_list.currentRowChanged.connect(lambda _: self._update_buttons())
        self.due_list.itemActivated.connect(lambda _: self.act())
        self.act_button = push_button("&Write it…", "Write it", self.act)
        self.snooze_button = named(QToolButton(), "Snooze")
        self.snooze_button.setText("Snoo&ze")
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.snooze_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        menu = QMenu(self.snooze_button)
        for text, delay in SNOOZES:
            menu.addAction(text, partial(self.snooze, delay))
        self.snooze_button.setMenu(menu)
        self.dismiss_button = push_button("&Dismiss", "Dismiss", self.dismiss)
        self.open_button = push_button("&Open", "Open in Outbox & Sent", self.open_message)
        self.date_button = push_button(
            "Add the da&te…", "Add the date of the interview", self.add_date
        )
        self.start_button = push_button("", "First step", self.take_first_step)
        self.replied_button = push_button("They &replied…", "They replied", self.note_reply)
        self.call = CallButtons(
            self.afterword, self.runner
        )  # asking by phone instead: call, note the call
        self.check_button = push_button(
            "Chec&k for replies",
            "Check my inbox for replies",
            lambda: self.check_replies_requested.emit(),
        )
        self.check_button.setToolTip("Look in your mailbox (Settings › Mailbox) for answers")
        self.summary = status_label("Progress summary", selectable=True)
        self.summary.setWordWrap(True)
        self.weekly_goal = WeeklyGoalLine(self.afterword, self.runner)
        self.chart = ProgressChart()
        self.almosts = status_label("The almosts", selectable=True)
        self.almosts.setWordWrap(True)
        self.before_interview = BeforeInterviewCard(self.afterword, self.runner)
        self._lay_out()
        self._update_buttons()

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.act_button, self.open_button, self.date_button, self.snooze_button):
            buttons.addWidget(button)
        buttons.addWidget(self.dismiss_button)
        buttons.addWidget(self.replied_button)
        buttons.addWidget(self.call)
        buttons.addWidget(self.start_button)
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        due = QVBoxLayout()
        due.addWidget(self.before_interview)
        due.addWidget(QLabel("<b>Due today</b>"))
        due.addWidget(self.due_list, 1)
        due.addLayout(buttons)
        figures = QVBoxLayout()
        figures.addWidget(QLabel("<b>Your progress</b>"))
        figures.addWidget(self.summary)
        figures.addWidget(self.weekly_goal)
        figures.addWidget(self.chart)
        figures.addWidget(self.almosts)
        figures.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(due, 3)
        layout.addLayout(figures, 2)

    # --- loading ------------------------------------------------------------------------

    def refresh_when_shown(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        """Each time: what is due changes with the clock and with every other page."""
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Off the GUI thread; only the latest answer is shown (one begun before a snooze
        must not bring the snoozed item back)."""
        self._stale = False
        self._asked += 1
        asked, now = self._asked, self.clock()
        self.before_interview.refresh(now)
        self.runner.run(
            lambda: self._compute(now),
            lambda result: self._show(result) if asked == self._asked else None,
            self._not_computed,
        )

    def _not_computed(self, error: AfterwordError) -> None:
        self.summary.setText(f"What is due could not be worked out: {error}")

    def _compute(self, now: datetime) -> TodayFigures:
        with self.afterword.reading() as store:
            found = due_items(store, now), progress(store, now), standing(store)
            return (*found, week_progress(store, now))

    def _show(self, result: TodayFigures) -> None:
        chosen = self.selected()
        self.items, figures, self.standing, week = result
        self.weekly_goal.show_progress(week)
        self.due_list.clear()
        for item in self.items:
            entry = QListWidgetItem(f"{item.title}\n{item.detail}")
            entry.setToolTip(item.detail)
            if item.unsent:  # as Outbox & Sent shows it: the palette's colour of trouble
                state = MessageState(str(item.kind))
                entry.setIcon(self.style().standardIcon(STANDS_OUT[state]))
                entry.setForeground(attention_colour(state))
            self.due_list.addItem(entry)
        if not self.items:
            self.due_list.addItem(self.standing.words())
        keys = [item.key for item in self.items]
        self.due_list.setCurrentRow(keys.index(chosen.key) if chosen and chosen.key in keys else 0)
        self._show_progress(figures)
        self._update_buttons()
        self.counted.emit(len(self.items))

    def _show_progress(self, figures: Progress) -> None:
        self.summary.setText(
            f"In flight: {figures.in_flight}\nThis month: "
            f"{figures.applications_this_month} application(s), "
            f"{figures.interviews_this_month} interview(s)\nOffers: {figures.offers}"
        )
        self.chart.set_months(figures.months)
        shown = figures.almosts[:5]
        more = len(figures.almosts) - len(shown)
        self.almosts.setText(
            "The almosts, worth celebrating: "
            + "; ".join(f"{a.name} ({a.why})" for a in shown)
            + (f"; and {more} more" if more > 0 else "")
            if shown
            else "The almosts (a final round, kind feedback) will show here."
        )

    # --- acting on an item --------------------------------------------------------------

    def selected(self) -> DueItem | None:
        row = self.due_list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _update_buttons(self) -> None:
        item = self.selected()
        reminder = item is not None and not item.unsent  # a failed message is not snoozed
        self.act_button.setEnabled(item is not None and not self.sending)
        for button in (self.snooze_button, self.dismiss_button):
            button.setEnabled(reminder)
        self.replied_button.setEnabled(
            reminder and item is not None and item.kind is not DueKind.PIPELINE_LOW
        )
        self.open_button.setVisible(item is not None and item.unsent)
        self.date_button.setVisible(item is not None and item.needs_date)
        self.call.show_for(item)
        step = self.standing.first_step if self.standing and not self.items else None
        self.start_button.setVisible(step is not None)
        self.start_button.setText(f"{step.value}…" if step else "")
        if item is not None:
            self.act_button.setText(_act_text(item))

    def act(self) -> None:
        item = self.selected()
        if item is None:
            return
        if item.unsent:
            self.send_again()
        elif item.kind is DueKind.PIPELINE_LOW:
            self.new_interview_requested.emit()
        else:
            self.compose_requested.emit(item)

    def take_first_step(self) -> None:
        step = self.standing.first_step if self.standing else None
        if step is FirstStep.ACCOUNT:
            self.settings_requested.emit()
        elif step is FirstStep.INTERVIEW:
            self.new_interview_requested.emit()

    def open_message(self) -> None:
        item = self.selected()
        if item is not None and item.message_id is not None:
            self.open_message_requested.emit(item.message_id)

    def add_date(self) -> None:
        item = self.selected()
        if item is not None and item.interview_id is not None:
            self.edit_interview_requested.emit(item.interview_id)

    def send_again(self) -> None:
        """As in Outbox & Sent: an uncertain message only once the user says it did not go."""
        item = self.selected()
        if item is None or item.message_id is None or self.sending:
            return
        if unsent.send_again(
            self,
            self.afterword,
            self.runner,
            item.message_id,
            lambda _: None,  # the list looks again: Send again announced the change
            self._not_saved,
            self._send_ended,
        ):
            self.sending = True
            self._update_buttons()

    def _send_ended(self) -> None:
        self.sending = False
        self._update_buttons()

    def snooze(self, delay: timedelta) -> None:
        item = self.selected()
        if item is not None:
            until = self.clock() + delay
            operations.snooze(self.afterword, self.runner, item.key, until, self._not_saved)

    def dismiss(self) -> None:
        item = self.selected()
        question = f"Dismiss “{item.title}”? It will not be shown again." if item else ""
        if item is not None and dialogs.ask(self, question, yes="Dismiss"):
            operations.dismiss(self.afterword, self.runner, item.key, self._not_saved)

    def _not_saved(self, error: AfterwordError) -> None:
        dialogs.tell(self, str(error), error=True)

    def note_reply(self) -> None:
        """They answered: the reminders of that thread stop."""
        item = self.selected()
        if item is None:
            return
        contact = item.contact_ids[0] if item.contact_ids else None
        dialog = ReplyDialog(
            self.afterword,
            interview_id=item.interview_id,
            contact_id=contact,
            message_id=item.reply_to,
            parent=self,
        )
        operations.until_saved(
            dialog,
            lambda done, failed: operations.note_reply(
                self.afterword, self.runner, dialog.reply(), done, failed
            ),
        )


def _act_text(item: DueItem) -> str:
    if item.unsent:
        return "Send &again…" if item.kind is DueKind.UNCERTAIN else "Send &again"
    return "&Log an application…" if item.kind is DueKind.PIPELINE_LOW else "&Write it…"
