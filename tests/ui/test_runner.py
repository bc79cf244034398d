"""The runner: work off the GUI thread, its result back on it, and nothing delivered to a
page that was closed meanwhile."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from ui.runner import Runner


def test_the_result_comes_back_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = Runner()
    got: list[str] = []
    runner.run(lambda: threading.current_thread().name, got.append)
    runner.wait()
    assert got and got[0] != threading.current_thread().name


def test_work_that_ends_after_its_runner_was_closed_is_dropped_quietly(qtbot: QtBot) -> None:
    """A page closed while its work runs (a test's Compose, a dialog): the answer, even a
    failure, reaches nobody, instead of an error from a deleted object in whatever runs next."""
    release = threading.Event()
    delivered: list[object] = []

    def fails_late() -> None:
        release.wait(5)
        raise ConnectionError("the server went away")

    runner = Runner()
    runner.run(fails_late, delivered.append, delivered.append)
    release.set()
    shiboken6.delete(runner)  # as closing its window does; its pool lets the work end first
    QCoreApplication.processEvents()
    assert delivered == []
