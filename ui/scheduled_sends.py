"""While Afterword runs, scheduled messages go when due; at start-up the overdue ones are
shown for the user to send now, reschedule or keep as a draft.

Every half minute the core is asked for what is due (off the GUI thread, through the
runner); what is more than ``OVERDUE_AFTER`` late (the computer slept) is shown, as at
start-up, never sent on its own. Each message is released to one sender alone, so this
timer and a ``send-due`` run by the system at the same time never send one twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from composer.afterword import Afterword
from composer.clock import Clock
from composer.errors import AfterwordError
from composer.outbox import DueSends, SendResult
from composer.schedule import OVERDUE_AFTER, Scheduled, due_ids, overdue
from ui import dialogs
from ui.runner import Runner

LOOK_EVERY_MS = 30_000


class ScheduledSends(QObject):
    sent = Signal()  # something was sent, rescheduled or kept as a draft: lists change
    said = Signal(str)  # one line for the status bar

    def __init__(self, afterword: Afterword, runner: Runner, clock: Clock, window: QWidget) -> None:
        super().__init__(window)
        self.afterword = afterword
        self.runner = runner
        self.clock = clock
        self.window = window
        self.busy = False
        self.asking = False
        self.held = False  # while a backup is restored, nothing else writes the records
        self.timer = QTimer(self, interval=LOOK_EVERY_MS)
        self.timer.timeout.connect(self.look)

    def start(self) -> None:
        """After the window is up: first what is overdue, then the regular looks."""
        QTimer.singleShot(0, self, self._at_start)

    def stop(self) -> None:
        self.timer.stop()

    def _at_start(self) -> None:
        if not self.afterword.store.is_open:
            return
        late = overdue(self.afterword.store, self.clock())  # anything past its time
        if late:
            self.offer(late)
        self.timer.start()

    def look(self) -> None:
        """A small indexed query here; sending, if anything is due, off the GUI thread."""
        if self.busy or self.asking or self.held or not self.afterword.store.is_open:
            return
        now = self.clock()
        store = self.afterword.store
        late = overdue(store, now - OVERDUE_AFTER)
        if late:
            self.offer(late)
        if not due_ids(store, now, since=now - OVERDUE_AFTER):
            return
        self.busy = True

        def work() -> DueSends:
            with self.afterword.background() as outbox:
                return outbox.send_due(now)

        self.runner.run(work, self._looked, self._failed, on_end=self._idle, sending=True)

    def _idle(self) -> None:
        self.busy = False

    def _looked(self, done: DueSends) -> None:
        if done.results:
            self._tell(done.results)
        if done.overdue:
            self.offer(done.overdue)

    def _failed(self, error: AfterwordError) -> None:
        self.said.emit(f"Scheduled messages could not be sent: {error}")

    def offer(self, late: Sequence[Scheduled]) -> None:
        """Send now, reschedule or keep as a draft: the user's choice, for all listed."""
        from ui.send_later import Overdue, OverdueDialog  # its pages load when first asked

        self.asking = True
        try:
            dialog = OverdueDialog(self.afterword, late, self.window)
            choice = dialog.choice if dialogs.run_dialog(dialog) else Overdue.KEEP_AS_DRAFT
            ids = [message.id for message in late]
            if choice is Overdue.SEND_NOW:
                self.send_now(ids)
            elif choice is Overdue.RESCHEDULE:
                self._reschedule(ids)
            else:
                self._keep(ids)
        finally:
            self.asking = False

    def send_now(self, ids: Sequence[int]) -> None:
        def work() -> list[SendResult]:
            with self.afterword.background() as outbox:
                return outbox.send_now(ids)

        self.runner.run(work, self._tell, self._failed, sending=True)

    def _reschedule(self, ids: Sequence[int]) -> None:
        from ui.send_later import choose_time

        when = choose_time(self.window, self.clock(), "Send them on")
        if when is None:  # no time chosen: never left overdue, to be sent by surprise
            self._keep(ids)
            return
        for message_id in ids:
            self.afterword.outbox.reschedule(message_id, when)
        self.said.emit("Rescheduled.")
        self.sent.emit()

    def _keep(self, ids: Sequence[int]) -> None:
        for message_id in ids:
            self.afterword.outbox.unschedule(message_id)
        self.said.emit(
            f"Kept as {'a draft' if len(ids) == 1 else 'drafts'}: open "
            f"{'it' if len(ids) == 1 else 'them'} in Outbox & Sent to send."
        )
        self.sent.emit()

    def _tell(self, results: list[SendResult]) -> None:
        from ui.one_each_panel import outcome

        self.said.emit(f"Scheduled: {outcome(results, closed=True)}")
        self.sent.emit()
