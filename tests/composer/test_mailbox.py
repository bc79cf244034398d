"""Replies noticed in the user's inbox, and the mailbox settings: real aiosmtpd, real Dovecot."""

# ruff: noqa: F811  (the fixtures imported below are parameters of every test)

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest

from composer.account import ImapAccount, Security
from composer.credentials import Credentials
from composer.due import due_items
from composer.mailbox import (
    MailboxSettings,
    ReplyCheck,
    mailbox_settings,
    save_mailbox_settings,
    try_connection,
    visit,
)
from composer.outbox import Outbox
from composer.password_binding import Destination
from composer.records import Contact, Interview, Message, MessageState
from composer.store import Store
from tests.helpers.clock import clock
from tests.helpers.imap_fixtures import dovecot, imap_user, mailbox  # noqa: F401
from tests.helpers.imap_server import FLAGGED_JUNK, FLAGGED_SENT, PASSWORD, DovecotServer

Sent = tuple[int, str, datetime]  # our message's id, its Message-ID, when it went
SOON = timedelta(minutes=5)  # an answer after the request
DAY = timedelta(days=1)
LATER = timedelta(days=25)  # the reminder of the one-month deadline is due


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
    assert sent.header_id and sent.sent_at
    return message.id, sent.header_id, sent.sent_at


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


@dataclass
class Inbox:
    """A notes request sent to HR (a reminder falls due unless HR answers), and the
    user's real mailbox where answers arrive."""

    outbox: Outbox
    account: ImapAccount
    dovecot: DovecotServer
    ca_file: Path
    message_id: int  # the request's record
    header_id: str  # its Message-ID
    sent_at: datetime

    @property
    def store(self) -> Store:
        return self.outbox.store

    def deliver(self, raw: bytes, **where: Any) -> None:
        self.dovecot.deliver(self.account.username, raw, self.ca_file, **where)

    def reply(self, sender: str = "hr@acme.example", **headers: str) -> bytes:
        """An answer five minutes after the request, in its thread unless told otherwise."""
        return mail(
            sender, "Re", self.sent_at + SOON, **({"In_Reply_To": self.header_id} | headers)
        )

    def check(self, after: timedelta, password: str = PASSWORD) -> ReplyCheck:
        """A visit as the app makes it (``Afterword.visit_mailbox``), with this password."""
        save_mailbox_settings(self.store, MailboxSettings(self.account))
        credentials = Credentials(backend=object())
        smtp = self.outbox.account()
        assert smtp is not None
        servers = [Destination.of(smtp), Destination.of(self.account)]  # as typed, bound
        credentials.use_for_session(smtp.key, password, servers)
        result = visit(self.store, credentials, now=self.sent_at + after)
        assert result is not None
        return result.replies

    def reminder_due(self, after: timedelta) -> bool:
        keys = {item.key for item in due_items(self.store, self.sent_at + after)}
        return f"notes_deadline:{self.message_id}" in keys


@pytest.fixture
def inbox(
    outbox: Outbox,
    records: dict[str, object],
    mailbox: ImapAccount,
    dovecot: DovecotServer,
    ca_file: Path,
) -> Inbox:
    return Inbox(outbox, mailbox, dovecot, ca_file, *send_notes_request(outbox, records))


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda ours: {"In_Reply_To": ours, "References": ours}, id="in-reply-to"),
        pytest.param(lambda ours: {"References": f"<older@x.example> {ours}"}, id="references"),
        pytest.param(lambda ours: {}, id="sender-only"),
    ],
)
def test_a_reply_in_the_inbox_marks_message_and_interview_replied_and_ends_the_reminder(
    inbox: Inbox, records: dict[str, object], headers: Callable[[str], dict[str, str]]
) -> None:
    store = inbox.store
    assert inbox.reminder_due(LATER)
    threaded = headers(inbox.header_id)
    inbox.deliver(
        mail("Harriet Ross <HR@acme.example>", "Your notes", inbox.sent_at + SOON, **threaded)
    )

    check = inbox.check(LATER)

    assert check.error is None
    [noted] = check.noted
    interview = records["interview"]
    assert isinstance(interview, Interview) and interview.id is not None
    assert noted.message_id == inbox.message_id and noted.interview_id == interview.id
    assert "notes are attached" in noted.summary
    assert store.message_summaries([inbox.message_id])[inbox.message_id].replied
    assert interview.id in store.replied_interview_ids()
    assert [r.id for r in store.replies(interview_id=interview.id)] == [noted.id]
    assert not inbox.reminder_due(LATER)


def test_unrelated_mail_and_mail_from_before_the_send_are_not_replies(inbox: Inbox) -> None:
    inbox.deliver(inbox.reply("Someone <someone@else.example>", In_Reply_To="<x@else.example>"))
    before = inbox.sent_at - timedelta(days=2)
    inbox.deliver(mail("Harriet Ross <hr@acme.example>", "Welcome pack", before))

    check = inbox.check(LATER)

    assert check.error is None and check.noted == []
    assert inbox.store.replies() == []
    assert not inbox.store.message_summaries([inbox.message_id])[inbox.message_id].replied
    assert inbox.reminder_due(LATER)


def test_a_reply_is_noted_once_however_often_the_inbox_is_checked(inbox: Inbox) -> None:
    inbox.deliver(inbox.reply())
    # our own reminder in that thread, copied to the inbox (the user Bcc'd themselves)
    reminder = inbox.outbox.queue(
        Message(
            subject="Re: Request for my interview notes",
            body="A gentle reminder.\n",
            to=["hr@acme.example"],
            in_reply_to=inbox.header_id,
            references=[inbox.header_id],
        )
    )
    assert reminder.id is not None
    inbox.outbox.send([reminder.id])
    inbox.deliver(inbox.store.sent_bytes(reminder.id)[1])

    first, second = inbox.check(timedelta(hours=1)), inbox.check(timedelta(days=3))

    assert len(first.noted) == 1 and second.noted == []
    assert len(inbox.store.replies()) == 1


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


def test_auto_replies_bounces_and_the_users_own_mail_are_not_answers(inbox: Inbox) -> None:
    soon, ours = inbox.sent_at + SOON, inbox.header_id
    for raw in (
        inbox.reply("Harriet Ross <hr@acme.example>", Auto_Submitted="auto-replied"),
        report("Mail Delivery Subsystem <mailer-daemon@acme.example>", soon, ours),
        report("Harriet's server <postbox@acme.example>", soon, ours),
        mail("Zoë <ZOE@example.org>", "Re: my request", soon, References=ours),
        mail("Acme Careers <no-reply@acme.example>", "Your application", soon),
    ):
        inbox.deliver(raw)

    check = inbox.check(LATER)

    assert check.error is None and check.noted == []
    assert inbox.reminder_due(LATER)


def test_a_colleague_answering_in_the_thread_is_noted_but_not_as_the_contact(
    inbox: Inbox,
) -> None:
    ours = inbox.header_id
    inbox.deliver(
        inbox.reply(
            "Pat Doe <pat@acme.example>",
            In_Reply_To=f"{ours} (Harriet Ross's message)",
            References=f"<first@acme.example>{ours}",
        )
    )

    [noted] = inbox.check(DAY).noted

    assert noted.message_id == inbox.message_id and noted.contact_id is None


def test_a_reply_moved_into_the_inbox_after_a_check_is_still_found(inbox: Inbox) -> None:
    """It arrived in Junk just after it was sent; the inbox was checked on day 5; the user
    moved it on day 9. A moved message keeps the date it arrived."""
    assert inbox.check(5 * DAY).noted == []
    arrived = clock()  # the server's own clock is the tests': it dates nothing in its future
    inbox.deliver(
        mail("hr@acme.example", "Re", arrived, In_Reply_To=inbox.header_id), arrived=arrived
    )

    [noted] = inbox.check(9 * DAY).noted

    assert noted.message_id == inbox.message_id


@pytest.mark.parametrize("junk", [FLAGGED_JUNK, "Spam"], ids=["flagged", "usual-name"])
def test_a_reply_the_spam_filter_took_is_found_in_the_junk_folder(inbox: Inbox, junk: str) -> None:
    inbox.dovecot.create(inbox.account.username, junk, inbox.ca_file)
    inbox.deliver(inbox.reply(), mailbox=junk)

    [noted] = inbox.check(DAY).noted

    assert noted.message_id == inbox.message_id
    assert noted.summary.startswith("(In your Junk folder) Dear Zoë")


def test_a_junk_folder_that_cannot_be_opened_costs_no_inbox_reply(inbox: Inbox) -> None:
    """ "Spam.Archive" leaves a bare "Spam" parent (\\Noselect): it is not the junk folder."""
    inbox.dovecot.create(inbox.account.username, "Spam.Archive", inbox.ca_file)
    inbox.deliver(inbox.reply())

    check = inbox.check(DAY)

    assert check.error is None and [r.message_id for r in check.noted] == [inbox.message_id]


def test_a_wrong_password_is_a_clear_message_and_changes_nothing(inbox: Inbox) -> None:
    inbox.deliver(inbox.reply())

    check = inbox.check(SOON, password="not the password")

    assert check.error is not None and "password" in check.error
    assert "not the password" not in check.error
    assert inbox.store.replies() == []


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
    credentials.use_for_session(smtp.key, PASSWORD, [Destination.of(smtp), Destination.of(mailbox)])
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
    credentials.use_for_session(mailbox.key, PASSWORD, [Destination.of(mailbox)])

    assert mailbox_settings(store) == settings
    assert "Sent folder" in try_connection(settings, PASSWORD)
    result = visit(store, credentials, now=clock())
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


def odd_reply(inbox: Inbox, subject: str, content_type: str, body: bytes, sender: str) -> bytes:
    """A reply in the thread whose charset Python cannot decode with replacements."""
    head = "\r\n".join(
        [
            f"From: {sender}",
            f"Subject: {subject}",
            f"Date: {format_datetime(inbox.sent_at + SOON)}",
            f"Message-ID: {make_msgid(domain='acme.example')}",
            f"In-Reply-To: {inbox.header_id}",
            f"Content-Type: {content_type}",
        ]
    )
    return head.encode() + b"\r\n\r\n" + body + b"\r\n"


def test_replies_in_unusable_charsets_are_noted_and_the_visit_goes_on(
    inbox: Inbox, mailbox: ImapAccount, records: dict[str, object]
) -> None:
    """Anyone can send a charset Python refuses ("undefined", "idna"): such a reply used to
    stop every visit, so no reply at all was noticed for 90 days."""
    store = inbox.store
    save_mailbox_settings(store, MailboxSettings(mailbox))
    smtp = inbox.outbox.account()
    assert smtp is not None
    credentials = Credentials(backend=object())
    credentials.use_for_session(smtp.key, PASSWORD, [Destination.of(smtp), Destination.of(mailbox)])
    plain = 'text/plain; charset="{}"'
    inbox.deliver(
        odd_reply(
            inbox, "Re", plain.format("undefined"), b"Caf\xc3\xa9 at ten suits me.", "a@x.example"
        )
    )
    inbox.deliver(
        odd_reply(inbox, "Re", plain.format("idna"), b"Thursday \xe9 works too.", "b@x.example")
    )
    inbox.deliver(
        odd_reply(
            inbox,
            "=?undefined?Q?Caf=C3=A9_notes?=",
            "text/plain; charset=utf-8",
            b"",
            "=?idna?B?SGFycmlldCBSb3Nz?= <hr@acme.example>",
        )
    )
    inbox.deliver(inbox.reply())  # an ordinary one, in the same visit

    result = visit(store, credentials, now=inbox.sent_at + LATER)

    assert result is not None and result.error is None
    summaries = sorted(reply.summary for reply in result.replies.noted)
    assert summaries == [
        "Café at ten suits me.",
        "Café notes",
        "Dear Zoë, the notes are attached. Best, Harriet",
        "Thursday \ufffd works too.",
    ]
    assert "Harriet Ross" in result.replies.senders
    assert len(store.replies()) == 4
    assert not inbox.reminder_due(LATER)
