"""Which follow-up fits an interview, and to whom it goes."""

from __future__ import annotations

from datetime import UTC, datetime

from composer.records import Interview, InterviewStatus, Participant, Role
from composer.templates import BuiltIn


def suggested_templates(interview: Interview, now: datetime | None = None) -> list[BuiltIn]:
    """The follow-ups a careful person sends at this point, most fitting first."""
    moment = now or datetime.now(UTC)
    match interview.status:
        case InterviewStatus.REJECTED:
            return [
                BuiltIn.AFTER_REJECTION,  # the one reply: thanks, no hard feelings, one question
                BuiltIn.NO_HARD_FEELINGS,
                BuiltIn.FEEDBACK_REQUEST,
                BuiltIn.INTERVIEW_NOTES_REQUEST,
            ]
        case InterviewStatus.WITHDRAWN:
            return [BuiltIn.CONTINUED_INTEREST]
        case InterviewStatus.DONE | InterviewStatus.OFFER:
            return [BuiltIn.THANK_YOU, BuiltIn.CONTINUED_INTEREST]
    if interview.scheduled_at is not None and interview.scheduled_at <= moment:
        return [BuiltIn.THANK_YOU, BuiltIn.CONTINUED_INTEREST]  # it has taken place
    return []


def suggested_recipients(template_id: str, participants: list[Participant]) -> list[int]:
    """HR for the notes request; otherwise the interviewers, else the recruiter."""
    wanted = (Role.HR,) if template_id == BuiltIn.INTERVIEW_NOTES_REQUEST else (Role.INTERVIEWER,)
    chosen = [p.contact.id for p in participants if p.role in wanted and p.contact.id]
    if not chosen:
        chosen = [p.contact.id for p in participants if p.role is Role.RECRUITER and p.contact.id]
    return chosen
