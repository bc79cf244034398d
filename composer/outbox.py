"""The outbox: every message is saved before it is sent and each step is committed.

States move draft → queued → sending → sent | failed | uncertain. Claiming a message for
sending is one atomic UPDATE, so a double click or a second worker can never send it twice;
a message found "sending" at start-up is marked uncertain, never re-sent silently.

A "not now" from the server (a 4xx reply: nothing was delivered) is tried again after each
of ``retry_delays``; a message that may have reached the server is never tried again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.headerregistry import Address

from composer.account import SmtpAccount
from composer.credentials import Credentials
from composer.errors import AccountError, AfterwordError, AlreadySent, TemporaryFailure
from composer.mail import build_message, check_message, sender_address
from composer.records import Message, MessageState
from composer.smtp import SmtpConnection
from composer.store import Clock, Store, utc_now

ACCOUNT_SETTING = "smtp_account"
RETRY_DELAYS = (2.0, 8.0)  # seconds to wait before each new try after a "not now" (4xx)
Connect = Callable[[SmtpAccount, "str | None"], SmtpConnection]


@dataclass(frozen=True)
class SendResult:
    message_id: int
    state: MessageState
    detail: str  # the server's reply, or the error written for the user


Progress = Callable[[SendResult], None]


@dataclass
class _Line:
    """A batch's one connection: opened when first needed, and again after a break."""

    open_new: Callable[[], tuple[SmtpConnection, Address]]
    connection: SmtpConnection | None = None
    sender: Address | None = None

    def get(self) -> tuple[SmtpConnection, Address]:
        if self.connection is None or self.sender is None or not self.connection.is_open:
            self.connection, self.sender = self.open_new()
        return self.connection, self.sender

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


class Outbox:
    def __init__(
        self,
        store: Store,
        credentials: Credentials,
        *,
        connect: Connect = SmtpConnection,
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
        data = self.store.get_setting(ACCOUNT_SETTING)
        return SmtpAccount.from_dict(data) if data else None

    def save_account(self, account: SmtpAccount) -> None:
        account.validate()
        self.store.set_setting(ACCOUNT_SETTING, account.to_dict())

    # --- queueing ---------------------------------------------------------------------------

    def save_draft(self, message: Message) -> Message:
        """Keeps whatever the user typed, checked or not: nothing they wrote is lost."""
        message.state = MessageState.DRAFT
        return self.store.save_message(message)

    def queue(self, message: Message) -> Message:
        """Checks the message and saves it as queued, ready to send."""
        check_message(
            message.to, message.cc, message.bcc, message.subject, message.body, message.attachments
        )
        message.state = MessageState.QUEUED
        return self.store.save_message(message)

    def queue_test_message(self) -> Message:
        """A short message to the user's own address, to check the account end to end."""
        account = self.account()
        if account is None:
            raise AccountError("No mail account is set up yet. Add it in Settings › Account.")
        me = self.store.profile().email or account.from_address
        return self.queue(
            Message(
                subject="Afterword test message",
                body="This is a test from Afterword: your mail account works.\n",
                to=[me],
                template_id=None,
            )
        )

    def retry(self, message_id: int) -> None:
        """Puts a failed message back in the queue (its Message-ID is kept)."""
        state = self.store.message(message_id).state
        if state is not MessageState.FAILED:
            raise AlreadySent(f"Only a failed message can be retried; this one is {state}.")
        self.store.queue_message(message_id)

    # --- sending ----------------------------------------------------------------------------

    def send(
        self, message_ids: Sequence[int], progress: Progress | None = None
    ) -> list[SendResult]:
        """Sends queued messages over one connection; every one ends sent, failed or uncertain."""
        results: list[SendResult] = []

        def report(result: SendResult) -> None:
            results.append(result)
            if progress:
                progress(result)

        pending = list(message_ids)
        line = _Line(self._open_line)
        try:
            while pending:
                try:
                    result = self._deliver(line, pending[0])
                except AfterwordError as error:  # no connection: none of the rest can go now
                    for message_id in pending:
                        report(self._fail_unsent(message_id, error))
                    break
                pending.pop(0)
                report(result)
        finally:
            line.close()
        return results

    def _deliver(self, line: _Line, message_id: int) -> SendResult:
        """One message; after a "not now" it is tried again, once after each retry delay."""
        waits: list[float | None] = [*self.retry_delays, None]
        for tries, wait in enumerate(waits, start=1):
            try:
                connection, sender = line.get()
            except TemporaryFailure as error:
                if wait is None:
                    raise TemporaryFailure(_gave_up(error, tries)) from None
                self._sleep(wait)
                continue
            result = self._send_one(connection, sender, message_id, tries=tries, retry_in=wait)
            if result is not None:
                return result
            self._sleep(wait or 0.0)
            self.store.queue_message(message_id)
        raise AssertionError("the last try always settles the message")

    def _open_line(self) -> tuple[SmtpConnection, Address]:
        account, sender = self._sender()
        return self._open(account), sender

    def _sender(self) -> tuple[SmtpAccount, Address]:
        account = self.account()
        if account is None:
            raise AccountError("No mail account is set up yet. Add it in Settings › Account.")
        return account, sender_address(self.store.profile().name, account.from_address)

    def _open(self, account: SmtpAccount) -> SmtpConnection:
        password = self.credentials.password(account.key) if account.username else None
        connection = self._connect(account, password)
        connection.open()
        return connection

    def _fail_unsent(self, message_id: int, error: AfterwordError) -> SendResult:
        """The connection could not be made: the message is failed, with the reason."""
        if not self.store.claim_for_sending(message_id):
            return self._not_claimed(message_id)
        self.store.mark_failed(message_id, str(error))
        return SendResult(message_id, MessageState.FAILED, str(error))

    def _not_claimed(self, message_id: int) -> SendResult:
        state = self.store.message(message_id).state
        return SendResult(message_id, state, f"Not sent again: this message is already {state}.")

    def _send_one(
        self,
        connection: SmtpConnection,
        sender: Address,
        message_id: int,
        *,
        tries: int = 1,
        retry_in: float | None = None,
    ) -> SendResult | None:
        """Claims, sends and settles the message; None if it is to be tried again later."""
        if not self.store.claim_for_sending(message_id):
            return self._not_claimed(message_id)
        try:
            message = self.store.message(message_id)
            outgoing = build_message(
                sender=sender,
                to=message.to,
                cc=message.cc,
                bcc=message.bcc,
                subject=message.subject,
                body=message.body,
                signature=self.store.profile().signature,
                attachments=message.attachments,
                message_id=message.message_id,
                date=self._clock(),
                in_reply_to=message.in_reply_to,
                references=message.references,
            )
            self.store.record_outgoing(message_id, outgoing.message_id, outgoing.raw)
            reply = connection.send(outgoing)
        except TemporaryFailure as error:
            if retry_in is None:
                return self._settle(message_id, TemporaryFailure(_gave_up(error, tries)))
            self.store.mark_failed(message_id, f"{error} Trying again in {retry_in:g} seconds.")
            return None
        except BaseException as error:
            result = self._settle(message_id, error, uncertain=connection.handed_over)
            if not isinstance(error, AfterwordError):
                raise  # a bug: the message is settled, the error stays loud
            return result
        self.store.mark_sent(message_id, reply)
        return SendResult(message_id, MessageState.SENT, reply)

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
        self.store.mark_uncertain_as_sent(message_id)

    def send_again(self, message_id: int) -> None:
        """The user checked that an uncertain message did not arrive: queue it again."""
        self.store.requeue_uncertain(message_id)


def _gave_up(error: TemporaryFailure, tries: int) -> str:
    times = "once" if tries == 1 else f"{tries} times"
    return f"{error} Afterword tried {times}; please try again later."
