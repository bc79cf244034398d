"""Contacts: saved, found as the user types, looked up by address."""

from __future__ import annotations

from collections.abc import Sequence

from composer.errors import RecordNotFound
from composer.records import Contact
from composer.search_words import plain_text, search_words
from composer.store.connection import Connection
from composer.store.rows import _contact

_BY_NAME = "ORDER BY name COLLATE NOCASE, id"  # how contacts are listed


class ContactRows(Connection):
    """The contacts table."""

    _contacts_seen: tuple[tuple[int, int], tuple[list[int], list[str]]] | None

    def add_contact(self, contact: Contact) -> Contact:
        now = self._now()
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO contacts(name, email, company, title, phone, notes, check_in_days, "
                "greeting, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*self._contact_values(contact), now, now),
            )
        contact.id = cursor.lastrowid
        return contact

    def add_contacts(self, contacts: Sequence[Contact]) -> None:
        """Many at once (an import): one transaction, all or none."""
        now = self._now()
        with self.transaction() as db:
            for contact in contacts:
                cursor = db.execute(
                    "INSERT INTO contacts(name, email, company, title, phone, notes, "
                    "check_in_days, greeting, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*self._contact_values(contact), now, now),
                )
                contact.id = cursor.lastrowid

    def contact_emails(self) -> set[str]:
        """Every contact's address, lower-cased: for de-duplicating an import."""
        rows = self._query("SELECT DISTINCT lower(email) FROM contacts WHERE email != ''")
        return {row[0] for row in rows}

    def update_contact(self, contact: Contact) -> None:
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE contacts SET name = ?, email = ?, company = ?, title = ?, phone = ?, "
                "notes = ?, check_in_days = ?, greeting = ?, updated_at = ? WHERE id = ?",
                (*self._contact_values(contact), self._now(), contact.id),
            )
        if cursor.rowcount == 0:
            raise RecordNotFound("contact", contact.id or 0)

    @staticmethod
    def _contact_values(contact: Contact) -> tuple[str | int | None, ...]:
        return (
            contact.name,
            contact.email,
            contact.company,
            contact.title,
            contact.phone,
            contact.notes,
            contact.check_in_days,
            " ".join(contact.greeting.split()),  # one line: it goes after "Dear"
        )

    def delete_contact(self, contact_id: int) -> None:
        """Removes the contact; messages sent to them stay, with the address they went to."""
        with self.transaction() as db:
            db.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))

    def contact(self, contact_id: int) -> Contact:
        rows = self._query("SELECT * FROM contacts WHERE id = ?", (contact_id,))
        if not rows:
            raise RecordNotFound("contact", contact_id)
        return _contact(rows[0])

    def contacts(self, search: str = "") -> list[Contact]:
        pattern = f"%{plain_text(search).strip()}%"
        rows = self._query(
            "SELECT * FROM contacts WHERE name LIKE ?1 OR email LIKE ?1 OR company LIKE ?1 "
            "ORDER BY name COLLATE NOCASE, id",
            (pattern,),
        )
        return [_contact(row) for row in rows]

    def contact_ids(self, search: str = "") -> list[int]:
        """Ids in display order, of the contacts with every word of ``search`` somewhere in
        their name, address, company, title or greeting (any case: "Bob" finds Robert);
        rows are fetched as shown."""
        words = [word.casefold() for word in search_words(search)]
        if not words and self._contacts_seen is None:  # opening the list: no index needed yet
            return [row[0] for row in self._query(f"SELECT id FROM contacts {_BY_NAME}")]
        ids, texts = self._contact_index()
        for word in words:  # one pass a word: cheaper than all() a row
            kept = [n for n, text in enumerate(texts) if word in text]
            ids, texts = [ids[n] for n in kept], [texts[n] for n in kept]
        return list(ids)

    def _contact_index(self) -> tuple[list[int], list[str]]:
        """Each contact's searchable text, kept between keystrokes: a scan of 10,000 rows
        in SQL takes longer than a keystroke may. Read again once anything was written
        (here, or by another connection: ``data_version``)."""
        version = (self._db.execute("PRAGMA data_version").fetchone()[0], self._db.total_changes)
        if self._contacts_seen is None or self._contacts_seen[0] != version:
            rows = self._query(
                f"SELECT id, name, email, company, title, greeting FROM contacts {_BY_NAME}"
            )
            index = ([row[0] for row in rows], ["\n".join(row[1:]).casefold() for row in rows])
            self._contacts_seen = (version, index)
        return self._contacts_seen[1]

    def contact_ids_by_email(self, emails: Sequence[str]) -> list[int]:
        """The contacts with any of these addresses (any case), in id order."""
        wanted = sorted({email.lower() for email in emails})
        found: set[int] = set()
        for start in range(0, len(wanted), 500):  # SQLite caps the values in one query
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._query(f"SELECT id FROM contacts WHERE lower(email) IN ({marks})", chunk)
            found.update(row[0] for row in rows)
        return sorted(found)

    def contact_id_by_email(self, email: str, other_than: int | None = None) -> int | None:
        """The contact (not ``other_than``) who has this address, any case; None if none."""
        found = self.contact_ids_by_email([email.strip()]) if email.strip() else []
        return next((i for i in found if i != other_than), None)

    def contacts_by_id(self, ids: Sequence[int]) -> dict[int, Contact]:
        return {c.id: c for c in map(_contact, self._rows_by_id("contacts", ids)) if c.id}
