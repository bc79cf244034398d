"""How to greet a person (placeholder API: the greeting rules of issue #14 item 2 replace it).

Kept to the agreed shape, ``greeting_of`` and ``greeting_for_several``, so the code that
writes one message to several people runs before the full rules land.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from composer.records import Contact

NEUTRAL = "there"  # "Dear there," is not used: a missing name falls back to the address


@dataclass(frozen=True)
class Greeting:
    text: str
    certain: bool


def greeting_of(contact: Contact) -> Greeting:
    words = contact.name.split()
    if not words:
        return Greeting(NEUTRAL, certain=False)
    return Greeting(words[0], certain=True)


def greeting_for_several(greetings: Sequence[str]) -> str:
    """ "Ana", "Ana and Bo", "Ana, Bo and Cy", then "all": a long list reads as a roll call."""
    names = list(greetings)
    if len(names) > 3:
        return "all"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
