"""A reply's words as a person reads them, from whatever bytes and charset its sender chose.

Anything in an inbox is untrusted: a charset may be unknown or unusable ("undefined",
"idna"), an encoding broken; each is read as best it can be and the mailbox visit goes on.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import quopri
import re
from email.errors import HeaderParseError
from email.message import Message
from html import unescape

SUMMARY_CHARS = 280
# What email's header parsers (policy.default) were seen raising on malformed input:
# "a@[" and "a:b:c;d" (AttributeError), a lone "<" (IndexError), "<a@[" (UnboundLocalError),
# a Date with a year past what datetime holds (OverflowError).
_HEADER_PARSER_BREAKS = (AttributeError, IndexError, NameError, HeaderParseError, OverflowError)
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=")


def decoded(chunk: bytes, encoding: str) -> bytes:
    """The transfer encoding undone; a broken base64 gives nothing rather than an error."""
    if encoding == "base64":
        letters = re.sub(rb"[^A-Za-z0-9+/]", b"", chunk)
        with contextlib.suppress(binascii.Error, ValueError):
            return base64.b64decode(letters[: len(letters) // 4 * 4])
        return b""
    if encoding == "quoted-printable":
        return quopri.decodestring(chunk)
    return chunk


def readable(data: bytes, charset: str, subtype: str) -> str:
    text = _text(data, charset)
    if subtype == "html":
        text = unescape(re.sub(r"(?s)<(style|script).*?</\1>|<[^>]+>", " ", text))
    return text


def _text(data: bytes, charset: str) -> str:
    """Anyone can name any charset: one Python cannot decode with replacement characters
    (unknown, "undefined", "idna", "punycode", or a name with a NUL in it, which codecs
    refuses with ValueError) is read as UTF-8, so the visit goes on."""
    try:
        return data.decode(charset, "replace")
    except (LookupError, ValueError):  # UnicodeError is a ValueError
        return data.decode("utf-8", "replace")


def header_text(headers: Message, name: str) -> str:
    """The header as text; encoded words the email package left as they came (their charset
    unknown or unusable, as ``=?undefined?Q?...?=``) are read as ``_text`` reads a body."""
    return _ENCODED_WORD.sub(_unknown_word, _header_value(headers, name))


def _header_value(headers: Message, name: str) -> str:
    """The email package's reading of the header; where its parser itself breaks on a
    malformed address or id, the header as it came, unfolded: one odd email must not end
    the visit."""
    try:
        return str(headers.get(name, ""))
    except _HEADER_PARSER_BREAKS:
        wanted = name.lower()
        raw = next((value for key, value in headers.raw_items() if key.lower() == wanted), "")
        text = raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return " ".join(text.split())


def _unknown_word(match: re.Match[str]) -> str:
    charset, kind, payload = match.groups()
    if kind.upper() == "B":
        return _text(decoded(payload.encode(), "base64"), charset)
    return _text(quopri.decodestring(payload.encode(), header=True), charset)


def summary(text: str) -> str:
    """The reply's own words: quoted lines and the "On ... wrote:" line before them go."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(">")]
    words = " ".join(" ".join(lines).split())
    words = re.sub(r"\s*On .{0,200}? wrote:\s*$", "", words)
    return words if len(words) <= SUMMARY_CHARS else words[: SUMMARY_CHARS - 1].rstrip() + "…"
