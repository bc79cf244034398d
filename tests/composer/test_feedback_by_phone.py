"""Feedback by phone: a call is noted in the feedback log, marked as a call; Today offers the
call beside the email after a "no", and the thanks for the feedback once it is noted."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from composer.afterword import Afterword
from composer.backup import backup
from composer.due import DueItem, DueKind, due_items
from composer.paths import resolve
from composer.phone_call import tel_url
from composer.records import (
    Contact,
    FeedbackChannel,
    FeedbackNote,
    Interview,
    InterviewStatus,
    Message,
    MessageState,
    Role,
)
from composer.restore import restore
from composer.store import MIGRATIONS, SCHEMA_VERSION, Store
from composer.timeline import contact_timeline, interview_timeline
from tests.helpers.clock import SetClock as Clock

T = datetime(2026, 11, 3, 14, 30, tzinfo=UTC)
DAY = timedelta(days=1)
LONDON = "+44 20 7946 0000"


@pytest.fixture
def clock() -> Clock:
    return Clock(T)


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    with Store(tmp_path / "afterword.sqlite3", clock=clock) as opened:
        yield opened


def person(store: Store, name: str, phone: str = "") -> int:
    email = f"{name.split()[0].lower()}@acme.example"
    contact = store.add_contact(Contact(name, email, "Acme", phone=phone))
    assert contact.id is not None
    return contact.id


def rejected(store: Store, people: list[tuple[int, Role]]) -> int:
    """An interview whose "no" is recorded at the clock's time."""
    added = store.add_interview(
        Interview("Acme", "Data Engineer", T - 5 * DAY, status=InterviewStatus.REJECTED)
    )
    assert added.id is not None
    store.set_participants(added.id, people)
    return added.id


def call(store: Store, interview_id: int, contact_id: int, at: datetime) -> FeedbackNote:
    said = "You were strong on design; we wanted more depth in SQL."
    return store.save_feedback(
        FeedbackNote(
            interview_id, said, at, ["sql"], contact_id=contact_id, channel=FeedbackChannel.PHONE
        )
    )


def due(store: Store, now: datetime, kind: DueKind) -> list[DueItem]:
    return [item for item in due_items(store, now) if item.kind is kind]


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        (LONDON, "tel:+442079460000"),
        ("0044 (20) 7946-0000", "tel:+442079460000"),
        ("020 7946 0000 ", "tel:02079460000"),
        ("ext. 12", None),
        ("", None),
    ],
)
def test_a_number_becomes_a_tel_link_of_digits_and_plus_only(typed: str, url: str | None) -> None:
    assert tel_url(typed) == url


def test_after_a_no_today_offers_to_call_the_recruiter_who_has_a_number(store: Store) -> None:
    ana = person(store, "Ana Lima", phone="+44 20 7946 1111")
    rita = person(store, "Rita Recruiter", phone=LONDON)
    rejected(store, [(ana, Role.INTERVIEWER), (rita, Role.RECRUITER)])
    [item] = due(store, T + DAY, DueKind.NO_HARD_FEELINGS)
    assert item.template_id == "after_rejection", "the email stays the first suggestion"
    assert item.call is not None and item.call.contact_id == rita, "the recruiter first"
    assert item.call.url == "tel:+442079460000"
    assert item.call.label == f"Call Rita Recruiter ({LONDON})" and item.call.label in item.detail


def test_no_call_is_offered_when_no_one_has_a_number(store: Store) -> None:
    rejected(store, [(person(store, "Ana Lima"), Role.RECRUITER)])
    [item] = due(store, T + DAY, DueKind.NO_HARD_FEELINGS)
    assert item.call is None and "phone" not in item.detail


def test_a_call_noted_answers_the_no_and_brings_the_thanks_for_the_feedback(
    store: Store, clock: Clock
) -> None:
    rita = person(store, "Rita Recruiter", phone=LONDON)
    about = rejected(store, [(rita, Role.RECRUITER)])
    assert due(store, T + DAY, DueKind.THANKS_FOR_FEEDBACK) == [], "not before the call"

    call(store, about, rita, T + DAY)

    assert due(store, T + DAY, DueKind.NO_HARD_FEELINGS) == [], "they were asked by phone"
    [thanks] = due(store, T + DAY, DueKind.THANKS_FOR_FEEDBACK)
    assert thanks.template_id == "thanks_for_feedback" and thanks.contact_ids == (rita,)
    assert thanks.interview_id == about and "on the phone" in thanks.detail
    assert due(store, T + 15 * DAY, DueKind.THANKS_FOR_FEEDBACK) == [], "two weeks on: stale"

    clock.now = T + 2 * DAY
    message = store.save_message(
        Message(
            "Thank you",
            "Thanks",
            ["rita@acme.example"],
            template_id="thanks_for_feedback",
            contact_id=rita,
            interview_id=about,
            state=MessageState.QUEUED,
        )
    )
    assert message.id is not None
    assert due(store, T + 2 * DAY, DueKind.THANKS_FOR_FEEDBACK) == [], "never thank twice"


def test_a_call_shows_as_one_in_the_interviews_and_the_contacts_timeline(store: Store) -> None:
    rita = person(store, "Rita Recruiter", phone=LONDON)
    about = rejected(store, [(rita, Role.RECRUITER)])
    note = call(store, about, rita, T + DAY)
    for events in (interview_timeline(store, about), contact_timeline(store, rita)):
        [event] = [e for e in events if e.record_id == note.id and e.kind == "feedback"]
        assert event.title == "Feedback by phone [sql]" and "depth in SQL" in event.detail


def test_migration_9_keeps_the_feedback_of_a_version_8_file_as_emailed(tmp_path: Path) -> None:
    path = tmp_path / "v8.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    for number, migration in enumerate(MIGRATIONS[:8], start=1):
        old.execute("BEGIN")
        migration(old)
        old.execute(f"PRAGMA user_version = {number}")
        old.execute("COMMIT")
    old.execute(
        "INSERT INTO interviews(company, status, created_at, updated_at) "
        "VALUES ('Acme', 'rejected', '2026-01-01', '2026-01-01')"
    )
    old.execute(
        "INSERT INTO feedback_notes(interview_id, received_at, text, kind, created_at) "
        "VALUES (1, '2026-01-02T12:00:00+00:00', 'Close second.', 1, '2026-01-02')"
    )
    old.close()

    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION >= 9
        [note] = store.feedback_notes()
        assert (note.text, note.kind, note.channel) == ("Close second.", True, "email")


def test_a_backup_made_after_a_call_restores_it_as_a_call(tmp_path: Path) -> None:
    mine = Afterword.open(resolve(tmp_path / "mine"), keyring_backend=object(), clock=Clock(T))
    fresh = Afterword.open(resolve(tmp_path / "new"), keyring_backend=object(), clock=Clock(T))
    try:
        rita = person(mine.store, "Rita Recruiter", phone=LONDON)
        about = rejected(mine.store, [(rita, Role.RECRUITER)])
        call(mine.store, about, rita, T + DAY)
        restore(fresh, backup(mine, tmp_path / "backup.zip").path)
        assert fresh.store.feedback_notes() == mine.store.feedback_notes()
        assert [n.channel for n in fresh.store.feedback_notes()] == [FeedbackChannel.PHONE]
    finally:
        mine.close()
        fresh.close()
