"""Settings a restored backup brought back (issue #16): the password prompt says why it asks
and shows the new CA certificate; nothing is sent until the user accepts it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import trustme
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.afterword import Afterword
from composer.certificate import certificates_in
from composer.password_binding import Destination
from composer.paths import Paths
from composer.records import MessageState
from tests.helpers.clock import clock
from tests.helpers.smtp_server import PASSWORD, SmtpServer
from tests.ui.test_password_prompt import send_from_compose, set_up
from ui.password_prompt import PasswordDialog
from ui.runner import Runner


class CertificatePrompt:
    """Types the password, ticks "Trust this certificate" only when ``trust``, then tries
    Continue; keeps what the dialog showed."""

    def __init__(self, *, trust: bool) -> None:
        self.trust = trust
        self.why = ""
        self.shown: list[str] = []
        self.could_continue_before_trusting = True

    def run(self, dialog: QDialog) -> bool:
        assert isinstance(dialog, PasswordDialog)
        assert dialog.certificate is not None, "the certificate is shown"
        self.why = dialog.why.text()
        self.shown = [label.text() for label in dialog.certificate.findChildren(QLabel)]
        dialog.password.setText(PASSWORD)
        self.could_continue_before_trusting = dialog.continue_button.isEnabled()
        if self.trust:
            dialog.certificate.trust.setChecked(True)
        dialog.continue_button.click()
        return dialog.result() == QDialog.DialogCode.Accepted


@pytest.fixture
def restored(
    paths: Paths, secret_backend: Any, smtp_server: SmtpServer, ca_file: Path, tmp_path: Path
) -> Iterator[tuple[Afterword, Path]]:
    """The password saved for the account; then a backup's account trusting another CA."""
    afterword = Afterword.open(paths, keyring_backend=secret_backend, clock=clock)
    key = set_up(afterword, smtp_server, ca_file)
    account = afterword.outbox.account()
    assert account is not None
    afterword.credentials.store(key, PASSWORD, [Destination.of(account)])
    shipped = tmp_path / "restored" / "templates" / "ca.pem"
    shipped.parent.mkdir(parents=True)
    shipped.write_bytes(ca_file.read_bytes() + trustme.CA().cert_pem.bytes())
    afterword.outbox.save_account(replace(account, ca_file=str(shipped)))
    try:
        yield afterword, shipped
    finally:
        afterword.credentials.forget(key)
        afterword.close()


def test_the_prompt_shows_why_and_the_certificate_and_sends_nothing_until_accepted(
    qtbot: QtBot,
    restored: tuple[Afterword, Path],
    smtp_server: SmtpServer,
    runner: Runner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    afterword, shipped = restored
    assert smtp_server.users is not None
    prompt = CertificatePrompt(trust=False)
    monkeypatch.setattr(ui.dialogs, "run_dialog", prompt.run)

    compose = send_from_compose(qtbot, afterword, runner)

    assert "now trust a certificate" in prompt.why and str(shipped) in prompt.why
    stranger = certificates_in(str(shipped))[-1]
    for fact in (stranger.subject, stranger.issuer, stranger.valid_until, stranger.sha256):
        assert fact in prompt.shown
    assert not prompt.could_continue_before_trusting
    assert smtp_server.received == [] and smtp_server.users.tries == 0
    assert compose.message_id is not None
    assert afterword.store.message(compose.message_id).state is MessageState.FAILED


def test_once_the_certificate_is_accepted_the_message_goes(
    qtbot: QtBot,
    restored: tuple[Afterword, Path],
    smtp_server: SmtpServer,
    runner: Runner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    afterword, _ = restored
    prompt = CertificatePrompt(trust=True)
    monkeypatch.setattr(ui.dialogs, "run_dialog", prompt.run)

    compose = send_from_compose(qtbot, afterword, runner)

    assert len(smtp_server.received) == 1
    assert compose.status.text().startswith("Sent.")
