"""The sidebar's counts: what is due today (Today's own answer, never worked out twice),
failed and draft messages (counted here, off the GUI thread). Counting is kept in this one
module, so a new way to count (the store's counts by state) changes ``message_counts`` only.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from composer.afterword import Afterword
from composer.errors import AfterwordError
from composer.records import MessageState
from composer.store import Store
from ui.runner import Runner
from ui.sidebar import Badge, Sidebar

COUNTS_AFTER_MS = 600  # after the window is shown; its first paint takes about 0.2 s


def message_counts(store: Store) -> tuple[int, int]:
    """Failed and draft messages: the one place the sidebar's message counts are taken."""
    counts = store.message_counts()  # one COUNT by state, no row read
    return counts.get(str(MessageState.FAILED), 0), counts.get(str(MessageState.DRAFT), 0)


class AreaCounts(QObject):
    """Puts the counts in the sidebar. ``started`` stays False until the window is up: the
    first area shown gets the worker threads to itself."""

    def __init__(self, afterword: Afterword, runner: Runner, sidebar: Sidebar) -> None:
        super().__init__(sidebar)
        self.afterword = afterword
        self.runner = runner
        self.sidebar = sidebar
        self.started = False

    def show_due(self, due: int) -> None:
        """Today's answer, each time Today works out what is due."""
        self.sidebar.set_badges("today", [Badge(due, "due")])

    def update(self) -> None:
        """Failed and draft messages, counted off the GUI thread."""

        def count() -> tuple[int, int]:
            with self.afterword.reading() as store:
                return message_counts(store)

        self.runner.run(count, self._show, self._not_taken)

    def _show(self, counts: tuple[int, int]) -> None:
        failed, drafts = counts
        drafted = Badge(drafts, "draft" if drafts == 1 else "drafts", urgent=False)
        self.sidebar.set_badges("sent", [Badge(failed, "failed"), drafted])

    def _not_taken(self, error: AfterwordError) -> None:
        """The records busy or gone (a restore): the counts stay as they were."""
