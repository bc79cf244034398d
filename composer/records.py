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


class MessageState(StrEnum):
    DRAFT = "draft"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"  # the app stopped mid-send: the user checks before anything more


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
    message_id: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    sent_at: datetime | None = None
    raw: bytes | None = None
    server_reply: str | None = None
    error: str | None = None
    attempts: int = 0
    id: int | None = None


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
