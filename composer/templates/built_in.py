"""The built-in templates by name: one member for each .j2 file in the top-level templates/.

The core picks a built-in for a reminder, a suggestion or a tone check; naming it through
this enum (not a bare "thank_you") lets a reader find every use, and a test checks that the
members and the files match one to one. Nothing here loads Jinja: the window imports it as
it starts (Today's reminders), and Jinja waits for the first render.
"""

from __future__ import annotations

from enum import StrEnum
from importlib.resources import files
from pathlib import Path

BUILTIN_DIR = Path(str(files("afterword_templates")))  # top-level templates/, package data
SUFFIX = ".j2"


class BuiltIn(StrEnum):
    """A built-in template's id (its file name without .j2); a user's own template with
    the same id replaces it."""

    THANK_YOU = "thank_you"
    CONTINUED_INTEREST = "continued_interest"
    AFTER_REJECTION = "after_rejection"  # the one reply to a "no": thanks, one question
    NO_HARD_FEELINGS = "no_hard_feelings"
    FEEDBACK_REQUEST = "feedback_request"
    THANKS_FOR_FEEDBACK = "thanks_for_feedback"
    INTERVIEW_NOTES_REQUEST = "interview_notes_request"  # a data-protection request to HR
    NOTES_REQUEST_REMINDER = "notes_request_reminder"
    KEEPING_IN_TOUCH = "keeping_in_touch"
