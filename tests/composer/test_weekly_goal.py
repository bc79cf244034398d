"""The weekly goal counts applications in the user's week: from the locale's first day, in
the user's time zone; the streak counts the weeks in a row the goal was met."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from composer.dates import choose_locale
from composer.records import Interview
from composer.store import Store
from composer.weekly_goal import (
    GOAL_SETTING,
    set_weekly_goal,
    week_progress,
    weekly_goal,
)
from tests.helpers.clock import SetClock

WEEK = timedelta(days=7)
SUNDAY_LATE = datetime(2026, 11, 15, 23, 30, tzinfo=UTC)  # a Sunday, 23:30
MONDAY_EARLY = datetime(2026, 11, 16, 0, 30, tzinfo=UTC)  # the Monday after, 00:30
MONDAY_NOON = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "afterword.sqlite3", clock=SetClock(MONDAY_NOON)) as opened:
        yield opened


def applied(store: Store, *moments: datetime) -> None:
    for number, moment in enumerate(moments):
        store.add_interview(Interview(f"Company {number}", "Analyst", None, applied_at=moment))


def test_no_goal_shows_nothing_and_zero_clears_it(store: Store) -> None:
    applied(store, MONDAY_EARLY)
    assert week_progress(store, MONDAY_NOON, UTC) is None
    set_weekly_goal(store, 3)
    assert weekly_goal(store) == 3
    set_weekly_goal(store, 0)
    assert weekly_goal(store) is None and week_progress(store, MONDAY_NOON, UTC) is None


def test_a_stored_goal_this_version_cannot_read_is_no_goal(store: Store) -> None:
    for unreadable in ("3", -2, 4.5, True, {"per_week": 3}):
        store.set_setting(GOAL_SETTING, unreadable)
        assert weekly_goal(store) is None, unreadable


def test_a_goal_out_of_range_is_refused(store: Store) -> None:
    with pytest.raises(ValueError):
        set_weekly_goal(store, -1)
    with pytest.raises(ValueError):
        set_weekly_goal(store, 1000)


def test_sunday_night_and_monday_morning_are_two_weeks_where_weeks_start_on_monday(
    store: Store,
) -> None:
    choose_locale(store, "en_GB")
    set_weekly_goal(store, 2)
    applied(store, SUNDAY_LATE, MONDAY_EARLY)
    progress = week_progress(store, MONDAY_NOON, UTC)
    assert progress is not None
    assert (progress.this_week, progress.streak) == (1, 0), "Sunday's was last week's"
    assert progress.words() == "This week: 1 of 2 applications"


def test_sunday_night_and_monday_morning_are_one_week_where_weeks_start_on_sunday(
    store: Store,
) -> None:
    choose_locale(store, "en_US")
    set_weekly_goal(store, 2)
    applied(store, SUNDAY_LATE, MONDAY_EARLY)
    progress = week_progress(store, MONDAY_NOON, UTC)
    assert progress is not None and progress.this_week == 2
    assert progress.words() == "Goal met this week: 2 of 2 · 1-week streak"


def test_the_week_is_the_users_local_week_not_utcs(store: Store) -> None:
    """Sunday 23:30 UTC is Monday 00:30 in Berlin: this week there, last week in UTC."""
    choose_locale(store, "en_GB")
    set_weekly_goal(store, 1)
    applied(store, SUNDAY_LATE)
    in_berlin = week_progress(store, MONDAY_NOON, BERLIN)
    in_utc = week_progress(store, MONDAY_NOON, UTC)
    assert in_berlin is not None and in_utc is not None
    assert in_berlin.words() == "Goal met this week: 1 of 1 · 1-week streak"
    assert in_utc.words() == "This week: 0 of 1 application · 1-week streak"


def test_the_week_turns_at_local_midnight_in_berlin(store: Store) -> None:
    """The clock says Sunday 22:30 UTC: already Monday 0:30 in Berlin, a new week there."""
    choose_locale(store, "en_GB")
    set_weekly_goal(store, 1)
    applied(store, SUNDAY_LATE - timedelta(hours=2))  # Sunday 22:30 in Berlin
    just_after = SUNDAY_LATE - timedelta(minutes=30)  # Sunday 23:00 UTC, Monday 0:00 Berlin
    progress = week_progress(store, just_after, BERLIN)
    assert progress is not None and progress.this_week == 0 and progress.streak == 1


def test_the_streak_counts_weeks_in_a_row_met_up_to_last_week(store: Store) -> None:
    choose_locale(store, "en_GB")
    set_weekly_goal(store, 2)
    three_weeks_ago, two_weeks_ago, last_week = (MONDAY_NOON - n * WEEK for n in (3, 2, 1))
    applied(store, three_weeks_ago, three_weeks_ago)  # met
    applied(store, two_weeks_ago)  # missed
    applied(store, last_week, last_week + timedelta(days=2))  # met
    applied(store, MONDAY_EARLY)  # one so far this week
    progress = week_progress(store, MONDAY_NOON, UTC)
    assert progress is not None
    assert progress.words() == "This week: 1 of 2 applications · 1-week streak"
    applied(store, two_weeks_ago)  # the missed week now met: three weeks in a row
    applied(store, MONDAY_NOON)  # and this week too
    progress = week_progress(store, MONDAY_NOON, UTC)
    assert progress is not None
    assert progress.words() == "Goal met this week: 2 of 2 · 4-week streak"


def test_a_missed_last_week_ends_the_streak(store: Store) -> None:
    choose_locale(store, "en_GB")
    set_weekly_goal(store, 1)
    applied(store, MONDAY_NOON - 3 * WEEK, MONDAY_NOON - 2 * WEEK)
    progress = week_progress(store, MONDAY_NOON, UTC)
    assert progress is not None and progress.streak == 0
    assert progress.words() == "This week: 0 of 1 application"
