"""One interview's story, or one person's, in date order: applied, met, wrote, heard back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from composer.records import FeedbackChannel, FeedbackNote, Interview, MessageState, Reply
from composer.store import Store


class EventKind(StrEnum):
    APPLIED = "applied"
    INTERVIEW = "interview"
    MESSAGE = "message"
    FEEDBACK = "feedback"
    REPLY = "reply"


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime
    kind: EventKind
    title: str
    detail: str = ""
    record_id: int | None = None  # the interview, message, feedback note or reply


_STATE_WORDS = {
    MessageState.SENT: "Sent",
    MessageState.UNCERTAIN: "Maybe sent (check)",
    MessageState.QUEUED: "Waiting to send",
    MessageState.SCHEDULED: "Scheduled",
    MessageState.SENDING: "Sending",
    MessageState.FAILED: "Not sent",
}


def interview_timeline(store: Store, interview_id: int) -> list[TimelineEvent]:
    interview = store.interview(interview_id)
    events = _interview_events(interview)
    events += _message_events(store, store.message_list_ids(interview_id=interview_id))
    events += [_feedback_event(n) for n in store.feedback_notes(interview_id=interview_id)]
    events += _reply_events(store, store.replies(interview_id=interview_id))
    return sorted(events, key=lambda event: event.when)


def contact_timeline(store: Store, contact_id: int) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    for interview in store.interviews_by_id(store.interview_ids_with(contact_id)).values():
        events += _interview_events(interview)
    events += _message_events(store, store.message_list_ids(contact_id=contact_id))
    events += [_feedback_event(n) for n in store.feedback_notes(contact_id=contact_id)]
    events += _reply_events(store, store.replies(contact_id=contact_id))
    return sorted(events, key=lambda event: event.when)


def _interview_events(interview: Interview) -> list[TimelineEvent]:
    name = ", ".join(part for part in (interview.position, interview.company) if part)
    events = []
    if interview.applied_at is not None:
        events.append(
            TimelineEvent(
                interview.applied_at, EventKind.APPLIED, f"Applied: {name}", "", interview.id
            )
        )
    if interview.scheduled_at is not None:
        title = f"Interview: {name}" + (f" ({interview.stage})" if interview.stage else "")
        events.append(
            TimelineEvent(
                interview.scheduled_at,
                EventKind.INTERVIEW,
                title,
                str(interview.status),
                interview.id,
            )
        )
    return events


def _message_events(store: Store, ids: list[int]) -> list[TimelineEvent]:
    summaries = store.message_summaries(ids) if ids else {}
    return [
        TimelineEvent(
            s.when,
            EventKind.MESSAGE,
            f"{_STATE_WORDS[s.state]}: {s.subject}",
            "To " + ", ".join(s.to),
            s.id,
        )
        for s in summaries.values()
        if s.state is not MessageState.DRAFT and s.when is not None
    ]


def _feedback_event(note: FeedbackNote) -> TimelineEvent:
    tags = f" [{', '.join(note.tags)}]" if note.tags else ""
    title = f"Feedback{CHANNEL_WORDS[note.channel]}{tags}"
    return TimelineEvent(note.received_at, EventKind.FEEDBACK, title, note.text, note.id)


CHANNEL_WORDS = {  # after "Feedback": an email is how most come, so it goes unsaid
    FeedbackChannel.EMAIL: "",
    FeedbackChannel.PHONE: " by phone",
    FeedbackChannel.IN_PERSON: " in person",
}


def _reply_events(store: Store, replies: list[Reply]) -> list[TimelineEvent]:
    """ "Reply from Ana Lima", when the reply says who (one found in the inbox always does)."""
    people = store.contacts_by_id(sorted({r.contact_id for r in replies if r.contact_id}))
    return [
        TimelineEvent(
            reply.received_at,
            EventKind.REPLY,
            f"Reply from {people[reply.contact_id].name}"
            if reply.contact_id in people
            else "Reply received",
            reply.summary,
            reply.id,
        )
        for reply in replies
    ]
