"""The words of a search box, as every list's search reads them.

A control character (a NUL pasted from elsewhere, an escape) or half of a surrogate pair
means nothing to look for, and a NUL ends a full-text query inside SQLite, which then
reports a broken query: each is read as a space between words, never as an error.
"""

from __future__ import annotations

import unicodedata

_NOT_TEXT = ("Cc", "Cs")  # control characters; lone surrogates (not encodable as UTF-8)


def search_words(search: str) -> list[str]:
    """``search`` split into words, control characters counted as spaces."""
    return plain_text(search).split()


def plain_text(search: str) -> str:
    if search.isprintable():
        return search  # nearly every keystroke: no need to look at each character
    return "".join(" " if unicodedata.category(c) in _NOT_TEXT else c for c in search)
