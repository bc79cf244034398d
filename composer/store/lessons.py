"""Lessons drawn from the feedback, and the notes each one came from."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from composer.errors import RecordNotFound
from composer.records import Lesson
from composer.store.connection import Connection
from composer.store.rows import _iso


class LessonRows(Connection):
    """The lessons and lesson_feedback tables."""

    def save_lesson(self, lesson: Lesson) -> Lesson:
        """Adds or edits a lesson and its links; a note deleted meanwhile is left out."""
        with self.transaction() as db:
            if lesson.id is None:
                cursor = db.execute(
                    "INSERT INTO lessons(text, created_at, practised_at) VALUES (?, ?, ?)",
                    (lesson.text.strip(), self._now(), _iso(lesson.practised_at)),
                )
                lesson.id = cursor.lastrowid
            else:
                self._update_lesson(db, lesson)
            db.execute("DELETE FROM lesson_feedback WHERE lesson_id = ?", (lesson.id,))
            db.executemany(
                "INSERT OR IGNORE INTO lesson_feedback(lesson_id, note_id) "
                "SELECT ?, id FROM feedback_notes WHERE id = ?",
                [(lesson.id, note_id) for note_id in dict.fromkeys(lesson.note_ids)],
            )
        assert lesson.id is not None
        return self.lesson(lesson.id)

    def _update_lesson(self, db: sqlite3.Connection, lesson: Lesson) -> None:
        cursor = db.execute(
            "UPDATE lessons SET text = ?, practised_at = ? WHERE id = ?",
            (lesson.text.strip(), _iso(lesson.practised_at), lesson.id),
        )
        if cursor.rowcount == 0:
            raise RecordNotFound("lesson", lesson.id or 0)

    def mark_practised(self, lesson_id: int, practised: bool) -> None:
        """Ticked with today's date from the clock; unticked, it is to practise again."""
        with self.transaction() as db:
            db.execute(
                "UPDATE lessons SET practised_at = ? WHERE id = ?",
                (self._now() if practised else None, lesson_id),
            )

    def delete_lesson(self, lesson_id: int) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM lessons WHERE id = ?", (lesson_id,))

    def lesson(self, lesson_id: int) -> Lesson:
        found = [lesson for lesson in self.lessons() if lesson.id == lesson_id]
        if not found:
            raise RecordNotFound("lesson", lesson_id)
        return found[0]

    def lessons(self) -> list[Lesson]:
        """Not yet practised first (newest first), then practised (latest ticked first)."""
        rows = self._query(
            "SELECT l.*, (SELECT group_concat(note_id) FROM lesson_feedback f "
            "WHERE f.lesson_id = l.id) AS notes FROM lessons l "
            "ORDER BY practised_at IS NOT NULL, practised_at DESC, created_at DESC, id DESC"
        )
        return [_lesson(row) for row in rows]


def _lesson(row: sqlite3.Row) -> Lesson:
    practised = row["practised_at"]
    return Lesson(
        text=row["text"],
        note_ids=sorted(int(n) for n in row["notes"].split(",")) if row["notes"] else [],
        created_at=datetime.fromisoformat(row["created_at"]),
        practised_at=datetime.fromisoformat(practised) if practised else None,
        id=row["id"],
    )
