"""Progress, not only rejections: what is in flight, what this month brought, the almosts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from composer.dates import chosen_locale, month_year
from composer.records import Interview, InterviewStatus
from composer.store import Store

MONTHS_SHOWN = 6
_IN_FLIGHT = (InterviewStatus.SCHEDULED, InterviewStatus.DONE)


@dataclass(frozen=True)
class Almost:
    interview_id: int
    name: str
    why: str  # "reached the final round", "kind feedback"


@dataclass(frozen=True)
class Month:
    label: str  # "Nov 2026"
    applications: int
    interviews: int


@dataclass(frozen=True)
class Progress:
    in_flight: int
    offers: int
    applications_this_month: int
    interviews_this_month: int
    almosts: list[Almost]
    months: list[Month]  # oldest first, this month last


def progress(store: Store, now: datetime) -> Progress:
    """Months are the user's local calendar months."""
    interviews = store.interviews()
    kind_words = store.interviews_with_kind_feedback()
    months = _months(interviews, now, chosen_locale(store))
    return Progress(
        in_flight=sum(i.status in _IN_FLIGHT for i in interviews),
        offers=sum(i.status is InterviewStatus.OFFER for i in interviews),
        applications_this_month=months[-1].applications,
        interviews_this_month=months[-1].interviews,
        almosts=[a for i in interviews if (a := _almost(i, kind_words)) is not None],
        months=months,
    )


def _almost(interview: Interview, kind_words: set[int]) -> Almost | None:
    assert interview.id is not None
    reasons = []
    if "final" in interview.stage.casefold() and interview.status is not InterviewStatus.OFFER:
        reasons.append("reached the final round")
    if interview.id in kind_words:
        reasons.append("kind feedback")
    if not reasons:
        return None
    name = ", ".join(part for part in (interview.position, interview.company) if part)
    return Almost(interview.id, name, " and ".join(reasons))


def _month_key(moment: datetime) -> tuple[int, int]:
    local = moment.astimezone()
    return local.year, local.month


def _months(interviews: list[Interview], now: datetime, date_locale: str) -> list[Month]:
    year, month = _month_key(now)
    keys: list[tuple[int, int]] = []
    for _ in range(MONTHS_SHOWN):
        keys.insert(0, (year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    applied = [_month_key(i.applied_at) for i in interviews if i.applied_at]
    met = [_month_key(i.scheduled_at) for i in interviews if i.scheduled_at]
    return [
        Month(
            month_year(date(y, m, 1), date_locale),
            applied.count((y, m)),
            met.count((y, m)),
        )
        for y, m in keys
    ]
