"""Rows to records and back: times kept as UTC text, addresses as JSON."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

from composer.records import (
    Attachment,
    Contact,
    FeedbackChannel,
    FeedbackNote,
    Interview,
    InterviewStatus,
    Message,
    MessageState,
    Reply,
    SentCopy,
)
from composer.search_words import search_words


def _addresses(addresses: Sequence[str]) -> str:
    """As typed (not \\u-escaped), so "Noël" in a recipient can be searched for."""
    return json.dumps(list(addresses), ensure_ascii=False)


def fts_query(text: str) -> str | None:
    """The user's words as an FTS5 query: each word a quoted prefix, all of them required.
    Quoting keeps operators and punctuation (AND, "-", "@") from being read as syntax."""
    words = [word.replace('"', '""') for word in search_words(text)]
    return " ".join(f'"{word}"*' for word in words) or None


def _iso(moment: datetime | None) -> str | None:
    """Stored in UTC, so text order is time order; a naive time is the user's local time."""
    return moment.astimezone(UTC).isoformat() if moment else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _contact(row: sqlite3.Row) -> Contact:
    return Contact(
        id=row["id"],
        name=row["name"],
        email=row["email"],
        company=row["company"],
        title=row["title"],
        phone=row["phone"],
        notes=row["notes"],
        check_in_days=row["check_in_days"],
        greeting=row["greeting"],
    )


def _interview(row: sqlite3.Row) -> Interview:
    return Interview(
        id=row["id"],
        company=row["company"],
        position=row["position"],
        scheduled_at=_moment(row["scheduled_at"]),
        stage=row["stage"],
        status=InterviewStatus(row["status"]),
        notes=row["notes"],
        feedback=row["feedback"],
        topic=row["topic"],
        applied_at=_moment(row["applied_at"]),
        status_changed_at=_moment(row["status_changed_at"] or row["updated_at"]),
    )


def _message(row: sqlite3.Row, attachments: list[Attachment]) -> Message:
    return Message(
        id=row["id"],
        state=MessageState(row["state"]),
        subject=row["subject"],
        body=row["body"],
        to=json.loads(row["to_addrs"]),
        cc=json.loads(row["cc_addrs"]),
        bcc=json.loads(row["bcc_addrs"]),
        template_id=row["template_id"],
        contact_id=row["contact_id"],
        interview_id=row["interview_id"],
        header_id=row["message_id"],  # the column keeps its name: the Message-ID header
        attachments=attachments,
        created_at=_moment(row["created_at"]),
        updated_at=_moment(row["updated_at"]),
        sent_at=_moment(row["sent_at"]),
        raw=row["raw"],
        server_reply=row["server_reply"],
        error=row["error"],
        attempts=row["attempts"],
        in_reply_to=row["in_reply_to"],
        references=row["reference_ids"].split(),
        scheduled_at=_moment(row["scheduled_at"]),
    )


def _reply(row: sqlite3.Row) -> Reply:
    return Reply(
        id=row["id"],
        received_at=datetime.fromisoformat(row["received_at"]),
        summary=row["summary"],
        message_id=row["message_id"],
        interview_id=row["interview_id"],
        contact_id=row["contact_id"],
        header_id=row["header_id"],
    )


def _feedback(row: sqlite3.Row) -> FeedbackNote:
    return FeedbackNote(
        id=row["id"],
        interview_id=row["interview_id"],
        contact_id=row["contact_id"],
        received_at=datetime.fromisoformat(row["received_at"]),
        text=row["text"],
        kind=bool(row["kind"]),
        channel=FeedbackChannel(row["channel"]),
        tags=sorted(row["tags"].split("\x1f"), key=str.casefold) if row["tags"] else [],
    )


def _sent_copy(row: sqlite3.Row) -> SentCopy:
    return SentCopy(
        message_id=row["message_id"],
        state=row["state"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        filed_at=_moment(row["filed_at"]),
    )
