"""The runner: work off the GUI thread, its result back on it, and nothing delivered to a
page that was closed meanwhile."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from composer.errors import DatabaseLocked
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


def test_a_users_error_goes_to_its_handler_and_a_bug_stays_loud(qtbot: QtBot) -> None:
    """The runner owns the policy: the page shows what the user can fix; a bug is raised
    on the GUI thread instead of being shown as if the user could fix it, and the page is
    not left busy either way."""
    runner = Runner()
    told: list[BaseException] = []
    ended: list[str] = []

    def locked() -> None:
        raise DatabaseLocked("/data/afterword.sqlite3")

    def bug() -> None:
        raise KeyError("a bug")

    runner.run(locked, on_error=told.append, on_end=lambda: ended.append("locked"))
    runner.wait()
    assert [type(error) for error in told] == [DatabaseLocked] and ended == ["locked"]

    with qtbot.captureExceptions() as raised:
        runner.run(bug, on_error=told.append, on_end=lambda: ended.append("bug"))
        runner.wait()
    assert [type(error) for _, error, _ in raised] == [KeyError]
    assert len(told) == 1, "a bug never reaches the user's error handler"
    assert ended == ["locked", "bug"]


def test_a_bug_is_loud_even_when_its_handler_only_cleans_up(qtbot: QtBot) -> None:
    """A caller not moved to ``on_end`` yet cleans up in ``on_error``; the bug is still
    raised, whether or not that handler raised it again."""
    runner = Runner()
    cleaned: list[BaseException] = []

    def bug() -> None:
        raise KeyError("a bug")

    with qtbot.captureExceptions() as raised:
        runner.run(bug, on_error=cleaned.append)
        runner.wait()
    assert [type(error) for error in cleaned] == [KeyError]
    assert [type(error) for _, error, _ in raised] == [KeyError]
