"""The password prompt and Settings after issue #16's review (findings 1, 2, 4, 5, 9): every
server the password is about to go to for the first time is named, every new CA shown, and
nothing widens the binding silently. Real keyring daemon, Dovecot, aiosmtpd."""

# ruff: noqa: F811  (the fixtures imported below are parameters of the tests)

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
import trustme
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.account import ImapAccount, Security, SmtpAccount
from composer.credentials import MISSING
from composer.errors import PasswordNotForThisServer
from composer.mailbox import MailboxSettings, password_destinations, save_mailbox_settings
from composer.password_binding import Destination
from tests.composer.test_binding_holes import fingerprint_of
from tests.helpers.imap_fixtures import dovecot, imap_user, mailbox  # noqa: F401
from tests.helpers.imap_server import PASSWORD, DovecotServer
from tests.ui.test_settings import WAIT, MakePage, OpenAfterword, make_page, open_afterword, runner
from tests.ui.test_settings_mailbox import click_test_connection, fill_mailbox
from ui.mailbox_settings import NOT_SHARED
from ui.mailbox_watch import MailboxWatcher
from ui.password_prompt import Answer, PasswordDialog, keep, request_for, situation
from ui.runner import Runner

__all__ = ["make_page", "open_afterword", "runner"]


@dataclass
class Prompt:
    """Stands in for the user at the password prompt: keeps what it said and showed."""

    password: str | None = PASSWORD  # None: Cancel
    trust: bool = True
    said: list[str] = field(default_factory=list)
    shown: list[set[str]] = field(default_factory=list)  # each prompt's fingerprints

    def run(self, dialog: QDialog) -> bool:
        assert isinstance(dialog, PasswordDialog)
        self.said.append(f"{dialog.why.text()} {dialog.goes_to.text()}")
        certificate = dialog.certificate
        self.shown.append(set() if certificate is None else shown_fingerprints(dialog))
        if self.password is None:
            return False
        dialog.password.setText(self.password)
        if certificate is not None and self.trust:
            certificate.trust.setChecked(True)
        dialog.continue_button.click()
        return dialog.result() == QDialog.DialogCode.Accepted


def shown_fingerprints(dialog: PasswordDialog) -> set[str]:
    from PySide6.QtWidgets import QLabel

    assert dialog.certificate is not None
    return {
        label.text()
        for label in dialog.certificate.findChildren(QLabel)
        if label.accessibleName() == "SHA-256 fingerprint"
    }


@pytest.fixture
def prompt(monkeypatch: pytest.MonkeyPatch) -> Prompt:
    answering = Prompt()
    monkeypatch.setattr(ui.dialogs, "run_dialog", answering.run)
    return answering


@pytest.fixture
def sharing(
    secret_backend: Any,
    open_afterword: OpenAfterword,
    imap_user: str,
    mailbox: ImapAccount,
) -> Any:
    """The sending password stored, bound to the account and the mailbox it opens."""
    afterword = open_afterword(secret_backend)
    smtp = SmtpAccount("127.0.0.1", 587, Security.STARTTLS, imap_user, "zoe@example.org")
    afterword.outbox.save_account(smtp)
    save_mailbox_settings(afterword.store, MailboxSettings(mailbox))
    destinations = password_destinations(afterword.store, smtp.key)
    afterword.credentials.store(smtp.key, PASSWORD, destinations)
    yield afterword, smtp
    afterword.credentials.forget(smtp.key)


def shipped_ca(tmp_path: Path) -> tuple[trustme.CA, Path]:
    ca = trustme.CA()
    path = tmp_path / "restored" / "templates" / "ca.pem"
    path.parent.mkdir(parents=True)
    ca.cert_pem.write_to_path(path)
    return ca, path


# --- 2: Test connection asks, naming the server on screen ------------------------------------


def test_test_connection_asks_before_the_password_goes_to_a_server_on_screen(
    qtbot: QtBot,
    sharing: Any,
    make_page: MakePage,
    dovecot: DovecotServer,
    imap_user: str,
    ca_file: Path,
    prompt: Prompt,
) -> None:
    afterword, _ = sharing
    page = make_page(afterword)
    box = page.mailbox
    fill_mailbox(box, dovecot, imap_user, ca_file)
    box.security.setCurrentIndex(box.security.findData(Security.STARTTLS.value))
    box.port.setValue(dovecot.starttls_port)  # not the port the password was saved for

    report = click_test_connection(qtbot, box)

    assert len(prompt.said) == 1
    assert f"{dovecot.host}:{dovecot.starttls_port}" in prompt.said[0]
    assert report.startswith(f"Connected to {dovecot.host}:{dovecot.starttls_port}."), report


# --- 4: Save asks before the shared password goes to a restored mailbox ---------------------


@pytest.mark.parametrize("answer", [PASSWORD, None], ids=["typed", "cancelled"])
def test_saving_a_restored_mailbox_asks_showing_its_new_ca(
    answer: str | None,
    qtbot: QtBot,
    sharing: Any,
    make_page: MakePage,
    mailbox: ImapAccount,
    prompt: Prompt,
    tmp_path: Path,
) -> None:
    afterword, smtp = sharing
    ca, shipped = shipped_ca(tmp_path)
    restored = replace(mailbox, ca_file=str(shipped))
    save_mailbox_settings(afterword.store, MailboxSettings(restored))  # as a restore does
    prompt.password = answer
    page = make_page(afterword)
    page.mailbox.check_minutes.setValue(page.mailbox.check_minutes.value() + 5)  # a harmless edit

    page.save()
    qtbot.waitUntil(lambda: bool(prompt.said), timeout=WAIT)
    qtbot.waitUntil(lambda: page.runner.busy == 0, timeout=WAIT)

    assert str(shipped) in prompt.said[0]
    assert prompt.shown[0] == {fingerprint_of(ca)}
    wanted = Destination.of(restored)
    if answer is None:
        assert NOT_SHARED in page.mailbox.status.text()
        with pytest.raises(PasswordNotForThisServer):
            afterword.credentials.password_for(smtp.key, wanted)
    else:
        assert afterword.credentials.password_for(smtp.key, wanted) == PASSWORD


def test_a_password_typed_for_the_account_is_not_bound_to_a_restored_mailbox(
    qtbot: QtBot,
    sharing: Any,
    make_page: MakePage,
    mailbox: ImapAccount,
    tmp_path: Path,
) -> None:
    afterword, smtp = sharing
    _, shipped = shipped_ca(tmp_path)
    restored = replace(mailbox, ca_file=str(shipped))
    save_mailbox_settings(afterword.store, MailboxSettings(restored))
    page = make_page(afterword)
    page.password.setText(PASSWORD)

    page.save_account()
    qtbot.waitUntil(lambda: "Account saved. " in page.account_status.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: page.runner.busy == 0, timeout=WAIT)

    credentials = afterword.credentials
    assert credentials.password_for(smtp.key, Destination.of(smtp)) == PASSWORD
    with pytest.raises(PasswordNotForThisServer):
        credentials.password_for(smtp.key, Destination.of(restored))


# --- 5: the test message's prompt binds what it typed to what it named ----------------------


def test_a_password_typed_for_the_test_message_goes_only_to_the_servers_named(
    sharing: Any,
) -> None:
    afterword, smtp = sharing
    on_screen = replace(smtp, port=465, security=Security.TLS)
    request = request_for(on_screen, MISSING, afterword.store)
    assert request.servers == (on_screen,)  # the mailbox shares the saved account's

    found = [Destination.of(server) for server in request.servers]
    keep(afterword.credentials, request.key, Answer("typed", keep=False), found)

    credentials = afterword.credentials
    assert credentials.password_for(on_screen.key, Destination.of(on_screen)) == "typed"
    elsewhere = replace(on_screen, host="mail.stranger.example")
    with pytest.raises(PasswordNotForThisServer):
        credentials.password_for(on_screen.key, Destination.of(elsewhere))


# --- 9: a CA file that cannot be shown does not leave the watcher asking ---------------------


def test_a_malformed_ca_file_is_said_and_the_watcher_stops_asking(
    qtbot: QtBot,
    sharing: Any,
    mailbox: ImapAccount,
    runner: Runner,
    tmp_path: Path,
    prompt: Prompt,
) -> None:
    afterword, _ = sharing
    broken = tmp_path / "restored" / "ca.pem"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"-----BEGIN CERTIFICATE-----\n\xff\xfe\n-----END CERTIFICATE-----\n")
    save_mailbox_settings(afterword.store, MailboxSettings(replace(mailbox, ca_file=str(broken))))
    watcher = MailboxWatcher(afterword, runner)
    said: list[str] = []
    watcher.said.connect(said.append)

    watcher._ask_password(MISSING)
    qtbot.waitUntil(lambda: bool(said), timeout=WAIT)

    assert f"The certificate file {broken} cannot be used" in said[0]
    assert not watcher.asking and watcher.declined
    assert prompt.said == [], "no prompt without the certificate to show"


# --- 1 and 4: every new server named, every new certificate shown ----------------------------


def test_the_prompt_names_every_new_server_and_shows_every_new_ca(
    sharing: Any, mailbox: ImapAccount, tmp_path: Path
) -> None:
    """A restore changes both: the sending account's CA and the mailbox's server and CA.
    The first refusal alone would hide the mailbox's."""
    afterword, smtp = sharing
    smtp_ca, mailbox_ca = trustme.CA(), trustme.CA()
    smtp_file, mailbox_file = tmp_path / "smtp.pem", tmp_path / "imap.pem"
    smtp_ca.cert_pem.write_to_path(smtp_file)
    mailbox_ca.cert_pem.write_to_path(mailbox_file)
    afterword.outbox.save_account(replace(smtp, ca_file=str(smtp_file)))
    moved = replace(mailbox, port=mailbox.port + 1, ca_file=str(mailbox_file))
    save_mailbox_settings(afterword.store, MailboxSettings(moved))
    request = request_for(replace(smtp, ca_file=str(smtp_file)), MISSING, afterword.store)

    found = situation(afterword.credentials, request)

    assert {facts.sha256 for facts in found.certificates} == {
        fingerprint_of(smtp_ca),
        fingerprint_of(mailbox_ca),
    }
    assert f"{mailbox.username} at {mailbox.host}:{moved.port}" in found.goes_to
    assert f"at 127.0.0.1:{smtp.port}" in found.goes_to
    assert "now trust a certificate" in found.reason and "now point to" in found.reason
