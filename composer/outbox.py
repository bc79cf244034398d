"""The outbox: every message is saved before it is sent and each step is committed.

States move draft → queued → sending → sent | failed | uncertain. Claiming a message for
sending is one atomic UPDATE, so a double click or a second worker can never send it twice;
a message found "sending" at start-up is marked uncertain, never re-sent silently.

The claim stores the exact bytes that will go out, and between two messages of a batch one
durable commit records both the last one sent and the next one claimed: at any moment at
most one message is "sending", so a crash leaves at most one in doubt. That commit is made
while the server answers the next message's MAIL command; its recipients and its data
wait for it.

A "not now" from the server (a 4xx reply: nothing was delivered) is tried again after each
of ``retry_delays``; a message that may have reached the server is never tried again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from composer import schedule
from composer.account import SmtpAccount, kept_unknown
from composer.clock import Clock, utc_now
from composer.credentials import Credentials, password_problem
from composer.errors import AccountError, AfterwordError, AlreadySent, TemporaryFailure
from composer.login import KnownPassword, LoginSecret
from composer.password_binding import Destination
from composer.records import Message, MessageState
from composer.retry_note import waiting
from composer.schedule import OVERDUE_AFTER, Scheduled
from composer.store import ACCOUNT_SETTING, IMAP_ACCOUNT_SETTING, Store

if TYPE_CHECKING:  # the email package, smtplib and ssl load at the first send, not at start-up
    from email.headerregistry import Address

    from composer.mail import Outgoing
    from composer.smtp import SmtpConnection

RETRY_DELAYS = (2.0, 8.0)  # seconds to wait before each new try after a "not now" (4xx)
Connect = Callable[[SmtpAccount, LoginSecret], "SmtpConnection"]


def smtp_connection(account: SmtpAccount, secret: LoginSecret) -> SmtpConnection:
    from composer.smtp import SmtpConnection

    return SmtpConnection(account, secret)


def _build_message(**fields: Any) -> Outgoing:
    """``composer.mail.build_message``, imported when a message is first built."""
    from composer.mail import build_message as build

    return build(**fields)


def _check_message(message: Message) -> None:
    """Everything the user typed, checked before it is queued (``composer.mail``)."""
    from composer.mail import check_message as check

    check(message.to, message.cc, message.bcc, message.subject, message.body, message.attachments)


def _sender_address(name: str, address: str) -> Address:
    from composer.mail import sender_address as sender

    return sender(name, address)


@dataclass(frozen=True)
class SendResult:
    message_id: int
    state: MessageState
    detail: str  # the server's reply, or the error written for the user
    password_problem: str = ""  # "missing" or "refused" (composer/credentials.py): ask, retry


SendProgress = Callable[[SendResult], None]


@dataclass(frozen=True)
class DueSends:
    """What one look at the scheduled messages sent, and what it left for the user."""

    results: list[SendResult]
    overdue: list[Scheduled]


@dataclass(frozen=True)
class _Sender:
    """Whom a batch is from: read once per connection, not once per message."""

    address: Address


@dataclass(frozen=True)
class _Ahead:
    """The next message, built while the server was reading the one before."""

    message: Message  # as it was queued when built
    sender: _Sender
    outgoing: Outgoing


class _NotBuilt(Exception):
    """Carries what stopped a message being built out of the claim, which rolls back."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


def sending_account(store: Store) -> SmtpAccount | None:
    """The mail account as Settings saved it; None until it is set up."""
    data = store.get_setting(ACCOUNT_SETTING)
    return SmtpAccount.from_dict(data) if data else None


def wants_sent_copy(store: Store) -> bool:
    """Whether Afterword files a copy of what it sends in the user's Sent folder: only with
    a mailbox set up, and not when its server puts what it sends there itself (Gmail, for
    one: a second copy would be a duplicate)."""
    imap = store.get_setting(IMAP_ACCOUNT_SETTING)
    return bool(imap and not imap.get("server_files_sent"))


@dataclass
class _Line:
    """A batch's one connection: opened when first needed, and again after a break."""

    open_new: Callable[[], tuple[SmtpConnection, _Sender]]
    connection: SmtpConnection | None = None
    sender: _Sender | None = None

    @property
    def is_open(self) -> bool:
        return self.connection is not None and self.connection.is_open

    def get(self) -> tuple[SmtpConnection, _Sender]:
        if self.connection is None or self.sender is None or not self.connection.is_open:
            self.connection, self.sender = self.open_new()
        return self.connection, self.sender

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


@dataclass
class _Batch:
    """One call of ``send``: its connection and its results, in order.

    A message the server accepted is recorded as sent in the same commit that claims the
    next one (one durable commit per message instead of two), or on its own before
    anything else can happen: a wait, a reconnection, a failure, the end of the batch.
    Either way it is committed before the next message goes out.
    """

    store: Store
    line: _Line
    progress: SendProgress | None
    results: list[SendResult] = field(default_factory=list)
    delivered: SendResult | None = None  # accepted by the server, "sent" not yet committed
    upcoming: int | None = None  # the message after the one being sent
    ahead: _Ahead | None = None

    def report(self, result: SendResult) -> None:
        self.record_delivered()  # results stay in batch order
        self._add(result)

    def mark_delivered_sent(self) -> None:
        """Inside the transaction that claims the next message."""
        if self.delivered is not None:
            self.store.mark_sent(
                self.delivered.message_id,
                self.delivered.detail,
                copy_to_sent=wants_sent_copy(self.store),
            )

    def delivered_recorded(self) -> None:
        """That transaction committed: the message is sent for good, and reported so."""
        if self.delivered is not None:
            result, self.delivered = self.delivered, None
            self._add(result)

    def record_delivered(self) -> None:
        """Records the delivered message on its own, when no claim comes next to carry it."""
        if self.delivered is not None:
            with self.store.transaction():
                self.mark_delivered_sent()
            self.delivered_recorded()

    def _add(self, result: SendResult) -> None:
        self.results.append(result)
        if self.progress:
            self.progress(result)


class Outbox:
    def __init__(
        self,
        store: Store,
        credentials: Credentials,
        *,
        connect: Connect = smtp_connection,
        clock: Clock = utc_now,
        retry_delays: Sequence[float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.credentials = credentials
        self._connect = connect
        self._clock = clock
        self.retry_delays = tuple(RETRY_DELAYS if retry_delays is None else retry_delays)
        self._sleep = sleep

    # --- the account ----------------------------------------------------------------------

    def account(self) -> SmtpAccount | None:
        return sending_account(self.store)

    def save_account(self, account: SmtpAccount) -> None:
        account.validate()
        stored = self.store.get_setting(ACCOUNT_SETTING)
        self.store.set_setting(ACCOUNT_SETTING, kept_unknown(account, stored))

    # --- queueing ---------------------------------------------------------------------------

    def save_draft(self, message: Message) -> Message:
        """Keeps whatever the user typed, checked or not: nothing they wrote is lost."""
        message.state = MessageState.DRAFT
        return self.store.save_message(message)

    def queue(self, message: Message) -> Message:
        """Checks the message and saves it as queued, ready to send."""
        _check_message(message)
        message.state = MessageState.QUEUED
        return self.store.save_message(message)

    def queue_many(self, messages: Sequence[Message]) -> list[Message]:
        """Checks every message first, then queues them all in one transaction: a batch is
        queued whole or not at all, never half of it."""
        for message in messages:
            _check_message(message)
        for message in messages:
            message.state = MessageState.QUEUED
        return self.store.save_messages(messages)

    def schedule(self, message: Message, when: datetime) -> Message:
        """Checks the message and keeps it in the outbox to go at ``when`` (send later)."""
        _check_message(message)
        message.state, message.scheduled_at = MessageState.SCHEDULED, when
        return self.store.save_message(message)

    def reschedule(self, message_id: int, when: datetime) -> None:
        """A scheduled message (an overdue one, say) to go at another time."""
        schedule.schedule(self.store, message_id, when)

    def unschedule(self, message_id: int) -> None:
        """A scheduled message back to a draft: cancelled, nothing sent."""
        schedule.unschedule(self.store, message_id)

    def send_due(self, now: datetime, progress: SendProgress | None = None) -> DueSends:
        """Sends what is due at ``now`` (not more than ``OVERDUE_AFTER`` late) and only
        that; each message is released to this caller alone, so two callers never send one
        twice. Later than that, a message is left for the user and listed as overdue."""
        ids = schedule.due_ids(self.store, now, since=now - OVERDUE_AFTER)
        mine = [
            message_id for message_id in ids if schedule.release_scheduled(self.store, message_id)
        ]
        results = self.send(mine, progress) if mine else []
        return DueSends(results, schedule.overdue(self.store, now - OVERDUE_AFTER))

    def send_now(
        self, message_ids: Sequence[int], progress: SendProgress | None = None
    ) -> list[SendResult]:
        """Scheduled messages sent now, as the user asked (overdue ones, say), over one
        connection; one that is no longer scheduled (sent meanwhile) is not sent again."""
        mine = [i for i in message_ids if schedule.release_scheduled(self.store, i)]
        results = self.send(mine, progress) if mine else []
        return results + [self._not_claimed(i) for i in message_ids if i not in mine]

    def send_test_message(self, account: SmtpAccount, password: str = "") -> tuple[str, str]:
        """A short message to the user's own address over ``account`` as Settings shows
        it, saved or not, with ``password`` if one was typed, else the one stored. It is
        not recorded: a check of the account, not a message of the user's. Returns the
        address and the server's reply; raises why it was not sent."""
        if not account.host.strip() and self.account() is None:
            raise AccountError("No mail account is set up yet. Add it in Settings › Account.")
        profile = self.store.profile()
        me = profile.email or account.from_address
        account.validate()
        outgoing = _build_message(
            sender=_sender_address(profile.name, account.from_address),
            to=[me],
            subject="Afterword test message",
            body="This is a test from Afterword: your mail account works.\n",
            signature=profile.signature,
            date=self._clock(),
        )
        secret = KnownPassword(password or self._stored_password(account))
        with self._connect(account, secret) as connection:
            return me, connection.send(outgoing)

    def _stored_password(self, account: SmtpAccount) -> str | None:
        """The account's own, else the saved account's when it is the same server (another
        port or security, say): a password never goes to a server name it was not saved
        for, a mistyped one above all. One held for this session first: then there may be
        no keyring to ask. Only to the server, port, user and CA it was saved for
        (composer/password_binding.py), like any send."""
        saved = self.account()
        same_server = (
            saved is not None and saved.host.strip().lower() == account.host.strip().lower()
        )
        keys = [account.key] + ([saved.key] if saved is not None and same_server else [])
        held = [key for key in keys if self.credentials.in_session(key)]
        wanted = Destination.of(account)  # PasswordNotForThisServer when not saved for it
        found = (self.credentials.password_for(key, wanted) for key in held or keys)
        return next((password for password in found if password), None)

    def retry(self, message_id: int) -> None:
        """Puts a failed message back in the queue (its Message-ID is kept)."""
        state = self.store.message(message_id).state
        if state is not MessageState.FAILED:
            raise AlreadySent(f"Only a failed message can be retried; this one is {state}.")
        self.store.queue_message(message_id)

    # --- sending ----------------------------------------------------------------------------

    def send(
        self, message_ids: Sequence[int], progress: SendProgress | None = None
    ) -> list[SendResult]:
        """Sends queued messages over one connection; every one ends sent, failed or uncertain."""
        batch = _Batch(self.store, _Line(self._open_line), progress)
        pending = list(message_ids)
        try:
            while pending:
                batch.upcoming = pending[1] if len(pending) > 1 else None
                try:
                    self._deliver(batch, pending[0])
                except AfterwordError as error:  # no connection: none of the rest can go now
                    batch.record_delivered()
                    for message_id in pending:
                        batch.report(self._fail_unsent(message_id, error))
                    break
                pending.pop(0)
        finally:
            try:
                batch.record_delivered()
            finally:
                batch.line.close()
        return batch.results

    def _deliver(self, batch: _Batch, message_id: int) -> None:
        """One message; after a "not now" it is tried again, once after each retry delay."""
        waits: list[float | None] = [*self.retry_delays, None]
        for tries, wait in enumerate(waits, start=1):
            if not batch.line.is_open:
                batch.record_delivered()  # connecting may take a while, or fail: record it first
            try:
                connection, sender = batch.line.get()
            except TemporaryFailure as error:
                if wait is None:
                    raise TemporaryFailure(_gave_up(error, tries)) from None
                self._sleep(wait)
                continue
            if self._send_one(batch, connection, sender, message_id, tries=tries, retry_in=wait):
                return
            self._sleep(wait or 0.0)
            self.store.queue_message(message_id)
        raise AssertionError("the last try always settles the message")

    def _open_line(self) -> tuple[SmtpConnection, _Sender]:
        account, sender = self._sender()
        return self._open(account), sender

    def _sender(self) -> tuple[SmtpAccount, _Sender]:
        account = self.account()
        if account is None:
            raise AccountError("No mail account is set up yet. Add it in Settings › Account.")
        profile = self.store.profile()
        address = _sender_address(profile.name, account.from_address)
        return account, _Sender(address)

    def _open(self, account: SmtpAccount) -> SmtpConnection:
        from composer.oauth_account import secret_for  # Authlib loads at the first send

        secret = secret_for(
            self.store, self.credentials, account.key, account, self._clock
        )  # an OAuth2 sign-in, if the user made one in Settings; else the password
        connection = self._connect(account, secret)
        connection.open()
        return connection

    def _fail_unsent(self, message_id: int, error: AfterwordError) -> SendResult:
        """The connection could not be made: the message is failed, with the reason."""
        with self.store.transaction():
            claimed = self.store.claim_for_sending(message_id)
            if claimed:
                self.store.mark_failed(message_id, str(error))
        if not claimed:
            return self._not_claimed(message_id)
        return SendResult(message_id, MessageState.FAILED, str(error), password_problem(error))

    def _not_claimed(self, message_id: int) -> SendResult:
        state = self.store.message(message_id).state
        return SendResult(message_id, state, f"Not sent again: this message is already {state}.")

    def _fail_unbuilt(self, message_id: int, error: BaseException) -> SendResult:
        """The message could not be built (a bad address, a bug): nothing went out, and it
        is failed with the reason; a bug stays loud."""
        with self.store.transaction():
            claimed = self.store.claim_for_sending(message_id)
            result = self._settle(message_id, error) if claimed else None
        if not isinstance(error, AfterwordError):
            raise error
        return result or self._not_claimed(message_id)

    def _claim(
        self, batch: _Batch, connection: SmtpConnection, message_id: int, sender: _Sender
    ) -> Outgoing | None:
        """Claims the message with the exact bytes that will go out; None if someone else
        has it or it went already. The same commit records the message delivered just
        before as sent: one commit between two messages, not two. Its MAIL command goes
        out just before that commit, so the server answers it while the commit is made
        durable; its recipients and data wait for the commit."""
        built: list[Outgoing] = []
        ahead, batch.ahead = batch.ahead, None

        def prepare(message: Message) -> tuple[str, bytes]:
            if ahead is not None and (ahead.message, ahead.sender) == (message, sender):
                built.append(ahead.outgoing)  # unchanged since it was built: the same bytes
                return ahead.outgoing.header_id, ahead.outgoing.raw
            try:
                outgoing = self._build(message, sender)
            except BaseException as error:
                raise _NotBuilt(error) from error
            built.append(outgoing)
            return outgoing.header_id, outgoing.raw

        with self.store.transaction():
            batch.mark_delivered_sent()
            claimed = self.store.claim_with_bytes(message_id, prepare)
            if claimed:
                connection.announce(built[0])
        batch.delivered_recorded()
        return built[0] if claimed else None

    def _build_ahead(self, batch: _Batch, sender: _Sender) -> None:
        """Builds the next message while the server reads this one (on its own core, on
        the same machine or not): the next claim then only checks it is unchanged."""
        batch.ahead = None
        if batch.upcoming is None:
            return
        try:
            message = self.store.queued_message(batch.upcoming)
            if message is not None:
                outgoing = self._build(message, sender)
                _ = outgoing.data  # worked out now, not under the next claim's write lock
                batch.ahead = _Ahead(message, sender, outgoing)
        except Exception:  # its claim builds it again, and handles the error there
            batch.ahead = None

    def _build(self, message: Message, sender: _Sender) -> Outgoing:
        return _build_message(
            sender=sender.address,
            to=message.to,
            cc=message.cc,
            bcc=message.bcc,
            subject=message.subject,
            body=message.body,  # the whole text, signature included: as the user saw it
            attachments=message.attachments,
            header_id=message.header_id,
            date=self._clock(),
            in_reply_to=message.in_reply_to,
            references=message.references,
        )

    def _send_one(
        self,
        batch: _Batch,
        connection: SmtpConnection,
        sender: _Sender,
        message_id: int,
        *,
        tries: int = 1,
        retry_in: float | None = None,
    ) -> bool:
        """Claims, sends and settles the message; False if it is to be tried again later."""
        try:
            outgoing = self._claim(batch, connection, message_id, sender)
        except _NotBuilt as failure:  # its claim rolled back, and the last one's record with it
            batch.record_delivered()
            batch.report(self._fail_unbuilt(message_id, failure.error))
            return True
        if outgoing is None:
            batch.report(self._not_claimed(message_id))
            return True
        try:
            reply = connection.send(outgoing, lambda: self._build_ahead(batch, sender))
        except TemporaryFailure as error:
            if retry_in is None:
                batch.report(self._settle(message_id, TemporaryFailure(_gave_up(error, tries))))
                return True
            self.store.mark_failed(message_id, waiting(str(error), retry_in))
            return False
        except BaseException as error:
            result = self._settle(message_id, error, uncertain=connection.handed_over)
            batch.report(result)
            if not isinstance(error, AfterwordError):
                raise  # a bug: the message is settled, the error stays loud
            return True
        batch.delivered = SendResult(message_id, MessageState.SENT, reply)
        return True

    def _settle(
        self, message_id: int, error: BaseException, *, uncertain: bool = False
    ) -> SendResult:
        """A claimed message never stays "sending": failed, or uncertain if it may be there."""
        uncertain = uncertain or bool(getattr(error, "uncertain", False))
        if isinstance(error, AfterwordError):
            text = str(error)
        elif uncertain:
            text = (
                "Afterword hit an internal error just after handing this message to the "
                "server, so it may have been delivered. Check before sending it again."
            )
        else:
            text = (
                f"Afterword hit an internal error ({type(error).__name__}) before this message "
                "was sent; it was not sent. Please report this."
            )
        self.store.mark_failed(message_id, text, uncertain=uncertain)
        state = MessageState.UNCERTAIN if uncertain else MessageState.FAILED
        return SendResult(message_id, state, text)

    # --- after a crash ----------------------------------------------------------------------

    def recover(self) -> list[int]:
        return self.store.recover_interrupted()

    def mark_sent(self, message_id: int) -> None:
        """The user checked that an uncertain message did arrive."""
        self.store.mark_uncertain_as_sent(message_id, copy_to_sent=wants_sent_copy(self.store))

    def send_again(self, message_id: int) -> None:
        """The user checked that an uncertain message did not arrive: queue it again."""
        self.store.requeue_uncertain(message_id)


def _gave_up(error: TemporaryFailure, tries: int) -> str:
    times = "once" if tries == 1 else f"{tries} times"
    return f"{error} Afterword tried {times}; please try again later."
