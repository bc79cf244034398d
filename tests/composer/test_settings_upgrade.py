"""Settings brought up to date as the data file opens: each upgrade once, in order, in its
own transaction; settings from a newer Afterword refused, unchanged, with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.afterword import Afterword
from composer.backup import backup
from composer.errors import BackupRefused, SettingsTooNew
from composer.mailbox import mailbox_settings
from composer.paths import Paths, resolve
from composer.restore import restore
from composer.settings_upgrade import (
    SETTINGS_VERSION,
    VERSION_SETTING,
    Upgrade,
    settings_version,
    upgrade_settings,
)
from composer.store import IMAP_ACCOUNT_SETTING, Store
from tests.helpers.clock import clock

# A mailbox as the first release saved it: no password choice, interval or Sent choice.
FIRST_RELEASE_MAILBOX = {
    "host": "imap.example.org",
    "port": 993,
    "security": "tls",
    "username": "zoe",
    "ca_file": "",
    "timeout": 30.0,
}


def open_afterword(paths: Paths) -> Afterword:
    return Afterword.open(paths, keyring_backend=object(), clock=clock)


def test_settings_without_a_version_are_upgraded_once_as_the_data_file_opens(
    paths: Paths,
) -> None:
    with Store(paths.database, clock=clock) as old:
        old.set_setting(IMAP_ACCOUNT_SETTING, FIRST_RELEASE_MAILBOX)
        assert settings_version(old) == 1

    afterword = open_afterword(paths)
    try:
        store = afterword.store
        assert store.get_setting(VERSION_SETTING) == SETTINGS_VERSION
        assert store.get_setting(IMAP_ACCOUNT_SETTING) == {
            **FIRST_RELEASE_MAILBOX,
            "server_files_sent": False,
            "own_password": False,  # it opens with the sending password, as it always did
            "check_minutes": 15,
        }
        settings = mailbox_settings(store)
        assert settings is not None and not settings.own_password
        assert upgrade_settings(store) == []  # already done: nothing runs again
    finally:
        afterword.close()


def recording(done: list[int], version: int) -> Upgrade:
    def upgrade(store: Store) -> None:
        done.append(version)
        store.set_setting(f"seen_{version}", settings_version(store))

    return upgrade


def test_upgrades_run_once_in_order_each_seeing_the_version_before_it(store: Store) -> None:
    done: list[int] = []
    upgrades = [(2, recording(done, 2)), (3, recording(done, 3)), (4, recording(done, 4))]
    store.set_setting(VERSION_SETTING, 2)

    assert upgrade_settings(store, upgrades) == [3, 4]
    assert upgrade_settings(store, upgrades) == []

    assert done == [3, 4]
    assert (store.get_setting("seen_3"), store.get_setting("seen_4")) == (2, 3)
    assert settings_version(store) == 4


def test_a_failed_upgrade_changes_nothing_and_runs_again_next_time(store: Store) -> None:
    def breaks(store: Store) -> None:
        store.set_setting("half_done", True)
        raise RuntimeError("a bug in the upgrade")

    with pytest.raises(RuntimeError):
        upgrade_settings(store, [(2, breaks)])

    assert store.get_setting("half_done") is None
    assert settings_version(store) == 1
    done: list[int] = []
    assert upgrade_settings(store, [(2, recording(done, 2))]) == [2]


def test_settings_from_a_newer_version_are_refused_unchanged_with_a_clear_message(
    paths: Paths,
) -> None:
    newer = SETTINGS_VERSION + 1
    with Store(paths.database, clock=clock) as store:
        store.set_setting(VERSION_SETTING, newer)
        store.set_setting(IMAP_ACCOUNT_SETTING, {"from_the_future": True})

    with pytest.raises(SettingsTooNew) as raised:
        open_afterword(paths)

    assert str(raised.value) == (
        f"Your settings were saved by a newer version of Afterword (settings version {newer}; "
        f"this version understands up to {SETTINGS_VERSION}). They have not been changed. "
        "Please update Afterword to use them."
    )
    with Store(paths.database, clock=clock) as store:  # the data dir is free again
        assert store.get_setting(IMAP_ACCOUNT_SETTING) == {"from_the_future": True}
        store.set_setting(VERSION_SETTING, SETTINGS_VERSION)
    open_afterword(paths).close()


def backup_with_settings_version(tmp_path: Path, version: int | None) -> Path:
    """A backup whose settings are at ``version`` (None: from before versions)."""
    old = resolve(tmp_path / "old-computer")
    afterword = open_afterword(old)
    try:
        afterword.store.set_setting(IMAP_ACCOUNT_SETTING, FIRST_RELEASE_MAILBOX)
        afterword.store.set_setting(VERSION_SETTING, version)
        return backup(afterword, tmp_path / "settings.zip").path
    finally:
        afterword.close()


def test_a_restored_backup_with_old_settings_is_upgraded(tmp_path: Path) -> None:
    saved = backup_with_settings_version(tmp_path, None)
    afterword = open_afterword(resolve(tmp_path / "new-computer"))
    try:
        restore(afterword, saved)
        assert afterword.store.get_setting(VERSION_SETTING) == SETTINGS_VERSION
        assert afterword.store.get_setting(IMAP_ACCOUNT_SETTING)["check_minutes"] == 15
    finally:
        afterword.close()


def test_a_backup_with_newer_settings_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    saved = backup_with_settings_version(tmp_path, SETTINGS_VERSION + 1)
    afterword = open_afterword(resolve(tmp_path / "new-computer"))
    try:
        with pytest.raises(BackupRefused, match=r"newer version of Afterword \(settings version"):
            restore(afterword, saved)
        assert afterword.store.get_setting(IMAP_ACCOUNT_SETTING) is None
    finally:
        afterword.close()
