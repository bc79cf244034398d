"""Lessons drawn from feedback: kept with the notes behind them, ticked as practised,
upgraded into an older data file, carried by a backup, and briefed the day before."""

from __future__ import annotations

import sqlite3
from datetime import datetime, time, timedelta
from pathlib import Path

from composer.afterword import Afterword
from composer.backup import backup
from composer.before_interview import almost_words, briefings, to_review
from composer.paths import resolve
from composer.records import FeedbackNote, Interview, InterviewStatus, Lesson
from composer.restore import restore
from composer.store import MIGRATIONS, SCHEMA_VERSION, Store
from composer.store.schema import add_lessons
from tests.helpers.clock import NOW, SetClock, clock

DAY = timedelta(days=1)


def tomorrow_at(hour: int, now: datetime = NOW) -> datetime:
    """``hour`` o'clock local time on the day after ``now``'s local day."""
    day = now.astimezone().date() + DAY
    return datetime.combine(day, time(hour)).astimezone()


def a_no_with_feedback(store: Store) -> tuple[int, int]:
    no = store.add_interview(
        Interview("Initech", "Analyst", NOW - 9 * DAY, "final", InterviewStatus.REJECTED)
    )
    assert no.id
    note = store.save_feedback(
        FeedbackNote(no.id, "We wanted a stakeholder story.", NOW - 5 * DAY, ["stakeholders"])
    )
    assert note.id
    return no.id, note.id


def test_a_lesson_keeps_its_feedback_and_practised_moves_it_down(store: Store) -> None:
    _, note = a_no_with_feedback(store)
    first = store.save_lesson(Lesson("Prepare a stakeholder story", [note]))
    second = store.save_lesson(Lesson("Ask about the team's roadmap", [note]))
    assert [lesson.text for lesson in store.lessons()] == [second.text, first.text]
    assert first.note_ids == [note] and first.practised_at is None

    assert first.id and second.id
    store.mark_practised(second.id, True)

    [top, done] = store.lessons()
    assert (top.text, done.text) == (first.text, second.text)
    assert done.practised_at is not None and abs(done.practised_at - clock()) < DAY
    store.mark_practised(second.id, False)
    assert store.lesson(second.id).practised_at is None


def test_deleting_the_feedback_unlinks_it_and_deleting_a_lesson_keeps_the_feedback(
    store: Store,
) -> None:
    _, note = a_no_with_feedback(store)
    lesson = store.save_lesson(Lesson("Prepare a stakeholder story", [note]))
    assert lesson.id
    store.delete_lesson(lesson.id)
    assert store.lessons() == [] and len(store.feedback_notes()) == 1
    kept = store.save_lesson(Lesson("Prepare a stakeholder story", [note]))
    store.delete_feedback(note)
    assert kept.id and store.lesson(kept.id).note_ids == []


def test_the_lessons_migration_upgrades_a_version_8_file(tmp_path: Path) -> None:
    path = tmp_path / "v8.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("BEGIN")
    for migrate in MIGRATIONS[:8]:
        migrate(old)
    old.execute("PRAGMA user_version = 8")
    old.execute("INSERT INTO interviews(company, created_at, updated_at) VALUES ('Acme', '', '')")
    old.execute(
        "INSERT INTO feedback_notes(interview_id, received_at, text, created_at) "
        "VALUES (1, '2026-11-01T12:00:00+00:00', 'More depth, please.', '')"
    )
    old.execute("COMMIT")
    old.close()
    assert add_lessons in MIGRATIONS[8:]

    with Store(path, clock=clock) as store:
        assert store.schema_version == SCHEMA_VERSION
        [note] = store.feedback_notes()
        saved = store.save_lesson(Lesson("Go deeper on one project", [note.id or 0]))
        assert store.lessons() == [saved] and saved.note_ids == [note.id]


def test_a_backup_brings_back_the_lessons_and_their_feedback(tmp_path: Path) -> None:
    mine = Afterword.open(resolve(tmp_path / "mine"), keyring_backend=object(), clock=clock)
    fresh = Afterword.open(resolve(tmp_path / "fresh"), keyring_backend=object(), clock=clock)
    try:
        _, note = a_no_with_feedback(mine.store)
        lesson = mine.store.save_lesson(Lesson("Prepare a stakeholder story", [note]))
        assert lesson.id
        mine.store.mark_practised(lesson.id, True)
        restore(fresh, backup(mine, tmp_path / "backup.zip").path)
        assert fresh.store.lessons() == mine.store.lessons()
        [back] = fresh.store.lessons()
        assert back.note_ids == [note] and back.practised_at is not None
        assert [n.id for n in fresh.store.feedback_notes()] == [note]
    finally:
        mine.close()
        fresh.close()


def test_the_briefing_shows_only_the_day_before_a_scheduled_interview(store: Store) -> None:
    _, note = a_no_with_feedback(store)
    store.save_lesson(Lesson("Prepare a stakeholder story", [note]))
    store.add_interview(Interview("Globex", "Data Engineer", tomorrow_at(10)))
    now = SetClock(NOW)

    [card] = briefings(store, now())
    assert card.title == "Tomorrow: Data Engineer at Globex"
    assert [lesson.text for lesson in card.lessons] == ["Prepare a stakeholder story"]
    assert [a.name for a in card.almosts] == ["Analyst, Initech"]
    for other_day in (NOW - DAY, NOW + DAY, NOW + 2 * DAY):
        now.now = other_day
        assert briefings(store, now()) == []


def test_an_interview_that_is_no_longer_scheduled_gets_no_briefing(store: Store) -> None:
    store.add_interview(
        Interview("Globex", "Analyst", tomorrow_at(9), status=InterviewStatus.WITHDRAWN)
    )
    assert briefings(store, NOW) == []


def test_lessons_to_review_are_the_unpractised_then_those_practised_this_month() -> None:
    lessons = [
        Lesson("old habit", practised_at=NOW - 40 * DAY),
        Lesson("recent", practised_at=NOW - 10 * DAY),
        Lesson("to do"),
    ]
    assert [lesson.text for lesson in to_review(lessons, NOW)] == ["to do", "recent"]


def test_the_almosts_are_counted_in_words(store: Store) -> None:
    a_no_with_feedback(store)
    store.add_interview(Interview("Umbrella", "Analyst", NOW - DAY, "Final round"))
    store.add_interview(Interview("Globex", "Data Engineer", tomorrow_at(10)))
    [card] = briefings(store, NOW)
    words = almost_words(card.almosts)
    assert words.startswith("So far you reached the final round at 2 companies:")
    assert "Analyst, Initech (reached the final round)" in words
    assert almost_words([]) == ""
