"""The fields a template can use, filled from the records.

Empty values are left out on purpose: a template that needs one fails with the field's name
instead of sending a blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from composer.greeting import given_name, greeting_of
from composer.records import Contact, Interview, Participant, Profile, Role
from composer.templates import FieldGroup

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

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
    "interview.date": "the interview's date, e.g. Tuesday 3 November 2026",
    "interview.time": "the interview's time, e.g. 14:30",
    "interview.stage": "the stage or round, e.g. final round",
    "interview.status": "scheduled, done, offer, rejected or withdrawn",
    "interview.topic": "something you discussed, for a personal touch",
    "interview.feedback": "the feedback you received",
    "interview.interviewers": "the interviewers' names, e.g. Ana Lima and Bo Chen",
}


def long_date(moment: datetime) -> str:
    """English on purpose: the app's locale must not leak into a letter's language."""
    return f"{_DAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


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
) -> dict[str, FieldGroup]:
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
        fields["interview"] = FieldGroup(
            "interview", _interview_values(interview, participants), "Interviews"
        )
    return fields


def _interview_values(
    interview: Interview, participants: Sequence[Participant]
) -> dict[str, str | None]:
    moment = interview.scheduled_at.astimezone() if interview.scheduled_at else None  # local
    interviewers = [p.contact.name for p in participants if p.role is Role.INTERVIEWER]
    return {
        "company": interview.company,
        "position": interview.position,
        "date": long_date(moment) if moment else None,
        "time": f"{moment:%H:%M}" if moment else None,
        "stage": interview.stage,
        "status": str(interview.status),
        "topic": interview.topic,
        "feedback": interview.feedback,
        "interviewers": join_names(interviewers),
    }


def sample_fields() -> dict[str, FieldGroup]:
    """Believable values for previewing a template without choosing records."""
    from datetime import datetime, timedelta

    from composer.records import InterviewStatus

    when = (datetime.now() - timedelta(days=1)).replace(hour=14, minute=30)
    interviewer = Contact("Ana Lima", "ana@acme.example", "Acme", "Engineering Lead", id=1)
    return template_fields(
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
    )
