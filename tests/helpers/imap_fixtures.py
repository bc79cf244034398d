"""Fixtures for a real Dovecot: import them into a test module that needs an IMAP server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from composer.account import ImapAccount, Security
from tests.helpers import imap_server
from tests.helpers.clock import faketime_library
from tests.helpers.imap_server import FLAGGED_SENT, DovecotServer


@pytest.fixture(scope="session")
def dovecot(ca: trustme.CA) -> Iterator[DovecotServer]:
    problem = _why_not()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)  # CI must never pass by skipping the real IMAP server
        pytest.skip(problem)
    server = DovecotServer(ca).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def imap_user(dovecot: DovecotServer) -> str:
    """A user of this test's own: empty mailboxes, whatever other tests left in theirs."""
    return dovecot.add_user()


@pytest.fixture
def mailbox(dovecot: DovecotServer, imap_user: str, ca_file: Path) -> ImapAccount:
    """The test's own Dovecot user over TLS, with a \\Sent mailbox no usual name would find."""
    dovecot.create(imap_user, FLAGGED_SENT, ca_file)
    return ImapAccount(
        host=dovecot.host,
        port=dovecot.tls_port,
        security=Security.TLS,
        username=imap_user,
        ca_file=str(ca_file),
        timeout=5.0,
    )


def _why_not() -> str:
    if not imap_server.available():
        return "Dovecot is needed for the IMAP tests (apt-get install dovecot-imapd)"
    if faketime_library() is None:
        return "libfaketime is needed for the IMAP tests (apt-get install faketime)"
    missing = imap_server.missing_users()
    if missing:
        return f"Dovecot needs the system users {', '.join(missing)} (useradd -r -M vmail)"
    return ""
