"""Following up a sent message in its thread, and reading a message as it went out."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from composer.compose import follow_up_in_thread
from composer.dates import medium_date_time
from composer.errors import AfterwordError, NotSent
from composer.mail_threads import as_sent, follow_up_draft, reply_subject
from composer.outbox import Outbox
from composer.records import Attachment, Message, MessageState, Profile
from tests.helpers.smtp_server import SmtpServer


@pytest.fixture(autouse=True)
def profile(outbox: Outbox) -> None:
    outbox.store.save_profile(
        Profile(name="Zoë Müller", email="zoe@example.org", signature="Zoë Müller\nData person")
    )


def send(outbox: Outbox, message: Message) -> Message:
    queued = outbox.queue(message)
    assert queued.id is not None
    [result] = outbox.send([queued.id])
    assert result.state is MessageState.SENT, result.detail
    return outbox.store.message(queued.id)


def thank_you(**changes: object) -> Message:
    values: dict[str, object] = {
        "subject": "Thank you for today",
        "body": "Dear Ana,\n\nThank you for the interview.\n> not a quote, a line I typed\n",
        "to": ["Ana Lima <ana@acme.example>"],
        "cc": ["hr@acme.example"],
        "bcc": ["me@example.org"],
        "template_id": "thank_you",
    }
    values.update(changes)
    return Message(**values)  # type: ignore[arg-type]


def parsed(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_the_follow_up_reaches_the_server_in_the_original_thread(
    outbox: Outbox, smtp_server: SmtpServer
) -> None:
    original = send(outbox, thank_you())
    assert original.header_id is not None

    draft = outbox.save_draft(follow_up_draft(original))
    assert draft.id is not None
    follow_up = send(outbox, outbox.store.message(draft.id))

    received = smtp_server.received[-1].data
    assert received == follow_up.raw
    assert f"\r\nIn-Reply-To: {original.header_id}\r\n".encode() in received
    headers = parsed(received)
    assert headers["In-Reply-To"] == original.header_id
    assert str(headers["References"]).split() == [original.header_id]
    assert headers["Subject"] == "Re: Thank you for today"
    assert headers["Message-ID"] != original.header_id


def test_a_follow_up_of_a_follow_up_carries_the_whole_thread(
    outbox: Outbox, smtp_server: SmtpServer
) -> None:
    first = send(outbox, thank_you())
    second = send(outbox, follow_up_draft(first))
    third = send(outbox, follow_up_draft(second))
    assert first.header_id and second.header_id

    headers = parsed(smtp_server.received[-1].data)
    assert str(headers["References"]).split() == [first.header_id, second.header_id]
    assert headers["In-Reply-To"] == second.header_id
    assert headers["Subject"] == "Re: Thank you for today"
    assert third.references == [first.header_id, second.header_id]


def test_the_draft_goes_to_the_same_people_about_the_same_interview(outbox: Outbox) -> None:
    original = send(outbox, thank_you())

    draft = follow_up_draft(original)

    assert draft.to == ["Ana Lima <ana@acme.example>"]
    assert draft.cc == ["hr@acme.example"]
    assert draft.bcc == []  # who was copied in secret is chosen again, not carried over
    assert (draft.contact_id, draft.interview_id) == (original.contact_id, original.interview_id)
    assert draft.template_id is None
    assert draft.state is MessageState.DRAFT
    assert draft.id is None and draft.header_id is None and draft.raw is None


def test_the_draft_quotes_what_they_received_below_an_empty_line(outbox: Outbox) -> None:
    original = send(outbox, thank_you())
    assert original.sent_at is not None
    local = original.sent_at.astimezone()

    body = follow_up_draft(original, "en_GB").body

    assert body.split("\n") == [
        "",
        "",
        f"On {medium_date_time(local, 'en_GB')}, Zoë Müller wrote:",  # e.g. 3 Nov 2026, 14:30
        "> Dear Ana,",
        ">",
        "> Thank you for the interview.",
        ">> not a quote, a line I typed",
        "",
    ]  # the signature ("-- \nZoë Müller…") is not quoted


def test_a_non_ascii_message_is_quoted_as_text(outbox: Outbox) -> None:
    original = send(outbox, thank_you(body="Liebe Grüße 山田さん\n" * 3))

    quoted = follow_up_draft(original).body

    assert "> Liebe Grüße 山田さん\n> Liebe Grüße 山田さん\n" in quoted


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Thank you for today", "Re: Thank you for today"),
        ("Re: Thank you", "Re: Thank you"),
        ("RE: Thank you", "Re: Thank you"),
        ("re:re: Re : Thank you", "Re: Thank you"),
        ("Aw: Danke", "Re: Danke"),
        ("AW: Re: Danke", "Re: Danke"),
        ("Sv: Tack", "Re: Tack"),
        ("Re[2]: Thank you", "Re: Thank you"),
        ("Regarding: the role", "Re: Regarding: the role"),
        ("Reply to all", "Re: Reply to all"),
        ("Thank you, re: the role", "Re: Thank you, re: the role"),
    ],
)
def test_the_subject_gets_one_re(subject: str, expected: str) -> None:
    assert reply_subject(subject) == expected


def sent_record(references: list[str], **changes: object) -> Message:
    values: dict[str, object] = {
        "subject": "Thank you",
        "body": "Thank you.\n",
        "to": ["ana@acme.example"],
        "state": MessageState.SENT,
        "header_id": "<last@example.org>",
        "sent_at": datetime(2026, 11, 3, 14, 30, tzinfo=UTC),
        "references": references,
    }
    values.update(changes)
    return Message(**values)  # type: ignore[arg-type]


def test_references_end_with_the_original() -> None:
    earlier = ["<1@example.org>", "<2@example.org>"]

    draft = follow_up_draft(sent_record(earlier))

    assert draft.in_reply_to == "<last@example.org>"
    assert draft.references == [*earlier, "<last@example.org>"]


def test_a_very_long_thread_keeps_its_first_and_last_references() -> None:
    earlier = [f"<{n}@example.org>" for n in range(1, 41)]

    references = follow_up_draft(sent_record(earlier)).references

    assert references == ["<1@example.org>", *earlier[-9:], "<last@example.org>"]


def test_the_original_is_named_once_and_last_even_in_a_damaged_record() -> None:
    damaged = ["<1@example.org>", "<last@example.org>", "<1@example.org>", "<2@example.org>"]

    references = follow_up_draft(sent_record(damaged)).references

    assert references == ["<1@example.org>", "<2@example.org>", "<last@example.org>"]


@pytest.mark.parametrize(
    ("state", "header_id", "says"),
    [
        (MessageState.DRAFT, None, "still a draft"),
        (MessageState.QUEUED, None, "being sent"),
        (MessageState.FAILED, "<x@example.org>", "was not sent"),
        (MessageState.UNCERTAIN, "<x@example.org>", "mark it as sent"),
        (MessageState.SENT, None, "no Message-ID"),
    ],
)
def test_only_a_sent_message_can_be_followed_up(
    state: MessageState, header_id: str | None, says: str
) -> None:
    with pytest.raises(NotSent, match=says) as raised:
        follow_up_draft(sent_record([], state=state, header_id=header_id))
    assert isinstance(raised.value, AfterwordError)
    assert str(raised.value).startswith("Only a message that was sent can be followed up.")


def test_the_reader_shows_the_headers_a_person_reads_decoded(outbox: Outbox) -> None:
    original = send(outbox, thank_you())
    follow_up = send(outbox, _with_attachment(follow_up_in_thread(outbox.store, original)))

    reading = as_sent(follow_up)

    names = [name for name, _ in reading.headers]
    assert names == ["From", "To", "Cc", "Date", "Subject", "Message-ID", "In-Reply-To"]
    values = dict(reading.headers)
    assert values["From"] == "Zoë Müller <zoe@example.org>"
    assert values["Subject"] == "Re: Thank you for today Grüße"
    assert values["In-Reply-To"] == original.header_id
    assert "Bcc" not in values
    assert reading.attachments == ["Zoë CV.pdf"]
    assert reading.body.startswith("Hello again,\n")
    assert "Hello again,\n\n\n-- \nZoë Müller\nData person\n\nOn " in reading.body, (
        "signed above the quote, in the draft the user saw"
    )
    assert "\r" not in reading.body


def _with_attachment(message: Message) -> Message:
    message.subject += " Grüße"
    message.body = "Hello again,\n" + message.body
    message.attachments = [Attachment("Zoë CV.pdf", "application/pdf", b"%PDF-1.4 fake")]
    return message


def test_a_draft_is_read_from_its_record(outbox: Outbox) -> None:
    draft = outbox.save_draft(thank_you(body="Half a thought"))

    reading = as_sent(draft)

    assert reading.headers == [
        ("To", "Ana Lima <ana@acme.example>"),
        ("Cc", "hr@acme.example"),
        ("Subject", "Thank you for today"),
    ]
    assert reading.body == "Half a thought"
