"""Who was already sent a follow-up, so that no path offers it to them again unasked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from composer.mail import parse_address_or_none
from composer.records import Contact
from composer.store import Store

UNKNOWN: datetime | None = None  # queued, being sent, or sent to several under one contact


def sent_before(
    store: Store, interview_id: int, template_id: str, contacts: Sequence[Contact]
) -> dict[int, datetime | None]:
    """Per contact among ``contacts`` who got (or is getting) this follow-up for this
    interview, when it was sent if known. A message to several people counts for each of
    them, though it is recorded under one contact."""
    ids = store.already_sent_to(interview_id, template_id)
    addresses = store.follow_up_addresses().get((interview_id, template_id), set())
    emails = {email for a in addresses if (email := parse_address_or_none(a)) is not None}
    dates = store.follow_up_sent_on(interview_id, template_id)
    found: dict[int, datetime | None] = {}
    for contact in contacts:
        if contact.id is None:
            continue
        if contact.id in ids or contact.email.strip().lower() in emails:
            found[contact.id] = dates.get(contact.id, UNKNOWN)
    return found
