"""A copy of each sent message in the user's IMAP Sent folder, as a mail program keeps one.

Sending never waits for this: marking a message sent records a pending copy in the same
commit, and filing runs later (after a batch, at start-up, when the server is back), in
``composer/mailbox.py``'s ``visit``, over the connection that then looks for replies. A copy
is filed once only: before appending, Sent is searched for its Message-ID, so a copy whose
filing was not recorded (a crash just after APPEND) is not filed twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from composer.errors import AfterwordError, ImapServerRefused, RecordNotFound
from composer.imap import ImapConnection
from composer.store import Store


@dataclass
class FilingResult:
    filed: list[int] = field(default_factory=list)  # message ids now in Sent
    found: list[int] = field(default_factory=list)  # already there: marked filed, not appended
    failed: dict[int, str] = field(default_factory=dict)  # still pending, and why

    @property
    def error(self) -> str | None:
        """The first reason a copy is still pending, for the user."""
        return next(iter(self.failed.values()), None)


def file_over(store: Store, imap: ImapConnection, copies: list[int], result: FilingResult) -> None:
    """Files ``copies`` over an open connection, noting each outcome in ``result``. A
    refusal of one message is recorded on it and the next goes; a broken connection raises."""
    for message_id in copies:
        try:
            header_id, raw = store.sent_bytes(message_id)
        except RecordNotFound:  # deleted meanwhile, and its copy with it
            continue
        try:
            if imap.sent_holds(header_id):
                result.found.append(message_id)
            else:
                imap.append_sent(raw)
                result.filed.append(message_id)
        except ImapServerRefused as error:  # this message only: the next may go
            _failed(store, result, message_id, error)
            continue
        store.copy_filed(message_id)


def not_filed(store: Store, copies: list[int], result: FilingResult, error: AfterwordError) -> None:
    """No connection, or it broke: the copies not settled yet wait for later."""
    settled = {*result.filed, *result.found, *result.failed}
    for message_id in copies:
        if message_id not in settled:
            _failed(store, result, message_id, error)


def _failed(store: Store, result: FilingResult, message_id: int, error: AfterwordError) -> None:
    text = f"Not yet copied to your Sent folder: {error} Afterword will try again later."
    store.copy_failed(message_id, text)
    result.failed[message_id] = text
