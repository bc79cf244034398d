"""One person, one contact: a second contact with an address already kept would break
reply matching (whose reply is it?), so the new details are merged into the first."""

from __future__ import annotations

from dataclasses import replace

from composer.records import Contact
from composer.store import Store


def merged(existing: Contact, new: Contact) -> Contact:
    """``existing`` with its empty fields filled from ``new``, and ``new``'s notes added to
    its own; its id kept, so the interviews and messages linked to it stay linked."""
    return replace(
        existing,
        name=existing.name or new.name,
        email=existing.email or new.email,
        company=existing.company or new.company,
        title=existing.title or new.title,
        phone=existing.phone or new.phone,
        notes=_notes(existing.notes, new.notes),
        check_in_days=existing.check_in_days or new.check_in_days,
        greeting=existing.greeting or new.greeting,
    )


def _notes(kept: str, new: str) -> str:
    if not new.strip() or new.strip() in kept:
        return kept
    return f"{kept.rstrip()}\n\n{new.strip()}" if kept.strip() else new


def merge_into(store: Store, existing_id: int, new: Contact) -> Contact:
    """Writes the merge; returns the contact as now kept."""
    contact = merged(store.contact(existing_id), new)
    store.update_contact(contact)
    return contact
