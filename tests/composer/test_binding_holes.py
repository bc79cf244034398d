"""The holes a reviewer found in the password binding (issue #16, findings 2, 3, 5, 6, 9):
each route by which the stored password reached a stranger, or a CA was trusted unseen.
Real keyring, aiosmtpd, a listening IMAP stranger, real files, pipes and devices."""

# ruff: noqa: F811  (the fixtures imported below are parameters of every test)

from __future__ import annotations

import os
import subprocess
import threading
from dataclasses import replace
from pathlib import Path

import pytest
import trustme

from composer.account import ImapAccount, SmtpAccount
from composer.certificate import certificates_in
from composer.credentials import Credentials
from composer.errors import AccountError, PasswordNotForThisServer
from composer.mailbox import MailboxSettings, mailbox_secret, try_connection
from composer.outbox import Outbox
from composer.password_binding import Destination, ca_fingerprint
from tests.composer.test_password_binding import Bound, bound  # noqa: F401
from tests.helpers.clock import clock
from tests.helpers.imap_fixtures import dovecot, imap_user, mailbox  # noqa: F401
from tests.helpers.listening_imap import ListeningImap, stranger_ca_file
from tests.helpers.smtp_server import PASSWORD, SmtpServer, account_for


def fingerprint_of(ca: trustme.CA) -> str:
    import hashlib
    import ssl

    der = ssl.PEM_cert_to_DER_cert(ca.cert_pem.bytes().decode())
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def trusted_form(ca: trustme.CA, folder: Path) -> Path:
    """``-----BEGIN TRUSTED CERTIFICATE-----``: OpenSSL's own form, which it trusts."""
    plain = folder / "plain.pem"
    ca.cert_pem.write_to_path(plain)
    trusted = folder / "trusted.pem"
    subprocess.run(
        ["openssl", "x509", "-in", plain, "-trustout", "-addtrust", "serverAuth"],
        check=True,
        stdout=trusted.open("wb"),
    )
    return trusted


# --- 3: what OpenSSL loads is what is shown --------------------------------------------


def test_a_trusted_certificate_block_is_shown_with_its_fingerprint(tmp_path: Path) -> None:
    ca, decoy = trustme.CA(), trustme.CA()
    trusted = trusted_form(ca, tmp_path)
    assert b"BEGIN TRUSTED CERTIFICATE" in trusted.read_bytes()
    # a readable decoy beside it must not be all that is shown
    both = tmp_path / "both.pem"
    both.write_bytes(decoy.cert_pem.bytes() + trusted.read_bytes())

    shown = {facts.sha256 for facts in certificates_in(str(both))}

    assert shown == {fingerprint_of(ca), fingerprint_of(decoy)}


def test_a_file_openssl_loads_no_certificate_from_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "notes.pem"
    empty.write_text("no certificate here\n")
    with pytest.raises(AccountError, match="cannot be used"):
        certificates_in(str(empty))


# --- 9: a malformed CA file is a plain error, not a crash --------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n",
        b"-----BEGIN CERTIFICATE-----\n\xff\xfe\x00\n-----END CERTIFICATE-----\n",
    ],
)
def test_a_malformed_ca_file_is_a_plain_account_error(tmp_path: Path, content: bytes) -> None:
    broken = tmp_path / "broken.pem"
    broken.write_bytes(content)
    with pytest.raises(AccountError, match=f"The certificate file {broken} cannot be used"):
        certificates_in(str(broken))


# --- 6: a device or a pipe is never read ------------------------------------------------


def finishes_quickly(work: object) -> BaseException | object:
    """Runs ``work`` on a thread; fails the test if it is still reading after 5 seconds."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(work())  # type: ignore[operator]
        except BaseException as error:  # the test looks at it
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(5)
    assert not thread.is_alive(), "still reading: a device or pipe was waited on"
    return outcome[0]


@pytest.fixture(params=["device", "pipe"])
def special_file(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "device":
        return "/dev/zero"
    fifo = tmp_path / "ca.pem"
    os.mkfifo(fifo)
    return str(fifo)


def test_a_device_or_pipe_as_ca_file_is_not_read(special_file: str) -> None:
    assert finishes_quickly(lambda: ca_fingerprint(special_file)) == "unreadable"
    shown = finishes_quickly(lambda: certificates_in(special_file))
    assert isinstance(shown, AccountError) and "is not a regular file" in str(shown)


def test_both_accounts_say_a_device_is_not_a_regular_file(
    special_file: str, smtp_server: SmtpServer, ca_file: Path, mailbox: ImapAccount
) -> None:
    smtp = replace(account_for(smtp_server, ca_file), ca_file=special_file)
    imap = replace(mailbox, ca_file=special_file)
    for account in (smtp, imap):
        error = finishes_quickly(account.validate)
        assert isinstance(error, AccountError)
        assert f"The certificate file {special_file} is not a regular file" in str(error)
        assert "does not exist" not in str(error)


def test_a_ca_file_over_a_megabyte_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.pem"
    big.write_bytes(trustme.CA().cert_pem.bytes() * 1000 + b"\n" * 1_000_000)
    with pytest.raises(AccountError, match="larger than 1 MB"):
        certificates_in(str(big))
    assert ca_fingerprint(str(big)) == "unreadable"


# --- 5: a password typed for no server goes to none but its own --------------------------


def test_a_session_password_held_without_servers_does_not_go_with_a_new_ca(
    smtp_server: SmtpServer, ca_file: Path, tmp_path: Path
) -> None:
    account = account_for(smtp_server, ca_file)
    credentials = Credentials(backend=object())
    credentials.use_for_session(account.key, PASSWORD)

    with pytest.raises(PasswordNotForThisServer):
        credentials.password_for(account.key, Destination.of(account))
    elsewhere = replace(account, ca_file="", port=account.port + 1)
    with pytest.raises(PasswordNotForThisServer):
        credentials.password_for(account.key, Destination.of(elsewhere))
    assert credentials.not_yet_bound(account.key, [Destination.of(account)])


def test_with_nothing_stored_every_server_is_not_yet_bound(
    secret_backend: object, smtp_server: SmtpServer, ca_file: Path, mailbox: ImapAccount
) -> None:
    account = account_for(smtp_server, ca_file)
    wanted = [Destination.of(account), Destination.of(mailbox)]
    assert Credentials(secret_backend).not_yet_bound(account.key, wanted) == tuple(wanted)


# --- 2: "Test connection" and "Send a test message" check the binding --------------------


def test_test_connection_sends_no_password_to_a_restored_stranger(
    bound: Bound, tmp_path: Path
) -> None:
    stranger_ca = trustme.CA()
    stranger = ListeningImap(stranger_ca)
    shipped = stranger_ca_file(stranger_ca, tmp_path / "restored" / "templates")
    try:
        bound.point_mailbox(
            replace(bound.mailbox, host=stranger.host, port=stranger.port, ca_file=str(shipped))
        )
        settings = MailboxSettings(
            replace(bound.mailbox, host=stranger.host, port=stranger.port, ca_file=str(shipped))
        )
        secret = mailbox_secret(bound.store, bound.credentials(), settings)

        with pytest.raises(PasswordNotForThisServer, match="now point to"):
            try_connection(settings, secret)

        assert stranger.connections == 0
        assert PASSWORD.encode() not in stranger.heard
    finally:
        stranger.close()


def test_a_test_message_sends_no_stored_password_with_a_restored_ca(
    bound: Bound, ca_file: Path, tmp_path: Path
) -> None:
    outbox = Outbox(bound.store, bound.credentials(), clock=clock)
    account = outbox.account()
    assert account is not None and bound.smtp_server.users is not None
    shipped = tmp_path / "restored" / "templates" / "ca.pem"
    shipped.parent.mkdir(parents=True)
    shipped.write_bytes(ca_file.read_bytes() + trustme.CA().cert_pem.bytes())
    restored: SmtpAccount = replace(account, ca_file=str(shipped))
    outbox.save_account(restored)
    tries = bound.smtp_server.users.tries

    with pytest.raises(PasswordNotForThisServer, match="certificate"):
        outbox.send_test_message(restored)

    assert bound.smtp_server.users.tries == tries  # no AUTH reached the server
    assert outbox.send_test_message(account)[0]  # the server it was saved for still works


# --- 4: a password that follows its account keeps only the servers it went to ------------


def test_a_moved_password_is_not_bound_to_a_restored_mailbox(
    secret_backend: object,
    smtp_server: SmtpServer,
    ca_file: Path,
    mailbox: ImapAccount,
    tmp_path: Path,
) -> None:
    credentials = Credentials(secret_backend)
    account = account_for(smtp_server, ca_file)
    credentials.store(account.key, PASSWORD, [Destination.of(account), Destination.of(mailbox)])
    restored = replace(mailbox, ca_file=str(stranger_ca_file(trustme.CA(), tmp_path)))
    moved = replace(account, port=account.port + 1)  # the user changed the port in Settings
    try:
        wanted = [Destination.of(moved), Destination.of(restored), Destination.of(mailbox)]
        credentials.move(account.key, moved.key, wanted)

        assert credentials.password_for(moved.key, Destination.of(moved)) == PASSWORD
        assert credentials.password_for(moved.key, Destination.of(mailbox)) == PASSWORD
        with pytest.raises(PasswordNotForThisServer):
            credentials.password_for(moved.key, Destination.of(restored))
    finally:
        credentials.forget(moved.key)
