"""The first-run assistant: from an address to a test message the server receives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.credentials import SERVICE
from composer.mailbox import mailbox_settings
from composer.paths import Paths
from composer.providers import OTHER, chosen_provider
from composer.records import Profile
from tests.helpers.clock import clock
from tests.helpers.smtp_server import PASSWORD, USER, SmtpServer
from tests.ui.helpers import shown
from ui import first_run
from ui.first_run import SET_UP_LATER, FirstRunAssistant
from ui.runner import Runner

WAIT = 15_000


def start(qtbot: QtBot, afterword: Afterword, runner: Runner) -> FirstRunAssistant:
    return shown(qtbot, FirstRunAssistant(afterword, runner))


def about_me(qtbot: QtBot, assistant: FirstRunAssistant, address: str) -> None:
    assistant.about.name.setText("Zoë Müller")  # keyClicks takes ASCII only
    qtbot.keyClicks(assistant.about.email, address)
    assert assistant.button(QWizard.WizardButton.NextButton).isEnabled()
    assistant.next()


def test_from_an_address_to_a_received_test_message(
    qtbot: QtBot,
    afterword: Afterword,
    runner: Runner,
    smtp_server: SmtpServer,
    ca_file: Path,
) -> None:
    assistant = start(qtbot, afterword, runner)
    next_button = assistant.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled(), "a name and an address first"

    about_me(qtbot, assistant, "zoe@example.org")
    provider = assistant.provider
    assert provider.provider.currentData() == OTHER, "example.org is nobody's preset"
    qtbot.waitUntil(lambda: "does not know" in provider.recognised.text(), timeout=WAIT)
    assert provider.lookup.isHidden(), "nothing found: nothing to confirm"
    assert not next_button.isEnabled(), "the server is needed"
    provider.host.setText(smtp_server.host)
    provider.port.setValue(smtp_server.port)
    provider.ca_file.setText(str(ca_file))
    provider.username.setText(USER)
    assistant.next()

    password = assistant.password
    qtbot.waitUntil(lambda: runner.busy == 0, timeout=WAIT)
    assert not password.keep.isEnabled(), "no keyring here: memory only"
    assert password.keyring_note.text()
    qtbot.keyClicks(password.password, PASSWORD)
    assistant.next()

    test = assistant.test
    assert afterword.has_account(), "saved as the test page opens"
    test.test_button.click()
    qtbot.waitUntil(lambda: "Test message sent" in test.status.text(), timeout=WAIT)

    [received] = smtp_server.received
    assert received.recipients == ["zoe@example.org"]
    assistant.next()
    assistant.accept()
    assert afterword.store.profile().name == "Zoë Müller"
    assert chosen_provider(afterword.store) == OTHER
    assert not first_run.wanted(afterword), "not offered again"


def test_a_known_address_picks_its_provider_and_its_note_on_app_passwords(
    qtbot: QtBot, paths: Paths, secret_backend: Any, runner: Runner
) -> None:
    afterword = Afterword.open(paths, keyring_backend=secret_backend, clock=clock)
    try:
        assistant = start(qtbot, afterword, runner)
        about_me(qtbot, assistant, "zoe@gmail.com")
        assert assistant.provider.provider.currentText() == "Gmail"
        assert assistant.provider.servers.isHidden(), "Gmail's servers are known"
        assistant.next()
        qtbot.waitUntil(lambda: runner.busy == 0, timeout=WAIT)

        password = assistant.password
        assert "app password" in password.note.text()
        assert password.keep.isEnabled() and password.keep.isChecked()
        qtbot.keyClicks(password.password, "app password 1234")
        assistant.next()

        account = afterword.outbox.account()
        assert account is not None and account.host == "smtp.gmail.com"
        assert account.username == "zoe@gmail.com"
        mailbox = mailbox_settings(afterword.store)
        assert mailbox is not None and mailbox.account.host == "imap.gmail.com"
        assert chosen_provider(afterword.store) == "Gmail"
    finally:
        afterword.close()


def test_set_up_later_saves_nothing_and_the_assistant_is_offered_again(
    qtbot: QtBot, afterword: Afterword, runner: Runner
) -> None:
    assert first_run.wanted(afterword)
    assistant = start(qtbot, afterword, runner)
    later = assistant.button(QWizard.WizardButton.CancelButton)
    assert later.text() == SET_UP_LATER
    about_me(qtbot, assistant, "zoe@example.org")

    later.click()

    assert not afterword.has_account()
    assert afterword.store.profile() == Profile()
    assert first_run.wanted(afterword)


def test_the_password_typed_goes_to_the_keyring_when_kept(
    qtbot: QtBot,
    paths: Paths,
    secret_backend: Any,
    runner: Runner,
    smtp_server: SmtpServer,
    ca_file: Path,
) -> None:
    afterword = Afterword.open(paths, keyring_backend=secret_backend, clock=clock)
    try:
        assistant = start(qtbot, afterword, runner)
        about_me(qtbot, assistant, "zoe@example.org")
        assistant.provider.host.setText(smtp_server.host)
        assistant.provider.port.setValue(smtp_server.port)
        assistant.provider.ca_file.setText(str(ca_file))
        assistant.provider.username.setText(USER)
        assistant.next()
        qtbot.waitUntil(lambda: assistant.password.keep.isEnabled(), timeout=WAIT)
        qtbot.keyClicks(assistant.password.password, PASSWORD)
        assistant.next()
        assistant.test.test_button.click()
        qtbot.waitUntil(lambda: "Test message sent" in assistant.test.status.text(), timeout=WAIT)

        account = afterword.outbox.account()
        assert account is not None
        assert secret_backend.get_password(SERVICE, account.key) == PASSWORD
        assert len(smtp_server.received) == 1
    finally:
        afterword.close()
