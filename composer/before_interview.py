"""The evening before an interview: the lessons to review and the almosts so far.

The advice is to go into the next interview with confidence: the day before a scheduled
interview (its date is tomorrow in the user's local time, and it has not taken place),
Today shows what the user chose to work on and what already went nearly right.

Which lessons: every one not yet practised, then those practised in the last 30 days (a
refresher); older practised ones are done with. Simple, and the user can see why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from composer.progress import Almost, progress
from composer.records import Interview, InterviewStatus, Lesson
from composer.store import Store

STILL_FRESH = timedelta(days=30)  # a lesson practised within this is reviewed again


@dataclass(frozen=True)
class Briefing:
    """One card: tomorrow's interview, the lessons to review, the almosts so far."""

    interview: Interview
    lessons: list[Lesson]
    almosts: list[Almost]

    @property
    def title(self) -> str:
        role = self.interview.position or "Interview"
        return f"Tomorrow: {role} at {self.interview.company}"


def briefings(store: Store, now: datetime) -> list[Briefing]:
    """One per interview scheduled tomorrow; none on any other day."""
    tomorrow = _local_day(now) + timedelta(days=1)
    coming = [i for i in store.interviews() if _is_on(i, tomorrow)]
    if not coming:
        return []
    lessons = to_review(store.lessons(), now)
    almosts = progress(store, now).almosts
    return [
        Briefing(i, lessons, [a for a in almosts if a.interview_id != i.id])
        for i in sorted(coming, key=lambda i: (i.scheduled_at, i.id or 0))
    ]


def to_review(lessons: list[Lesson], now: datetime) -> list[Lesson]:
    """Not yet practised first, then practised within STILL_FRESH, latest first."""
    fresh = [
        lesson
        for lesson in lessons
        if lesson.practised_at is not None and now - lesson.practised_at <= STILL_FRESH
    ]
    fresh.sort(key=lambda lesson: lesson.practised_at or now, reverse=True)
    return [lesson for lesson in lessons if lesson.practised_at is None] + fresh


def almost_words(almosts: list[Almost]) -> str:
    """ "You reached the final round at 2 companies and heard kind feedback after 1
    interview: …", with who, or "" when there is none yet."""
    finals = sum("final round" in a.why for a in almosts)
    kind = sum("kind feedback" in a.why for a in almosts)
    parts = []
    if finals:
        parts.append(f"reached the final round at {_count(finals, 'company', 'companies')}")
    if kind:
        parts.append(f"heard kind feedback after {_count(kind, 'interview', 'interviews')}")
    if not parts:
        return ""
    names = "; ".join(f"{a.name} ({a.why})" for a in almosts)
    return f"So far you {' and '.join(parts)}: {names}."


def _count(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _local_day(moment: datetime) -> date:
    return moment.astimezone().date()


def _is_on(interview: Interview, day: date) -> bool:
    return (
        interview.status is InterviewStatus.SCHEDULED
        and interview.scheduled_at is not None
        and _local_day(interview.scheduled_at) == day
    )
