"""The note on a message waiting to be tried again, and what it becomes if Afterword stops.

While a batch waits after a server's "try again later" (4xx), the message is failed with a
note saying when the next try comes. If Afterword is closed or killed meanwhile, no try
comes: at the next start the note is replaced by what happened and what to do.
"""

from __future__ import annotations

import re

_WAITING = re.compile(r" Trying again in [0-9.e+-]+ seconds\.$")
WAITING_LIKE = "% Trying again in % seconds."  # the same, for SQL's LIKE
NOT_TRIED_AGAIN = (
    " The server asked to try again later and Afterword was closed before it could; "
    "send it again when you are ready."
)


def waiting(reason: str, seconds: float) -> str:
    return f"{reason} Trying again in {seconds:g} seconds."


def after_restart(note: str) -> str | None:
    """The note told truthfully once nothing is waiting any more; None if it made no promise."""
    if not _WAITING.search(note):
        return None
    return _WAITING.sub("", note) + NOT_TRIED_AGAIN
