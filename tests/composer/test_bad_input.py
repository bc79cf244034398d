"""Bad input, sent through a real server: each case arrives intact or is refused clearly,
naming the field; never a crash, never a mangled header."""

from __future__ import annotations

import logging
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import getaddresses

import pytest

from composer.errors import InvalidAddress, InvalidField
from composer.outbox import Outbox
from composer.records import Message, MessageState, Profile
from tests.composer.test_mail import EXPECTED_HEADERS
from tests.helpers.smtp_server import Received, SmtpServer

MAX_LINE = 998  # RFC 5322: a header line longer than this is broken for any server


def send(outbox: Outbox, smtp_server: SmtpServer, **fields: object) -> Received:
    """Queues and sends one message; returns what the server got, its headers checked."""
    values: dict[str, object] = {
        "subject": "Thank you",
        "body": "Thank you for today.\n",
        "to": ["ana@acme.example"],
    }
    values.update(fields)
    message = outbox.queue(Message(**values))  # type: ignore[arg-type]
    assert message.id is not None
    [result] = outbox.send([message.id])
    assert result.state is MessageState.SENT, result.detail
    [received] = smtp_server.received
    assert_sound_headers(received.data, cc=bool(values.get("cc")))
    return received


def assert_sound_headers(data: bytes, *, cc: bool = False) -> None:
    head = data.split(b"\r\n\r\n", 1)[0]
    lines = head.split(b"\r\n")
    assert max(len(line) for line in lines) <= MAX_LINE
    assert not any(b"\r" in line or b"\n" in line or b"\x00" in line for line in lines)
    expected = EXPECTED_HEADERS | ({"Cc"} if cc else set())
    assert sorted(parsed(data).keys()) == sorted(expected), "no header added, none lost"


def parsed(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def text_of(data: bytes) -> str:
    """The body as a reader shows it (line ends as Python writes them)."""
    return str(parsed(data).get_content()).replace("\r\n", "\n")


def decoded(text: str) -> str:
    """RFC 2047 as a mail client decodes it. Not ``policy.default``: it puts a space
    between adjacent encoded words when it unfolds, which the bytes do not say."""
    return str(make_header(decode_header(text)))


def people(data: bytes, header: str) -> list[tuple[str, str]]:
    """(name, address) for each address in the header, names decoded as a client would."""
    value = str(message_from_bytes(data, policy=policy.compat32)[header])
    return [(decoded(name), address) for name, address in getaddresses([value])]


def subject_of(data: bytes) -> str:
    return decoded(str(message_from_bytes(data, policy=policy.compat32)["Subject"]))


# --- sent, and intact --------------------------------------------------------------------


TRICKY_LINES = (
    ".\n..two dots\nFrom the start of a line\n  trailing spaces  \n\tindented\n"
    "form\x0cfeed, vertical\x0btab\n\n\n"
)


@pytest.mark.parametrize(
    ("line", "encoding"),
    [
        # quoted-printable, not 7bit: the "From " line is written "=46rom " (mbox export)
        ("Thank you for the conversation about streaming pipelines today.\n", "quoted-printable"),
        ("مريم الأحمد كتبت رسالة طويلة — שרה לוי 👩‍💻 " * 20 + "\n", "base64"),
        ("A line far longer than any line SMTP may carry. " * 30 + "é\n", "quoted-printable"),
    ],
    ids=["ascii", "right-to-left-and-emoji", "long-lines"],
)
def test_a_5_mb_body_arrives_byte_for_byte(
    outbox: Outbox,
    smtp_server: SmtpServer,
    caplog: pytest.LogCaptureFixture,
    line: str,
    encoding: str,
) -> None:
    # aiosmtpd logs every DATA line at DEBUG: captured, 5 MB of them outlast the timeout.
    caplog.set_level(logging.INFO, logger="mail.log")
    repeat = 5_000_000 // len(line.encode()) + 1
    body = TRICKY_LINES + line * repeat + "last line, no line end"
    assert len(body.encode()) > 5_000_000

    received = send(outbox, smtp_server, body=body)

    assert text_of(received.data).encode() == (body + "\n").encode()
    assert parsed(received.data)["Content-Transfer-Encoding"] == encoding
    assert len(received.data) < 1.4 * len(body.encode()), "not tripled on the way"


def test_500_recipients_each_get_it_and_bcc_stays_hidden(
    outbox: Outbox, smtp_server: SmtpServer
) -> None:
    to = [f"Person {n} <p{n:03}@acme.example>" for n in range(400)]
    cc = [f"c{n:03}@acme.example" for n in range(50)]
    bcc = [f"Hidden {n} <b{n:03}@acme.example>" for n in range(50)]

    received = send(outbox, smtp_server, to=to, cc=cc, bcc=bcc)

    expected_to = [(f"Person {n}", f"p{n:03}@acme.example") for n in range(400)]
    assert people(received.data, "To") == expected_to
    assert people(received.data, "Cc") == [("", address) for address in cc]
    assert received.recipients == [a for _, a in expected_to] + cc + [
        f"b{n:03}@acme.example" for n in range(50)
    ]
    assert b"b000@acme.example" not in received.data and b"Hidden" not in received.data


NAMES = ["👩‍💻 Zoë", "مريم الأحمد", "שרה לוי", "Renée 🇫🇷 O'Brien-Łukasiewicz"]


def test_emoji_and_right_to_left_names_and_subject(outbox: Outbox, smtp_server: SmtpServer) -> None:
    outbox.store.save_profile(Profile(name="מיכל 👩‍💻 بن", email="zoe@example.org"))
    subject = "👩‍💻 Thank you — شكراً جزيلاً — תודה רבה"
    to = [f"{name} <p{n}@acme.example>" for n, name in enumerate(NAMES)]

    received = send(outbox, smtp_server, to=to, subject=subject)

    assert people(received.data, "From") == [("מיכל 👩‍💻 بن", "zoe@example.org")]
    assert people(received.data, "To") == [(n, f"p{i}@acme.example") for i, n in enumerate(NAMES)]
    assert subject_of(received.data) == subject
    assert received.recipients == [f"p{n}@acme.example" for n in range(len(NAMES))]


def test_names_and_subject_at_the_length_limit_stay_within_a_line(
    outbox: Outbox, smtp_server: SmtpServer
) -> None:
    """The longest name allowed, each character escaped, and long right-to-left text."""
    quotes = "x" + '"' * 491  # 985 characters quoted and escaped: too long for one line
    arabic = ("مريم الأحمد " * 42)[:500]
    named = arabic[: 500 - len(" <m@acme.example>")]  # an address as typed: 500 at most
    outbox.store.save_profile(Profile(name=arabic, email="zoe@example.org"))
    to = [f"{quotes} <a@b.c>", f"{named} <m@acme.example>"]

    received = send(outbox, smtp_server, to=to, subject=arabic)

    assert people(received.data, "To") == [(quotes, "a@b.c"), (named, "m@acme.example")]
    assert people(received.data, "From") == [(arabic, "zoe@example.org")]
    assert subject_of(received.data) == arabic


@pytest.mark.parametrize(
    "typed",
    ['"john doe"@example.com', 'John Doe <"john doe"@example.com>'],
)
def test_a_quoted_local_part_reaches_the_server_quoted(
    outbox: Outbox, smtp_server: SmtpServer, typed: str
) -> None:
    received = send(outbox, smtp_server, to=[typed])

    assert received.recipients == ['"john doe"@example.com']
    [address] = parsed(received.data)["To"].addresses
    assert (address.username, address.domain) == ("john doe", "example.com")


@pytest.mark.parametrize(
    ("typed", "name"),
    [("info@bücher.example", ""), ("Bücherei Müller <info@bücher.example>", "Bücherei Müller")],
)
def test_an_internationalized_domain_is_sent_in_its_ascii_form(
    outbox: Outbox, smtp_server: SmtpServer, typed: str, name: str
) -> None:
    received = send(outbox, smtp_server, to=[typed])

    assert received.recipients == ["info@xn--bcher-kva.example"]
    assert people(received.data, "To") == [(name, "info@xn--bcher-kva.example")]


def test_text_that_looks_encoded_arrives_as_typed(outbox: Outbox, smtp_server: SmtpServer) -> None:
    """Written as is, "=?utf-8?b?QWRtaW4=?=" would be shown to the reader as "Admin"."""
    lookalike = "=?utf-8?b?QWRtaW4=?="
    outbox.store.save_profile(Profile(name=lookalike, email="zoe@example.org"))

    received = send(
        outbox, smtp_server, to=["=?utf-8?q?Boss?= <a@acme.example>"], subject=f"{lookalike} hi"
    )

    assert people(received.data, "From") == [(lookalike, "zoe@example.org")]
    assert people(received.data, "To") == [("=?utf-8?q?Boss?=", "a@acme.example")]
    assert subject_of(received.data) == f"{lookalike} hi"


# --- refused, naming the field ------------------------------------------------------------


HUGE = "Z" * 100_000


@pytest.mark.parametrize(
    ("fields", "kind", "field", "says"),
    [
        ({"subject": ""}, InvalidField, "subject", "The subject is empty"),
        ({"subject": " \t "}, InvalidField, "subject", "The subject is empty"),
        ({"subject": "Thanks\x00"}, InvalidField, "subject", "The subject contains a line break"),
        ({"subject": HUGE}, InvalidField, "subject", "The subject is too long (100,000"),
        ({"body": "Thank you\x00 for today"}, InvalidField, "body", "contains a NUL character"),
        ({"to": ["Ana\x00 Lima <ana@acme.example>"]}, InvalidAddress, "To", "The To address"),
        ({"cc": [f"{HUGE} <ana@acme.example>"]}, InvalidAddress, "Cc", "The Cc address is too"),
        ({"to": ["zoë@bücher.example"]}, InvalidAddress, "To", "only ASCII letters"),
    ],
    ids=[
        "empty-subject",
        "blank-subject",
        "nul-in-subject",
        "huge-subject",
        "nul-in-body",
        "nul-in-name",
        "huge-name",
        "non-ascii-local-part",
    ],
)
def test_bad_input_is_refused_before_it_is_queued(
    outbox: Outbox,
    smtp_server: SmtpServer,
    fields: dict[str, object],
    kind: type[InvalidField],
    field: str,
    says: str,
) -> None:
    values: dict[str, object] = {
        "subject": "Thank you",
        "body": "Thanks!",
        "to": ["a@acme.example"],
    }
    values.update(fields)

    with pytest.raises(kind) as refused:
        outbox.queue(Message(**values))  # type: ignore[arg-type]

    assert refused.value.field == field
    assert says in str(refused.value)
    assert len(str(refused.value)) < 300, "the message quotes, it does not echo 100,000 characters"
    assert outbox.store.message_ids() == []
    assert smtp_server.received == []


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("Zoë\x00 Müller", "your name contains a line break or a control character"),
        (HUGE, "your name is too long (100,000 characters)"),
    ],
    ids=["nul-in-name", "huge-name"],
)
def test_a_bad_name_in_the_profile_fails_the_message_clearly(
    outbox: Outbox, smtp_server: SmtpServer, name: str, says: str
) -> None:
    """The name is checked when it becomes the From: nothing goes out, the message says why."""
    outbox.store.save_profile(Profile(name=name, email="zoe@example.org"))
    message = outbox.queue(Message(subject="Thank you", body="Thanks!", to=["a@acme.example"]))
    assert message.id is not None

    [result] = outbox.send([message.id])

    assert result.state is MessageState.FAILED
    assert result.detail.startswith("In Settings › My profile, your name")
    assert says in result.detail
    assert outbox.store.message(message.id).error == result.detail
    assert smtp_server.received == []
