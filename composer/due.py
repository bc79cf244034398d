"""Due today: the follow-ups a careful job seeker would send now, computed from the records.

Each reminder holds while its condition holds (checked against a clock the caller passes),
and goes away when the follow-up is sent (or queued), when the user snoozes or dismisses
it, or when a reply noted on its thread makes it moot.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from composer.dates import chosen_locale, medium_date
from composer.followups import suggested_recipients
from composer.phone_call import CallOffer, whom_to_call
from composer.records import (
    FeedbackChannel,
    FeedbackNote,
    Interview,
    InterviewStatus,
    Message,
    MessageState,
    MessageSummary,
    Reply,
)
from composer.store import Store
from composer.templates import BuiltIn

THANK_YOU_WITHIN = timedelta(days=1)  # the thank-you is due within a day...
THANK_YOU_SHOWN_FOR = timedelta(days=7)  # ...and still worth sending, late, for a week
NOTES_DEADLINE = timedelta(days=30)  # a data-protection request: one month to answer
NOTES_WARNING = timedelta(days=7)  # shown from a week before that...
NOTES_SHOWN_AFTER = timedelta(days=30)  # ...and for a month after it passed
REJECTION_SHOWN_FOR = timedelta(days=30)  # a gracious reply weeks later would be odd
FEEDBACK_THANKS_SHOWN_FOR = timedelta(days=14)  # thanks for feedback, while it is fresh
PIPELINE_QUIET = timedelta(days=14)  # no new application for this long: keep applying


class DueKind(StrEnum):
    FAILED = "failed"  # a message that did not go: always first, never snoozed
    UNCERTAIN = "uncertain"  # may or may not have gone: the user checks first
    # A reminder to send a built-in is named after it; these texts are kept in snooze keys.
    THANK_YOU = BuiltIn.THANK_YOU.value
    NO_HARD_FEELINGS = BuiltIn.NO_HARD_FEELINGS.value  # the one gracious reply after a rejection
    THANKS_FOR_FEEDBACK = BuiltIn.THANKS_FOR_FEEDBACK.value  # someone said how it went: thank them
    NOTES_DEADLINE = "notes_deadline"
    CHECK_IN = "check_in"
    PIPELINE_LOW = "pipeline_low"


@dataclass(frozen=True)
class DueItem:
    """One reminder, with what Compose needs to act on it at once."""

    key: str  # stable while the condition holds: snoozing and dismissing refer to it
    kind: DueKind
    title: str
    detail: str
    due_at: datetime
    template_id: str | None = None
    interview_id: int | None = None
    contact_ids: tuple[int, ...] = ()
    reply_to: int | None = None  # a message to follow up in its thread
    message_id: int | None = None  # the failed or uncertain message itself
    needs_date: bool = False  # the interview has no date: the user is asked for it
    call: CallOffer | None = None  # the alternative to asking by email: a call

    @property
    def unsent(self) -> bool:
        """Failed or uncertain: it stays until the user acts on the message itself."""
        return self.kind in UNSENT

    @property
    def overdue(self) -> bool:
        return "overdue" in self.detail


UNSENT = frozenset({DueKind.FAILED, DueKind.UNCERTAIN})


def due_items(store: Store, now: datetime) -> list[DueItem]:
    """What is due at ``now``: messages that did not go first, then the most pressing;
    without snoozed or dismissed ones."""
    replies = store.replies()
    found = [
        *_after_interviews(store, now, replies),
        *_feedback_thanks(store, now),
        *_notes_deadlines(store, now, replies),
        *_check_ins(store, now),
        *_pipeline(store, now),
    ]
    choices = store.due_choices()
    shown = [item for item in found if _shown(choices.get(item.key), now)]
    order = list(DueKind)
    return unsent_items(store, now) + sorted(
        shown, key=lambda item: (item.due_at, order.index(item.kind), item.key)
    )


def unsent_items(store: Store, now: datetime) -> list[DueItem]:
    """Failed and uncertain messages, newest first: no snooze or dismissal hides them."""
    ids = store.message_ids(MessageState.FAILED, MessageState.UNCERTAIN)
    summaries = sorted(
        store.message_summaries(ids).values() if ids else [],
        key=lambda m: (m.when or now, m.id),
        reverse=True,
    )
    return [_unsent(message, now) for message in summaries]


def _unsent(message: MessageSummary, now: datetime) -> DueItem:
    to = ", ".join(message.to) or "no one yet"
    subject = message.subject or "(no subject)"
    if message.state is MessageState.UNCERTAIN:
        kind, title = DueKind.UNCERTAIN, f"Maybe not sent: {subject} (to {to})"
        detail = "Check your Sent folder, then Mark as sent or Send again."
    else:
        kind, title = DueKind.FAILED, f"Not sent: {subject} (to {to})"
        detail = message.error or "It was not sent: Send again, or Open it to see why."
    return DueItem(
        key=f"{kind}:{message.id}",
        kind=kind,
        title=title,
        detail=detail,
        due_at=message.when or now,
        interview_id=message.interview_id,
        contact_ids=(message.contact_id,) if message.contact_id else (),
        message_id=message.id,
    )


def _shown(choice: tuple[datetime | None, bool] | None, now: datetime) -> bool:
    if choice is None:
        return True
    snoozed_until, dismissed = choice
    return not dismissed and (snoozed_until is None or snoozed_until <= now)


def _replied(replies: Iterable[Reply], interview_id: int | None, since: datetime) -> bool:
    """A reply noted on the interview's thread after ``since``: its reminders are moot."""
    return any(r.interview_id == interview_id and r.received_at >= since for r in replies)


# --- after an interview -----------------------------------------------------------------


def _after_interviews(store: Store, now: datetime, replies: list[Reply]) -> list[DueItem]:
    from composer.mail import parse_address_or_none  # the email package: not at start-up

    under_way = store.follow_ups_under_way()
    addressed = {
        key: {a for a in map(parse_address_or_none, typed) if a is not None}
        for key, typed in store.follow_up_addresses().items()
    }
    interviews = store.interviews_by_id(store.interview_ids(now))
    items: list[DueItem] = []
    for interview in interviews.values():
        if interview.status is InterviewStatus.REJECTED:
            items += _after_rejection(store, interview, now, under_way, replies)
        elif (since := _took_place(interview, now)) is not None:
            thanked = addressed.get((interview.id or 0, BuiltIn.THANK_YOU), set())
            items += _thank_you(store, interview, since, now, under_way, thanked, replies)
    return items


def _took_place(interview: Interview, now: datetime) -> datetime | None:
    """When it took place, if a thank-you is worth sending now; an interview marked done
    with no date took place when it was marked so (its reminder asks for the date)."""
    when = interview.scheduled_at
    if when is None and interview.status is InterviewStatus.DONE:
        when = interview.status_changed_at
    in_time = when is not None and when <= now < when + THANK_YOU_SHOWN_FOR
    took_place = interview.status in (InterviewStatus.SCHEDULED, InterviewStatus.DONE)
    return when if in_time and took_place else None


def _name(interview: Interview) -> str:
    return (
        f"{interview.position} at {interview.company}" if interview.position else interview.company
    )


def _thank_you(
    store: Store,
    interview: Interview,
    since: datetime,
    now: datetime,
    under_way: set[tuple[int, str, int | None]],
    addressed: set[str],
    replies: list[Reply],
) -> list[DueItem]:
    """``addressed``: the addresses a thank-you for this interview went or is going to;
    ``since``: when the interview took place (or was marked done, with no date)."""
    assert interview.id is not None
    if _replied(replies, interview.id, since):
        return []
    participants = store.participants(interview.id)
    emails = {p.contact.id: p.contact.email.strip().lower() for p in participants}
    people = suggested_recipients(BuiltIn.THANK_YOU, participants)
    waiting = [
        c
        for c in people
        if (interview.id, BuiltIn.THANK_YOU, c) not in under_way and emails.get(c) not in addressed
    ]
    if (
        addressed or any(i == interview.id and t == BuiltIn.THANK_YOU for i, t, _ in under_way)
    ) and (not waiting):
        return []
    deadline = since + THANK_YOU_WITHIN
    late = now > deadline
    detail = (
        "A day has passed: it is overdue, and still worth sending today."
        if late
        else "Best sent within a day of the interview."
    )
    if not people:
        detail += " Add the interviewers to the interview to write to them."
    if interview.scheduled_at is None:
        detail += " Add the date of the interview, so its other reminders come on time."
    return [
        DueItem(
            key=f"thank_you:{interview.id}",
            kind=DueKind.THANK_YOU,
            title=f"Thank your interviewers: {_name(interview)}",
            detail=detail,
            due_at=deadline,
            template_id=BuiltIn.THANK_YOU,
            interview_id=interview.id,
            contact_ids=tuple(waiting or people),
            needs_date=interview.scheduled_at is None,
        )
    ]


# Any of these sent for the interview answers the "no": the one message, or the two it joins.
REJECTION_REPLIES = frozenset(
    {BuiltIn.AFTER_REJECTION, BuiltIn.NO_HARD_FEELINGS, BuiltIn.FEEDBACK_REQUEST}
)


def _after_rejection(
    store: Store,
    interview: Interview,
    now: datetime,
    under_way: set[tuple[int, str, int | None]],
    replies: list[Reply],
) -> list[DueItem]:
    assert interview.id is not None
    since = interview.scheduled_at or interview.applied_at or datetime.min.replace(tzinfo=UTC)
    told = interview.status_changed_at or since  # when the "no" was recorded
    # Long past, or they wrote again once the "no" was recorded (the "no" itself, noted on
    # the thread before, is what to answer); replies are known to the second.
    if now > told + REJECTION_SHOWN_FOR or _replied(
        replies, interview.id, told.replace(microsecond=0)
    ):
        return []
    if any(i == interview.id and t in REJECTION_REPLIES for i, t, _ in under_way):
        return []
    if _called(store.feedback_notes(interview_id=interview.id), told.replace(microsecond=0)):
        return []  # they called instead of writing: the thanks for the feedback follows
    participants = store.participants(interview.id)
    call = whom_to_call(participants)
    return [
        DueItem(
            key=f"{DueKind.NO_HARD_FEELINGS}:{interview.id}",  # as before: snoozes still hold
            kind=DueKind.NO_HARD_FEELINGS,
            title=f"Reply graciously, in one message: {_name(interview)}",
            detail="The answer was no. One kind reply thanks them, keeps the door open for "
            "future roles and asks what would have made you a stronger candidate."
            + (f" Or ask by phone: {call.label}." if call else ""),
            due_at=told,
            template_id=BuiltIn.AFTER_REJECTION,
            interview_id=interview.id,
            contact_ids=tuple(suggested_recipients(BuiltIn.AFTER_REJECTION, participants)),
            call=call,
        )
    ]


def _called(notes: Iterable[FeedbackNote], since: datetime) -> bool:
    """Feedback noted from a call (or in person) since ``since``: they were asked already."""
    return any(n.channel is not FeedbackChannel.EMAIL and n.received_at >= since for n in notes)


# --- thanks for feedback ----------------------------------------------------------------


def _feedback_thanks(store: Store, now: datetime) -> list[DueItem]:
    """One item per interview with fresh feedback from someone not yet thanked for it."""
    under_way = store.follow_ups_under_way()
    fresh: dict[int, list[FeedbackNote]] = {}
    for note in store.feedback_notes():
        thanked = (note.interview_id, BuiltIn.THANKS_FOR_FEEDBACK, note.contact_id) in under_way
        if _fresh(note, now) and note.contact_id is not None and not thanked:
            fresh.setdefault(note.interview_id, []).append(note)
    interviews = store.interviews_by_id(sorted(fresh))
    return [
        _thanks_item(interviews[i], notes, store) for i, notes in fresh.items() if i in interviews
    ]


def _fresh(note: FeedbackNote, now: datetime) -> bool:
    """Noted means heard: a time typed a little ahead of the clock still gets its thanks."""
    return now < note.received_at + FEEDBACK_THANKS_SHOWN_FOR


def _thanks_item(interview: Interview, notes: list[FeedbackNote], store: Store) -> DueItem:
    """``notes``: newest first, as the store lists them."""
    people = list(dict.fromkeys(n.contact_id for n in notes if n.contact_id is not None))
    names = store.contacts_by_id(people)
    who = ", ".join(names[p].name for p in people if p in names) or "them"
    how = {FeedbackChannel.PHONE: " on the phone", FeedbackChannel.IN_PERSON: " in person"}
    said = how.get(notes[0].channel, "")
    return DueItem(
        key=f"thanks_for_feedback:{interview.id}:{notes[0].id}",
        kind=DueKind.THANKS_FOR_FEEDBACK,
        title=f"Thank {who} for the feedback: {_name(interview)}",
        detail=f"They took the time to tell you{said} how you did. A short thank-you "
        "accepts it graciously and keeps the door open.",
        due_at=notes[0].received_at,
        template_id=BuiltIn.THANKS_FOR_FEEDBACK,
        interview_id=interview.id,
        contact_ids=tuple(people),
    )


# --- the interview-notes request --------------------------------------------------------


def _notes_deadlines(store: Store, now: datetime, replies: list[Reply]) -> list[DueItem]:
    items = []
    followed_up = store.replied_in_thread()
    for request in store.sent_with_template(BuiltIn.INTERVIEW_NOTES_REQUEST):
        assert request.sent_at is not None and request.id is not None
        deadline = request.sent_at + NOTES_DEADLINE
        shown = deadline - NOTES_WARNING <= now <= deadline + NOTES_SHOWN_AFTER
        if not shown or request.header_id in followed_up or _answered(request, replies):
            continue
        items.append(_notes_item(request, deadline, now, chosen_locale(store)))
    return items


def _answered(request: Message, replies: Iterable[Reply]) -> bool:
    assert request.sent_at is not None
    return any(
        r.message_id == request.id
        or (
            r.interview_id is not None
            and r.interview_id == request.interview_id
            and r.received_at >= request.sent_at
        )
        for r in replies
    )


def _notes_item(request: Message, deadline: datetime, now: datetime, locale: str) -> DueItem:
    assert request.sent_at is not None
    days = math.ceil(abs((deadline - now) / timedelta(days=1)))
    asked = f"You asked on {medium_date(request.sent_at, locale)}."
    detail = (
        f"{asked} The one-month deadline for your request passed {days} day(s) ago: overdue."
        if now > deadline
        else f"{asked} The one-month deadline for your request ends in {days} day(s)."
    )
    return DueItem(
        key=f"notes_deadline:{request.id}",
        kind=DueKind.NOTES_DEADLINE,
        title=f"No answer yet to your request for interview notes ({request.subject})",
        detail=detail + " A short, polite reminder in the same thread helps.",
        due_at=deadline - NOTES_WARNING,
        template_id=BuiltIn.NOTES_REQUEST_REMINDER,
        interview_id=request.interview_id,
        contact_ids=(request.contact_id,) if request.contact_id else (),
        reply_to=request.id,
    )


# --- keeping in touch -------------------------------------------------------------------


def _check_ins(store: Store, now: datetime) -> list[DueItem]:
    items = []
    for contact, last_touch in store.check_ins():
        assert contact.id is not None and contact.check_in_days
        interval = timedelta(days=contact.check_in_days)
        if now < last_touch + interval:
            continue
        rounds = (now - last_touch) // interval  # dismissing skips this round, not all
        due_at = last_touch + rounds * interval
        key = f"check_in:{contact.id}:{last_touch.date().isoformat()}"
        items.append(
            DueItem(
                key=key if rounds == 1 else f"{key}:{rounds}",
                kind=DueKind.CHECK_IN,
                title=f"Check in with {contact.name}"
                + (f" ({contact.company})" if contact.company else ""),
                detail=f"They asked to stay in touch; it has been {(now - last_touch).days} "
                "days since you last wrote to each other.",
                due_at=due_at,
                template_id=BuiltIn.KEEPING_IN_TOUCH,
                contact_ids=(contact.id,),
            )
        )
    return items


def _pipeline(store: Store, now: datetime) -> list[DueItem]:
    latest = store.latest_application()
    if latest is None or now - latest < PIPELINE_QUIET:
        return []
    return [
        DueItem(
            key=f"pipeline_low:{latest.date().isoformat()}",
            kind=DueKind.PIPELINE_LOW,
            title="Your pipeline is running low",
            detail=f"No new application logged for {(now - latest).days} days. Applying "
            "steadily keeps one answer from weighing too much.",
            due_at=latest + PIPELINE_QUIET,
        )
    ]
