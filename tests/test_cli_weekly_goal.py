"""``python main.py due`` with a weekly goal: the goal's line after the due items, and the
two-week nudge still there when the pipeline runs dry."""

from __future__ import annotations

from datetime import timedelta

from composer.paths import Paths
from composer.records import Interview
from composer.store import Store
from composer.weekly_goal import set_weekly_goal
from tests.helpers.clock import NOW, server_environment
from tests.test_main import run

WEEK = timedelta(days=7)


def log_applications(store: Store, *moments: object) -> None:
    for number, moment in enumerate(moments):
        store.add_interview(Interview(f"Company {number}", "Analyst", None, applied_at=moment))  # type: ignore[arg-type]


def due(paths: Paths) -> str:
    on_the_tests_day = server_environment()  # the command reads its clock: libfaketime sets it
    result = run("--data-dir", str(paths.data_dir), "due", **on_the_tests_day)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_due_prints_this_weeks_progress_and_the_streak(paths: Paths, store: Store) -> None:
    set_weekly_goal(store, 2)
    log_applications(store, NOW - WEEK, NOW - WEEK, NOW)  # last week met; one so far
    printed = due(paths)
    assert printed.rstrip().endswith("This week: 1 of 2 applications · 1-week streak")
    assert "pipeline is running low" not in printed


def test_due_prints_no_goal_line_without_a_goal(paths: Paths, store: Store) -> None:
    log_applications(store, NOW)
    assert "This week" not in due(paths)


def test_the_two_week_nudge_stays_with_a_goal_set(paths: Paths, store: Store) -> None:
    set_weekly_goal(store, 2)
    log_applications(store, NOW - 15 * timedelta(days=1))
    printed = due(paths)
    assert "Your pipeline is running low" in printed
    assert printed.index("running low") < printed.index("This week: 0 of 2 applications")
