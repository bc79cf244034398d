"""Fixtures for OAuth2 end to end: the authorization server, Dovecot and aiosmtpd that
check its tokens, the test's browser, and a clock the tests move instead of sleeping."""

from __future__ import annotations

import os
import threading
from base64 import b64decode
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import trustme
from aiosmtpd.smtp import AuthResult

from composer.account import ImapAccount, Security
from composer.oauth import OAuthClient, OAuthProvider
from tests.conftest import server_context
from tests.helpers.clock import SetClock, clock
from tests.helpers.imap_fixtures import _why_not
from tests.helpers.imap_server import FLAGGED_SENT, OAuthDovecot
from tests.helpers.oauth_server import CLIENT_ID, OAuthServer
from tests.helpers.smtp_server import Recorder, SmtpServer

MOMENT = SetClock(clock())  # the app's and the authorization server's clock, moved by tests


@pytest.fixture(scope="session")
def authorization_server(ca: trustme.CA) -> Iterator[OAuthServer]:
    server = OAuthServer(server_context(ca, "127.0.0.1", "localhost"), MOMENT).start()
    yield server
    server.stop()


@pytest.fixture
def moment() -> SetClock:
    MOMENT.now = clock()
    return MOMENT


@pytest.fixture(scope="session")
def oauth_dovecot(ca: trustme.CA, authorization_server: OAuthServer) -> Iterator[OAuthDovecot]:
    problem = _why_not()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    server = OAuthDovecot(ca, authorization_server.introspection_url).start()
    yield server
    server.stop()


@pytest.fixture
def provider(authorization_server: OAuthServer, ca_file: Path) -> OAuthProvider:
    """Microsoft, as far as the app can tell, but at the test's server."""
    base = authorization_server.base
    return OAuthProvider(
        key="microsoft",
        name="Microsoft",
        authorize_url=f"{base}/authorize",
        token_url=f"{base}/token",
        device_url=f"{base}/device",
        scope="mail offline_access",
        ca_file=str(ca_file),
    )


CLIENT = OAuthClient(CLIENT_ID)


@pytest.fixture
def oauth_user(oauth_dovecot: OAuthDovecot, authorization_server: OAuthServer) -> str:
    """A mailbox of the test's own, whose owner the test's browser is signed in as."""
    user = oauth_dovecot.add_user()
    authorization_server.user = user
    return user


@pytest.fixture
def oauth_mailbox(oauth_dovecot: OAuthDovecot, oauth_user: str, ca_file: Path) -> ImapAccount:
    oauth_dovecot.create(oauth_user, FLAGGED_SENT, ca_file)
    return ImapAccount(
        oauth_dovecot.host, oauth_dovecot.tls_port, Security.TLS, oauth_user, str(ca_file), 5.0
    )


@dataclass
class TokenChecking(Recorder):
    """aiosmtpd taking XOAUTH2 only with a live token of the authorization server's."""

    oauth: OAuthServer | None = None

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:
        response = args[1] if len(args) > 1 else ""
        fields = dict(
            part.split("=", 1) for part in b64decode(response).decode().split("\x01") if part
        )
        token = fields.get("auth", "").removeprefix("Bearer ")
        assert self.oauth is not None
        if token and self.oauth.validator.user_of(token) == fields.get("user"):
            return AuthResult(success=True)
        answer = await server.challenge_auth('{"status":"401","schemes":"bearer"}')
        self.challenge_answers.append(answer if isinstance(answer, bytes) else b"<none>")
        return AuthResult(success=False, handled=False)


@pytest.fixture
def oauth_smtp(ca: trustme.CA, authorization_server: OAuthServer) -> Iterator[SmtpServer]:
    server = SmtpServer(
        "starttls",
        server_context(ca, "localhost", "127.0.0.1"),
        {},
        recorder=TokenChecking(oauth=authorization_server),
    ).start()
    yield server
    server.stop()


class Browser:
    """The user's browser: follows the authorize URL to the app's loopback redirect."""

    def __init__(self, ca_file: Path) -> None:
        self.ca_file = ca_file
        self.pages: list[str] = []
        self.errors: list[BaseException] = []

    def open(self, url: str) -> threading.Thread:
        thread = threading.Thread(target=self._visit, args=(url,), daemon=True)
        thread.start()
        return thread

    def _visit(self, url: str) -> None:
        try:  # the test CA for the provider; the loopback page is plain http
            reply = requests.get(url, verify=str(self.ca_file), timeout=10)
            self.pages.append(reply.text)
        except BaseException as error:  # seen by the test, not lost in a thread
            self.errors.append(error)


@pytest.fixture
def browser(ca_file: Path) -> Browser:
    return Browser(ca_file)
