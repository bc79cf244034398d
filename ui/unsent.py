"""A message that did not go, or may not have: what to say about it, and sending it again.

Outbox & Sent and Today both offer Send again; both go through here, so an uncertain
message is never sent again without the user's word that it did not arrive.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from composer.afterword import Afterword
from composer.dates import FALLBACK, medium_date_time
from composer.errors import AfterwordError
from composer.outbox import SendResult
from composer.records import Message, MessageState
from ui import dialogs, operations
from ui.runner import Failed, Runner

SEND_UNCERTAIN_AGAIN = (
    "Send this message again? Do this only if you checked that it did not arrive (your "
    "mail's Sent folder, or the recipient): otherwise they may get it twice."
)
CHECK_UNCERTAIN = "Check your Sent folder, then Mark as sent if it arrived, or Send again."


def explain(message: Message, date_locale: str = FALLBACK) -> str:
    """The line above the message in Outbox & Sent: what happened, what the user can do."""
    match message.state:
        case MessageState.UNCERTAIN:
            return (
                f"{message.error or 'This message may or may not have been delivered.'} "
                f"{CHECK_UNCERTAIN}"
            )
        case MessageState.FAILED:
            return (
                f"Not sent: {message.error} It stays here, failed, until you Send again "
                "or Edit as new draft."
            )
        case MessageState.SENT:
            return f"Sent. The server said: {message.server_reply}"
        case MessageState.DRAFT:
            return "A draft: open it in Compose to finish it."
        case MessageState.SCHEDULED if message.scheduled_at is not None:
            return (
                f"Scheduled to go on {medium_date_time(message.scheduled_at, date_locale)}. "
                "Open it in Compose to change it; Cancel sending keeps it as a draft."
            )
    return f"{str(message.state).capitalize()}…"


def send_again(
    parent: QWidget,
    afterword: Afterword,
    runner: Runner,
    message_id: int,
    sent: Callable[[list[SendResult]], None],
    failed: Failed,
    ended: Callable[[], None],
) -> bool:
    """Sends it again off the GUI thread (asking first if it may have gone); False when
    nothing was started (the user said no, or it cannot be read)."""
    try:
        uncertain = afterword.store.message(message_id).state is MessageState.UNCERTAIN
    except AfterwordError as error:
        dialogs.tell(parent, str(error), error=True)
        return False
    if uncertain and not dialogs.ask(parent, SEND_UNCERTAIN_AGAIN, yes="Send again"):
        return False
    operations.send_again(
        afterword, runner, message_id, sent, failed, on_end=ended, uncertain=uncertain
    )
    return True
