"""Threads: reading a message as it went out, and following it up in the same thread.

A follow-up carries ``In-Reply-To`` (the original's Message-ID) and ``References`` (the
original's references plus its Message-ID, RFC 5322 3.6.4), so the recipient's mail program
shows it under the original instead of as a stranger's new message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr

from composer.dates import FALLBACK, medium_date_time
from composer.errors import NotSent
from composer.records import Message, MessageState

READER_HEADERS = ("From", "To", "Cc", "Date", "Subject", "Message-ID", "In-Reply-To")
KEPT_REFERENCES = 10  # besides the first: a thread of 200 would make a header nobody reads

# "Re:", "RE:", "Aw:" (German), "Sv:" (Scandinavian), "Antw:" (Dutch), "Odp:" (Polish),
# "Vs:" (Finnish), "Re[2]:", repeated or not: the reply gets one "Re: " in front.
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|antw|odp|vs)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
_SIGNATURE = "\n-- \n"


@dataclass(frozen=True)
class SentText:
    """What the reader shows: the headers a person reads, decoded, and the text."""

    headers: list[tuple[str, str]]
    body: str
    attachments: list[str] = field(default_factory=list)

    def as_text(self) -> str:
        lines = [f"{name}: {value}" for name, value in self.headers]
        files = [f"[attached: {name}]" for name in self.attachments]
        return "\n".join([*lines, "", self.body, *files])


def as_sent(message: Message) -> SentText:
    """From the exact bytes that went out when there are some; a draft from its record."""
    if not message.raw:
        return _as_typed(message)
    parsed = message_from_bytes(message.raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    headers = [(name, str(parsed[name])) for name in READER_HEADERS if parsed[name] is not None]
    part = parsed.get_body(preferencelist=("plain",))
    text = part.get_content() if isinstance(part, EmailMessage) else ""
    files = [str(attachment.get_filename()) for attachment in parsed.iter_attachments()]
    return SentText(headers, _unix_lines(text), files)


def _as_typed(message: Message) -> SentText:
    values = [
        ("To", ", ".join(message.to)),
        ("Cc", ", ".join(message.cc)),
        ("Subject", message.subject),
        ("In-Reply-To", message.in_reply_to or ""),
    ]
    files = [attachment.filename for attachment in message.attachments]
    return SentText([(name, value) for name, value in values if value], message.body, files)


def _unix_lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def follow_up_draft(original: Message, date_locale: str = FALLBACK) -> Message:
    """A new draft to the same people, in the same thread, quoting what they received.

    Bcc is not carried over: who was copied in secret is for the user to choose again.
    """
    _check_sent(original)
    assert original.header_id is not None
    return Message(
        subject=reply_subject(original.subject),
        body="\n\n" + quoted(original, date_locale),
        to=list(original.to),
        cc=list(original.cc),
        contact_id=original.contact_id,
        interview_id=original.interview_id,
        template_id=None,
        in_reply_to=original.header_id,
        references=thread_references(original.references, original.header_id),
    )


def _check_sent(original: Message) -> None:
    match original.state:
        case MessageState.SENT if original.header_id:
            return
        case MessageState.SENT:
            why = (
                "Afterword has no Message-ID for it (it was marked as sent by hand), so a "
                "follow-up can't be placed in its thread. Write a new message instead."
            )
        case MessageState.UNCERTAIN:
            why = (
                "It may not have arrived. Check your mail's Sent folder or ask the recipient, "
                "then mark it as sent and follow it up."
            )
        case MessageState.DRAFT:
            why = "It is still a draft: send it first."
        case MessageState.FAILED:
            why = "It was not sent: send it again first."
        case _:
            why = "It is being sent: wait until it has gone."
    raise NotSent(f"Only a message that was sent can be followed up. {why}")


def reply_subject(subject: str) -> str:
    """One "Re: ", however many reply prefixes (in whatever language) the subject had."""
    return "Re: " + _REPLY_PREFIX.sub("", subject, count=1).strip()


def thread_references(references: list[str], header_id: str) -> list[str]:
    """The thread, oldest first, ending with the message replied to; a very long thread
    keeps its first message and the last ones (the parts mail programs use to thread)."""
    thread = list(dict.fromkeys([*references, header_id]))
    thread.remove(header_id)
    thread.append(header_id)  # a damaged record may name it earlier: it belongs last
    if len(thread) > KEPT_REFERENCES + 1:
        thread = [thread[0], *thread[-KEPT_REFERENCES:]]
    return thread


def quoted(original: Message, date_locale: str = FALLBACK) -> str:
    """ "On <date>, <sender> wrote:" and the text they received, each line after "> ",
    without the signature."""
    sent = as_sent(original)
    text = "\n" + sent.body.rstrip("\n")
    if _SIGNATURE in text:
        text = text.rsplit(_SIGNATURE, 1)[0]
    lines = [_quote_line(line) for line in text.removeprefix("\n").rstrip("\n").split("\n")]
    return "\n".join([_attribution(original, sent, date_locale), *lines]) + "\n"


def _quote_line(line: str) -> str:
    if not line:
        return ">"
    return ">" + line if line.startswith(">") else "> " + line


def _attribution(original: Message, sent: SentText, date_locale: str) -> str:
    name, address = parseaddr(dict(sent.headers).get("From", ""))
    sender = name or address or "I"
    if original.sent_at is None:
        return f"{sender} wrote:"
    return f"On {medium_date_time(original.sent_at, date_locale)}, {sender} wrote:"
