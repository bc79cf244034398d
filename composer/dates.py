"""Dates as the user writes them, in messages and on screen, from the locale chosen in
Settings: Babel's CLDR data, never month names written here.

The templates are English letters, so a date in one must be English too: only English
locales are used (en_GB, en_US, en_IN, ...). A system set to another language gets the
English of its region when CLDR has one (de_DE gives en_DE: "3 Nov 2026", day first, as
people there write it), else British English. Babel is imported when a date is first
formatted, not at start-up.
"""

from __future__ import annotations

import locale
import os
import re
from datetime import date, datetime, time
from functools import lru_cache
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from composer.store import Store

LOCALE_SETTING = "date_locale"
FALLBACK = "en_GB"
OFFERED = ("en_GB", "en_US", "en_AU", "en_CA", "en_IE", "en_NZ", "en_IN", "en_ZA")
_NAME = re.compile(r"^(?P<language>[A-Za-z]{2,3})(?:[_-](?P<region>[A-Za-z]{2}|\d{3}))?")
_chosen: WeakKeyDictionary[Store, str] = WeakKeyDictionary()  # read once per store


def english_locale(name: str | None) -> str:
    """The English locale for a system or stored locale name ("de_DE.UTF-8" → "en_DE")."""
    match = _NAME.match(name or "")
    if not match or not match["region"]:
        return FALLBACK
    candidate = f"en_{match['region'].upper()}"
    return candidate if candidate in OFFERED or _known(candidate) else FALLBACK


@lru_cache(maxsize=32)
def _known(name: str) -> bool:
    from babel import localedata

    return localedata.exists(name)


def system_locale() -> str:
    """The default before the user chooses: the system's region, in English. The
    environment is read as POSIX does (LC_ALL, then LC_TIME, then LANG): Python's own
    reading takes "C.UTF-8", no region at all, for American English."""
    for variable in ("LC_ALL", "LC_TIME", "LANG"):
        if os.environ.get(variable):
            return english_locale(os.environ[variable])
    try:
        return english_locale(locale.getlocale()[0])  # Windows, macOS: no such variables
    except ValueError:
        return FALLBACK


def chosen_locale(store: Store) -> str:
    """The locale chosen in Settings (the system's until then), remembered per store: the
    lists format a date per cell."""
    if store not in _chosen:
        stored = store.get_setting(LOCALE_SETTING)
        _chosen[store] = english_locale(stored) if isinstance(stored, str) else system_locale()
    return _chosen[store]


def choose_locale(store: Store, name: str) -> None:
    name = english_locale(name)
    store.set_setting(LOCALE_SETTING, name)
    _chosen[store] = name


def forget_chosen(store: Store) -> None:
    """The records were replaced (a restore): the next date reads their setting."""
    _chosen.pop(store, None)


def offered_locales(current: str) -> list[tuple[str, str]]:
    """(locale, its name in English) for the Settings combo, the current one included."""
    names = list(dict.fromkeys([*OFFERED, current]))
    return [(name, display_name(name)) for name in names]


def display_name(name: str) -> str:
    from babel import Locale

    return str(Locale.parse(name).get_display_name("en"))


def long_date(moment: date, locale_name: str) -> str:
    """For a letter: "Tuesday, 3 November 2026" (en_GB), "Tuesday, November 3, 2026" (en_US)."""
    return _day(_local_day(moment), "full", locale_name)


def medium_date(moment: date, locale_name: str) -> str:
    """For a list: "3 Nov 2026" (en_GB), "Nov 3, 2026" (en_US)."""
    return _day(_local_day(moment), "medium", locale_name)


def month_year(moment: date, locale_name: str) -> str:
    """For a chart: "Sept 2026" (en_GB), "Sep 2026" (en_US)."""
    from babel.dates import format_skeleton

    return str(format_skeleton("yMMM", _local_day(moment), locale=locale_name))


def short_time(moment: datetime, locale_name: str) -> str:
    """ "14:30" (en_GB), "2:30 PM" (en_US); local time."""
    return _time(_local(moment).time().replace(second=0, microsecond=0), locale_name)


def medium_date_time(moment: datetime, locale_name: str) -> str:
    """For a list: "3 Nov 2026, 14:30" (en_GB), "Nov 3, 2026, 2:30 PM" (en_US)."""
    day, hour = medium_date(moment, locale_name), short_time(moment, locale_name)
    return _joined(locale_name).replace("{1}", day).replace("{0}", hour)


# Babel takes about 60 µs a date; a list of thousands of rows repeats few days and minutes.
@lru_cache(maxsize=4096)
def _day(day: date, length: str, locale_name: str) -> str:
    from babel.dates import format_date

    return str(format_date(day, length, locale=locale_name))


@lru_cache(maxsize=2048)
def _time(moment: time, locale_name: str) -> str:
    from babel.dates import format_time

    return str(format_time(moment, "short", locale=locale_name))


@lru_cache(maxsize=32)
def _joined(locale_name: str) -> str:
    """How the locale joins a date and a time: "{1}, {0}"."""
    from babel.dates import get_datetime_format

    return str(get_datetime_format("medium", locale=locale_name)).replace("'", "")


def _local(moment: datetime) -> datetime:
    """Local wall time, naive: what the user's clock showed."""
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


def _local_day(moment: date) -> date:
    return _local(moment).date() if isinstance(moment, datetime) else moment
