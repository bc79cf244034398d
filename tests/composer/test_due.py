"""Due today: each kind of reminder appears when its condition holds and not otherwise, and
goes away when the follow-up is sent, snoozed, dismissed or a reply is noted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from composer.due import DueItem, DueKind, due_items
from composer.records import (
    Contact,
    Interview,
    InterviewStatus,
    Message,
    MessageState,
    Reply,
    Role,
)
from composer.store import Store
from tests.helpers.clock import SetClock as Clock

T = datetime(2026, 11, 3, 14, 30, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


@pytest.fixture
def clock() -> Clock:
    return Clock(T - DAY)  # records are logged the day before the interview


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    with Store(tmp_path / "afterword.sqlite3", clock=clock) as opened:
        yield opened


def due(store: Store, now: datetime, kind: DueKind | None = None) -> list[DueItem]:
    return [item for item in due_items(store, now) if kind is None or item.kind is kind]


def person(store: Store, name: str, **extra: object) -> int:
    contact = store.add_contact(Contact(name, f"{name.split()[0].lower()}@acme.example", **extra))  # type: ignore[arg-type]
    assert contact.id is not None
    return contact.id


def interview(
    store: Store,
    people: list[tuple[int, Role]],
    status: InterviewStatus = InterviewStatus.SCHEDULED,
    when: datetime = T,
) -> int:
    added = store.add_interview(Interview("Acme", "Data Engineer", when, status=status))
    assert added.id is not None
    store.set_participants(added.id, people)
    return added.id


def send(
    store: Store, clock: Clock, at: datetime, template: str, contact: int, about: int | None
) -> int:
    """A message through the states the outbox takes it, sent at ``at``."""
    clock.now = at
    message = store.save_message(
        Message(
            "Subject",
            "Body",
            ["someone@acme.example"],
            template_id=template,
            contact_id=contact,
            interview_id=about,
            state=MessageState.QUEUED,
        )
    )
    assert message.id is not None and store.claim_for_sending(message.id)
    store.record_outgoing(message.id, f"<{message.id}@example.org>", b"raw")
    store.mark_sent(message.id, "250 OK")
    return message.id


# --- thank-you --------------------------------------------------------------------------


def test_a_thank_you_is_due_after_the_interview_took_place(store: Store) -> None:
    ana = person(store, "Ana Lima")
    about = interview(store, [(ana, Role.INTERVIEWER)])
    assert due(store, T - HOUR, DueKind.THANK_YOU) == [], "not before it took place"
    [item] = due(store, T + 2 * HOUR, DueKind.THANK_YOU)
    assert item.template_id == "thank_you" and item.contact_ids == (ana,)
    assert item.interview_id == about and not item.overdue
    assert due(store, T + 30 * HOUR, DueKind.THANK_YOU)[0].overdue, "a day has passed"
    assert due(store, T + 8 * DAY, DueKind.THANK_YOU) == [], "a week later it is too late"


def test_no_thank_you_for_an_interview_withdrawn_or_rejected(store: Store) -> None:
    ana = person(store, "Ana Lima")
    interview(store, [(ana, Role.INTERVIEWER)], InterviewStatus.WITHDRAWN)
    interview(store, [(ana, Role.INTERVIEWER)], InterviewStatus.REJECTED)
    assert due(store, T + 2 * HOUR, DueKind.THANK_YOU) == []


def test_a_thank_you_sent_clears_it_and_a_panel_waits_for_the_others(
    store: Store, clock: Clock
) -> None:
    ana, bo = person(store, "Ana Lima"), person(store, "Bo Chen")
    about = interview(store, [(ana, Role.INTERVIEWER), (bo, Role.INTERVIEWER)])
    send(store, clock, T + HOUR, "thank_you", ana, about)
    [item] = due(store, T + 2 * HOUR, DueKind.THANK_YOU)
    assert item.contact_ids == (bo,), "only the one not yet thanked"
    send(store, clock, T + 2 * HOUR, "thank_you", bo, about)
    assert due(store, T + 3 * HOUR, DueKind.THANK_YOU) == []


def test_a_queued_thank_you_already_counts(store: Store) -> None:
    ana = person(store, "Ana Lima")
    about = interview(store, [(ana, Role.INTERVIEWER)])
    store.save_message(
        Message("S", "B", ["ana@acme.example"], template_id="thank_you", contact_id=ana,
                interview_id=about, state=MessageState.QUEUED)
    )  # fmt: skip
    assert due(store, T + 2 * HOUR, DueKind.THANK_YOU) == []


def test_snoozed_comes_back_later_and_dismissed_stays_away(store: Store) -> None:
    ana = person(store, "Ana Lima")
    interview(store, [(ana, Role.INTERVIEWER)])
    [item] = due(store, T + HOUR)
    store.snooze_due(item.key, T + 5 * HOUR)
    assert due(store, T + 4 * HOUR) == []
    assert [i.key for i in due(store, T + 6 * HOUR)] == [item.key]
    store.dismiss_due(item.key)
    assert due(store, T + 7 * HOUR) == []


def test_a_reply_noted_stops_the_thank_you(store: Store) -> None:
    ana = person(store, "Ana Lima")
    about = interview(store, [(ana, Role.INTERVIEWER)])
    store.add_reply(Reply(T - DAY, "confirming the time", interview_id=about, contact_id=ana))
    assert len(due(store, T + HOUR, DueKind.THANK_YOU)) == 1, "a reply before it: still due"
    store.add_reply(Reply(T + 2 * HOUR, "thanks for coming", interview_id=about, contact_id=ana))
    assert due(store, T + 3 * HOUR, DueKind.THANK_YOU) == []


# --- after a rejection ------------------------------------------------------------------


def test_after_a_rejection_one_gracious_reply_is_due(store: Store, clock: Clock) -> None:
    ana, hr = person(store, "Ana Lima"), person(store, "Harriet Ross")
    people = [(ana, Role.INTERVIEWER), (hr, Role.HR)]
    interview(store, people, InterviewStatus.DONE, when=T - 10 * DAY)
    assert due(store, T + 2 * DAY) == [], "no answer yet: nothing to reply to"
    about = interview(store, people, InterviewStatus.REJECTED)
    [item] = due(store, T + 2 * DAY)
    assert item.template_id == "after_rejection" and item.contact_ids == (ana,)
    assert item.key == f"no_hard_feelings:{about}", "snoozes and dismissals made before hold"
    send(store, clock, T + 2 * DAY, "after_rejection", ana, about)
    assert due(store, T + 3 * DAY) == []


@pytest.mark.parametrize("template", ["no_hard_feelings", "feedback_request"])
def test_either_of_the_separate_replies_sent_answers_the_rejection_too(
    store: Store, clock: Clock, template: str
) -> None:
    ana = person(store, "Ana Lima")
    about = interview(store, [(ana, Role.INTERVIEWER)], InterviewStatus.REJECTED)
    send(store, clock, T + 2 * DAY, template, ana, about)
    assert due(store, T + 3 * DAY) == []


def test_a_dismissed_gracious_reply_stays_dismissed(store: Store) -> None:
    ana = person(store, "Ana Lima")
    about = interview(store, [(ana, Role.INTERVIEWER)], InterviewStatus.REJECTED)
    store.dismiss_due(f"no_hard_feelings:{about}")  # the key it had before it was one message
    assert due(store, T + 2 * DAY) == []


def test_a_reply_after_a_rejection_stops_its_follow_ups(store: Store) -> None:
    ana = person(store, "Ana Lima")
    about = interview(store, [(ana, Role.INTERVIEWER)], InterviewStatus.REJECTED)
    assert len(due(store, T + 2 * DAY)) == 1
    store.add_reply(Reply(T + DAY, "happy to talk", interview_id=about, contact_id=ana))
    assert due(store, T + 2 * DAY) == []


def test_the_no_itself_noted_as_a_reply_still_leaves_the_gracious_answer_due(
    store: Store, clock: Clock
) -> None:
    """A "no" usually comes as an answer to the thank-you: noted on the thread (by the
    mailbox or by hand) before the interview is marked rejected, it is what to answer."""
    ana = person(store, "Ana Lima")
    about = interview(store, [(ana, Role.INTERVIEWER)], InterviewStatus.DONE)
    store.add_reply(Reply(T + 3 * DAY, "we went with another candidate", interview_id=about))
    clock.now = T + 3 * DAY + HOUR
    rejected = store.interview(about)
    rejected.status = InterviewStatus.REJECTED
    store.update_interview(rejected)

    kinds = {item.kind for item in due(store, T + 3 * DAY + 2 * HOUR)}

    assert kinds == {DueKind.NO_HARD_FEELINGS}


# --- the interview-notes request --------------------------------------------------------


def test_an_unanswered_notes_request_is_due_as_its_deadline_nears(
    store: Store, clock: Clock
) -> None:
    hr = person(store, "Harriet Ross")
    about = interview(store, [(hr, Role.HR)], InterviewStatus.DONE, when=T - 60 * DAY)
    request = send(store, clock, T, "interview_notes_request", hr, about)
    assert due(store, T + 22 * DAY, DueKind.NOTES_DEADLINE) == []
    [item] = due(store, T + 24 * DAY, DueKind.NOTES_DEADLINE)
    assert item.reply_to == request and item.contact_ids == (hr,)
    assert item.template_id == "notes_request_reminder" and "ends in 6 day" in item.detail
    assert due(store, T + 31 * DAY, DueKind.NOTES_DEADLINE)[0].overdue
    store.add_reply(Reply(T + 25 * DAY, "attached", message_id=request, contact_id=hr))
    assert due(store, T + 31 * DAY, DueKind.NOTES_DEADLINE) == []


def test_a_notes_request_answered_on_its_interview_is_not_due(store: Store, clock: Clock) -> None:
    hr = person(store, "Harriet Ross")
    about = interview(store, [(hr, Role.HR)], InterviewStatus.DONE, when=T - 60 * DAY)
    send(store, clock, T, "interview_notes_request", hr, about)
    store.add_reply(Reply(T + 3 * DAY, "we are on it", interview_id=about))
    assert due(store, T + 25 * DAY, DueKind.NOTES_DEADLINE) == []


# --- keeping in touch -------------------------------------------------------------------


def test_a_check_in_is_due_after_the_interval_and_again_after_writing(
    store: Store, clock: Clock
) -> None:
    clock.now = T
    ana = person(store, "Ana Lima", check_in_days=30)
    person(store, "Bo Chen")  # did not ask: never due
    assert due(store, T + 29 * DAY, DueKind.CHECK_IN) == []
    [item] = due(store, T + 31 * DAY, DueKind.CHECK_IN)
    assert item.contact_ids == (ana,) and item.template_id == "keeping_in_touch"
    send(store, clock, T + 31 * DAY, "keeping_in_touch", ana, None)
    assert due(store, T + 32 * DAY, DueKind.CHECK_IN) == []
    assert len(due(store, T + 62 * DAY, DueKind.CHECK_IN)) == 1, "the next interval"
    store.add_reply(Reply(T + 60 * DAY, "lovely to hear", contact_id=ana))
    assert due(store, T + 62 * DAY, DueKind.CHECK_IN) == [], "they wrote: the clock restarts"


def test_a_check_in_waiting_in_the_outbox_is_not_due_again(store: Store, clock: Clock) -> None:
    clock.now = T
    ana = person(store, "Ana Lima", check_in_days=30)
    clock.now = T + 31 * DAY
    store.save_message(
        Message(
            "Hello again",
            "Body",
            ["ana@acme.example"],
            template_id="keeping_in_touch",
            contact_id=ana,
            state=MessageState.QUEUED,
        )
    )
    assert due(store, T + 32 * DAY, DueKind.CHECK_IN) == [], "written: it goes with the next send"


def test_dismissing_a_check_in_skips_that_round_only(store: Store, clock: Clock) -> None:
    clock.now = T
    person(store, "Ana Lima", check_in_days=30)
    [item] = due(store, T + 31 * DAY, DueKind.CHECK_IN)
    store.dismiss_due(item.key)
    assert due(store, T + 45 * DAY, DueKind.CHECK_IN) == []
    [again] = due(store, T + 61 * DAY, DueKind.CHECK_IN)
    assert again.due_at == T + 60 * DAY, "she asked to hear every 30 days"


# --- the pipeline -----------------------------------------------------------------------


def test_the_pipeline_running_low_is_due_after_two_quiet_weeks(store: Store, clock: Clock) -> None:
    assert due(store, T, DueKind.PIPELINE_LOW) == [], "nothing logged yet: nothing to say"
    clock.now = T
    interview(store, [])
    assert due(store, T + 13 * DAY, DueKind.PIPELINE_LOW) == []
    [item] = due(store, T + 15 * DAY, DueKind.PIPELINE_LOW)
    store.dismiss_due(item.key)
    assert due(store, T + 16 * DAY, DueKind.PIPELINE_LOW) == []
    clock.now = T + 16 * DAY
    interview(store, [], when=T + 20 * DAY)  # a new application: the lull is over
    assert due(store, T + 17 * DAY, DueKind.PIPELINE_LOW) == []
    assert len(due(store, T + 31 * DAY, DueKind.PIPELINE_LOW)) == 1, "a new lull, a new item"


def test_an_application_date_counts_not_when_it_was_typed_in(store: Store, clock: Clock) -> None:
    clock.now = T + 20 * DAY
    store.add_interview(Interview("Acme", applied_at=T))  # logged late, applied long ago
    assert len(due(store, T + 20 * DAY, DueKind.PIPELINE_LOW)) == 1


# --- found in review: reminders that stayed when they should not ------------------------


def test_one_thank_you_to_both_interviewers_thanks_both(store: Store, clock: Clock) -> None:
    ana, bo = person(store, "Ana Lima"), person(store, "Bo Chen")
    about = interview(store, [(ana, Role.INTERVIEWER), (bo, Role.INTERVIEWER)])
    clock.now = T + HOUR
    message = store.save_message(
        Message("Thank you", "Thank you both", ["Ana <ana@acme.example>", "Bo <BO@acme.example>"],
                template_id="thank_you", contact_id=ana, interview_id=about,
                state=MessageState.QUEUED)
    )  # fmt: skip
    assert message.id is not None
    assert due(store, T + 2 * HOUR, DueKind.THANK_YOU) == [], "not a second one to Bo"


def test_rejection_reminders_are_shown_for_a_month_after_the_no(store: Store, clock: Clock) -> None:
    ana = person(store, "Ana Lima")
    about = interview(store, [(ana, Role.INTERVIEWER)])  # scheduled, logged at T - 1 day
    clock.now = T + 5 * DAY  # the answer comes five days after the interview
    rejected = store.interview(about)
    rejected.status = InterviewStatus.REJECTED
    store.update_interview(rejected)
    after = (DueKind.NO_HARD_FEELINGS,)
    assert [i.kind for i in due(store, T + 34 * DAY) if i.kind in after] == list(after), (
        "a month from the no, not from the interview"
    )
    assert not [i for i in due(store, T + 36 * DAY) if i.kind in after], "long past"
    clock.now = T + 6 * DAY
    rejected.notes = "they said the role was filled internally"
    store.update_interview(rejected)
    assert [i.kind for i in due(store, T + 34 * DAY) if i.kind in after] == list(after), (
        "editing the notes does not move the date"
    )


def test_a_reminder_sent_in_the_notes_thread_clears_it_and_it_ends_after_a_month(
    store: Store, clock: Clock
) -> None:
    hr = person(store, "Harriet Ross")
    about = interview(store, [(hr, Role.HR)], InterviewStatus.DONE, when=T - 60 * DAY)
    request = send(store, clock, T, "interview_notes_request", hr, about)
    assert due(store, T + 61 * DAY, DueKind.NOTES_DEADLINE) == [], "a month past the deadline"
    assert len(due(store, T + 40 * DAY, DueKind.NOTES_DEADLINE)) == 1
    clock.now = T + 25 * DAY
    store.save_message(
        Message("Reminder", "Any news?", ["hr@acme.example"], template_id="notes_request_reminder",
                contact_id=hr, interview_id=about, state=MessageState.QUEUED,
                in_reply_to=f"<{request}@example.org>")
    )  # fmt: skip
    assert due(store, T + 26 * DAY, DueKind.NOTES_DEADLINE) == []
