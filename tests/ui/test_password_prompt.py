"""A password when it is needed: asked for in a dialog, then the send goes on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.afterword import Afterword
from composer.credentials import SERVICE
from composer.paths import Paths
from composer.records import Contact, InterviewStatus, MessageState, Profile
from tests.helpers.clock import clock
from tests.helpers.smtp_server import PASSWORD, USER, SmtpServer, account_for
from tests.ui.helpers import shown, written
from tests.ui.test_compose import interview_with
from ui.compose import ComposePage
from ui.one_each_panel import PanelDialog
from ui.password_prompt import KEPT, PasswordDialog
from ui.runner import Runner
from ui.settings import SettingsPage

WAIT = 15_000


def set_up(afterword: Afterword, smtp_server: SmtpServer, ca_file: Path) -> str:
    """A profile and a saved account, with no password stored anywhere."""
    afterword.store.save_profile(Profile("Zoë Müller", "zoe@example.org"))
    account = account_for(smtp_server, ca_file)
    afterword.outbox.save_account(account)
    return account.key


class Prompts:
    """Answers the password dialog: types ``typed`` in turn (None: Cancel)."""

    def __init__(self, *typed: str | None, keep: bool | None = None) -> None:
        self.typed = list(typed)
        self.keep = keep
        self.seen: list[dict[str, Any]] = []

    def run(self, dialog: QDialog) -> bool:
        assert isinstance(dialog, PasswordDialog), f"unexpected dialog {type(dialog).__name__}"
        self.seen.append(
            {
                "why": dialog.why.text(),
                "keep enabled": dialog.keep.isEnabled(),
                "keep checked": dialog.keep.isChecked(),
                "keyring note": dialog.keyring_note.text(),
            }
        )
        typed = self.typed.pop(0)
        if typed is None:
            dialog.reject()
            return False
        dialog.password.setText(typed)
        if self.keep is not None:
            dialog.keep.setChecked(self.keep)
        if dialog.certificate is not None:  # the account's own CA, shown the first time
            dialog.certificate.trust.setChecked(True)
        dialog.continue_button.click()
        return dialog.result() == QDialog.DialogCode.Accepted


@pytest.fixture
def prompts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Prompts]]:
    holder: list[Prompts] = []
    monkeypatch.setattr(ui.dialogs, "run_dialog", lambda dialog: holder[0].run(dialog))
    yield holder


def send_from_compose(qtbot: QtBot, afterword: Afterword, runner: Runner) -> ComposePage:
    interview_id = interview_with(
        afterword, Contact("Ana Lima", "ana@acme.example"), status=InterviewStatus.REJECTED
    )
    compose = shown(qtbot, ComposePage(afterword, runner))
    compose.start_follow_up(interview_id, "no_hard_feelings")
    written(qtbot, compose)
    compose.send()
    qtbot.waitUntil(lambda: not compose.sending, timeout=WAIT)
    return compose


def test_with_no_keyring_the_password_is_asked_for_and_the_message_goes(
    qtbot: QtBot,
    afterword: Afterword,
    smtp_server: SmtpServer,
    ca_file: Path,
    runner: Runner,
    prompts: list[Prompts],
) -> None:
    key = set_up(afterword, smtp_server, ca_file)
    prompts.append(Prompts(PASSWORD))

    compose = send_from_compose(qtbot, afterword, runner)

    [asked] = prompts[0].seen
    assert f"{USER} on {smtp_server.host}" in asked["why"]
    assert not asked["keep enabled"] and not asked["keep checked"]
    assert "keyring" in asked["keyring note"], "says why it cannot be kept"
    assert len(smtp_server.received) == 1
    assert compose.status.text().startswith("Sent. The server said: 250")
    assert "still send" not in compose.status.text()
    assert afterword.credentials.in_session(key), "not asked again until Afterword quits"


def test_kept_in_the_keyring_when_ticked(
    qtbot: QtBot,
    paths: Paths,
    secret_backend: Any,
    smtp_server: SmtpServer,
    ca_file: Path,
    runner: Runner,
    prompts: list[Prompts],
) -> None:
    afterword = Afterword.open(paths, keyring_backend=secret_backend, clock=clock)
    try:
        key = set_up(afterword, smtp_server, ca_file)
        prompts.append(Prompts(PASSWORD))

        send_from_compose(qtbot, afterword, runner)

        [asked] = prompts[0].seen
        assert asked["keep enabled"] and asked["keep checked"]
        assert len(smtp_server.received) == 1
        assert secret_backend.get_password(SERVICE, key) == PASSWORD
        assert not afterword.credentials.in_session(key), "in the keyring, not only in memory"
    finally:
        afterword.close()


def test_cancel_leaves_the_message_unsent_and_kept(
    qtbot: QtBot,
    afterword: Afterword,
    smtp_server: SmtpServer,
    ca_file: Path,
    runner: Runner,
    prompts: list[Prompts],
) -> None:
    set_up(afterword, smtp_server, ca_file)
    prompts.append(Prompts(None))

    compose = send_from_compose(qtbot, afterword, runner)

    assert smtp_server.received == []
    assert compose.message_id is not None
    message = afterword.store.message(compose.message_id)
    assert message.state is MessageState.FAILED
    assert "no password was given" in compose.status.text()
    assert KEPT in compose.status.text()
    assert compose.send_button.text() == "&Send again"
    assert compose.subject.text(), "what was written is still there"


def test_a_refused_password_is_asked_for_again_saying_so(
    qtbot: QtBot,
    afterword: Afterword,
    smtp_server: SmtpServer,
    ca_file: Path,
    runner: Runner,
    prompts: list[Prompts],
) -> None:
    set_up(afterword, smtp_server, ca_file)
    prompts.append(Prompts("not it", PASSWORD))

    compose = send_from_compose(qtbot, afterword, runner)

    first, second = prompts[0].seen
    assert "refused" not in first["why"]
    assert "The server refused the password" in second["why"]
    assert len(smtp_server.received) == 1, "sent once, after the right password"
    assert compose.message_id is None or (
        afterword.store.message(compose.message_id).state is MessageState.SENT
    )
    assert compose.status.text().startswith("Sent.")


def test_a_test_message_asks_for_the_password_and_goes(
    qtbot: QtBot,
    afterword: Afterword,
    smtp_server: SmtpServer,
    ca_file: Path,
    runner: Runner,
    prompts: list[Prompts],
) -> None:
    set_up(afterword, smtp_server, ca_file)
    prompts.append(Prompts(PASSWORD))
    page = shown(qtbot, SettingsPage(afterword, runner))
    qtbot.waitUntil(lambda: runner.busy == 0, timeout=WAIT)

    page.test_button.click()
    qtbot.waitUntil(lambda: "Test message sent" in page.test_status.text(), timeout=WAIT)

    assert len(prompts[0].seen) == 1
    assert len(smtp_server.received) == 1
    assert page.test_button.isEnabled()


def test_one_message_each_asks_once_and_every_message_goes(
    qtbot: QtBot,
    afterword: Afterword,
    smtp_server: SmtpServer,
    ca_file: Path,
    runner: Runner,
    prompts: list[Prompts],
) -> None:
    ready = afterword
    set_up(ready, smtp_server, ca_file)
    interview_id = interview_with(
        ready,
        Contact("Ana Lima", "ana@acme.example"),
        Contact("Bo Chen", "bo@acme.example"),
        scheduled_at=datetime(2026, 11, 3, 14, 30).astimezone(),
    )
    prompts.append(Prompts(PASSWORD))
    dialog = shown(qtbot, PanelDialog(ready, runner, interview_id))
    written(qtbot, dialog)

    dialog.send()
    qtbot.waitUntil(lambda: not dialog.sending, timeout=WAIT)

    assert len(prompts[0].seen) == 1, "one password for the whole batch"
    assert sorted(r.recipients[0] for r in smtp_server.received) == [
        "ana@acme.example",
        "bo@acme.example",
    ]
    assert [c.status.text() for c in dialog.columns] == ["Sent."] * 2
