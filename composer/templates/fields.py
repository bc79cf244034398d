"""The fields a template can use, filled from the records.

Empty values are left out on purpose: a template that needs one fails with the field's name
instead of sending a blank.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from composer import dates
from composer.greeting import given_name, greeting_of
from composer.records import Contact, Interview, Participant, Profile, Role
from composer.templates.built_in import BuiltIn
from composer.templates.rendering import FieldGroup

if TYPE_CHECKING:
    from composer.store import Store

ASK_WHERE = "Compose, in the box above the text"

# What each field means, for the template palette and the docs.
DESCRIPTIONS = {
    "me.name": "your full name (Settings › My profile)",
    "me.first_name": "your first name",
    "me.email": "your email address",
    "me.phone": "your phone number",
    "recipient.name": "the full name of the person you write to",
    "recipient.greeting": 'how to address them after "Dear": Dana, Dr. Okafor (Contacts)',
    "recipient.first_name": "their first name (none for a name like Dr. Okafor)",
    "recipient.email": "their email address",
    "recipient.title": "their job title",
    "recipient.company": "their company",
    "recipient.detail": "something you discussed with this person (panel thank-yous)",
    "interview.company": "the company you interviewed with",
    "interview.position": "the role you interviewed for",
    "interview.date": "the interview's date as Settings › Dates writes it, e.g. Tuesday, "
    "3 November 2026",
    "interview.time": "the interview's time, e.g. 14:30 (or 2:30 PM, by Settings › Dates)",
    "interview.stage": "the stage or round, e.g. final round",
    "interview.status": "scheduled, done, offer, rejected or withdrawn",
    "interview.topic": "something you discussed, for a personal touch",
    "interview.feedback": "the feedback you received",
    "interview.interviewers": "the interviewers' names, e.g. Ana Lima and Bo Chen",
    "interview.other_interviewers": "the interviewers other than the recipient, e.g. Bo Chen",
    "interview.notes_requested": "the date your interview-notes request was sent",
    "feedback.said": "what the recipient said, from the latest note of theirs in Feedback "
    "(its first sentence)",
    "ask.NAME": "your answer to the template's question, asked above the text in Compose "
    "(a header line “ask: NAME = the question”)",
}


def first_name(name: str) -> str:
    """By the greeting's rules: never a title ("Dr."), a surname ("Whitfield, Dana") or a
    shout ("DANA")."""
    return given_name(name)


def join_names(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def template_fields(
    profile: Profile,
    recipient: Contact | None = None,
    interview: Interview | None = None,
    participants: Sequence[Participant] = (),
    detail: str = "",
    *,
    date_locale: str = dates.FALLBACK,
    said: str = "",
    notes_requested: datetime | None = None,
    answers: Mapping[str, str] | None = None,
) -> dict[str, FieldGroup]:
    """``said``: the recipient's latest feedback note; ``answers``: to the template's asks."""
    fields = {
        "me": FieldGroup(
            "me",
            {
                "name": profile.name,
                "first_name": first_name(profile.name),
                "email": profile.email,
                "phone": profile.phone,
            },
            "Settings › My profile",
        )
    }
    if recipient is not None:
        fields["recipient"] = FieldGroup(
            "recipient",
            {
                "name": recipient.name,
                "first_name": first_name(recipient.name),
                "greeting": greeting_of(recipient).text,
                "email": recipient.email,
                "title": recipient.title,
                "company": recipient.company,
                "detail": detail.strip(),  # typed in a one-line box: spaces around are slips
            },
            "Contacts",
        )
    if interview is not None:
        values = _interview_values(interview, participants, recipient, date_locale)
        if notes_requested is not None:
            values["notes_requested"] = dates.long_date(notes_requested, date_locale)
        fields["interview"] = FieldGroup("interview", values, "Interviews")
    fields["feedback"] = FieldGroup("feedback", {"said": first_sentence(said)}, "Feedback")
    typed = {name: answer.strip() for name, answer in (answers or {}).items()}
    fields["ask"] = FieldGroup("ask", typed, ASK_WHERE)
    return fields


def latest_said(store: Store, contact: Contact, interview: Interview | None) -> str:
    """The newest feedback note of this person about this interview: what they said."""
    if interview is None or interview.id is None or contact.id is None:
        return ""
    notes = store.feedback_notes(interview_id=interview.id, contact_id=contact.id)
    return notes[0].text if notes else ""


def notes_requested(store: Store, interview: Interview | None) -> datetime | None:
    """When the latest request for this interview's notes went: a reminder names it."""
    if interview is None or interview.id is None:
        return None
    requests = store.sent_with_template(BuiltIn.INTERVIEW_NOTES_REQUEST)
    sent = [m.sent_at for m in requests if m.interview_id == interview.id and m.sent_at]
    return max(sent, default=None)


QUOTED_WORDS = 25  # a quote longer than this would be most of a short message


def first_sentence(text: str) -> str:
    """A long note shortened to its first sentence (and that to its first words), its full
    stop left to the template."""
    flat = " ".join(text.split())
    words = re.split(r"(?<=[.!?])\s", flat, maxsplit=1)[0].rstrip(".").split(" ")
    return " ".join(words[:QUOTED_WORDS]) + ("…" if len(words) > QUOTED_WORDS else "")


def _interview_values(
    interview: Interview,
    participants: Sequence[Participant],
    recipient: Contact | None,
    date_locale: str,
) -> dict[str, str | None]:
    moment = interview.scheduled_at
    interviewers = [p.contact for p in participants if p.role is Role.INTERVIEWER]
    others = [c.name for c in interviewers if recipient is None or not _same(c, recipient)]
    return {
        "company": interview.company,
        "position": interview.position,
        "date": dates.long_date(moment, date_locale) if moment else None,
        "time": dates.short_time(moment, date_locale) if moment else None,
        "stage": interview.stage,
        "status": str(interview.status),
        "topic": interview.topic,
        "feedback": interview.feedback,
        "interviewers": join_names([c.name for c in interviewers]),
        "other_interviewers": join_names(others),
    }


def _same(one: Contact, other: Contact) -> bool:
    if one.id is not None and other.id is not None:
        return one.id == other.id
    return one.email.strip().lower() == other.email.strip().lower() != ""


def sample_fields(
    date_locale: str = dates.FALLBACK, now: datetime | None = None
) -> dict[str, FieldGroup]:
    """Believable values for previewing a template without choosing records: an interview
    yesterday afternoon (``now``: the app's clock; a preview needs no exact day)."""
    from datetime import timedelta

    from composer.records import InterviewStatus

    today = (now or datetime(2026, 11, 18, tzinfo=UTC)).astimezone()
    when = (today - timedelta(days=1)).replace(hour=14, minute=30, second=0, microsecond=0)
    interviewer = Contact("Ana Lima", "ana@acme.example", "Acme", "Engineering Lead", id=1)
    fields = template_fields(
        Profile("Sam Rivera", "sam@example.org", "+1 555 0100"),
        interviewer,
        Interview(
            "Acme",
            "Data Engineer",
            when.astimezone(),
            "final round",
            InterviewStatus.DONE,
            topic="streaming pipelines",
            feedback="Strong on design; wanted more SQL depth.",
        ),
        [Participant(interviewer, Role.INTERVIEWER)],
        detail="",
        said="Strong on system design; we wanted more depth in SQL.",
        date_locale=date_locale,
        notes_requested=when.astimezone() - timedelta(days=26),
    )
    fields["ask"] = _SampleAnswers("ask", {}, ASK_WHERE)
    return fields


class _SampleAnswers(FieldGroup):
    """Any question a template asks, answered with a placeholder for the preview."""

    def __missing__(self, name: str) -> str:
        return f"[your answer to “{name}”]"
