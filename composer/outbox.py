"""The outbox: every message is saved before it is sent and each step is committed.

States move draft → queued → sending → sent | failed | uncertain. Claiming a message for
sending is one atomic UPDATE, so a double click or a second worker can never send it twice;
a message found "sending" at start-up is marked uncertain, never re-sent silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.headerregistry import Address

from composer.account import SmtpAccount
from composer.credentials import Credentials
from composer.errors import AccountError, AfterwordError, AlreadySent
from composer.mail import build_message, check_message, sender_address
from composer.records import Message, MessageState
from composer.smtp import SmtpConnection
from composer.store import Clock, Store, utc_now

ACCOUNT_SETTING = "smtp_account"
Connect = Callable[[SmtpAccount, "str | None"], SmtpConnection]


@dataclass(frozen=True)
class SendResult:
    message_id: int
    state: MessageState
    detail: str  # the server's reply, or the error written for the user


Progress = Callable[[SendResult], None]


class Outbox:
    def __init__(
        self,
        store: Store,
        credentials: Credentials,
        *,
        connect: Connect = SmtpConnection,
        clock: Clock = utc_now,
    ) -> None:
        self.store = store
        self.credentials = credentials
        self._connect = connect
        self._clock = clock

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
        connection: SmtpConnection | None = None
        try:
            while pending:
                if connection is None:
                    try:
                        account, sender = self._sender()
                        connection = self._open(account)
                    except AfterwordError as error:
                        for message_id in pending:
                            report(self._fail_unsent(message_id, error))
                        break
                report(self._send_one(connection, account, sender, pending.pop(0)))
                if not connection.is_open:
                    connection = None
        finally:
            if connection is not None:
                connection.close()
        return results

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
        self, connection: SmtpConnection, account: SmtpAccount, sender: Address, message_id: int
    ) -> SendResult:
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
            )
            self.store.record_outgoing(message_id, outgoing.message_id, outgoing.raw)
            reply = connection.send(outgoing)
        except BaseException as error:
            result = self._settle(message_id, error, uncertain=connection.handed_over)
            if not isinstance(error, AfterwordError):
                raise  # a bug: the message is settled, the error stays loud
            return result
        self.store.mark_sent(message_id, reply)
        return SendResult(message_id, MessageState.SENT, reply)

    def _settle(self, message_id: int, error: BaseException, *, uncertain: bool) -> SendResult:
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
