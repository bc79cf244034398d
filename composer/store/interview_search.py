"""Interviews found as you type: by company, position, stage, status and who took part.

The searchable text of every interview is read once and kept between keystrokes (5,000
interviews with their people take one query); the list keeps its usual order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from composer.search_words import search_words

# Each interview, with the names and addresses of the people who took part.
SEARCHABLE = """
    SELECT i.id, i.company, i.position, i.stage, i.status,
        coalesce((SELECT group_concat(c.name || ' ' || c.email, ' ')
                  FROM interview_contacts AS ic JOIN contacts AS c ON c.id = ic.contact_id
                  WHERE ic.interview_id = i.id), '')
    FROM interviews AS i
"""

Version = tuple[int, int]


class InterviewTexts:
    """What each interview can be found by; read again once anything was written."""

    def __init__(self) -> None:
        self._seen: tuple[Version, dict[int, str]] | None = None

    def texts(self, version: Version, read: Callable[[], list[sqlite3.Row]]) -> dict[int, str]:
        if self._seen is None or self._seen[0] != version:
            found = {row[0]: "\n".join(row[1:]).casefold() for row in read()}
            self._seen = (version, found)
        return self._seen[1]


def words_of(search: str) -> list[str]:
    return [word.casefold() for word in search_words(search)]


def matching(ids: Sequence[int], texts: dict[int, str], words: Sequence[str]) -> list[int]:
    """``ids``, in their order, of the interviews with every word somewhere in their text."""
    kept = list(ids)
    for word in words:  # one pass a word: cheaper than all() an interview
        kept = [i for i in kept if word in texts.get(i, "")]
    return kept
