"""The weekly goal on Today: set through its link and dialog, it counts the applications
logged in the user's week, and the line says how far along the week is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.records import Interview
from tests.helpers.clock import NOW
from tests.ui.helpers import answer
from ui.main_window import MainWindow
from ui.weekly_goal import WeeklyGoalDialog

WEEK = timedelta(days=7)


@pytest.fixture
def people(ready: Afterword) -> dict[str, int]:
    """Two weeks ago the user applied once; nothing since."""
    ready.store.add_interview(Interview("Globex", "Analyst", None, applied_at=NOW - 2 * WEEK))
    return {}


def looked_again(window: MainWindow, qtbot: QtBot) -> None:
    window.today.refresh()
    window.runner.wait()
    qtbot.waitUntil(lambda: window.runner.busy == 0)


def set_goal(window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, goal: int) -> None:
    """As a user does: the link on Today, the number in the spin box, Save."""
    answer(monkeypatch, lambda dialog: dialog.per_week.setValue(goal), WeeklyGoalDialog)
    window.today.weekly_goal.link.linkActivated.emit("goal")
    window.runner.wait()
    qtbot.waitUntil(lambda: window.runner.busy == 0)


def test_the_goal_set_on_today_counts_an_application_logged_this_week(
    qtbot: QtBot, window: MainWindow, ready: Afterword, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.show_area(window.today)
    looked_again(window, qtbot)
    line = window.today.weekly_goal
    assert line.progress.isHidden() and "Set a weekly goal" in line.link.text()
    set_goal(window, qtbot, monkeypatch, 2)
    assert line.progress.text() == "This week: 0 of 2 applications"
    assert "Change goal" in line.link.text()
    ready.store.add_interview(Interview("Acme", "Data Engineer", None, applied_at=NOW))
    looked_again(window, qtbot)
    assert line.progress.text() == "This week: 1 of 2 applications"
    ready.store.add_interview(Interview("Initech", "Analyst", None, applied_at=NOW))
    looked_again(window, qtbot)
    assert line.progress.text() == "Goal met this week: 2 of 2 · 1-week streak"


def test_no_goal_puts_the_link_back_and_the_nudge_stays(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.show_area(window.today)
    set_goal(window, qtbot, monkeypatch, 3)
    line = window.today.weekly_goal
    assert line.progress.text() == "This week: 0 of 3 applications"
    titles = [window.today.due_list.item(r).text() for r in range(window.today.due_list.count())]
    assert any("pipeline is running low" in title for title in titles), "the nudge stays"
    set_goal(window, qtbot, monkeypatch, 0)
    assert line.progress.isHidden() and "Set a weekly goal" in line.link.text()
