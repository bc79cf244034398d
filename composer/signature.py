"""The signature, written into the message's text when it is drafted.

The user sees (and may edit) the whole text that goes out, so nothing is added at send
time. A sign-off that already ends with the user's name (and phone) is not followed by
the same lines again: the signature's remaining lines go straight under it.
"""

from __future__ import annotations

SEPARATOR = "-- "  # the standard signature separator (RFC 3676 4.3), with its space


def signed(body: str, signature: str) -> str:
    """``body`` with ``signature`` at the end of what the user wrote (above a quoted
    message that a follow-up carries), no line of it repeated from the sign-off."""
    text = _unix(body).rstrip("\n")
    lines = _unix(signature).strip("\n").split("\n") if signature.strip() else []
    mine, quote = _split_quote(text)
    if lines:
        mine = _with_lines(mine, lines)
    return f"{mine}\n\n{quote}\n" if quote else f"{mine}\n"


def _with_lines(mine: str, signature: list[str]) -> str:
    closing = mine.split("\n\n")[-1].split("\n") if mine else []
    said = {line.strip() for line in closing if line.strip()}
    rest = [line for line in signature if line.strip() not in said]
    if len(rest) == len(signature):  # nothing in common: the standard separated block
        block = "\n".join([SEPARATOR, *signature])
        return f"{mine}\n\n{block}" if mine else block
    rest = _trimmed(rest)
    return "\n".join([mine, *rest]) if rest else mine


def _trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _split_quote(text: str) -> tuple[str, str]:
    """What the user wrote, and the quoted message at its end ("On …, … wrote:" and its
    "> " lines), as mail programs place a signature above it."""
    lines = text.split("\n")
    start = len(lines)
    while start > 0 and lines[start - 1].startswith(">"):
        start -= 1
    if start < len(lines) and start > 0 and lines[start - 1].rstrip().endswith("wrote:"):
        return "\n".join(lines[: start - 1]).rstrip("\n"), "\n".join(lines[start - 1 :])
    return text, ""


def _unix(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
