"""Fixtures for a real Dovecot: import them into a test module that needs an IMAP server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import trustme

from tests import imap_server
from tests.imap_server import DovecotServer


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


def _why_not() -> str:
    if not imap_server.available():
        return "Dovecot is needed for the IMAP tests (apt-get install dovecot-imapd)"
    missing = imap_server.missing_users()
    if missing:
        return f"Dovecot needs the system users {', '.join(missing)} (useradd -r -M vmail)"
    return ""
