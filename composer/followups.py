"""Which follow-up fits an interview, and to whom it goes."""

from __future__ import annotations

from datetime import UTC, datetime

from composer.records import Interview, InterviewStatus, Participant, Role


def suggested_templates(interview: Interview, now: datetime | None = None) -> list[str]:
    """The follow-ups a careful person sends at this point, most fitting first."""
    moment = now or datetime.now(UTC)
    match interview.status:
        case InterviewStatus.REJECTED:
            return [
                "after_rejection",  # the one reply: thanks, no hard feelings, one question
                "no_hard_feelings",
                "feedback_request",
                "interview_notes_request",
            ]
        case InterviewStatus.WITHDRAWN:
            return ["continued_interest"]
        case InterviewStatus.DONE | InterviewStatus.OFFER:
            return ["thank_you", "continued_interest"]
    if interview.scheduled_at is not None and interview.scheduled_at <= moment:
        return ["thank_you", "continued_interest"]  # it has taken place
    return []


def suggested_recipients(template_id: str, participants: list[Participant]) -> list[int]:
    """HR for the notes request; otherwise the interviewers, else the recruiter."""
    wanted = (Role.HR,) if template_id == "interview_notes_request" else (Role.INTERVIEWER,)
    chosen = [p.contact.id for p in participants if p.role in wanted and p.contact.id]
    if not chosen:
        chosen = [p.contact.id for p in participants if p.role is Role.RECRUITER and p.contact.id]
    return chosen
