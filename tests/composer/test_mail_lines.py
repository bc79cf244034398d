"""Lines within limits: whatever separates a body's lines, none that reaches the server is
over 998 octets, and the text reads back exactly as typed (#16)."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from composer.mail import build_message, sender_address
from composer.outbox import Outbox
from composer.records import Attachment, Message, MessageState, Profile
from composer.store import Store
from tests.helpers.smtp_server import SmtpServer

# What str.splitlines() or the email package reads as a line break, and a mail server does not.
SEPARATORS = ["\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
LIMIT = 998  # octets, CRLF not counted (RFC 5322 2.1.1)


def paragraphs(separator: str) -> str:
    """The issue's body: 1,800-odd octets between line feeds, split by ``separator``."""
    return separator.join(["Thank you for the conversation. " * 10] * 6) + "\n"


def lines_of(data: bytes) -> list[bytes]:
    return data.split(b"\r\n")


def read_back(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def text_of(part: EmailMessage) -> str:
    return str(part.get_content()).replace("\r\n", "\n")


@pytest.fixture(autouse=True)
def profile(store: Store) -> None:
    store.save_profile(Profile(name="Zoë Müller", email="zoe@example.org", signature="Zoë"))


@pytest.mark.parametrize("separator", SEPARATORS, ids=repr)
def test_a_body_split_by_odd_separators_reaches_the_server_in_legal_lines(
    separator: str, outbox: Outbox, smtp_server: SmtpServer
) -> None:
    body = paragraphs(separator)
    assert len(body.encode().split(b"\n")[0]) > LIMIT  # one mail line, as the server counts
    message = outbox.queue(Message(to=["ana@acme.example"], subject="Thanks", body=body))
    assert message.id is not None

    [result] = outbox.send([message.id])

    assert result.state is MessageState.SENT
    [got] = smtp_server.received
    longest = max(len(line) for line in lines_of(got.data))
    assert longest <= LIMIT, f"a line of {longest} octets reached the server"
    assert text_of(read_back(got.data)) == body, "the text reads back exactly as typed"


def test_plain_ascii_paragraphs_and_a_signature_split_by_form_feeds_go_out_legal(
    outbox: Outbox, smtp_server: SmtpServer
) -> None:
    signature = "Zoe Muller\f" + "\f".join(["Data engineer, streaming pipelines. " * 20] * 2)
    body = "Thank you.\n" + "\f".join(["A" * 600] * 3) + "\n\n-- \n" + signature + "\n"
    message = outbox.queue(Message(to=["ana@acme.example"], subject="Thanks", body=body))
    assert message.id is not None

    outbox.send([message.id])

    [got] = smtp_server.received
    assert max(len(line) for line in lines_of(got.data)) <= LIMIT
    assert text_of(read_back(got.data)) == body


def test_a_text_attachment_with_long_lines_and_the_body_arrive_legal_and_exact(
    outbox: Outbox, smtp_server: SmtpServer
) -> None:
    notes = paragraphs("\f").encode()
    body = paragraphs("\v")
    attachment = Attachment("notes.txt", "text/plain", notes)
    message = outbox.queue(
        Message(to=["ana@acme.example"], subject="Notes", body=body, attachments=[attachment])
    )
    assert message.id is not None

    outbox.send([message.id])

    [got] = smtp_server.received
    assert max(len(line) for line in lines_of(got.data)) <= LIMIT
    mail = read_back(got.data)
    text = mail.get_body(("plain",))
    assert text is not None and text_of(text) == body  # type: ignore[arg-type]
    [part] = list(mail.iter_attachments())
    assert part.get_payload(decode=True) == notes


@pytest.mark.parametrize("separator", SEPARATORS, ids=repr)
def test_a_built_message_is_never_7bit_with_a_line_over_the_limit(separator: str) -> None:
    outgoing = build_message(
        sender=sender_address("Zoe", "zoe@example.org"),
        to=["ana@acme.example"],
        subject="Thanks",
        body=paragraphs(separator),
        signature="Zoe\f" + "\f".join(["x" * 600] * 2),
    )
    assert max(len(line) for line in lines_of(outgoing.data)) <= LIMIT
