"""A copy of each sent message in the user's Sent folder: real aiosmtpd, real Dovecot."""

# ruff: noqa: F811  (the fixtures imported below are parameters of every test)

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from composer.account import ImapAccount
from composer.credentials import Credentials
from composer.imap import ImapConnection
from composer.mailbox import (
    MailboxSettings,
    mailbox_settings,
    password_accounts,
    save_mailbox_settings,
    visit,
)
from composer.outbox import Outbox, sending_account
from composer.password_binding import Destination
from composer.records import Message, MessageState, Profile
from composer.sent_copies import FilingResult
from composer.store import Store
from tests.helpers.clock import clock
from tests.helpers.imap_fixtures import dovecot, imap_user, mailbox  # noqa: F401
from tests.helpers.imap_server import FLAGGED_SENT, PASSWORD, DovecotServer, free_port
from tests.helpers.smtp_server import SmtpServer


def send(outbox: Outbox, subject: str = "Thank you for Tuesday") -> int:
    outbox.store.save_profile(Profile(name="Zoë Müller", email="zoe@example.org"))
    message = outbox.queue(
        Message(subject=subject, body="Dear Ana,\n\nThank you, Zoë\n", to=["ana@acme.example"])
    )
    assert message.id is not None
    [result] = outbox.send([message.id])
    assert result.state is MessageState.SENT, result.detail
    return message.id


def file_copies(store: Store, account: ImapAccount, password: str) -> FilingResult:
    """What the app does after a send, at start-up and on its timer (``Afterword.visit_mailbox``):
    a visit with the saved settings, here pointed at ``account``, and the sending password."""
    settings = mailbox_settings(store)
    assert settings is not None
    save_mailbox_settings(store, replace(settings, account=account))
    credentials = Credentials(backend=object())
    key = settings.password_key(sending_account(store))
    servers = [Destination.of(server) for server in password_accounts(store, key)]
    credentials.use_for_session(key, password, servers)  # typed for these, as the prompt binds
    result = visit(store, credentials, now=clock(), replies=False)
    assert result is not None
    return result.filing


def down(account: ImapAccount) -> ImapAccount:
    """The same account on a port nothing listens on: the server is unreachable."""
    return ImapAccount(**{**account.to_dict(), "port": free_port()})


def sent_folder(dovecot: DovecotServer, account: ImapAccount, ca_file: Path) -> list[bytes]:
    mails = dovecot.messages(account.username, FLAGGED_SENT, ca_file)
    assert all("\\Seen" in mail.flags for mail in mails)
    return [mail.raw for mail in mails]


def test_the_copy_in_sent_is_the_one_seen_message_smtp_got(
    outbox: Outbox,
    smtp_server: SmtpServer,
    mailbox: ImapAccount,
    dovecot: DovecotServer,
    ca_file: Path,
) -> None:
    save_mailbox_settings(outbox.store, MailboxSettings(mailbox, server_files_sent=False))
    message_id = send(outbox)

    assert outbox.store.pending_copies()[0].message_id == message_id
    result = file_copies(outbox.store, mailbox, PASSWORD)

    assert result.filed == [message_id] and not result.failed
    assert sent_folder(dovecot, mailbox, ca_file) == [smtp_server.received[0].data]
    copy = outbox.store.sent_copy(message_id)
    assert copy is not None and copy.state == "filed" and copy.filed_at is not None
    assert outbox.store.pending_copies() == []


def test_no_copy_when_the_server_files_sent_itself(
    outbox: Outbox, mailbox: ImapAccount, dovecot: DovecotServer, ca_file: Path
) -> None:
    save_mailbox_settings(outbox.store, MailboxSettings(mailbox, server_files_sent=True))
    message_id = send(outbox)

    result = file_copies(outbox.store, mailbox, PASSWORD)

    assert outbox.store.sent_copy(message_id) is None
    assert result.filed == [] and sent_folder(dovecot, mailbox, ca_file) == []


def test_no_copy_without_a_mailbox_account(outbox: Outbox) -> None:
    message_id = send(outbox)
    assert outbox.store.sent_copy(message_id) is None and outbox.store.pending_copies() == []


def test_server_down_leaves_sent_and_the_copy_pending_then_files_it_once(
    outbox: Outbox,
    smtp_server: SmtpServer,
    mailbox: ImapAccount,
    dovecot: DovecotServer,
    ca_file: Path,
) -> None:
    save_mailbox_settings(outbox.store, MailboxSettings(mailbox, server_files_sent=False))
    message_id = send(outbox)

    result = file_copies(outbox.store, down(mailbox), PASSWORD)

    assert outbox.store.message(message_id).state is MessageState.SENT
    copy = outbox.store.sent_copy(message_id)
    assert copy is not None and copy.state == "pending" and copy.attempts == 1
    assert copy.last_error == result.failed[message_id]
    assert "refused the connection" in copy.last_error and "try again later" in copy.last_error
    assert sent_folder(dovecot, mailbox, ca_file) == []

    first = file_copies(outbox.store, mailbox, PASSWORD)  # the server is back
    again = file_copies(outbox.store, mailbox, PASSWORD)

    assert first.filed == [message_id] and again.filed == again.found == []
    assert sent_folder(dovecot, mailbox, ca_file) == [smtp_server.received[0].data]
    assert outbox.store.message(message_id).state is MessageState.SENT
    copy = outbox.store.sent_copy(message_id)
    assert copy is not None and copy.state == "filed" and copy.last_error is None


def test_a_wrong_password_is_recorded_on_every_pending_copy(
    outbox: Outbox, mailbox: ImapAccount, dovecot: DovecotServer, ca_file: Path
) -> None:
    save_mailbox_settings(outbox.store, MailboxSettings(mailbox, server_files_sent=False))
    ids = [send(outbox, "One"), send(outbox, "Two")]

    result = file_copies(outbox.store, mailbox, "not the password")

    assert sorted(result.failed) == ids
    assert [copy.message_id for copy in outbox.store.pending_copies()] == ids
    assert all("password" in (copy.last_error or "") for copy in outbox.store.pending_copies())
    assert sent_folder(dovecot, mailbox, ca_file) == []


def test_a_copy_appended_but_not_recorded_is_not_filed_again(
    outbox: Outbox, mailbox: ImapAccount, dovecot: DovecotServer, ca_file: Path
) -> None:
    """As after a crash between the APPEND and recording it: Sent already holds the copy."""
    save_mailbox_settings(outbox.store, MailboxSettings(mailbox, server_files_sent=False))
    message_id = send(outbox)
    _, raw = outbox.store.sent_bytes(message_id)
    with ImapConnection(mailbox, PASSWORD) as imap:
        imap.append_sent(raw)

    result = file_copies(outbox.store, mailbox, PASSWORD)

    assert result.found == [message_id] and result.filed == []
    assert sent_folder(dovecot, mailbox, ca_file) == [raw]
    assert outbox.store.pending_copies() == []


def test_several_copies_go_over_one_connection_in_the_order_sent(
    outbox: Outbox, mailbox: ImapAccount, dovecot: DovecotServer, ca_file: Path
) -> None:
    save_mailbox_settings(outbox.store, MailboxSettings(mailbox, server_files_sent=False))
    ids = [send(outbox, "One"), send(outbox, "Two"), send(outbox, "Three")]

    result = file_copies(outbox.store, mailbox, PASSWORD)

    assert result.filed == ids
    assert sent_folder(dovecot, mailbox, ca_file) == [
        outbox.store.sent_bytes(message_id)[1] for message_id in ids
    ]


def test_the_mailbox_settings_round_trip(store: Store, mailbox: ImapAccount) -> None:
    save_mailbox_settings(store, MailboxSettings(mailbox, server_files_sent=True))
    assert mailbox_settings(store) == MailboxSettings(mailbox, server_files_sent=True)


def _uncertain(store: Store) -> int:
    """A message whose send was interrupted: sent or not, nobody knows yet."""
    message = store.save_message(
        Message(subject="Hi", body="Hi\n", to=["ana@acme.example"], state=MessageState.QUEUED)
    )
    assert message.id is not None
    store.claim_with_bytes(message.id, lambda _: ("<a@example.org>", b"Subject: Hi\r\n\r\nHi\r\n"))
    store.recover_interrupted()
    return message.id


def test_a_message_marked_sent_after_a_crash_gets_a_copy_too(
    outbox: Outbox, mailbox: ImapAccount
) -> None:
    """The user checked that an uncertain message did go out: it is sent, so it is filed."""
    save_mailbox_settings(outbox.store, MailboxSettings(mailbox, server_files_sent=False))
    message_id = _uncertain(outbox.store)

    outbox.mark_sent(message_id)

    assert [copy.message_id for copy in outbox.store.pending_copies()] == [message_id]


def test_a_message_marked_sent_gets_no_copy_where_the_server_files_it(
    outbox: Outbox, mailbox: ImapAccount
) -> None:
    """The outbox decides, as it does for a message it sends: Gmail would show it twice."""
    save_mailbox_settings(outbox.store, MailboxSettings(mailbox, server_files_sent=True))
    message_id = _uncertain(outbox.store)

    outbox.mark_sent(message_id)

    assert outbox.store.sent_copy(message_id) is None


def test_the_store_records_a_copy_only_when_its_caller_asks(
    store: Store, mailbox: ImapAccount
) -> None:
    """Whether a copy is wanted is the outbox's call (composer/outbox.py), not the store's:
    the store records what it is told, in the commit that marks the message sent."""
    save_mailbox_settings(store, MailboxSettings(mailbox, server_files_sent=False))
    untold, told = _uncertain(store), _uncertain(store)

    store.mark_uncertain_as_sent(untold)
    store.mark_uncertain_as_sent(told, copy_to_sent=True)

    assert [copy.message_id for copy in store.pending_copies()] == [told]
