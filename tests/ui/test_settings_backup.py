"""Settings › Backup and restore, through the buttons: back up, restore after asking, and a
damaged file refused with a clear message and nothing changed."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.backup import backup, safety_folder
from composer.paths import resolve
from composer.records import Contact, Profile
from tests.ui.conftest import Dialogs
from ui import dialogs
from ui.backup_settings import SENDING_NOW
from ui.runner import Runner
from ui.settings import SettingsPage

WAIT = 10_000  # ms: work on the runner's threads
Told = list[tuple[str, bool]]


@pytest.fixture
def told(answers: Dialogs, monkeypatch: pytest.MonkeyPatch) -> Told:
    """What the user was told, and whether as an error."""
    said: Told = []

    def tell(parent: QWidget | None, message: str, *, error: bool = False) -> None:
        said.append((message, error))

    monkeypatch.setattr(dialogs, "tell", tell)
    return said


@pytest.fixture
def page(qtbot: QtBot, afterword: Afterword, runner: Runner) -> SettingsPage:
    afterword.store.save_profile(Profile("Zoë Müller", "zoe@example.org"))
    afterword.store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    shown = SettingsPage(afterword, runner)
    qtbot.addWidget(shown)
    qtbot.waitUntil(lambda: runner.busy == 0, timeout=WAIT)
    return shown


def choosing(monkeypatch: pytest.MonkeyPatch, name: str, path: Path) -> list[str]:
    """Answers the file dialog ``name`` with ``path``; returns the captions asked."""
    asked: list[str] = []

    def choose(parent: QWidget | None, caption: str, filters: str = "", *suggested: str) -> str:
        asked.append(caption)
        asked.extend(suggested)
        return str(path)

    monkeypatch.setattr(dialogs, name, choose)
    return asked


def settle(qtbot: QtBot, runner: Runner, told: Told, count: int) -> None:
    qtbot.waitUntil(lambda: len(told) >= count and runner.busy == 0, timeout=WAIT)


def contact_names(afterword: Afterword) -> list[str]:
    return [contact.name for contact in afterword.store.contacts()]


def files_in(folder: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder; SQLite's shared-memory index (``-shm``) changes
    whenever the page reads, so only its presence counts."""
    return {
        path.relative_to(folder).as_posix(): (
            path.read_bytes() if path.is_file() and not path.name.endswith("-shm") else None
        )
        for path in sorted(folder.rglob("*"))
    }


def test_back_up_then_restore_brings_back_what_was_saved_after_asking(
    qtbot: QtBot,
    page: SettingsPage,
    afterword: Afterword,
    runner: Runner,
    answers: Dialogs,
    told: Told,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    saved = tmp_path / "afterword-backup.zip"
    asked = choosing(monkeypatch, "choose_save_file", saved)
    page.backup_button.click()
    assert asked[1].startswith("afterword-backup-") and asked[1].endswith(".zip"), "suggested"
    settle(qtbot, runner, told, 1)
    assert saved.is_file()
    assert told[-1][1] is False and "1 contact" in told[-1][0] and str(saved) in told[-1][0]

    afterword.store.add_contact(Contact("Added Later", "later@example.org"))
    page.name.setText("Someone Else")
    page.save_button.click()
    choosing(monkeypatch, "choose_file", saved)
    answers.answers = [True]
    with qtbot.waitSignal(page.records_replaced, timeout=WAIT):
        page.restore_button.click()
    settle(qtbot, runner, told, 2)

    [question] = answers.asked
    assert "2 contacts" in question and str(safety_folder(afterword.paths)) in question
    assert contact_names(afterword) == ["Ana Lima"]
    assert page.name.text() == "Zoë Müller", "the page shows the restored profile"
    assert told[-1][1] is False and told[-1][0].startswith("Restored 1 contact")
    assert len(list(safety_folder(afterword.paths).glob("before-restore-*.zip"))) == 1
    assert page.backup_button.isEnabled() and page.restore_button.isEnabled()


def test_answering_no_replaces_nothing(
    qtbot: QtBot,
    page: SettingsPage,
    afterword: Afterword,
    runner: Runner,
    answers: Dialogs,
    told: Told,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    saved = backup(afterword, tmp_path / "b.zip").path
    afterword.store.add_contact(Contact("Added Later"))
    choosing(monkeypatch, "choose_file", saved)
    answers.answers = [False]
    with qtbot.assertNotEmitted(page.records_replaced):
        page.restore_button.click()
        qtbot.waitUntil(lambda: bool(answers.asked) and runner.busy == 0, timeout=WAIT)

    assert contact_names(afterword) == ["Added Later", "Ana Lima"]
    assert told == [] and not safety_folder(afterword.paths).exists()
    assert page.restore_button.isEnabled()


def test_a_truncated_backup_is_refused_with_a_clear_message(
    qtbot: QtBot,
    page: SettingsPage,
    afterword: Afterword,
    runner: Runner,
    answers: Dialogs,
    told: Told,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    whole = backup(afterword, tmp_path / "whole.zip").path.read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    afterword.store.add_contact(Contact("Added Later"))
    before = files_in(afterword.paths.data_dir)
    choosing(monkeypatch, "choose_file", cut)

    with qtbot.assertNotEmitted(page.records_replaced):
        page.restore_button.click()
        settle(qtbot, runner, told, 1)

    [(message, error)] = told
    assert error is True
    assert "cut.zip is damaged or incomplete" in message and "Nothing was changed" in message
    assert answers.asked == []
    assert contact_names(afterword) == ["Added Later", "Ana Lima"]
    assert files_in(afterword.paths.data_dir) == before


def test_a_backup_that_cannot_be_written_is_told(
    qtbot: QtBot,
    page: SettingsPage,
    runner: Runner,
    told: Told,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    choosing(monkeypatch, "choose_save_file", tmp_path / "no such folder" / "b.zip")
    page.backup_button.click()
    settle(qtbot, runner, told, 1)
    [(message, error)] = told
    assert error is True and "could not be written" in message
    assert page.backup_button.isEnabled()


def test_a_backup_named_with_a_dot_still_gets_its_zip(
    qtbot: QtBot,
    page: SettingsPage,
    runner: Runner,
    told: Told,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Qt's own save dialog adds no suffix: "week.48" is a name, not a file type."""
    choosing(monkeypatch, "choose_save_file", tmp_path / "week.48")
    page.backup_button.click()
    settle(qtbot, runner, told, 1)
    assert (tmp_path / "week.48.zip").is_file() and not (tmp_path / "week.48").exists()


def test_a_backup_whose_zip_exists_is_asked_about_first(
    qtbot: QtBot,
    page: SettingsPage,
    answers: Dialogs,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The save dialog asked about "week.48"; the file written is week.48.zip, an older
    backup: replacing it is asked here, and No leaves it as it was."""
    older = tmp_path / "week.48.zip"
    older.write_bytes(b"last week's backup")
    choosing(monkeypatch, "choose_save_file", tmp_path / "week.48")
    answers.answers.append(False)
    page.backup_button.click()
    assert "week.48.zip already exists" in answers.asked[0]
    assert older.read_bytes() == b"last week's backup"


def test_restore_waits_while_a_message_is_being_sent(
    qtbot: QtBot,
    page: SettingsPage,
    runner: Runner,
    told: Told,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = choosing(monkeypatch, "choose_file", Path("never-asked.zip"))
    release = threading.Event()

    def send() -> None:
        release.wait(WAIT / 1000)

    runner.run(send, sending=True)
    try:
        page.restore_button.click()
    finally:
        release.set()
    assert told == [(SENDING_NOW, True)] and asked == []
    qtbot.waitUntil(lambda: runner.busy == 0, timeout=WAIT)


def test_after_a_restore_every_page_shows_the_restored_records(
    qtbot: QtBot,
    afterword: Afterword,
    answers: Dialogs,
    told: Told,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui.main_window import MainWindow

    afterword.store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    window = MainWindow(afterword)
    qtbot.addWidget(window)
    saved = tmp_path / "before.zip"
    choosing(monkeypatch, "choose_save_file", saved)
    window.settings_page.backup_button.click()
    settle(qtbot, window.runner, told, 1)
    afterword.store.add_contact(Contact("Added Later", "later@example.org"))
    window.contacts.refresh()
    window.compose.subject.setText("A draft typed after the backup, not saved yet")
    assert window.contacts.model.rowCount() == 2

    choosing(monkeypatch, "choose_file", saved)
    answers.answers = [True]
    window.settings_page.restore_button.click()
    assert not window.areas.isEnabled(), "no edits while the records are being replaced"
    settle(qtbot, window.runner, told, 2)
    window.runner.wait()
    assert window.areas.isEnabled() and window.menuBar().isEnabled()
    assert window.contacts.model.rowCount() == 1, "the Contacts page shows the restored list"
    assert window.compose.subject.text() == "" and window.compose.message_id is None
    assert [c.name for c in afterword.store.contacts()] == ["Ana Lima"]
    [safety] = (afterword.paths.data_dir / "backups").glob("*.zip")
    elsewhere = Afterword.open(resolve(tmp_path / "safety"), keyring_backend=object())
    from composer.restore import restore

    restore(elsewhere, safety)
    kept = [elsewhere.store.message(i).subject for i in elsewhere.store.message_list_ids()]
    elsewhere.close()
    assert kept == ["A draft typed after the backup, not saved yet"], "in the safety copy"
