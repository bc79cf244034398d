"""The things Afterword keeps, in the user's words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class InterviewStatus(StrEnum):
    SCHEDULED = "scheduled"
    DONE = "done"
    OFFER = "offer"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Role(StrEnum):
    """How a contact took part in an interview."""

    INTERVIEWER = "interviewer"
    RECRUITER = "recruiter"
    HR = "hr"


class FeedbackChannel(StrEnum):
    """How the feedback reached the user: a call is worth as much as an email, and shows so."""

    EMAIL = "email"
    PHONE = "phone"
    IN_PERSON = "in_person"


class MessageState(StrEnum):
    DRAFT = "draft"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"  # the app stopped mid-send: the user checks before anything more
    SCHEDULED = "scheduled"  # to go at its scheduled_at (send later), not before


@dataclass
class Profile:
    name: str = ""
    email: str = ""
    phone: str = ""
    signature: str = ""


@dataclass
class Contact:
    name: str
    email: str = ""
    company: str = ""
    title: str = ""
    phone: str = ""
    notes: str = ""
    id: int | None = None
    check_in_days: int | None = None  # they asked to stay in touch: every so many days
    greeting: str = ""  # how to address them ("Dana", "Dr. Whitfield"); "": from the name


@dataclass
class Interview:
    company: str
    position: str = ""
    scheduled_at: datetime | None = None
    stage: str = ""
    status: InterviewStatus = InterviewStatus.SCHEDULED
    notes: str = ""
    feedback: str = ""
    topic: str = ""  # something we discussed, for a specific thank-you
    id: int | None = None
    applied_at: datetime | None = None  # when the application went in; None: when logged
    status_changed_at: datetime | None = field(default=None, compare=False)  # set by the store


@dataclass
class Participant:
    contact: Contact
    role: Role


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Message:
    """A follow-up, from draft to sent; it keeps the exact bytes that went out."""

    subject: str
    body: str
    to: list[str]
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    template_id: str | None = None
    contact_id: int | None = None
    interview_id: int | None = None
    state: MessageState = MessageState.DRAFT
    header_id: str | None = None  # its Message-ID header (the column messages.message_id)
    attachments: list[Attachment] = field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    sent_at: datetime | None = None
    raw: bytes | None = None
    server_reply: str | None = None
    error: str | None = None
    attempts: int = 0
    id: int | None = None
    in_reply_to: str | None = None  # the Message-ID this one follows up
    references: list[str] = field(default_factory=list)  # the thread, oldest first
    scheduled_at: datetime | None = None  # when a scheduled message is to go


@dataclass(frozen=True)
class MessageSummary:
    """One line of the Outbox & Sent list: no body, no raw bytes."""

    id: int
    state: MessageState
    subject: str
    to: list[str]
    when: datetime | None
    error: str | None
    contact_id: int | None
    interview_id: int | None
    replied: bool = False  # an answer to it is noted
    copy_error: str | None = None  # why its copy is not in the user's Sent folder yet


@dataclass
class FeedbackNote:
    """What an interviewer or recruiter said, word for word, with the user's own tags."""

    interview_id: int
    text: str
    received_at: datetime
    tags: list[str] = field(default_factory=list)
    kind: bool = False  # encouraging words: one of the "almosts"
    contact_id: int | None = None
    id: int | None = None
    channel: FeedbackChannel = FeedbackChannel.EMAIL


@dataclass(frozen=True)
class WatchedMessage:
    """A sent message whose answers are looked for in the user's inbox."""

    id: int
    header_id: str  # its Message-ID, as replies name it
    sent_at: datetime
    addresses: tuple[str, ...]  # To and Cc, as written
    interview_id: int | None
    contact_id: int | None


@dataclass
class Reply:
    """An answer someone sent, noted by the user (or found in their inbox)."""

    received_at: datetime
    summary: str = ""
    message_id: int | None = None  # our message it answers
    interview_id: int | None = None
    contact_id: int | None = None
    header_id: str | None = None  # the reply's own Message-ID, when known
    id: int | None = None


@dataclass(frozen=True)
class SentCopy:
    """The copy of a sent message for the user's IMAP Sent folder: filed, or still to be."""

    message_id: int
    state: str  # 'pending' | 'filed'
    attempts: int
    last_error: str | None
    filed_at: datetime | None


@dataclass
class Lesson:
    """Something to work on, written by the user from the feedback behind it."""

    text: str
    note_ids: list[int] = field(default_factory=list)  # the feedback notes it came from
    created_at: datetime | None = None
    practised_at: datetime | None = None  # when the user ticked "Practised"; None: not yet
    id: int | None = None
