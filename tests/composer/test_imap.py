"""The user's mailbox over IMAP, against a real Dovecot on loopback with trustme TLS."""

# ruff: noqa: F811  (the fixtures imported below are parameters of every test)

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest
import trustme

from composer.account import ImapAccount, Security, SmtpAccount
from composer.errors import (
    AfterwordError,
    ImapCertificateNotTrusted,
    ImapConnectionFailed,
    ImapLoginFailed,
    ImapServerRefused,
    ImapTimedOut,
)
from composer.imap import ImapConnection, mailbox_display_name, named_ids
from composer.login import KnownPassword, Login, Mechanism
from composer.mail import build_message, sender_address
from composer.smtp import SmtpConnection
from tests.helpers.clock import NOW
from tests.helpers.imap_fixtures import dovecot, imap_user  # noqa: F401
from tests.helpers.imap_server import FLAGGED_SENT, PASSWORD, DovecotServer, free_port

YESTERDAY = (NOW - timedelta(days=1)).date()  # the test server's mail arrives at NOW


def account(server: DovecotServer, user: str, ca_file: Path, **changes: object) -> ImapAccount:
    values: dict[str, object] = {
        "host": server.host,
        "port": server.tls_port,
        "security": Security.TLS,
        "username": user,
        "ca_file": str(ca_file),
        "timeout": 5.0,
    }
    values.update(changes)
    return ImapAccount(**values)  # type: ignore[arg-type]


def sent_message(subject: str = "Thank you for Tuesday") -> tuple[bytes, str]:
    outgoing = build_message(
        sender=sender_address("Zoë Müller", "zoe@example.org"),
        to=["ana@acme.example"],
        subject=subject,
        body="Dear Ana,\n\nThank you for your time on Tuesday.\n\nZoë",
    )
    return outgoing.raw, outgoing.header_id


def reply(
    header_id: str, *, header: str = "In-Reply-To", sender: str = "ana@acme.example"
) -> bytes:
    threading = f"{header}: {header_id}\r\n" if header else ""
    return (
        f"From: Ana Lima <{sender}>\r\n"
        "To: zoe@example.org\r\n"
        "Subject: Re: Thank you for Tuesday\r\n"
        "Date: Tue, 10 Nov 2026 09:00:00 +0000\r\n"
        "Message-ID: <reply-1@acme.example>\r\n"
        f"{threading}"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "Hi Zoë, lovely to hear from you. We will be in touch next week.\r\n"
        "\r\n"
        "On Tue, Zoë wrote:\r\n"
        "> Thank you for your time on Tuesday.\r\n"
    ).encode()


def test_append_leaves_exactly_one_seen_byte_identical_copy_in_sent(
    dovecot: DovecotServer,
    imap_user: str,
    ca_file: Path,
) -> None:
    dovecot.create(imap_user, FLAGGED_SENT, ca_file)
    raw, _ = sent_message()
    with ImapConnection(account(dovecot, imap_user, ca_file), PASSWORD) as imap:
        imap.append_sent(raw)
    [copy] = dovecot.messages(imap_user, FLAGGED_SENT, ca_file)
    assert copy.raw == raw
    assert "\\Seen" in copy.flags


def test_sent_is_found_by_its_special_use_flag(
    dovecot: DovecotServer,
    imap_user: str,
    ca_file: Path,
) -> None:
    dovecot.create(imap_user, FLAGGED_SENT, ca_file)
    dovecot.create(imap_user, "Sent Items", ca_file)  # a usual name loses to the flag
    with ImapConnection(account(dovecot, imap_user, ca_file), PASSWORD) as imap:
        assert imap.sent_folder() == FLAGGED_SENT


def test_sent_is_found_by_a_usual_name_without_the_flag(
    dovecot: DovecotServer,
    imap_user: str,
    ca_file: Path,
) -> None:
    dovecot.create(imap_user, "Sent Items", ca_file)
    raw, _ = sent_message()
    with ImapConnection(account(dovecot, imap_user, ca_file), PASSWORD) as imap:
        assert imap.sent_folder() == "Sent Items"
        imap.append_sent(raw)
    assert [m.raw for m in dovecot.messages(imap_user, "Sent Items", ca_file)] == [raw]


def test_sent_is_made_when_there_is_none(
    dovecot: DovecotServer,
    imap_user: str,
    ca_file: Path,
) -> None:
    raw, _ = sent_message()
    with ImapConnection(account(dovecot, imap_user, ca_file), PASSWORD) as imap:
        imap.append_sent(raw)
    assert [m.raw for m in dovecot.messages(imap_user, "Sent", ca_file)] == [raw]
    assert any(line.endswith(b" Sent") for line in dovecot.mailboxes(imap_user, ca_file))


@pytest.mark.parametrize("header", ["In-Reply-To", "References"])
def test_a_reply_is_found_by_its_threading_header(
    dovecot: DovecotServer,
    imap_user: str,
    ca_file: Path,
    header: str,
) -> None:
    _, header_id = sent_message()
    dovecot.deliver(imap_user, reply(header_id, header=header), ca_file)
    with ImapConnection(account(dovecot, imap_user, ca_file), PASSWORD) as imap:
        [found] = imap.find_replies([header_id], [], YESTERDAY)
        noted_before = {"<reply-1@acme.example>"}
        assert imap.find_replies([header_id], [], YESTERDAY, known=noted_before) == []
    assert found.header_id == "<reply-1@acme.example>"
    assert "ana@acme.example" in found.sender
    assert found.subject == "Re: Thank you for Tuesday"
    assert found.date is not None and found.date.day == 10
    if header == "In-Reply-To":
        assert found.in_reply_to == (header_id,)
    else:
        assert found.references == (header_id,)
    assert found.summary == "Hi Zoë, lovely to hear from you. We will be in touch next week."


def test_a_message_from_a_contact_is_found_by_sender_alone(
    dovecot: DovecotServer,
    imap_user: str,
    ca_file: Path,
) -> None:
    dovecot.deliver(imap_user, reply("", header=""), ca_file)
    with ImapConnection(account(dovecot, imap_user, ca_file), PASSWORD) as imap:
        assert imap.find_replies([], ["hr@acme.example"], YESTERDAY) == []
        [found] = imap.find_replies([], ["ana@acme.example"], YESTERDAY)
    assert found.in_reply_to == () and found.references == ()
    assert not found.automatic


def test_an_unrelated_message_is_not_found(
    dovecot: DovecotServer,
    imap_user: str,
    ca_file: Path,
) -> None:
    _, ours = sent_message()
    _, theirs = sent_message("Something else")
    dovecot.deliver(imap_user, reply(theirs, sender="news@shop.example"), ca_file)
    with ImapConnection(account(dovecot, imap_user, ca_file), PASSWORD) as imap:
        assert imap.find_replies([ours], ["ana@acme.example"], YESTERDAY) == []


def test_a_multipart_reply_is_summarised_from_its_text_part_only(
    dovecot: DovecotServer,
    imap_user: str,
    ca_file: Path,
) -> None:
    _, header_id = sent_message()
    attachment = "QUJD" * 200_000  # 800 KB of base64 that must not be fetched
    raw = (
        "From: ana@acme.example\r\nSubject: Re: hi\r\n"
        f"In-Reply-To: {header_id}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        "Gr=C3=BC=C3=9Fe, see the offer attached.\r\n"
        "--b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f"{attachment}\r\n--b1--\r\n"
    ).encode()
    dovecot.deliver(imap_user, raw, ca_file)
    with ImapConnection(account(dovecot, imap_user, ca_file), PASSWORD) as imap:
        [found] = imap.find_replies([header_id], [], YESTERDAY)
    assert found.summary == "Grüße, see the offer attached."
    assert dovecot.body_bytes_read(imap_user) < 10_000  # the attachment stayed on the server


def test_starttls_works_too(
    dovecot: DovecotServer,
    imap_user: str,
    ca_file: Path,
) -> None:
    raw, _ = sent_message()
    starttls = account(
        dovecot, imap_user, ca_file, port=dovecot.starttls_port, security=Security.STARTTLS
    )
    with ImapConnection(starttls, PASSWORD) as imap:
        imap.append_sent(raw)
    assert [m.raw for m in dovecot.messages(imap_user, "Sent", ca_file)] == [raw]


def test_a_wrong_password_is_told_plainly_and_never_shown(
    dovecot: DovecotServer,
    imap_user: str,
    ca_file: Path,
) -> None:
    wrong = "Tr0ub4dor&3-wrong"
    with pytest.raises(ImapLoginFailed) as raised:
        ImapConnection(account(dovecot, imap_user, ca_file), wrong).open()
    message = str(raised.value)
    assert "user name or password" in message
    assert wrong not in message and wrong not in repr(raised.value.__context__)
    assert raised.value.__cause__ is None


@pytest.mark.parametrize("security", [Security.TLS, Security.STARTTLS])
def test_an_untrusted_certificate_is_refused(
    dovecot: DovecotServer,
    imap_user: str,
    tmp_path: Path,
    security: Security,
) -> None:
    stranger = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(stranger))
    port = dovecot.tls_port if security is Security.TLS else dovecot.starttls_port
    untrusting = account(dovecot, imap_user, stranger, port=port, security=security)
    with pytest.raises(ImapCertificateNotTrusted, match="does not trust"):
        ImapConnection(untrusting, PASSWORD).open()


def test_a_closed_port_is_told_plainly(
    imap_user: str, dovecot: DovecotServer, ca_file: Path
) -> None:
    nowhere = account(dovecot, imap_user, ca_file, port=free_port())
    with pytest.raises(ImapConnectionFailed, match="refused the connection"):
        ImapConnection(nowhere, PASSWORD).open()


def test_a_server_that_never_answers_is_told_plainly_in_time(
    imap_user: str, dovecot: DovecotServer, ca_file: Path
) -> None:
    """It takes the connection and then says nothing (a hung server, a captive network)."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        mute = replace(account(dovecot, imap_user, ca_file, port=port), timeout=0.5)
        started = time.monotonic()
        with pytest.raises(ImapTimedOut, match=r"did not answer within 0\.5 seconds"):
            ImapConnection(mute, PASSWORD).open()
        assert time.monotonic() - started < 5


def test_plain_imap_is_not_allowed(imap_user: str, dovecot: DovecotServer, ca_file: Path) -> None:
    with pytest.raises(AfterwordError, match="without encryption"):
        ImapConnection(
            account(dovecot, imap_user, ca_file, security=Security.NONE), PASSWORD
        ).open()


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("~peter/mail/&U,BTFw-/&ZeVnLIqe-", "~peter/mail/台北/日本語"),  # RFC 3501's example
        ("&AMk-l&AOk-ments envoy&AOk-s", "Éléments envoyés"),  # French Outlook's Sent
        ("Tom &- Jerry", "Tom & Jerry"),
        ("Sent", "Sent"),
        ("&@@@-", "&@@@-"),  # not modified UTF-7: shown as the server wrote it
    ],
)
def test_mailbox_names_are_shown_decoded(name: str, shown: str) -> None:
    assert mailbox_display_name(name) == shown


@dataclass(frozen=True)
class Token:
    """An OAuth2 sign-in, as a provider class would give one: through the same interface."""

    token: str

    def login(self) -> Login:
        return Login(Mechanism.XOAUTH2, self.token)


def test_a_login_secret_signs_in_and_an_oauth2_token_is_refused_where_not_offered(
    imap_user: str, dovecot: DovecotServer, ca_file: Path
) -> None:
    mailbox = account(dovecot, imap_user, ca_file)
    with ImapConnection(mailbox, KnownPassword(PASSWORD)) as imap:
        assert imap.sent_folder()
    with pytest.raises(ImapServerRefused, match="does not offer OAuth2") as raised:
        ImapConnection(mailbox, Token("ya29.secret-token")).open()
    assert "ya29" not in str(raised.value)


@pytest.mark.parametrize(
    ("header", "named"),
    [
        ("<a@x.example>", ("<a@x.example>",)),
        ("<a@x.example> (Ana's message of 3 Nov)", ("<a@x.example>",)),
        ('"Your message of 3 Nov" <a@x.example>', ("<a@x.example>",)),
        ("<a@x.example><b@y.example>", ("<a@x.example>", "<b@y.example>")),
        ("<a@x.example>\r\n <b@y.example>", ("<a@x.example>", "<b@y.example>")),
        ("a@x.example", ("<a@x.example>",)),  # an old mailer's, without brackets
        ("", ()),
    ],
)
def test_the_message_ids_a_reply_names_are_read_as_mailers_write_them(
    header: str, named: tuple[str, ...]
) -> None:
    assert named_ids(header) == named


def test_sending_settings_pointed_at_the_mailbox_server_say_so(
    dovecot: DovecotServer, ca_file: Path
) -> None:
    """The IMAP port typed as the sending server's: not "try again later", which never helps."""
    account = SmtpAccount(
        dovecot.host, dovecot.starttls_port, Security.STARTTLS, "zoe", "zoe@example.org",
        ca_file=str(ca_file), timeout=5.0,
    )  # fmt: skip
    with pytest.raises(AfterwordError, match="does not answer as a mail-sending") as refused:
        SmtpConnection(account, "a password").open()
    assert "is for reading mail (IMAP)" in str(refused.value)
