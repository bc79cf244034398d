"""Sending through a real aiosmtpd server on loopback, with verified TLS and AUTH."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme

from composer.account import Security
from composer.credentials import Credentials
from composer.errors import AccountError, AlreadySent
from composer.outbox import Outbox
from composer.password_binding import Destination
from composer.records import Message, MessageState, Profile
from composer.smtp import smtp_tls_context
from composer.store import Store
from tests.conftest import ServerFactory
from tests.helpers.smtp_server import PASSWORD, RawListener, SmtpServer, account_for, free_port


def parsed(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def queue(outbox: Outbox, **changes: object) -> Message:
    values: dict[str, object] = {
        "subject": "Danke schön",
        "body": "Liebe Grüße, und vielen Dank für das Gespräch.\n",
        "to": ["山田太郎 <taro@example.jp>"],
    }
    values.update(changes)
    return outbox.queue(Message(**values))  # type: ignore[arg-type]


def outbox_for(
    store: Store,
    server: object,
    ca_file: Path | None,
    password: str = PASSWORD,
    **changes: object,
) -> Outbox:
    credentials = Credentials(backend=object())  # in-memory only: these tests are about SMTP
    box = Outbox(store, credentials)
    account = account_for(server, ca_file, **changes)  # type: ignore[arg-type]
    box.save_account(account)
    credentials.use_for_session(account.key, password, [Destination.of(account)])
    return box


@pytest.fixture(autouse=True)
def profile(store: Store) -> None:
    store.save_profile(Profile(name="Zoë Müller", email="zoe@example.org", signature="Zoë"))


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_delivery_with_non_ascii_names_and_subject(
    mode: str, store: Store, smtp_factory: ServerFactory, ca_file: Path
) -> None:
    server = smtp_factory(mode)
    outbox = outbox_for(store, server, ca_file)
    message = queue(outbox, cc=["Ana Lima <ana@acme.example>"])
    assert message.id is not None

    [result] = outbox.send([message.id])

    assert result.state is MessageState.SENT
    [got] = server.received
    assert got.sender == "zoe@example.org"
    assert sorted(got.recipients) == ["ana@acme.example", "taro@example.jp"]
    mail = parsed(got.data)
    assert mail["From"].addresses[0].display_name == "Zoë Müller"
    assert mail["To"].addresses[0].display_name == "山田太郎"
    assert mail["To"].addresses[0].addr_spec == "taro@example.jp"
    assert mail["Cc"].addresses[0].addr_spec == "ana@acme.example"
    assert mail["Subject"] == "Danke schön"
    assert mail["Message-ID"].endswith("@example.org>")
    assert mail["Date"] is not None
    body = mail.get_content().replace("\r\n", "\n")
    assert body.startswith("Liebe Grüße, und vielen Dank für das Gespräch.\n")
    assert body == "Liebe Grüße, und vielen Dank für das Gespräch.\n", (
        "the text goes as the user saw it: the signature is written into drafts, not added"
    )
    assert got.data.isascii(), "headers and body must be 7-bit safe for any server"
    stored = store.message(message.id)
    assert stored.state is MessageState.SENT
    assert stored.raw is not None and parsed(stored.raw)["Message-ID"] == mail["Message-ID"]
    assert stored.raw.replace(b"\r\n", b"\n") == got.data.replace(b"\r\n", b"\n")
    assert stored.server_reply and stored.server_reply.startswith("250")
    assert stored.sent_at is not None


def test_batch_uses_one_connection(outbox: Outbox, smtp_server: SmtpServer) -> None:
    ids = [queue(outbox, to=[f"person{n}@example.com"]).id for n in range(3)]

    results = outbox.send([i for i in ids if i is not None])

    assert [r.state for r in results] == [MessageState.SENT] * 3
    assert len(smtp_server.received) == 3
    assert smtp_server.recorder.connections == 1


def test_the_envelope_carries_each_kind_of_address(
    store: Store, smtp_server: SmtpServer, ca_file: Path
) -> None:
    """MAIL is written by hand (its answer is read later, see ``announce``): a quoted
    sender and every kind of recipient address reach the server as they should."""
    outbox = outbox_for(store, smtp_server, ca_file, from_address='"zoe m"@example.org')
    to = ['"Ana Lima"@acme.example', "bo+jobs@bücher.example", "Cy <cy.o'neil@acme.example>"]
    message = queue(outbox, to=to)
    assert message.id is not None

    [result] = outbox.send([message.id])

    assert result.state is MessageState.SENT, result.detail
    [received] = smtp_server.received
    assert received.sender == '"zoe m"@example.org'
    assert received.recipients == [
        '"Ana Lima"@acme.example',
        "bo+jobs@xn--bcher-kva.example",
        "cy.o'neil@acme.example",
    ]


def test_a_server_without_sign_in_over_tls_takes_the_message(
    store: Store, smtp_factory: ServerFactory, ca_file: Path
) -> None:
    """No user name (a relay at work, say): Afterword greets the server before MAIL, as it
    does when it signs in; a server asks for that first ("503 send HELO first")."""
    server = smtp_factory("tls", users={})
    outbox = outbox_for(store, server, ca_file, username="")
    message = queue(outbox)
    assert message.id is not None

    [result] = outbox.send([message.id])

    assert result.state is MessageState.SENT, result.detail
    assert [got.recipients for got in server.received] == [["taro@example.jp"]]


def test_chinese_japanese_korean_subject_round_trips(
    outbox: Outbox, smtp_server: SmtpServer
) -> None:
    message = queue(outbox, subject="面接のお礼 — 山田太郎様")
    assert message.id is not None
    outbox.send([message.id])
    assert parsed(smtp_server.received[0].data)["Subject"] == "面接のお礼 — 山田太郎様"


# --- failures ----------------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[list[RawListener]]:
    opened: list[RawListener] = []
    yield opened
    for raw in opened:
        raw.close()


def failing_outbox(
    case: str, store: Store, smtp_factory: ServerFactory, ca_file: Path, listener: list[RawListener]
) -> tuple[Outbox, SmtpServer | None]:
    """Each case: an outbox pointed at a server that fails the way the case says."""
    if case == "wrong password":
        server = smtp_factory("starttls")
        return outbox_for(store, server, ca_file, password="not the password"), server
    if case in ("recipient refused", "one of two recipients refused"):
        server = smtp_factory("starttls")
        server.recorder.refuse["nobody@acme.example"] = "550 5.1.1 No such user here"
        return outbox_for(store, server, ca_file), server
    if case == "untrusted certificate":
        server = smtp_factory("starttls")
        return outbox_for(store, server, None), server
    if case == "certificate for another host":
        server = smtp_factory("tls", names=("mail.example.org",))
        return outbox_for(store, server, ca_file, host="localhost"), server
    if case == "STARTTLS not offered":
        server = smtp_factory("plain")
        return outbox_for(store, server, ca_file, security=Security.STARTTLS), server
    if case == "connection refused":
        nowhere = type("Nowhere", (), {"host": "127.0.0.1", "port": free_port(), "mode": "tls"})
        return outbox_for(store, nowhere, ca_file), None
    raw = RawListener("silent" if case == "timeout" else "hang-up")
    listener.append(raw)
    shaped = type("Raw", (), {"host": raw.host, "port": raw.port, "mode": "starttls"})
    return outbox_for(store, shaped, ca_file, timeout=0.5), None


FAILURES = {
    "wrong password": "did not accept the user name or password",
    "recipient refused": "refused this recipient: nobody@acme.example (550 5.1.1 No such user",
    "one of two recipients refused": "Nobody was sent it",
    "connection refused": "connection refused",
    "timeout": "did not answer within 0.5 seconds",
    "disconnect": "closed the connection before the message was sent",
    "untrusted certificate": "certificate that cannot be trusted",
    "certificate for another host": "certificate that cannot be trusted (Hostname mismatch",
    "STARTTLS not offered": "does not offer STARTTLS",
}


@pytest.mark.parametrize("case", FAILURES)
def test_each_failure_has_its_message_and_keeps_the_message(
    case: str,
    store: Store,
    smtp_factory: ServerFactory,
    ca_file: Path,
    listener: list[RawListener],
) -> None:
    outbox, server = failing_outbox(case, store, smtp_factory, ca_file, listener)
    to = ["Ana Lima <ana@acme.example>"]
    if "recipient" in case:
        to = ["nobody@acme.example"] + (to if case.startswith("one of two") else [])
    message = queue(outbox, to=to)
    assert message.id is not None

    [result] = outbox.send([message.id])

    assert result.state is MessageState.FAILED
    assert FAILURES[case] in result.detail
    stored = store.message(message.id)
    assert stored.state is MessageState.FAILED
    assert stored.error == result.detail
    assert (stored.subject, stored.body, stored.to) == (message.subject, message.body, to)
    assert PASSWORD not in result.detail
    if server is not None:
        assert server.received == [], "nothing may be delivered when sending failed"


def test_failed_message_is_retried_with_the_same_message_id(
    outbox: Outbox, smtp_server: SmtpServer
) -> None:
    smtp_server.recorder.refuse["ana@acme.example"] = "450 4.2.1 Mailbox busy, try later"
    message = queue(outbox, to=["ana@acme.example"])
    assert message.id is not None
    assert outbox.send([message.id])[0].state is MessageState.FAILED
    first_id = outbox.store.message(message.id).header_id
    smtp_server.recorder.refuse.clear()

    outbox.retry(message.id)
    [result] = outbox.send([message.id])

    assert result.state is MessageState.SENT
    assert first_id is not None
    assert parsed(smtp_server.received[0].data)["Message-ID"] == first_id
    assert outbox.store.message(message.id).attempts == 2


def test_a_sent_message_cannot_be_retried(outbox: Outbox, smtp_server: SmtpServer) -> None:
    message = queue(outbox)
    assert message.id is not None
    outbox.send([message.id])
    with pytest.raises(AlreadySent):
        outbox.retry(message.id)
    assert outbox.send([message.id])[0].state is MessageState.SENT
    assert len(smtp_server.received) == 1


def test_plain_text_is_refused_to_a_remote_host(outbox: Outbox, smtp_server: SmtpServer) -> None:
    account = account_for(smtp_server, None, host="mail.example.org", security=Security.NONE)
    with pytest.raises(AccountError, match="only allowed to this computer"):
        outbox.save_account(account)


def test_plain_text_is_allowed_on_loopback(
    store: Store, smtp_factory: ServerFactory, ca_file: Path
) -> None:
    server = smtp_factory("plain", users={})
    outbox = outbox_for(store, server, None, username="")
    message = queue(outbox)
    assert message.id is not None
    assert outbox.send([message.id])[0].state is MessageState.SENT


def test_without_an_account_the_message_fails_with_what_to_do(store: Store) -> None:
    outbox = Outbox(store, Credentials(backend=object()))
    message = queue(outbox)
    assert message.id is not None
    [result] = outbox.send([message.id])
    assert result.state is MessageState.FAILED
    assert "Settings › Account" in result.detail


def test_a_break_after_the_data_went_out_is_uncertain_and_not_retried(
    outbox: Outbox, smtp_server: SmtpServer
) -> None:
    async def hang_up(server: Any, session: Any, envelope: Any) -> str:
        server.transport.close()  # the data arrived; the "250" never does
        return "250 OK"

    smtp_server.recorder.handle_DATA = hang_up  # type: ignore[method-assign]
    message = queue(outbox)
    assert message.id is not None

    [result] = outbox.send([message.id])

    assert result.state is MessageState.UNCERTAIN
    assert "may or may not have been delivered" in result.detail
    with pytest.raises(AlreadySent):
        outbox.retry(message.id)
    assert outbox.store.message(message.id).state is MessageState.UNCERTAIN


def test_ehlo_does_not_reveal_this_machines_name(outbox: Outbox, smtp_server: SmtpServer) -> None:
    message = queue(outbox)
    assert message.id is not None
    outbox.send([message.id])
    [got] = smtp_server.received
    assert got.session.host_name == "[127.0.0.1]"
    assert socket.gethostname() not in got.session.host_name


def test_an_unexpected_error_after_the_claim_leaves_the_message_failed(
    outbox: Outbox, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug stays loud, but the message is never stuck in "sending"."""
    message = queue(outbox)
    assert message.id is not None

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr("composer.outbox._build_message", broken)
    with pytest.raises(ValueError, match="a bug"):
        outbox.send([message.id])
    stored = outbox.store.message(message.id)
    assert stored.state is MessageState.FAILED
    assert stored.error is not None and "it was not sent" in stored.error
    assert smtp_server.received == []


def test_the_tls_context_is_made_once_and_again_when_the_ca_file_changes(
    smtp_server: SmtpServer, ca: trustme.CA, tmp_path: Path
) -> None:
    """Reading the system's trusted CAs takes a tenth of a second: not once per batch."""
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    account = account_for(smtp_server, ca_file)
    first = smtp_tls_context(account)
    assert smtp_tls_context(account) is first
    assert first.verify_mode is ssl.CERT_REQUIRED and first.check_hostname

    replacement = tmp_path / "new.pem"
    trustme.CA().cert_pem.write_to_path(str(replacement))
    replacement.replace(ca_file)  # another CA in its place: trusted from now on, not the old
    assert smtp_tls_context(account) is not first
