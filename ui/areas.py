"""The window's areas: their names in the code, their titles (with the Alt+letter the tabs
had) and the line under each title that says what the area is for."""

from __future__ import annotations

from ui.sidebar import plain
from ui.widgets import AreaFrame

AREAS = (
    ("today", "Toda&y"),
    ("interviews", "&Interviews"),
    ("contacts", "&Contacts"),
    ("compose", "Co&mpose"),
    ("sent", "&Outbox && Sent"),
    ("feedback", "Feed&back"),
    ("templates", "Tem&plates"),
    ("settings_page", "Se&ttings"),
)
ABOUT = {
    "today": "What to do now, and how your search is going.",
    "interviews": "Every interview, its people and where it stands.",
    "contacts": "The people you met, and how to greet them.",
    "compose": "Write a follow-up; check it, then send it.",
    "sent": "Drafts, messages waiting or failed, and what went out.",
    "feedback": "What interviewers said, and thanks for it.",
    "templates": "The words Afterword starts each message with.",
    "settings_page": "You, your mail account, your mailbox and backups.",
}
UNTITLED = {"compose"}  # its header fields say what it is, as in a mail client: the room
# goes to the text


def area_frames() -> list[AreaFrame]:
    """One frame per area, in the sidebar's order, each empty until its area is shown."""
    return [
        AreaFrame(plain(title), ABOUT[name], headed=name not in UNTITLED) for name, title in AREAS
    ]
