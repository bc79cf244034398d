"""What Outbox & Sent lists, read on a read-only connection of its own so that 50,000
messages never hold the window up (composer/sent_list.py says what is listed)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from composer.errors import StorageError
from composer.store.connection import Connection

# An address as stored in JSON ("Ana Lima <ana@x.org>" or "ana@x.org"), bare, lower case.
_BARE = (
    "lower(CASE WHEN instr(a.value, '<') > 0 THEN substr(a.value, instr(a.value, '<') + 1, "
    "instr(a.value, '>') - instr(a.value, '<') - 1) ELSE trim(a.value) END)"
)
_SENT_SINCE = (
    "FROM messages s WHERE s.interview_id = d.interview_id AND s.template_id = d.template_id "
    "AND s.state = 'sent' AND s.sent_at >= d.created_at"
)
# A draft none of whose addresses is missing from the follow-ups sent since it was made (an
# address is found as a whole JSON string, or between < and >); one with no address yet:
# its contact was sent the follow-up. All in SQLite: 250 drafts take a few ms.
_OBSOLETE = f"""
SELECT d.id FROM messages d
WHERE d.state = 'draft' AND d.interview_id IS NOT NULL AND d.template_id IS NOT NULL
AND EXISTS (SELECT 1 {_SENT_SINCE})
AND CASE WHEN json_array_length(d.to_addrs) + json_array_length(d.cc_addrs) = 0
    THEN EXISTS (SELECT 1 {_SENT_SINCE} AND s.contact_id = d.contact_id)
    ELSE NOT EXISTS (
        SELECT 1 FROM (SELECT value FROM json_each(d.to_addrs)
                       UNION ALL SELECT value FROM json_each(d.cc_addrs)) a
        WHERE NOT EXISTS (
            SELECT 1 {_SENT_SINCE}
            AND (instr(lower(s.to_addrs || s.cc_addrs), '"' || {_BARE} || '"') > 0
                 OR instr(lower(s.to_addrs || s.cc_addrs), '<' || {_BARE} || '>') > 0)))
    END
ORDER BY d.id
"""


class ListReading(Connection):
    """The list's queries: one with a LIMIT, filters SQLite can use an index for."""

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection to the store's file, for the few queries the store has
        not got: one with a LIMIT, and filters SQLite can use an index for (``?1 IS NULL OR
        contact_id = ?1`` makes it scan all 50,000 rows). A write transaction would wait
        for a send writing its bytes, and hold the next one up; in WAL mode a reader waits
        for nobody. Opening takes a ms."""
        try:
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
        except sqlite3.Error as error:
            raise self._cannot_read(error) from None
        try:
            yield db
        except sqlite3.Error as error:
            raise self._cannot_read(error) from None
        finally:
            db.close()

    def _cannot_read(self, error: sqlite3.Error) -> StorageError:
        return StorageError(f"The data file {self.path} cannot be used: {error}.")

    def newest_message_ids(
        self,
        *,
        contact_id: int | None,
        interview_id: int | None,
        states: Sequence[str],
        limit: int,
    ) -> list[int]:
        """The newest ``limit`` ids (all with -1), only those filters given."""
        columns = {"contact_id": contact_id, "interview_id": interview_id}
        chosen = {column: value for column, value in columns.items() if value is not None}
        where = [f"{column} = ?" for column in chosen]
        if states:
            where.append(f"state IN ({', '.join('?' * len(states))})")
        with self._reading() as db:
            rows = db.execute(
                f"SELECT id FROM messages WHERE {' AND '.join(where) or '1'} "
                "ORDER BY COALESCE(sent_at, updated_at) DESC, id DESC LIMIT ?",
                (*chosen.values(), *states, limit),
            ).fetchall()
        return [row[0] for row in rows]

    def message_list_choices(
        self, contact_id: int | None, interview_id: int | None
    ) -> tuple[list[tuple[int, str]], list[tuple[int, str, str]]]:
        """(id, name) of the contacts and (id, company, position) of the interviews that
        have messages, and the ones given, messages or not."""
        with self._reading() as db:
            contacts = db.execute(
                "SELECT id, name FROM contacts WHERE id IN (SELECT DISTINCT contact_id FROM "
                "messages) OR id = ? ORDER BY name COLLATE NOCASE, id",
                (contact_id,),
            ).fetchall()
            interviews = db.execute(
                "SELECT id, company, position FROM interviews WHERE id IN "
                "(SELECT DISTINCT interview_id FROM messages) OR id = ? "
                "ORDER BY scheduled_at DESC, id DESC",
                (interview_id,),
            ).fetchall()
        return [(r[0], r[1]) for r in contacts], [(r[0], r[1], r[2]) for r in interviews]

    def obsolete_draft_ids(self) -> list[int]:
        """Ids of the drafts whose follow-up (interview and template) was sent to all their
        recipients since they were made."""
        with self._reading() as db:
            return [row[0] for row in db.execute(_OBSOLETE).fetchall()]
