"""Settings › Restore: messages waiting to be sent in the backup come back as drafts, and
the user is told so and where to review them (#16)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.backup import backup
from composer.paths import resolve
from composer.records import Message, MessageState
from tests.helpers.clock import clock
from tests.ui import test_settings_backup as backups
from tests.ui.conftest import Dialogs
from tests.ui.test_settings_backup import Told, choosing, settle
from ui.runner import Runner
from ui.settings import SettingsPage

WAIT = 10_000  # ms
told, page = backups.told, backups.page  # what the user was told; Settings on its records


def test_a_restored_queued_message_is_a_draft_and_the_user_is_told(
    qtbot: QtBot,
    page: SettingsPage,
    afterword: Afterword,
    runner: Runner,
    answers: Dialogs,
    told: Told,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    maker = Afterword.open(resolve(tmp_path / "maker"), keyring_backend=object(), clock=clock)
    try:
        maker.outbox.queue(Message("Waiting", "Thank you.", ["ana@acme.example"]))
        saved = backup(maker, tmp_path / "waiting.zip").path
    finally:
        maker.close()
    choosing(monkeypatch, "choose_file", saved)
    answers.answers = [True]  # yes, replace what is here
    with qtbot.waitSignal(page.records_replaced, timeout=WAIT):
        page.restore_button.click()
    settle(qtbot, runner, told, 1)

    message, error = told[-1]
    assert not error
    assert "1 message that was waiting to be sent in the backup is kept as a draft" in message
    assert "Review and send it from Outbox & Sent" in message
    [draft] = afterword.store.message_ids(MessageState.DRAFT)
    assert afterword.store.message(draft).subject == "Waiting"
    assert afterword.store.message_ids(MessageState.QUEUED) == []
