"""Replies noticed in the user's inbox, and the mailbox settings: real aiosmtpd, real Dovecot."""

# ruff: noqa: F811  (the fixtures imported below are parameters of every test)

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest

from composer.account import Security
from composer.credentials import Credentials
from composer.due import due_items
from composer.imap import ImapAccount
from composer.mailbox import (
    MailboxSettings,
    check_replies,
    mailbox_settings,
    save_mailbox_settings,
    try_connection,
    visit,
)
from composer.outbox import Outbox
from composer.records import Contact, Interview, Message, MessageState
from composer.store import Store
from tests.imap_fixtures import dovecot, imap_user, mailbox  # noqa: F401
from tests.imap_server import FLAGGED_JUNK, FLAGGED_SENT, PASSWORD, DovecotServer

Sent = tuple[int, str, datetime]  # our message's id, its Message-ID, when it went


def send_notes_request(outbox: Outbox, records: dict[str, object]) -> Sent:
    """The written request to HR for the interview notes: a reminder falls due before the
    one-month deadline unless HR answers."""
    interview, hr = records["interview"], records["hr"]
    assert isinstance(interview, Interview) and isinstance(hr, Contact)
    message = outbox.queue(
        Message(
            subject="Request for my interview notes",
            body="Dear Harriet,\n\nMay I have the notes from my interview?\n\nZoë\n",
            to=["Harriet Ross <hr@acme.example>"],
            template_id="interview_notes_request",
            interview_id=interview.id,
            contact_id=hr.id,
        )
    )
    assert message.id is not None
    [result] = outbox.send([message.id])
    assert result.state is MessageState.SENT, result.detail
    sent = outbox.store.message(message.id)
    assert sent.message_id and sent.sent_at
    return message.id, sent.message_id, sent.sent_at


def mail(sender: str, subject: str, when: datetime, **headers: str) -> bytes:
    lines = [
        f"From: {sender}",
        "To: Zoë <zoe@example.org>",
        f"Subject: {subject}",
        f"Date: {format_datetime(when)}",
        f"Message-ID: {make_msgid(domain='acme.example')}",
        *(f"{name.replace('_', '-')}: {value}" for name, value in headers.items()),
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Dear Zoë, the notes are attached. Best, Harriet",
        "",
    ]
    return "\r\n".join(lines).encode()


def notes_reminder_due(store: Store, message_id: int, now: datetime) -> bool:
    return f"notes_deadline:{message_id}" in {item.key for item in due_items(store, now)}


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda ours: {"In_Reply_To": ours, "References": ours}, id="in-reply-to"),
        pytest.param(lambda ours: {"References": f"<older@x.example> {ours}"}, id="references"),
        pytest.param(lambda ours: {}, id="sender-only"),
    ],
)
def test_a_reply_in_the_inbox_marks_message_and_interview_replied_and_ends_the_reminder(
    outbox: Outbox,
    records: dict[str, object],
    mailbox: ImapAccount,
    dovecot: DovecotServer,
    ca_file: Path,
    headers: object,
) -> None:
    store = outbox.store
    message_id, header_id, sent_at = send_notes_request(outbox, records)
    later = sent_at + timedelta(days=25)
    assert notes_reminder_due(store, message_id, later)
    make = headers
    assert callable(make)
    reply = mail(
        "Harriet Ross <HR@acme.example>",
        "Your notes",
        sent_at + timedelta(minutes=5),
        **make(header_id),
    )
    dovecot.deliver(mailbox.username, reply, ca_file)

    check = check_replies(store, mailbox, PASSWORD, now=later)

    assert check.error is None
    [noted] = check.noted
    interview = records["interview"]
    assert isinstance(interview, Interview) and interview.id is not None
    assert noted.message_id == message_id and noted.interview_id == interview.id
    assert "notes are attached" in noted.summary
    assert store.message_summaries([message_id])[message_id].replied
    assert interview.id in store.replied_interview_ids()
    assert [r.id for r in store.replies(interview_id=interview.id)] == [noted.id]
    assert not notes_reminder_due(store, message_id, later)


def test_unrelated_mail_and_mail_from_before_the_send_are_not_replies(
    outbox: Outbox,
    records: dict[str, object],
    mailbox: ImapAccount,
    dovecot: DovecotServer,
    ca_file: Path,
) -> None:
    store = outbox.store
    message_id, _, sent_at = send_notes_request(outbox, records)
    later = sent_at + timedelta(days=25)
    soon = sent_at + timedelta(minutes=5)
    for raw in (
        mail("Someone <someone@else.example>", "Re: lunch", soon, In_Reply_To="<x@else.example>"),
        mail("Harriet Ross <hr@acme.example>", "Welcome pack", sent_at - timedelta(days=2)),
    ):
        dovecot.deliver(mailbox.username, raw, ca_file)

    check = check_replies(store, mailbox, PASSWORD, now=later)

    assert check.error is None and check.noted == []
    assert store.replies() == []
    assert not store.message_summaries([message_id])[message_id].replied
    assert notes_reminder_due(store, message_id, later)


def test_a_reply_is_noted_once_however_often_the_inbox_is_checked(
    outbox: Outbox,
    records: dict[str, object],
    mailbox: ImapAccount,
    dovecot: DovecotServer,
    ca_file: Path,
) -> None:
    store = outbox.store
    _, header_id, sent_at = send_notes_request(outbox, records)
    soon = sent_at + timedelta(minutes=5)
    dovecot.deliver(
        mailbox.username, mail("hr@acme.example", "Re", soon, In_Reply_To=header_id), ca_file
    )
    # our own reminder in that thread, copied to the inbox (the user Bcc'd themselves)
    reminder = outbox.queue(
        Message(
            subject="Re: Request for my interview notes",
            body="A gentle reminder.\n",
            to=["hr@acme.example"],
            in_reply_to=header_id,
            references=[header_id],
        )
    )
    assert reminder.id is not None
    outbox.send([reminder.id])
    dovecot.deliver(mailbox.username, store.sent_bytes(reminder.id)[1], ca_file)

    first = check_replies(store, mailbox, PASSWORD, now=soon + timedelta(hours=1))
    second = check_replies(store, mailbox, PASSWORD, now=soon + timedelta(days=3))

    assert len(first.noted) == 1 and second.noted == []
    assert len(store.replies()) == 1


def report(sender: str, when: datetime, ours: str) -> bytes:
    """A bounce: a delivery status notification (RFC 3464) naming our message."""
    return "\r\n".join(
        [
            f"From: {sender}",
            "To: zoe@example.org",
            "Subject: Delivery Status Notification (Failure)",
            f"Date: {format_datetime(when)}",
            f"Message-ID: {make_msgid(domain='mail.example')}",
            f"In-Reply-To: {ours}",
            f"References: {ours}",
            'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
            "",
            "--b",
            "Content-Type: text/plain",
            "",
            "Address not found: hr@acme.example",
            "--b",
            "Content-Type: message/delivery-status",
            "",
            "Final-Recipient: rfc822; hr@acme.example",
            "Action: failed",
            "Status: 5.1.1",
            "--b--",
            "",
        ]
    ).encode()


def test_auto_replies_bounces_and_the_users_own_mail_are_not_answers(
    outbox: Outbox,
    records: dict[str, object],
    mailbox: ImapAccount,
    dovecot: DovecotServer,
    ca_file: Path,
) -> None:
    store = outbox.store
    message_id, header_id, sent_at = send_notes_request(outbox, records)
    soon = sent_at + timedelta(minutes=5)
    for raw in (
        mail(
            "Harriet Ross <hr@acme.example>",
            "Out of office",
            soon,
            In_Reply_To=header_id,
            Auto_Submitted="auto-replied",
        ),
        report("Mail Delivery Subsystem <mailer-daemon@acme.example>", soon, header_id),
        report("Harriet's server <postbox@acme.example>", soon, header_id),
        mail("Zoë <ZOE@example.org>", "Re: my request", soon, References=header_id),
        mail("Acme Careers <no-reply@acme.example>", "Your application", soon),
    ):
        dovecot.deliver(mailbox.username, raw, ca_file)
    later = sent_at + timedelta(days=25)

    check = check_replies(store, mailbox, PASSWORD, now=later)

    assert check.error is None and check.noted == []
    assert notes_reminder_due(store, message_id, later)


def test_a_colleague_answering_in_the_thread_is_noted_but_not_as_the_contact(
    outbox: Outbox,
    records: dict[str, object],
    mailbox: ImapAccount,
    dovecot: DovecotServer,
    ca_file: Path,
) -> None:
    store = outbox.store
    message_id, header_id, sent_at = send_notes_request(outbox, records)
    colleague = mail(
        "Pat Doe <pat@acme.example>",
        "Re: your notes",
        sent_at + timedelta(minutes=5),
        In_Reply_To=f"{header_id} (Harriet Ross's message)",
        References=f"<first@acme.example>{header_id}",
    )
    dovecot.deliver(mailbox.username, colleague, ca_file)

    [noted] = check_replies(store, mailbox, PASSWORD, now=sent_at + timedelta(days=1)).noted

    assert noted.message_id == message_id and noted.contact_id is None


def test_a_reply_moved_into_the_inbox_after_a_check_is_still_found(
    outbox: Outbox,
    records: dict[str, object],
    mailbox: ImapAccount,
    dovecot: DovecotServer,
    ca_file: Path,
) -> None:
    """It arrived in Junk on day 1; the inbox was checked on day 5; the user moved it on
    day 9. A moved message keeps the date it arrived."""
    store = outbox.store
    message_id, header_id, sent_at = send_notes_request(outbox, records)
    day = timedelta(days=1)
    assert check_replies(store, mailbox, PASSWORD, now=sent_at + 5 * day).noted == []
    raw = mail("hr@acme.example", "Re", sent_at + day, In_Reply_To=header_id)
    dovecot.deliver(mailbox.username, raw, ca_file, arrived=sent_at + day)

    [noted] = check_replies(store, mailbox, PASSWORD, now=sent_at + 9 * day).noted

    assert noted.message_id == message_id


@pytest.mark.parametrize("junk", [FLAGGED_JUNK, "Spam"], ids=["flagged", "usual-name"])
def test_a_reply_the_spam_filter_took_is_found_in_the_junk_folder(
    outbox: Outbox,
    records: dict[str, object],
    mailbox: ImapAccount,
    dovecot: DovecotServer,
    ca_file: Path,
    junk: str,
) -> None:
    store = outbox.store
    message_id, header_id, sent_at = send_notes_request(outbox, records)
    dovecot.create(mailbox.username, junk, ca_file)
    raw = mail("hr@acme.example", "Re", sent_at + timedelta(minutes=5), In_Reply_To=header_id)
    dovecot.deliver(mailbox.username, raw, ca_file, mailbox=junk)

    [noted] = check_replies(store, mailbox, PASSWORD, now=sent_at + timedelta(days=1)).noted

    assert noted.message_id == message_id
    assert noted.summary.startswith("(In your Junk folder) Dear Zoë")


def test_a_junk_folder_that_cannot_be_opened_costs_no_inbox_reply(
    outbox: Outbox,
    records: dict[str, object],
    mailbox: ImapAccount,
    dovecot: DovecotServer,
    ca_file: Path,
) -> None:
    """ "Spam.Archive" leaves a bare "Spam" parent (\\Noselect): it is not the junk folder."""
    store = outbox.store
    message_id, header_id, sent_at = send_notes_request(outbox, records)
    dovecot.create(mailbox.username, "Spam.Archive", ca_file)
    raw = mail("hr@acme.example", "Re", sent_at + timedelta(minutes=5), In_Reply_To=header_id)
    dovecot.deliver(mailbox.username, raw, ca_file)

    check = check_replies(store, mailbox, PASSWORD, now=sent_at + timedelta(days=1))

    assert check.error is None and [r.message_id for r in check.noted] == [message_id]


def test_a_wrong_password_is_a_clear_message_and_changes_nothing(
    outbox: Outbox,
    records: dict[str, object],
    mailbox: ImapAccount,
    dovecot: DovecotServer,
    ca_file: Path,
) -> None:
    _, header_id, sent_at = send_notes_request(outbox, records)
    soon = sent_at + timedelta(minutes=5)
    dovecot.deliver(
        mailbox.username, mail("hr@acme.example", "Re", soon, In_Reply_To=header_id), ca_file
    )

    check = check_replies(outbox.store, mailbox, "not the password", now=soon)

    assert check.error is not None and "password" in check.error
    assert "not the password" not in check.error
    assert outbox.store.replies() == []


def test_a_visit_files_the_copy_and_notes_the_reply_with_the_sending_password(
    outbox: Outbox,
    records: dict[str, object],
    mailbox: ImapAccount,
    dovecot: DovecotServer,
    ca_file: Path,
) -> None:
    """The mailbox shares the SMTP account's keyring entry unless told otherwise."""
    store = outbox.store
    save_mailbox_settings(store, MailboxSettings(mailbox))
    smtp = outbox.account()
    assert smtp is not None
    credentials = Credentials(backend=object())
    credentials.use_for_session(smtp.key, PASSWORD)
    message_id, header_id, sent_at = send_notes_request(outbox, records)
    soon = sent_at + timedelta(minutes=5)
    dovecot.deliver(
        mailbox.username, mail("hr@acme.example", "Re", soon, In_Reply_To=header_id), ca_file
    )

    result = visit(store, credentials, now=soon + timedelta(minutes=1))

    assert result is not None and result.error is None
    assert result.filing.filed == [message_id]
    assert [r.message_id for r in result.replies.noted] == [message_id]
    assert len(dovecot.messages(mailbox.username, FLAGGED_SENT, ca_file)) == 1


def test_a_mailbox_with_its_own_password_uses_its_own_keyring_entry(
    store: Store, mailbox: ImapAccount
) -> None:
    settings = MailboxSettings(mailbox, own_password=True, check_minutes=5)
    save_mailbox_settings(store, settings)
    credentials = Credentials(backend=object())
    credentials.use_for_session(mailbox.key, PASSWORD)

    assert mailbox_settings(store) == settings
    assert "Sent folder" in try_connection(settings, PASSWORD)
    result = visit(store, credentials, now=datetime.now(UTC))
    assert result is not None and result.error is None


def test_no_mailbox_set_up_means_no_visit(store: Store) -> None:
    assert visit(store, Credentials(backend=object())) is None


def test_testing_the_connection_changes_nothing_on_the_server(
    dovecot: DovecotServer, imap_user: str, ca_file: Path
) -> None:
    """A mailbox without a Sent folder: the test says so and makes none (that waits for
    the first copy, so a test of the wrong account leaves no folder behind)."""
    account = ImapAccount(dovecot.host, dovecot.tls_port, Security.TLS, imap_user, str(ca_file))
    before = dovecot.mailboxes(imap_user, ca_file)

    said = try_connection(MailboxSettings(account), PASSWORD)

    assert "No Sent folder was found" in said
    assert dovecot.mailboxes(imap_user, ca_file) == before
