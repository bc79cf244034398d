"""Settings with a version, brought up to date as the data file opens (after the schema's
migrations), in the manner of Picard's config upgrades: each change to what a setting holds
is one small numbered function, run once, in order, each in its own transaction.

To change what a setting holds: write ``upgrade_to_N`` (idempotent: it may meet settings
a hand edit or an older backup half-changed) and add it at the end of ``UPGRADES``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from composer.errors import SettingsTooNew
from composer.store import ACCOUNT_SETTING, DEFAULT_CHECK_MINUTES, IMAP_ACCOUNT_SETTING, Store

VERSION_SETTING = "settings_version"  # absent: version 1, the settings before versions
_log = logging.getLogger(__name__)

Upgrade = Callable[[Store], None]


def upgrade_to_2(store: Store) -> None:
    """Version 1 left out what had its default (a mailbox saved before its password,
    interval and Sent choices existed has none of them): they are written out, so that a
    later default never changes what an older setup meant. Values present stay as they are."""
    _fill(store, ACCOUNT_SETTING, {"ca_file": "", "timeout": 30.0})
    mailbox_defaults = {
        "server_files_sent": False,
        "own_password": False,  # the sending account's password, as version 1 read it
        "check_minutes": DEFAULT_CHECK_MINUTES,
    }
    _fill(store, IMAP_ACCOUNT_SETTING, {"ca_file": "", "timeout": 30.0, **mailbox_defaults})


def _fill(store: Store, key: str, defaults: dict[str, Any]) -> None:
    stored = store.get_setting(key)
    if isinstance(stored, dict):  # anything else is left for reading to report
        store.set_setting(key, {**defaults, **stored})


UPGRADES: Sequence[tuple[int, Upgrade]] = ((2, upgrade_to_2),)
SETTINGS_VERSION = UPGRADES[-1][0]  # the newest this version of Afterword understands


def settings_version(store: Store) -> int:
    stored = store.get_setting(VERSION_SETTING)
    if stored is None:
        return 1
    if isinstance(stored, int) and not isinstance(stored, bool) and stored >= 1:
        return stored
    _log.info("settings version unreadable; upgrading from version 1 (each upgrade is safe again)")
    return 1


def upgrade_settings(store: Store, upgrades: Sequence[tuple[int, Upgrade]] = UPGRADES) -> list[int]:
    """Runs the upgrades the stored settings have not had, oldest first; returns their
    numbers. Settings from a newer Afterword are refused, unchanged."""
    found, newest = settings_version(store), upgrades[-1][0]
    if found > newest:
        raise SettingsTooNew(found, newest)
    done = []
    for version, upgrade in upgrades:
        if version > found:
            with store.transaction():  # the upgrade and its number, or neither
                upgrade(store)
                store.set_setting(VERSION_SETTING, version)
            done.append(version)
    return done
