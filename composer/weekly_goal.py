"""Keep applying, with a goal: applications per week, progress this week and the streak.

The user's week starts on their locale's first day (Babel's CLDR data: Monday in en_GB,
Sunday in en_US), in their local time zone: an application sent late on Sunday evening
belongs to the week the user lived it in, not to the UTC one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache

from composer.dates import chosen_locale
from composer.store import Store

GOAL_SETTING = "weekly_goal"
MOST = 100  # applications a week: more is a typo, not a plan
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class WeekProgress:
    goal: int
    this_week: int  # applications logged in the user's current week
    streak: int  # weeks in a row the goal was met, up to last week (and this one, if met)

    @property
    def met(self) -> bool:
        return self.this_week >= self.goal

    def words(self) -> str:
        """ "This week: 2 of 3 applications · 4-week streak"; plain words, no praise unearned."""
        streak = f" · {self.streak}-week streak" if self.streak else ""
        if self.met:
            return f"Goal met this week: {self.this_week} of {self.goal}{streak}"
        noun = "application" if self.goal == 1 else "applications"
        return f"This week: {self.this_week} of {self.goal} {noun}{streak}"


def weekly_goal(store: Store) -> int | None:
    """The goal set, or None; a stored value this version cannot read counts as no goal."""
    stored = store.get_setting(GOAL_SETTING)
    if isinstance(stored, bool) or not isinstance(stored, int) or not 0 < stored <= MOST:
        return None
    return stored


def set_weekly_goal(store: Store, goal: int | None) -> None:
    """0 or None: no goal, and nothing shown."""
    if goal is not None and not 0 <= goal <= MOST:
        raise ValueError(f"a weekly goal is 0 to {MOST} applications, not {goal}")
    store.set_setting(GOAL_SETTING, goal or None)


def week_progress(store: Store, now: datetime, zone: tzinfo | None = None) -> WeekProgress | None:
    """None when no goal is set. ``zone``: the user's time zone (the system's when None)."""
    goal = weekly_goal(store)
    if goal is None:
        return None
    applied = [i.applied_at for i in store.interviews() if i.applied_at is not None]
    first_day = first_week_day(chosen_locale(store))
    return progress_of(applied, goal, now, first_day, zone)


def progress_of(
    applied: Iterable[datetime], goal: int, now: datetime, first_day: int, zone: tzinfo | None
) -> WeekProgress:
    """From the moments applications were logged; ``first_day``: 0 Monday … 6 Sunday."""
    if goal < 1:
        raise ValueError("no goal, no progress: check weekly_goal() first")
    per_week = Counter(week_start(moment, first_day, zone) for moment in applied)
    this_week = week_start(now, first_day, zone)
    streak = 0
    week = this_week - WEEK
    while per_week[week] >= goal:
        streak += 1
        week -= WEEK
    met_now = per_week[this_week] >= goal
    return WeekProgress(goal, per_week[this_week], streak + met_now)


def week_start(moment: datetime, first_day: int, zone: tzinfo | None) -> date:
    """The first day of the user's week holding ``moment``, as a local calendar date."""
    day = moment.astimezone(zone).date()
    return day - timedelta(days=(day.weekday() - first_day) % 7)


@lru_cache(maxsize=16)
def first_week_day(locale_name: str) -> int:
    """0 for Monday … 6 for Sunday, as ``date.weekday()`` counts."""
    from babel import Locale

    return int(Locale.parse(locale_name).first_week_day)
