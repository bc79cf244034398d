"""Interviews and who took part in them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from composer.errors import RecordNotFound
from composer.records import Interview, Participant, Role
from composer.store import interview_search
from composer.store.connection import Connection
from composer.store.rows import _contact, _interview, _iso


class InterviewRows(Connection):
    """The interviews and interview_contacts tables."""

    _interviews_seen: interview_search.InterviewTexts

    @staticmethod
    def _interview_values(interview: Interview) -> tuple[str | None, ...]:
        return (
            interview.company,
            interview.position,
            _iso(interview.scheduled_at),
            interview.stage,
            str(interview.status),
            interview.notes,
            interview.feedback,
            interview.topic,
            _iso(interview.applied_at),
        )

    def add_interview(self, interview: Interview) -> Interview:
        now = self._now()
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO interviews(company, position, scheduled_at, stage, status, notes, "
                "feedback, topic, applied_at, created_at, updated_at, status_changed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *self._interview_values(interview)[:-1],
                    _iso(interview.applied_at) or now,
                    now,
                    now,
                    now,
                ),
            )
        interview.id = cursor.lastrowid
        return interview

    def update_interview(self, interview: Interview) -> None:
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE interviews SET company = ?1, position = ?2, scheduled_at = ?3, "
                "stage = ?4, status = ?5, notes = ?6, feedback = ?7, topic = ?8, "
                "applied_at = COALESCE(?9, applied_at), updated_at = ?10, "
                "status_changed_at = CASE WHEN status = ?5 THEN status_changed_at ELSE ?10 END "
                "WHERE id = ?11",  # (in SET, "status" is still the value before the update)
                (*self._interview_values(interview), self._now(), interview.id),
            )
        if cursor.rowcount == 0:
            raise RecordNotFound("interview", interview.id or 0)

    def delete_interview(self, interview_id: int) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM interviews WHERE id = ?", (interview_id,))

    def interview(self, interview_id: int) -> Interview:
        rows = self._query("SELECT * FROM interviews WHERE id = ?", (interview_id,))
        if not rows:
            raise RecordNotFound("interview", interview_id)
        return _interview(rows[0])

    def interviews(self) -> list[Interview]:
        rows = self._query("SELECT * FROM interviews ORDER BY scheduled_at DESC, id DESC")
        return [_interview(row) for row in rows]

    def interview_ids(self, now: datetime | None = None, limit: int = -1) -> list[int]:
        """Upcoming first (soonest first), then past ones (most recent first), then undated;
        with ``limit``, only the first so many: a picker needs the ones that matter now."""
        moment = _iso(now or self._clock())
        rows = self._query(
            "SELECT id FROM interviews ORDER BY "
            "CASE WHEN scheduled_at IS NULL THEN 2 WHEN scheduled_at >= ?1 THEN 0 ELSE 1 END, "
            "CASE WHEN scheduled_at >= ?1 THEN scheduled_at END ASC, "
            "scheduled_at DESC, id DESC LIMIT ?2",
            (moment, limit),
        )
        return [row[0] for row in rows]

    def interview_ids_found(self, search: str) -> list[int]:
        """The list as ``interview_ids`` orders it, of the interviews with every word of
        ``search`` in their company, position, stage, status or people's names."""
        ids, words = self.interview_ids(), interview_search.words_of(search)
        if not words:
            return ids
        version = (self._db.execute("PRAGMA data_version").fetchone()[0], self._db.total_changes)
        texts = self._interviews_seen.texts(
            version, lambda: self._query(interview_search.SEARCHABLE)
        )
        return interview_search.matching(ids, texts, words)

    def interview_choices(self, limit: int, chosen: int | None = None) -> list[Interview]:
        """What a picker lists: the interviews that matter now (upcoming, then recent), and
        the chosen one even if it is older."""
        ids = self.interview_ids(limit=limit)
        if chosen is not None and chosen not in ids:
            ids.append(chosen)
        found = self.interviews_by_id(ids)
        return [found[i] for i in ids if i in found]

    def interviews_by_id(self, ids: Sequence[int]) -> dict[int, Interview]:
        return {i.id: i for i in map(_interview, self._rows_by_id("interviews", ids)) if i.id}

    def set_participants(self, interview_id: int, people: Sequence[tuple[int, Role]]) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM interview_contacts WHERE interview_id = ?", (interview_id,))
            db.executemany(
                "INSERT INTO interview_contacts(interview_id, contact_id, role) VALUES (?, ?, ?)",
                [(interview_id, contact_id, str(role)) for contact_id, role in people],
            )

    def participants(self, interview_id: int) -> list[Participant]:
        rows = self._query(
            "SELECT c.*, ic.role FROM interview_contacts ic JOIN contacts c ON c.id = "
            "ic.contact_id WHERE ic.interview_id = ? ORDER BY ic.rowid",
            (interview_id,),
        )
        return [Participant(_contact(row), Role(row["role"])) for row in rows]
