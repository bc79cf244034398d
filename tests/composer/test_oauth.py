"""OAuth2 sign-in end to end on loopback: a real authorization server (oauthlib) that
checks PKCE, aiosmtpd and Dovecot that check its tokens, and the real keyring."""

# ruff: noqa: F811  (the fixtures imported below are parameters of the tests)

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import requests

from composer.account import ImapAccount
from composer.clock import Clock
from composer.credentials import Credentials
from composer.errors import SignInNeeded
from composer.mailbox import (
    MailboxSettings,
    mailbox_secret,
    mailbox_settings,
    save_mailbox_settings,
    visit,
)
from composer.oauth import OAuthProvider, keyring_key
from composer.oauth_account import keep_tokens, oauth_secret, remember_sign_in, signed_in_servers
from composer.oauth_flow import BrowserSignIn
from composer.oauth_tokens import OAuthForServer, OAuthSecret
from composer.outbox import Outbox
from composer.records import Message, MessageState, Profile
from composer.sent_copies import FilingResult
from composer.store import Store
from tests.conftest import LogRecords
from tests.helpers.clock import SetClock
from tests.helpers.imap_server import FLAGGED_SENT, OAuthDovecot
from tests.helpers.oauth_fixtures import (  # noqa: F401
    CLIENT,
    Browser,
    authorization_server,
    browser,
    moment,
    oauth_dovecot,
    oauth_mailbox,
    oauth_smtp,
    oauth_user,
    provider,
)
from tests.helpers.oauth_server import CLIENT_ID, OAuthServer
from tests.helpers.smtp_server import SmtpServer, account_for


def sign_in(provider: OAuthProvider, browser: Browser, clock: Clock) -> Any:
    flow = BrowserSignIn(provider, CLIENT, clock)
    visit = browser.open(flow.url)
    tokens = flow.wait(timeout=10)
    visit.join(10)
    assert not browser.errors
    return tokens


def sign_in_again(store: Store, secret: OAuthSecret, browser: Browser) -> None:
    """As Settings does it: bound to the servers the settings name now."""
    provider, user = secret.provider, secret.user
    servers = signed_in_servers(store, provider, user)
    tokens = sign_in(provider, browser, secret.clock)
    keep_tokens(secret.credentials, provider, secret.client, user, secret.clock, tokens, servers)
    remember_sign_in(store, provider, secret.client, user)


@pytest.fixture
def signed_in(
    store: Store,
    secret_backend: Any,
    provider: OAuthProvider,
    browser: Browser,
    moment: SetClock,
    oauth_user: str,
    oauth_smtp: SmtpServer,
    oauth_mailbox: ImapAccount,
    ca_file: Path,
) -> OAuthSecret:
    """The account and mailbox saved in Settings, then signed in there: the session's
    secret, remembered for sending and filing."""
    credentials = Credentials(secret_backend)
    outbox = Outbox(store, credentials, clock=moment)
    outbox.save_account(account_for(oauth_smtp, ca_file, username=oauth_user))
    save_mailbox_settings(store, MailboxSettings(oauth_mailbox, server_files_sent=False))
    store.save_profile(Profile(name="Zoë Müller", email="zoe@example.org"))
    secret = oauth_secret(credentials, provider, CLIENT, oauth_user, moment)
    sign_in_again(store, secret, browser)
    return secret


def outbox_for(store: Store, secret: OAuthSecret) -> Outbox:
    """The app's own outbox: it finds the sign-in remembered in Settings."""
    return Outbox(store, secret.credentials, clock=secret.clock)


def filing_secret(store: Store, secret: OAuthSecret) -> Any:
    """What the app's mailbox opens with: the same sign-in, found through Settings."""
    settings = mailbox_settings(store)
    assert settings is not None
    found = mailbox_secret(store, secret.credentials, settings, secret.clock)
    assert isinstance(found, OAuthForServer) and found.secret is secret
    return found


def file_copies(store: Store, secret: OAuthSecret) -> FilingResult:
    """A visit as the app makes it, on the test's clock: the mailbox opens with the sign-in."""
    filing_secret(store, secret)
    result = visit(store, secret.credentials, now=secret.clock(), replies=False, clock=secret.clock)
    assert result is not None
    return result.filing


def queue(outbox: Outbox) -> int:
    message = outbox.queue(
        Message(subject="Thank you", body="Dear Ana,\n\nThank you.\n", to=["ana@acme.example"])
    )
    assert message.id is not None
    return message.id


def test_signed_in_in_the_browser_the_mail_goes_by_smtp_and_its_copy_is_filed_by_imap(
    store: Store,
    signed_in: OAuthSecret,
    browser: Browser,
    oauth_smtp: SmtpServer,
    oauth_mailbox: ImapAccount,
    oauth_dovecot: OAuthDovecot,
    ca_file: Path,
) -> None:
    outbox = outbox_for(store, signed_in)

    [sent] = outbox.send([queue(outbox)])
    filed = file_copies(store, signed_in)

    assert sent.state is MessageState.SENT, sent.detail
    assert filed.filed and not filed.failed, filed.error
    [copy] = oauth_dovecot.messages(oauth_mailbox.username, FLAGGED_SENT, ca_file)
    assert copy.raw == oauth_smtp.received[0].data
    assert "You can close this window" in browser.pages[0]


def test_the_server_refuses_a_code_redeemed_with_the_wrong_pkce_verifier(
    provider: OAuthProvider, authorization_server: OAuthServer, oauth_user: str, ca_file: Path
) -> None:
    flow = BrowserSignIn(provider, CLIENT, SetClock(authorization_server.validator.clock()))
    reply = requests.get(flow.url, verify=str(ca_file), allow_redirects=False, timeout=10)
    code = urlparse(reply.headers["Location"]).query  # the browser stops here
    answer = dict(part.split("=", 1) for part in code.split("&"))

    refused = requests.post(
        provider.token_url,
        data={
            "grant_type": "authorization_code",
            "code": answer["code"],
            "client_id": CLIENT_ID,
            "redirect_uri": flow.redirect_uri,
            "code_verifier": "not-the-verifier-" + "x" * 40,
        },
        verify=str(ca_file),
        timeout=10,
    )
    flow.cancel()

    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert "code_challenge=" in flow.url and "code_challenge_method=S256" in flow.url


def test_an_access_token_about_to_expire_is_renewed_before_it_is_used(
    store: Store,
    signed_in: OAuthSecret,
    moment: SetClock,
    authorization_server: OAuthServer,
    oauth_smtp: SmtpServer,
    oauth_mailbox: ImapAccount,
    ca_file: Path,
) -> None:
    first = signed_in.login()
    moment.now += timedelta(seconds=3600 - 30)  # within the minute before it expires
    outbox = outbox_for(store, signed_in)

    [sent] = outbox.send([queue(outbox)])

    assert sent.state is MessageState.SENT, sent.detail
    assert signed_in.login() != first
    assert oauth_smtp.recorder.challenge_answers == []  # never offered a stale token


def test_a_token_the_servers_refuse_is_renewed_once_then_smtp_and_imap_take_it(
    store: Store,
    signed_in: OAuthSecret,
    authorization_server: OAuthServer,
    oauth_smtp: SmtpServer,
    oauth_mailbox: ImapAccount,
    oauth_dovecot: OAuthDovecot,
    ca_file: Path,
) -> None:
    outbox = outbox_for(store, signed_in)
    authorization_server.expire_access_tokens()  # ended early, as a provider may do

    [sent] = outbox.send([queue(outbox)])
    authorization_server.expire_access_tokens()
    filed = file_copies(store, signed_in)

    assert sent.state is MessageState.SENT, sent.detail
    assert len(oauth_smtp.recorder.challenge_answers) == 1  # refused once, then taken
    assert filed.filed and not filed.failed, filed.error


def test_a_revoked_sign_in_asks_to_sign_in_again_and_the_message_then_goes(
    store: Store,
    signed_in: OAuthSecret,
    moment: SetClock,
    browser: Browser,
    provider: OAuthProvider,
    authorization_server: OAuthServer,
    oauth_smtp: SmtpServer,
    oauth_mailbox: ImapAccount,
    ca_file: Path,
) -> None:
    outbox = outbox_for(store, signed_in)
    authorization_server.revoke(signed_in.user)
    moment.now += timedelta(hours=2)
    message_id = queue(outbox)

    [refused] = outbox.send([message_id])

    assert refused.state is not MessageState.SENT and oauth_smtp.received == []
    assert "Microsoft asks you to sign in again" in refused.detail
    assert "Settings" in refused.detail
    assert not signed_in.is_signed_in()  # the dead refresh token is not kept
    with pytest.raises(SignInNeeded):
        signed_in.login()

    sign_in_again(store, signed_in, browser)
    outbox.retry(message_id)
    [sent] = outbox.send([message_id])

    assert sent.state is MessageState.SENT, sent.detail
    assert store.message(message_id).body == "Dear Ana,\n\nThank you.\n"  # nothing lost


def test_the_refresh_token_is_in_the_keyring_and_no_token_is_in_any_file_or_log(
    store: Store,
    signed_in: OAuthSecret,
    secret_backend: Any,
    oauth_smtp: SmtpServer,
    oauth_mailbox: ImapAccount,
    authorization_server: OAuthServer,
    ca_file: Path,
    tmp_path: Path,
) -> None:
    outbox = outbox_for(store, signed_in)
    outbox.send([queue(outbox)])
    file_copies(store, signed_in)
    login = signed_in.login()
    assert login is not None
    refresh = Credentials(secret_backend).password(keyring_key(signed_in.provider, signed_in.user))

    assert refresh is not None and refresh in authorization_server.validator.refresh
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files, "the scan must see the test's data files"
    for needle in (refresh, login.secret):
        assert [p for p in files if needle.encode() in p.read_bytes()] == []
        assert needle not in repr(signed_in) and needle not in repr(login)
        logged = [r for r in LogRecords.records if not r.startswith("oauthlib.")]  # the server's
        assert [r for r in logged if needle in r] == []
