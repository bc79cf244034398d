"""Dates through Babel: the locale chosen (or the system's), in English, for a letter and
for a list."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from composer.afterword import Afterword
from composer.backup import backup
from composer.dates import (
    choose_locale,
    chosen_locale,
    english_locale,
    long_date,
    medium_date,
    medium_date_time,
    month_year,
    offered_locales,
    system_locale,
)
from composer.paths import Paths
from composer.restore import restore
from composer.store import Store

NAMES = [
    ("en_GB", "en_GB"),
    ("en-US", "en_US"),
    ("en_IN.UTF-8", "en_IN"),
    ("de_DE.UTF-8", "en_DE"),
    ("fr_CA", "en_CA"),
    ("C", "en_GB"),
    ("", "en_GB"),
    (None, "en_GB"),
    ("xx_QQ", "en_GB"),  # a region CLDR has no English for
]


@pytest.mark.parametrize(("name", "expected"), NAMES)
def test_any_locale_name_gives_an_english_one(name: str | None, expected: str) -> None:
    assert english_locale(name) == expected


MEDIUM = [
    ("en_GB", "3 Nov 2026", "3 Nov 2026, 14:30"),
    ("en_US", "Nov 3, 2026", "Nov 3, 2026, 2:30\u202fPM"),
    ("en_AU", "3 Nov 2026", "3 Nov 2026, 2:30\u202fpm"),
    ("en_IE", "3 Nov 2026", "3 Nov 2026, 14:30"),
]


@pytest.mark.parametrize(("name", "day", "moment"), MEDIUM)
def test_lists_use_the_locales_medium_format(name: str, day: str, moment: str) -> None:
    local = datetime(2026, 11, 3, 14, 30).astimezone()  # 14:30 on the user's clock
    assert medium_date(local, name) == day
    assert medium_date(date(2026, 11, 3), name) == day
    assert medium_date_time(local, name) == moment


def test_a_letter_uses_the_full_format() -> None:
    assert long_date(date(2028, 2, 29), "en_GB") == "Tuesday, 29 February 2028"
    assert long_date(date(2028, 2, 29), "en_US") == "Tuesday, February 29, 2028"


def test_the_choice_is_kept_in_the_records(tmp_path: Path) -> None:
    with Store(tmp_path / "a.sqlite3") as store:
        choose_locale(store, "en_US")
    with Store(tmp_path / "a.sqlite3") as reopened:
        assert chosen_locale(reopened) == "en_US"
        reopened.set_setting("date_locale", 42)  # from a damaged or future file
        assert chosen_locale(reopened) == "en_US", "read once per store"
    with Store(tmp_path / "a.sqlite3") as again:
        assert chosen_locale(again).startswith("en_"), "a bad value falls back, no crash"


def test_the_settings_list_names_each_locale_and_keeps_the_current_one() -> None:
    offered = dict(offered_locales("en_DE"))
    assert offered["en_GB"] == "English (United Kingdom)"
    assert offered["en_US"] == "English (United States)"
    assert offered["en_DE"] == "English (Germany)"
    assert {"en_AU", "en_CA", "en_IE", "en_NZ", "en_IN"} <= set(offered)


def test_the_chart_names_months_as_the_locale_abbreviates_them() -> None:
    assert month_year(date(2026, 9, 1), "en_GB") == "Sept 2026"
    assert month_year(date(2026, 9, 1), "en_US") == "Sep 2026"


def test_the_default_reads_the_environment_as_posix_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ("LC_ALL", "LC_TIME", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert system_locale() == "en_US"
    monkeypatch.setenv("LC_TIME", "de_DE.UTF-8")
    assert system_locale() == "en_DE", "LC_TIME before LANG"
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    assert system_locale() == "en_GB", "C names no region: not American English"


def test_a_restored_backup_brings_its_own_choice(paths: Paths, tmp_path: Path) -> None:
    afterword = Afterword.open(paths, keyring_backend=object())
    try:
        choose_locale(afterword.store, "en_US")
        saved = backup(afterword, tmp_path / "backup.zip").path
        choose_locale(afterword.store, "en_IE")

        restore(afterword, saved, replace=True)

        assert chosen_locale(afterword.store) == "en_US"
    finally:
        afterword.close()
