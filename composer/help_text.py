"""Help › How to use Afterword: the README's "Using it" section, one text for both.

A source checkout (and an editable install) has README.md beside the packages, and that
is read at run time so the help never drifts from it. A wheel does not ship the README:
then a short summary, kept here, says the same in brief.
"""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
USING_HEADING = "## Using it"

SUMMARY = """\
## Using it

1. **Settings**: your name, email and signature; your mail account. The password goes to
   your system keyring. "Send a test message to myself" checks what is on screen.
2. **Interviews**: add the interview you just had, with the people you met, what you
   talked about, and its status.
3. **Follow up…** on an interview writes the right follow-up for the moment; with several
   people it writes one personal message each. Before it goes, Send checks the message.
4. **Outbox & Sent** keeps every message with the exact text that went out.
5. **Templates**: the built-ins are read-only; *Customize* makes a copy of your own.
6. **Today** lists the follow-ups that are due, each one click from Compose.
7. **Feedback** keeps what people said; each interview and contact has a **Timeline**.
8. **Contacts** import from CSV and vCard, and export to both.

Keyboard: Ctrl+1 to Ctrl+8 switch areas; Ctrl+N new message, Ctrl+S save draft,
Ctrl+Return send, Ctrl+F find a contact, Ctrl+Q quit.
"""


def using_section(readme: Path = README) -> str:
    """The "Using it" section as Markdown, heading included; the summary without a README."""
    try:
        text = readme.read_text(encoding="utf-8")
    except OSError:
        return SUMMARY
    if not text.startswith("# Afterword"):  # another project's README beside the packages
        return SUMMARY
    return section(text, USING_HEADING) or SUMMARY


def section(markdown: str, heading: str) -> str:
    """From ``heading`` to the next heading of the same level, outside code blocks."""
    lines = markdown.splitlines()
    if heading not in lines:
        return ""
    start = lines.index(heading)
    level = heading.split(" ", 1)[0] + " "
    in_code = False
    for end in range(start + 1, len(lines)):
        if lines[end].startswith("```"):
            in_code = not in_code
        elif not in_code and lines[end].startswith(level):
            return "\n".join(lines[start:end]).strip() + "\n"
    return "\n".join(lines[start:]).strip() + "\n"
