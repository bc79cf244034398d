"""Signing in through one interface: a password or an OAuth2 token (XOAUTH2), against a
real aiosmtpd on loopback that takes both."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme

from composer.errors import AuthenticationFailed, ServerRefused
from composer.login import KnownPassword, Login, Mechanism, xoauth2
from composer.mail import Outgoing, build_message, sender_address
from composer.smtp import SmtpConnection
from tests.conftest import ServerFactory, server_context
from tests.helpers.smtp_server import PASSWORD, USER, Recorder, SmtpServer, account_for

TOKEN = "ya29.a0-secret-access-token"


@dataclass(frozen=True)
class Token:
    """What an OAuth2 provider class will give the senders: nothing else changes."""

    token: str

    def login(self) -> Login:
        return Login(Mechanism.XOAUTH2, self.token)


def outgoing() -> Outgoing:
    return build_message(
        sender=sender_address("Zoë", "zoe@example.org"),
        to=["ana@x.example"],
        subject="Thank you",
        body="Dear Ana,\n\nThank you.\n",
    )


@pytest.fixture
def oauth_server(smtp_factory: ServerFactory) -> SmtpServer:
    server = smtp_factory("starttls")
    server.recorder.tokens[USER] = TOKEN
    return server


def test_an_oauth2_token_signs_in_and_the_message_goes(
    oauth_server: SmtpServer, ca_file: Path
) -> None:
    with SmtpConnection(account_for(oauth_server, ca_file), Token(TOKEN)) as smtp:
        smtp.send(outgoing())
    assert [r.recipients for r in oauth_server.received] == [["ana@x.example"]]


def test_a_refused_token_is_told_plainly_and_never_shown(
    oauth_server: SmtpServer, ca_file: Path
) -> None:
    with pytest.raises(AuthenticationFailed, match="did not accept the sign-in") as raised:
        SmtpConnection(account_for(oauth_server, ca_file), Token("ya29.expired")).open()
    assert "ya29" not in str(raised.value) and oauth_server.received == []
    assert oauth_server.recorder.challenge_answers == [b""]  # as Google and Microsoft ask


def test_a_password_still_signs_in_through_the_same_interface(
    oauth_server: SmtpServer, ca_file: Path
) -> None:
    with SmtpConnection(account_for(oauth_server, ca_file), KnownPassword(PASSWORD)) as smtp:
        smtp.send(outgoing())
    assert len(oauth_server.received) == 1


def test_a_server_without_oauth2_says_to_use_an_app_password(ca: trustme.CA, ca_file: Path) -> None:
    server = SmtpServer(
        "starttls",
        server_context(ca, "localhost", "127.0.0.1"),
        {USER: PASSWORD},
        recorder=Recorder(),
        auth_exclude_mechanism=["XOAUTH2"],
    ).start()
    try:
        with pytest.raises(ServerRefused, match="does not offer OAuth2 sign-in"):
            SmtpConnection(account_for(server, ca_file), Token(TOKEN)).open()
    finally:
        server.stop()


def test_the_xoauth2_response_is_the_one_providers_document() -> None:
    assert xoauth2("zoe@gmail.com", "tok") == b"user=zoe@gmail.com\x01auth=Bearer tok\x01\x01"


ACCENTED = "Pässwört für Zoë 42"


def test_a_password_with_accents_signs_in_as_utf8_plain(
    smtp_factory: ServerFactory, ca_file: Path
) -> None:
    server = smtp_factory("starttls", users={USER: ACCENTED})
    with SmtpConnection(account_for(server, ca_file), KnownPassword(ACCENTED)) as smtp:
        smtp.send(outgoing())
    assert [r.recipients for r in server.received] == [["ana@x.example"]]


def test_a_wrong_password_with_accents_is_refused_plainly(
    smtp_factory: ServerFactory, ca_file: Path
) -> None:
    server = smtp_factory("starttls", users={USER: ACCENTED})
    with pytest.raises(AuthenticationFailed) as raised:
        SmtpConnection(account_for(server, ca_file), KnownPassword("Pässwört falsch")).open()
    assert "Pässwört" not in str(raised.value) and server.received == []


def test_a_password_with_accents_is_not_sent_where_only_login_is_offered(
    ca: trustme.CA, ca_file: Path
) -> None:
    server = SmtpServer(
        "starttls",
        server_context(ca, "localhost", "127.0.0.1"),
        {USER: ACCENTED},
        auth_exclude_mechanism=["PLAIN"],
    ).start()
    try:
        with pytest.raises(AuthenticationFailed, match="plain English letters"):
            SmtpConnection(account_for(server, ca_file), KnownPassword(ACCENTED)).open()
        assert server.users is not None and server.users.tries == 0
    finally:
        server.stop()
