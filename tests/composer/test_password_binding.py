"""A stored password goes only to the servers it was saved for (issue #16): settings a
restored backup brought back cannot send it elsewhere. Real keyring, aiosmtpd, Dovecot."""

# ruff: noqa: F811  (the fixtures imported below are parameters of every test)

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import trustme

from composer.account import ImapAccount
from composer.credentials import MISSING, Credentials
from composer.errors import AfterwordError, PasswordNotForThisServer
from composer.imap import ImapConnection
from composer.login import PasswordSecret
from composer.mailbox import (
    MailboxSettings,
    MailboxVisit,
    password_accounts,
    save_mailbox_settings,
    visit,
)
from composer.outbox import Outbox, SendResult
from composer.password_binding import Destination
from composer.records import Message, MessageState
from composer.store import Store
from tests.helpers.clock import clock
from tests.helpers.imap_fixtures import dovecot, imap_user, mailbox  # noqa: F401
from tests.helpers.imap_server import DovecotServer
from tests.helpers.listening_imap import ListeningImap, stranger_ca_file
from tests.helpers.smtp_server import PASSWORD, SmtpServer, account_for


@dataclass
class Bound:
    """The user's account and mailbox (sharing its password), saved as Settings saves them."""

    store: Store
    backend: object
    smtp_server: SmtpServer
    mailbox: ImapAccount
    key: str

    def credentials(self) -> Credentials:
        return Credentials(self.backend)  # a fresh one: the password comes from the keyring

    def send(self) -> SendResult:
        outbox = Outbox(self.store, self.credentials(), clock=clock)
        message = outbox.queue(Message("Thanks", "Thank you.", ["ana@acme.example"]))
        assert message.id is not None
        return outbox.send([message.id])[0]

    def visit(self) -> MailboxVisit:
        result = visit(self.store, self.credentials(), now=clock())
        assert result is not None
        return result

    def point_mailbox(self, moved: ImapAccount) -> None:
        """What a restored backup does: the mailbox settings in the database change."""
        save_mailbox_settings(self.store, MailboxSettings(moved))

    def user_enters_password(self) -> None:
        """The password prompt: stored for the servers the settings now name (as
        ui/password_prompt.py binds it)."""
        servers = password_accounts(self.store, self.key)
        self.credentials().store(self.key, PASSWORD, [Destination.of(s) for s in servers])


@pytest.fixture
def bound(
    store: Store,
    secret_backend: object,
    smtp_server: SmtpServer,
    mailbox: ImapAccount,
    ca_file: Path,
) -> Iterator[Bound]:
    outbox = Outbox(store, Credentials(secret_backend), clock=clock)
    account = account_for(smtp_server, ca_file)
    outbox.save_account(account)
    save_mailbox_settings(store, MailboxSettings(mailbox))
    setup = Bound(store, secret_backend, smtp_server, mailbox, account.key)
    setup.user_enters_password()
    assert setup.send().state is MessageState.SENT  # a copy waits to be filed: visits connect
    yield setup
    Credentials(secret_backend).forget(account.key)


def ca_bundle(ca_file: Path, folder: Path) -> Path:
    """The user's own CA with a stranger's appended: Dovecot still verifies, but whatever
    the stranger signs would be trusted too."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ca.pem"
    path.write_bytes(ca_file.read_bytes() + trustme.CA().cert_pem.bytes())
    return path


def test_the_binding_is_kept_in_the_keyring_for_both_servers(bound: Bound) -> None:
    saved = bound.credentials().saved_for(bound.key)
    assert saved is not None
    assert {d.where for d in saved} == {
        f"127.0.0.1:{bound.smtp_server.port}",
        f"127.0.0.1:{bound.mailbox.port}",
    }
    assert bound.visit().error is None


def test_a_mailbox_pointed_at_a_stranger_with_a_shipped_ca_gets_no_password(
    bound: Bound, tmp_path: Path
) -> None:
    stranger_ca = trustme.CA()
    stranger = ListeningImap(stranger_ca)
    shipped = stranger_ca_file(stranger_ca, tmp_path / "restored" / "templates")
    try:
        bound.point_mailbox(
            replace(bound.mailbox, host=stranger.host, port=stranger.port, ca_file=str(shipped))
        )

        result = bound.visit()

        assert result.password_problem == MISSING  # the window asks for the password
        assert result.error is not None
        assert (
            f"Your mailbox settings now point to 127.0.0.1:{stranger.port}, not the server "
            f"your password was saved for (127.0.0.1:{bound.mailbox.port}). Enter your "
            "password to use it there."
        ) in result.error
        assert stranger.connections == 0
        # the stranger does hear a password sent to it: this one, typed for the test
        account = replace(bound.mailbox, host=stranger.host, port=stranger.port)
        shipped_account = replace(account, ca_file=str(shipped))
        with pytest.raises(AfterwordError), ImapConnection(shipped_account, "decoy"):
            pass
        assert base64.b64encode(f"\0{account.username}\0decoy".encode()) in stranger.heard
        assert PASSWORD.encode() not in stranger.heard
        assert base64.b64encode(f"\0{account.username}\0{PASSWORD}".encode()) not in stranger.heard
    finally:
        stranger.close()


def test_another_mailbox_server_asks_and_works_once_the_password_is_entered(
    bound: Bound, dovecot: DovecotServer
) -> None:
    from composer.account import Security

    bound.point_mailbox(
        replace(bound.mailbox, port=dovecot.starttls_port, security=Security.STARTTLS)
    )

    refused = bound.visit()
    assert refused.password_problem == MISSING
    assert refused.error is not None and "not the server your password was saved for" in (
        refused.error
    )

    bound.user_enters_password()
    assert bound.visit().error is None


def test_a_swapped_mailbox_ca_is_refused_until_the_password_is_entered_again(
    bound: Bound, ca_file: Path, tmp_path: Path
) -> None:
    swapped = ca_bundle(ca_file, tmp_path / "restored" / "templates")
    bound.point_mailbox(replace(bound.mailbox, ca_file=str(swapped)))

    settings = MailboxSettings(replace(bound.mailbox, ca_file=str(swapped)))
    secret = PasswordSecret(bound.credentials(), bound.key, settings.account)
    with pytest.raises(PasswordNotForThisServer) as refused:
        secret.login()
    assert refused.value.ca_file == str(swapped)  # the prompt shows this certificate
    assert "certificate" in str(refused.value)
    assert bound.visit().password_problem == MISSING

    bound.user_enters_password()
    assert bound.visit().error is None


def test_a_swapped_smtp_ca_sends_no_password_until_it_is_entered_again(
    bound: Bound, ca_file: Path, tmp_path: Path
) -> None:
    outbox = Outbox(bound.store, bound.credentials(), clock=clock)
    account = outbox.account()
    assert account is not None and bound.smtp_server.users is not None
    swapped = ca_bundle(ca_file, tmp_path / "restored" / "templates")
    outbox.save_account(replace(account, ca_file=str(swapped)))
    tries = bound.smtp_server.users.tries

    result = bound.send()

    assert result.state is MessageState.FAILED and result.password_problem == MISSING
    assert "certificate" in result.detail
    assert bound.smtp_server.users.tries == tries  # no AUTH reached the server
    bound.user_enters_password()
    assert bound.send().state is MessageState.SENT


def test_a_password_stored_before_bindings_still_sends_to_its_own_server_only(
    store: Store,
    secret_backend: object,
    smtp_server: SmtpServer,
    mailbox: ImapAccount,
    ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # the test CA as the system's CAs
    outbox = Outbox(store, Credentials(secret_backend), clock=clock)
    account = account_for(smtp_server, None)
    outbox.save_account(account)
    save_mailbox_settings(store, MailboxSettings(replace(mailbox, ca_file="")))
    Credentials(secret_backend).store(account.key, PASSWORD)  # as versions before this did
    legacy = Bound(store, secret_backend, smtp_server, mailbox, account.key)
    try:
        assert legacy.send().state is MessageState.SENT  # no new question for the usual case

        asked = legacy.visit()  # the mailbox sharing it is not what the entry names
        assert asked.password_problem == MISSING
        assert asked.error is not None and f"({smtp_server.host}:{smtp_server.port})" in asked.error

        legacy.user_enters_password()  # asked once; then both work
        assert legacy.visit().error is None
        assert legacy.send().state is MessageState.SENT
    finally:
        Credentials(secret_backend).forget(account.key)


def test_a_damaged_binding_allows_nothing() -> None:
    from composer.password_binding import check_destination, destinations_from_text

    wanted = Destination("smtp.example.org", 587, "zoe", "starttls", account_key="k")
    with pytest.raises(PasswordNotForThisServer):
        check_destination("k", destinations_from_text("not json"), wanted)
