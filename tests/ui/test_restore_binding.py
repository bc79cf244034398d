"""End to end through restore (issue #16, finding 12): a real backup made by Afterword, its
settings changed in the backup's database as an attacker would, the manifest made right,
restored with ``composer.restore.restore``; then a mailbox visit and a send. The stranger
(a loopback IMAP listener that records what it hears) gets no password, and the prompt says
why and shows the certificate the backup shipped. Real keyring, aiosmtpd, Dovecot."""

# ruff: noqa: F811  (the fixtures imported below are parameters of every test)

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from composer.account import ImapAccount
from composer.afterword import Afterword
from composer.backup import backup
from composer.credentials import MISSING
from composer.mailbox import MailboxSettings, password_accounts, save_mailbox_settings
from composer.password_binding import Destination
from composer.paths import DATABASE_NAME, Paths
from composer.records import Message, MessageState
from composer.restore import restore
from composer.store import ACCOUNT_SETTING, IMAP_ACCOUNT_SETTING
from tests.composer.test_backup import database_bytes, repack
from tests.composer.test_binding_holes import fingerprint_of
from tests.helpers.clock import clock
from tests.helpers.imap_fixtures import dovecot, imap_user, mailbox  # noqa: F401
from tests.helpers.listening_imap import ListeningImap
from tests.helpers.smtp_server import PASSWORD, SmtpServer, account_for
from ui.password_prompt import PasswordRequest, situation

SHIPPED = "ca.pem"  # the CA the backup ships in its templates folder


@pytest.fixture
def user(
    paths: Paths,
    secret_backend: object,
    smtp_server: SmtpServer,
    mailbox: ImapAccount,
    ca_file: Path,
) -> Iterator[Afterword]:
    """Account and mailbox (sharing the password) saved, the password typed and bound."""
    afterword = Afterword.open(paths, keyring_backend=secret_backend, clock=clock)
    account = account_for(smtp_server, ca_file)
    afterword.outbox.save_account(account)
    save_mailbox_settings(afterword.store, MailboxSettings(mailbox))
    servers = password_accounts(afterword.store, account.key)
    afterword.credentials.store(account.key, PASSWORD, [Destination.of(s) for s in servers])
    assert send_one(afterword) is MessageState.SENT  # its copy waits to be filed: visits go
    try:
        yield afterword
    finally:
        for key in (account.key, account.key.replace(account.username, "other")):
            afterword.credentials.forget(key)
        afterword.close()


@pytest.fixture
def stranger() -> Iterator[tuple[ListeningImap, trustme.CA]]:
    ca = trustme.CA()
    listening = ListeningImap(ca)
    yield listening, ca
    listening.close()


def attacked_backup(
    user: Afterword, tmp_path: Path, stranger: ListeningImap, ca: trustme.CA, **smtp: object
) -> Path:
    """The user's own backup, its mailbox pointed at ``stranger`` trusting a CA shipped in
    its templates folder (where restore puts it is known), and ``smtp`` changes made."""
    saved = backup(user, tmp_path / "afterword-backup.zip").path
    templates = user.templates.user_dir
    assert templates is not None
    database = tmp_path / "attacked.sqlite3"
    database.write_bytes(database_bytes(saved))
    with sqlite3.connect(database) as db:
        change(db, IMAP_ACCOUNT_SETTING, host=stranger.host, port=stranger.port)
        change(db, IMAP_ACCOUNT_SETTING, ca_file=str(templates / SHIPPED))
        change(db, ACCOUNT_SETTING, **smtp)
    db.close()
    members = {DATABASE_NAME: database.read_bytes(), f"templates/{SHIPPED}": ca.cert_pem.bytes()}
    return repack(saved, tmp_path / "attacked.zip", members=members)


def change(db: sqlite3.Connection, key: str, **values: object) -> None:
    [(text,)] = db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchall()
    db.execute(
        "UPDATE settings SET value = ? WHERE key = ?", (json.dumps(json.loads(text) | values), key)
    )


def prompt_for_mailbox(user: Afterword) -> PasswordRequest:
    """As the window's mailbox watcher asks after a refused visit."""
    settings = user.store.get_setting(IMAP_ACCOUNT_SETTING)
    smtp = user.outbox.account()
    assert smtp is not None and settings
    key = MailboxSettings.from_dict(settings).password_key(smtp)
    servers = tuple(password_accounts(user.store, key))
    return PasswordRequest(key, settings["username"], settings["host"], servers=servers)


def send_one(user: Afterword) -> MessageState:
    message = user.outbox.queue(Message("Thanks", "Thank you.", ["ana@acme.example"]))
    assert message.id is not None
    return user.outbox.send([message.id])[0].state


def heard_no_password(stranger: ListeningImap, username: str) -> None:
    assert PASSWORD.encode() not in stranger.heard
    assert base64.b64encode(PASSWORD.encode()) not in stranger.heard
    assert base64.b64encode(f"\0{username}\0{PASSWORD}".encode()) not in stranger.heard


@pytest.mark.parametrize("smtp", [{}, {"username": "other"}], ids=["mailbox", "and-sending"])
def test_a_restored_backup_pointing_at_a_stranger_gets_no_password(
    user: Afterword,
    tmp_path: Path,
    stranger: tuple[ListeningImap, trustme.CA],
    smtp_server: SmtpServer,
    mailbox: ImapAccount,
    smtp: dict[str, object],
) -> None:
    listening, ca = stranger
    assert smtp_server.users is not None
    restore(user, attacked_backup(user, tmp_path, listening, ca, **smtp), replace=True)
    tries = smtp_server.users.tries

    visited = user.visit_mailbox(clock())
    sent = send_one(user)

    assert visited is not None and visited.password_problem == MISSING
    heard_no_password(listening, mailbox.username)
    found = situation(user.credentials, prompt_for_mailbox(user))
    where = f"{listening.host}:{listening.port}"
    assert where in f"{found.reason} {found.goes_to}"
    assert fingerprint_of(ca) in {facts.sha256 for facts in found.certificates}
    if smtp:  # no binding under the new key: nothing sent anywhere, every server named
        assert sent is MessageState.FAILED
        assert smtp_server.users.tries == tries
        assert f"other at 127.0.0.1:{smtp_server.port}" in found.goes_to
        assert f"{mailbox.username} at {where}" in found.goes_to
    else:
        assert sent is MessageState.SENT  # the sending account was left alone
        assert "now point to" in found.reason
