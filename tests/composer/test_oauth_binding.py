"""The OAuth2 sign-in reaches only where it was made for: settings come back with a
restored backup, which may name another token endpoint or another mail server. Real
authorization server, aiosmtpd checking its tokens, Dovecot, and the real keyring."""

# ruff: noqa: F811  (the fixtures imported below are parameters of the tests)

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.smtp import AuthResult

from composer.account import ImapAccount, Security
from composer.credentials import Credentials
from composer.errors import SignInNeeded, SignInNotForThisServer
from composer.mailbox import MailboxSettings, save_mailbox_settings, visit
from composer.oauth_account import remember_sign_in
from composer.oauth_tokens import OAuthSecret
from composer.records import MessageState
from composer.sent_copies import FilingResult
from composer.store import ACCOUNT_SETTING, Store
from tests.composer.test_oauth import (  # noqa: F401
    outbox_for,
    queue,
    sign_in_again,
    signed_in,
)
from tests.conftest import server_context
from tests.helpers.clock import SetClock
from tests.helpers.imap_server import FLAGGED_SENT, OAuthDovecot
from tests.helpers.oauth_fixtures import (  # noqa: F401
    CLIENT,
    Browser,
    TokenChecking,
    authorization_server,
    browser,
    moment,
    oauth_dovecot,
    oauth_mailbox,
    oauth_smtp,
    oauth_user,
    provider,
)
from tests.helpers.oauth_server import OAuthServer
from tests.helpers.smtp_server import SmtpServer, account_for


class StrangerEndpoint:
    """An HTTPS listener on loopback that a restored backup names as the token endpoint:
    it records every request that reaches it, with its body."""

    def __init__(self, ca: trustme.CA) -> None:
        self.requests: list[tuple[str, str, bytes]] = []
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        context = server_context(ca, "127.0.0.1", "localhost")
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def token_url(self) -> str:
        return f"https://127.0.0.1:{self._server.server_address[1]}/token"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                outer.requests.append(("POST", self.path, self.rfile.read(length)))
                body = b'{"access_token": "stolen", "token_type": "Bearer", "expires_in": 3600}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def stranger_endpoint(ca: trustme.CA) -> Iterator[StrangerEndpoint]:
    endpoint = StrangerEndpoint(ca)
    yield endpoint
    endpoint.stop()


@dataclass
class CountingTokens(TokenChecking):
    """A real server checking tokens, that counts every XOAUTH2 sign-in offered to it."""

    offered: list[str] = field(default_factory=list)

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:
        self.offered.append(args[1] if len(args) > 1 else "")
        return await super().auth_XOAUTH2(server, args)


@pytest.fixture
def other_smtp(ca: trustme.CA, authorization_server: OAuthServer) -> Iterator[SmtpServer]:
    """Another SMTP server on loopback, that the sign-in was not made for."""
    server = SmtpServer(
        "starttls",
        server_context(ca, "localhost", "127.0.0.1"),
        {},
        recorder=CountingTokens(oauth=authorization_server),
    ).start()
    yield server
    server.stop()


def restored_sign_in(store: Store, secret: OAuthSecret, **endpoints: str) -> None:
    """The saved sign-in's setting as a restored backup may bring it back."""
    remember_sign_in(store, secret.provider.at(**endpoints), CLIENT, secret.user)


def test_a_token_endpoint_from_a_backup_never_receives_the_refresh_token(
    store: Store,
    signed_in: OAuthSecret,
    browser: Browser,
    moment: SetClock,
    stranger_endpoint: StrangerEndpoint,
    oauth_smtp: SmtpServer,
) -> None:
    outbox = outbox_for(store, signed_in)
    restored_sign_in(store, signed_in, token_url=stranger_endpoint.token_url)
    moment.now += timedelta(hours=2)  # the access token has expired: it must be renewed
    message_id = queue(outbox)

    [refused] = outbox.send([message_id])

    assert stranger_endpoint.requests == []
    assert refused.state is MessageState.FAILED and oauth_smtp.received == []
    where = stranger_endpoint.token_url.removeprefix("https://").removesuffix("/token")
    assert f"Your saved sign-in now points to {where} to renew it" in refused.detail
    assert "Sign in again with Microsoft in Settings › Account." in refused.detail

    sign_in_again(store, signed_in, browser)  # Settings signs in at the provider's own
    outbox.retry(message_id)
    [sent] = outbox.send([message_id])

    assert sent.state is MessageState.SENT, sent.detail
    assert stranger_endpoint.requests == []


def test_a_sending_server_from_a_backup_never_receives_the_access_token(
    store: Store,
    signed_in: OAuthSecret,
    browser: Browser,
    other_smtp: SmtpServer,
    oauth_smtp: SmtpServer,
    ca_file: Path,
) -> None:
    outbox = outbox_for(store, signed_in)
    elsewhere = account_for(other_smtp, ca_file, username=signed_in.user)
    store.set_setting(ACCOUNT_SETTING, elsewhere.to_dict())  # as a restored backup's
    message_id = queue(outbox)

    [refused] = outbox.send([message_id])

    recorder: CountingTokens = other_smtp.recorder  # type: ignore[assignment]
    assert recorder.offered == [] and other_smtp.received == []
    assert refused.state is MessageState.FAILED and oauth_smtp.received == []
    assert (
        f"Your settings now send mail through 127.0.0.1:{other_smtp.port}, not the server "
        "you signed in with Microsoft for." in refused.detail
    )

    sign_in_again(store, signed_in, browser)  # now for the server the settings name
    outbox.retry(message_id)
    [sent] = outbox.send([message_id])

    assert sent.state is MessageState.SENT, sent.detail
    assert len(recorder.offered) == 1 and len(other_smtp.received) == 1


def test_a_mailbox_from_a_backup_is_not_signed_in_to_until_the_user_signs_in_again(
    store: Store,
    signed_in: OAuthSecret,
    browser: Browser,
    oauth_mailbox: ImapAccount,
    oauth_dovecot: OAuthDovecot,
    ca_file: Path,
) -> None:
    outbox = outbox_for(store, signed_in)
    [sent] = outbox.send([queue(outbox)])
    assert sent.state is MessageState.SENT, sent.detail
    moved = ImapAccount(
        oauth_mailbox.host,
        oauth_dovecot.starttls_port,
        Security.STARTTLS,
        oauth_mailbox.username,
        str(ca_file),
        5.0,
    )
    save_mailbox_settings(store, MailboxSettings(moved, server_files_sent=False))

    refused = filed_by_a_visit(store, signed_in)

    assert not refused.filed
    assert f"Your mailbox settings now point to {moved.host}:{moved.port}" in (refused.error or "")
    assert oauth_dovecot.messages(moved.username, FLAGGED_SENT, ca_file) == []

    sign_in_again(store, signed_in, browser)
    filed = filed_by_a_visit(store, signed_in)

    assert filed.filed and not filed.failed, filed.error


def filed_by_a_visit(store: Store, signed_in: OAuthSecret) -> FilingResult:
    """What the app's mailbox visit files, with the saved settings (no reply search)."""
    done = visit(
        store, signed_in.credentials, now=signed_in.clock(), replies=False, clock=signed_in.clock
    )
    assert done is not None
    return done.filing


def test_a_rotated_refresh_token_keeps_its_binding_and_the_mail_still_goes(
    store: Store,
    signed_in: OAuthSecret,
    moment: SetClock,
    oauth_smtp: SmtpServer,
) -> None:
    credentials = signed_in.credentials
    first, bound = credentials.password(signed_in.key), credentials.saved_for(signed_in.key)
    moment.now += timedelta(hours=2)
    outbox = outbox_for(store, signed_in)

    [sent] = outbox.send([queue(outbox)])  # renewed first: the provider rotates it

    assert sent.state is MessageState.SENT, sent.detail
    assert credentials.password(signed_in.key) not in (None, first)
    assert bound and {d.kind for d in bound} == {"oauth", "smtp", "imap"}
    assert credentials.saved_for(signed_in.key) == bound


def test_signing_out_forgets_the_refresh_token_and_where_it_may_go(
    store: Store, signed_in: OAuthSecret, secret_backend: Any
) -> None:
    keyring = Credentials(secret_backend)  # what the keyring holds, not this session's memory
    assert keyring.saved_for(signed_in.key)

    signed_in.sign_out()

    assert keyring.password(signed_in.key) is None and keyring.saved_for(signed_in.key) is None
    with pytest.raises(SignInNeeded):
        signed_in.login()


def test_a_refresh_token_kept_before_sign_ins_were_bound_asks_to_sign_in_again(
    store: Store,
    signed_in: OAuthSecret,
    secret_backend: Any,
    moment: SetClock,
    authorization_server: OAuthServer,
) -> None:
    token = signed_in.credentials.password(signed_in.key)
    assert token is not None
    Credentials(secret_backend).store(signed_in.key, token)  # as an earlier version kept it
    moment.now += timedelta(hours=2)
    asked = len(authorization_server.requests)

    with pytest.raises(SignInNotForThisServer, match="Sign in again with Microsoft in Settings"):
        signed_in.login()

    assert len(authorization_server.requests) == asked  # not even the provider was asked
    assert signed_in.credentials.password(signed_in.key) == token  # kept, not renewed


@pytest.fixture
def other_ca_file(tmp_path: Path) -> Path:
    """A certificate authority a backup could ship: not the one signed in with."""
    path = tmp_path / "shipped-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return path


def test_a_certificate_from_a_backup_for_the_token_endpoint_asks_to_sign_in_again(
    store: Store,
    signed_in: OAuthSecret,
    moment: SetClock,
    authorization_server: OAuthServer,
    other_ca_file: Path,
    oauth_smtp: SmtpServer,
) -> None:
    outbox = outbox_for(store, signed_in)
    restored_sign_in(store, signed_in, ca_file=str(other_ca_file))
    moment.now += timedelta(hours=2)
    asked = len(authorization_server.requests)

    [refused] = outbox.send([queue(outbox)])

    assert refused.state is MessageState.FAILED and oauth_smtp.received == []
    where = authorization_server.base.removeprefix("https://")
    assert (
        f"Your settings for {where} now trust a certificate (CA file {other_ca_file}) that "
        "was not trusted when you signed in with Microsoft." in refused.detail
    )
    assert len(authorization_server.requests) == asked


def test_a_certificate_from_a_backup_for_the_sending_server_gets_no_access_token(
    store: Store,
    signed_in: OAuthSecret,
    oauth_smtp: SmtpServer,
    other_ca_file: Path,
) -> None:
    outbox = outbox_for(store, signed_in)
    shipped = account_for(oauth_smtp, other_ca_file, username=signed_in.user)
    store.set_setting(ACCOUNT_SETTING, shipped.to_dict())  # as a restored backup's

    [refused] = outbox.send([queue(outbox)])

    assert refused.state is MessageState.FAILED and oauth_smtp.received == []
    assert f"now trust a certificate (CA file {other_ca_file})" in refused.detail
    assert "sign in again with Microsoft in Settings › Account only if" in refused.detail
