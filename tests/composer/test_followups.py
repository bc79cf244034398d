"""Which follow-ups Afterword offers for an interview, and to whom each goes by default."""

from __future__ import annotations

from datetime import timedelta

import pytest

from composer.followups import suggested_recipients, suggested_templates
from composer.records import Contact, Interview, InterviewStatus, Participant, Role
from tests.helpers.clock import clock


def at(status: InterviewStatus, *, days_from_now: int = -1) -> Interview:
    return Interview("Acme", status=status, scheduled_at=clock() + timedelta(days=days_from_now))


def test_after_a_no_the_gracious_reply_comes_first_and_no_thank_you_is_offered() -> None:
    offered = suggested_templates(at(InterviewStatus.REJECTED), now=clock())
    assert offered[0] == "after_rejection"
    assert "feedback_request" in offered and "thank_you" not in offered


def test_after_withdrawing_only_keeping_in_touch_is_offered() -> None:
    assert suggested_templates(at(InterviewStatus.WITHDRAWN), now=clock()) == ["continued_interest"]


@pytest.mark.parametrize("status", [InterviewStatus.DONE, InterviewStatus.OFFER])
def test_after_the_interview_the_thank_you_comes_first(status: InterviewStatus) -> None:
    assert suggested_templates(at(status), now=clock())[0] == "thank_you"


def test_nothing_is_suggested_before_a_scheduled_interview_has_taken_place() -> None:
    tomorrow = at(InterviewStatus.SCHEDULED, days_from_now=1)
    yesterday = at(InterviewStatus.SCHEDULED, days_from_now=-1)
    assert suggested_templates(tomorrow, now=clock()) == []
    assert suggested_templates(yesterday, now=clock())[0] == "thank_you"
    undated = Interview("Acme", status=InterviewStatus.SCHEDULED)
    assert suggested_templates(undated, now=clock()) == []


def person(contact_id: int | None, role: Role) -> Participant:
    return Participant(Contact(f"Person {contact_id}", id=contact_id), role)


def test_the_thank_you_goes_to_the_interviewers_and_the_notes_request_to_hr() -> None:
    panel = [person(1, Role.INTERVIEWER), person(2, Role.HR), person(3, Role.INTERVIEWER)]
    assert suggested_recipients("thank_you", panel) == [1, 3]
    assert suggested_recipients("interview_notes_request", panel) == [2]


def test_without_an_interviewer_the_recruiter_is_thanked() -> None:
    only_recruiter = [person(4, Role.RECRUITER), person(5, Role.HR)]
    assert suggested_recipients("thank_you", only_recruiter) == [4]
    assert suggested_recipients("interview_notes_request", [person(4, Role.RECRUITER)]) == [4]


def test_a_contact_not_saved_yet_is_never_suggested() -> None:
    assert suggested_recipients("thank_you", [person(None, Role.INTERVIEWER)]) == []
