"""Feedback by phone: whom to call about an interview, and the ``tel:`` link to call them.

The advice is to call the main recruitment contact for first-hand feedback; an email is the
alternative, not the only way. Only a number the desktop can dial is offered.
"""

from __future__ import annotations

from dataclasses import dataclass

from composer.records import Participant, Role

MIN_DIGITS = 5  # fewer is an extension or a typo, not a number to dial
CALL_FIRST = (Role.RECRUITER, Role.HR, Role.INTERVIEWER)  # the main recruitment contact first


@dataclass(frozen=True)
class CallOffer:
    """Someone of the interview to call, as Today shows it: "Call Ana Lima (+44 20 …)"."""

    contact_id: int
    name: str
    phone: str  # as the user typed it
    url: str  # tel:+442079460000: digits and a leading + only

    @property
    def label(self) -> str:
        return f"Call {self.name} ({self.phone})"


def tel_url(phone: str) -> str | None:
    """``tel:`` and the digits (with a leading + if typed); None if it cannot be dialled."""
    digits = "".join(c for c in phone if c.isdigit() and c.isascii())
    if len(digits) < MIN_DIGITS:
        return None
    plus = "+" if phone.strip().startswith(("+", "00")) else ""
    if phone.strip().startswith("00"):
        digits = digits[2:]
    return f"tel:{plus}{digits}"


def whom_to_call(participants: list[Participant]) -> CallOffer | None:
    """The recruiter first, then HR, then an interviewer: the first with a number to dial."""
    for role in CALL_FIRST:
        for person in participants:
            contact = person.contact
            url = tel_url(contact.phone)
            if person.role is role and url and contact.id is not None:
                return CallOffer(contact.id, contact.name, contact.phone.strip(), url)
    return None
