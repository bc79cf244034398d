"""Contacts as vCards: 3.0 written, 2.1 to 4.0 read, as address books really save them.

Read cards go through the same checks as CSV rows (``contacts_io``), so an import never
half-happens.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from composer.contacts_io import Candidate, ImportReport, import_candidates, read_text, write_text
from composer.errors import FileProblem
from composer.greeting import given_name, greeting_for, parse_name
from composer.records import Contact
from composer.store import Store

# --- vCard ------------------------------------------------------------------------------


# Afterword's own property: a greeting the user typed is neither N nor a NICKNAME.
GREETING = "X-AFTERWORD-GREETING"
MAX_LINE_OCTETS = 75  # RFC 6350 3.2, not counting the line break
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # not str.splitlines: it also splits on U+2028 & co.
_QUOTED_PRINTABLE = re.compile(r"^[^:]*QUOTED-PRINTABLE[^:]*:", re.IGNORECASE)
_SPLIT_CHARACTER = re.compile(rb"([\xc0-\xf7][\x80-\xbf]{0,2})(\r\n|\r|\n)([ \t])(?=[\x80-\xbf])")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_NOT_CHARSETS = {"undefined", "idna", "punycode"}  # as codecs.lookup names them
_BARE_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT"}
_UNFINISHED = "The card has no END:VCARD line: the file may be cut short."


def vcard(contact: Contact) -> str:
    """One card, vCard 3.0, with CRLF line ends, folded at 75 octets."""
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{_escape(contact.name)}"]
    lines.append(f"N:{_structured_name(contact.name)}")
    for prefix, value in (
        ("EMAIL;TYPE=INTERNET", contact.email),
        ("ORG", contact.company),
        ("TITLE", contact.title),
        ("TEL", contact.phone),
        ("NOTE", contact.notes),
        (GREETING, contact.greeting),
    ):
        if value:
            lines.append(f"{prefix}:{_escape(value)}")
    lines.append("END:VCARD")
    return "".join(f"{fold(line)}\r\n" for line in lines)


def export_vcards(contacts: Iterable[Contact], path: Path | str) -> int:
    cards = [vcard(contact) for contact in contacts]
    write_text(Path(path), "".join(cards), "utf-8")
    return len(cards)


def import_vcards(store: Store, path: Path | str) -> ImportReport:
    path = Path(path)
    text, note = read_text(path, "vCard", _whole_characters)
    cards = parse_vcards(text)
    if not cards:
        raise FileProblem(
            f"{path.name} holds no contacts: it has no BEGIN:VCARD line. "
            "Choose a .vcf file exported from your address book."
        )
    return import_candidates(store, cards, note)


def _whole_characters(data: bytes) -> bytes:
    """Some exporters fold inside a UTF-8 character (RFC 6350 3.2 warns of it), and then the
    file as a whole is not UTF-8. The character's first bytes move past the fold: unfolding
    gives the very same bytes, and every line keeps its number for the report."""
    return _SPLIT_CHARACTER.sub(rb"\2\3\1", data)


def _escape(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _structured_name(name: str) -> str:
    """N (family;given;additional;prefixes;suffixes), by the greeting's reading of the name:
    another address book then greets "Dr. Amara Okafor" or "Whitfield, Dana" as we do."""
    parts = parse_name(name)
    given, titles = " ".join(parts.forenames), " ".join(parts.titles)
    fields = (parts.family, given, "", titles, " ".join(parts.suffixes))
    return ";".join(map(_escape, fields))


def fold(line: str) -> str:
    """At most 75 octets a line, never inside a UTF-8 sequence; continuations start with a
    space."""
    data = line.encode()
    parts, start, limit = [], 0, MAX_LINE_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # inside a character: cut before it
            end -= 1
        parts.append(data[start:end])
        start, limit = end, MAX_LINE_OCTETS - 1
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode()


@dataclass(frozen=True)
class _Property:
    name: str
    params: dict[str, list[str]]
    value: str

    def param(self, key: str) -> str:
        return (self.params.get(key) or [""])[0]

    def preferred(self) -> bool:
        types = {t.upper() for t in self.params.get("TYPE", [])}
        return "PREF" in types or "PREF" in self.params


def parse_vcards(text: str) -> list[Candidate]:
    """Every card in the text; one never ended is kept, with the problem noted."""
    cards: list[Candidate] = []
    current: list[_Property] | None = None
    start = 0
    for line, content in unfold(text):
        prop = _property(content)
        if prop is None:
            continue
        if prop.name == "BEGIN" and prop.value.strip().upper() == "VCARD":
            if current is not None:
                cards.append(_vcard_candidate(start, current, _UNFINISHED))
            current, start = [], line
        elif prop.name == "END" and current is not None:
            cards.append(_vcard_candidate(start, current))
            current = None
        elif current is not None:
            current.append(prop)
    if current is not None:
        cards.append(_vcard_candidate(start, current, _UNFINISHED))
    return cards


def unfold(text: str) -> list[tuple[int, str]]:
    """Logical lines with the line number each starts on: folds (a line break and one space
    or tab) undone, and vCard 2.1's quoted-printable soft line breaks joined. Each logical
    line's pieces are joined once: linear however long a folded PHOTO is."""
    lines: list[tuple[int, str]] = []
    current: _LogicalLine | None = None
    for number, physical in enumerate(_LINE_BREAK.split(text), start=1):
        if current is not None and current.continued_by(physical):
            continue
        if current is not None:
            lines.append(current.joined())
        current = _LogicalLine(number, physical) if physical.strip() else None
    if current is not None:
        lines.append(current.joined())
    return lines


class _LogicalLine:
    """One property's physical lines as they are read, kept apart until joined."""

    def __init__(self, number: int, first: str) -> None:
        self.number = number
        self.pieces: list[str] = []  # none empty, so the last says how the line ends
        self.quoted_printable = False  # known once the head (up to the first colon) is read
        self._head_read = False
        self._add(first)

    def continued_by(self, physical: str) -> bool:
        if self.quoted_printable and self.pieces[-1].endswith("="):
            self.pieces[-1] = self.pieces[-1][:-1]
            if not self.pieces[-1]:
                self.pieces.pop()
            self._add(physical)
        elif physical[:1] in (" ", "\t"):
            self._add(physical[1:])
        else:
            return False
        return True

    def joined(self) -> tuple[int, str]:
        return self.number, "".join(self.pieces)

    def _add(self, piece: str) -> None:
        if not self._head_read and ":" in piece:  # the head's last piece: read it once
            head = "".join(self.pieces) + piece[: piece.index(":") + 1]
            self.quoted_printable = bool(_QUOTED_PRINTABLE.match(head))
            self._head_read = True
        if piece:
            self.pieces.append(piece)


def _property(content: str) -> _Property | None:
    """``[group.]NAME;PARAM=a,b;PARAM:value``; None for a line that is none of that."""
    colon = _unquoted_colon(content)
    if colon < 0:
        return None
    head = _components(content[:colon], ";", quotes=True)
    name = head[0].rsplit(".", 1)[-1].strip().upper()
    return _Property(name, _params(head[1:]), content[colon + 1 :])


def _unquoted_colon(content: str) -> int:
    colon = content.find(":")
    if colon < 0 or '"' not in content[:colon]:
        return colon  # the usual case: no quoted parameter value
    quoted = False
    for index, character in enumerate(content):
        if character == '"':
            quoted = not quoted
        elif character == ":" and not quoted:
            return index
    return -1


def _params(parts: Sequence[str]) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for part in parts:
        key, equals, value = part.partition("=")
        if not equals:  # vCard 2.1: EMAIL;INTERNET;PREF, NOTE;QUOTED-PRINTABLE
            key = "ENCODING" if part.strip().upper() in _BARE_ENCODINGS else "TYPE"
            value = part
        values = [v.strip().strip('"') for v in value.split(",")]
        params.setdefault(key.strip().upper(), []).extend(values)
    return params


def _components(value: str, separator: str, *, quotes: bool = False) -> list[str]:
    """Split at separators not escaped by a backslash (nor, with ``quotes``, inside quotes);
    the escapes stay for ``_unescape``."""
    if "\\" not in value and not (quotes and '"' in value):
        return value.split(separator)
    parts, start, index, quoted = [], 0, 0, False
    while index < len(value):
        character = value[index]
        if character == "\\":
            index += 1
        elif character == '"' and quotes:
            quoted = not quoted
        elif character == separator and not quoted:
            parts.append(value[start:index])
            start = index + 1
        index += 1
    parts.append(value[start:])
    return parts


def _unescape(text: str) -> str:
    return _ESCAPED.sub(lambda m: "\n" if m[1] in "nN" else m[1], text)


def _decoded(prop: _Property) -> str:
    """The value with a vCard 2.1 transfer encoding and charset undone; as it is if they
    cannot be."""
    encoding = prop.param("ENCODING").upper()
    if encoding not in ("QUOTED-PRINTABLE", "B", "BASE64"):
        return prop.value
    try:
        if encoding == "QUOTED-PRINTABLE":
            data = quopri.decodestring(prop.value.encode())
        else:
            data = base64.b64decode(prop.value)
    except (binascii.Error, ValueError):
        return prop.value
    charset = prop.param("CHARSET") or "utf-8"
    if _not_a_charset(charset):
        raise _UnreadableCharset(prop.name, charset)
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError):  # unknown, or not what the bytes are in
        return data.decode("latin-1")
    except UnicodeError as error:  # a codec that cannot decode text at all
        raise _UnreadableCharset(prop.name, charset) from error


class _UnreadableCharset(Exception):
    """A card naming a codec that is no character set: the card is reported, not guessed."""

    def __init__(self, name: str, charset: str) -> None:
        super().__init__(
            f"Its {name} is marked CHARSET={charset}, which is not a character set Afterword "
            "can read. Export this contact again (as vCard 3.0 or 4.0, in UTF-8) and import "
            "that file."
        )


def _not_a_charset(charset: str) -> bool:
    """Python's codecs named for other uses: "undefined" refuses everything, "idna" and
    "punycode" turn domain names, not text, into Unicode."""
    try:
        return codecs.lookup(charset).name in _NOT_CHARSETS
    except LookupError:
        return False  # unknown: read as Latin-1, as before


def _preferred(properties: Sequence[_Property], name: str) -> str:
    """The raw value of the card's preferred (else first) non-empty property ``name``."""
    found = [p for p in properties if p.name == name and _decoded(p).strip()]
    chosen = [p for p in found if p.preferred()] or found
    return _decoded(chosen[0]) if chosen else ""


def _full_name(properties: Sequence[_Property]) -> str:
    full = _unescape(_preferred(properties, "FN"))
    if full.strip():
        return full
    family, given, additional, prefixes, suffixes = _name_parts(properties)
    in_order = (prefixes, given, additional, family, suffixes)
    return " ".join(part for part in in_order if part.strip())


def _name_parts(properties: Sequence[_Property]) -> list[str]:
    """N's five parts (family;given;additional;prefixes;suffixes), each part's values
    joined by spaces."""
    parts = [
        " ".join(_unescape(word) for word in _components(part, ","))
        for part in _components(_preferred(properties, "N"), ";")
    ]
    return (parts + [""] * 5)[:5]


def _greeting(properties: Sequence[_Property]) -> str:
    """Ours as we wrote it; else N's title and surname ("Dr. Okafor") or given name; else
    NICKNAME. "" leaves it to the rules, from FN."""
    ours = _unescape(_preferred(properties, GREETING))
    family, given, _, prefixes, _ = _name_parts(properties)
    title = prefixes.split()[0] if prefixes.split() else ""
    if ours.strip():
        return ours
    if title and family.strip() and greeting_for(f"{title} {family}").certain:
        return f"{title} {family}"
    if given_name(given):
        return given
    nickname = _unescape(_components(_preferred(properties, "NICKNAME"), ",")[0])
    return nickname if greeting_for(nickname).certain else ""


def _vcard_candidate(line: int, properties: Sequence[_Property], problem: str = "") -> Candidate:
    """The card as read, or (a charset it names cannot be read) its problem, by its line."""
    try:
        return _read_card(line, properties, problem)
    except _UnreadableCharset as unreadable:
        return Candidate(line, {}, str(unreadable))


def _read_card(line: int, properties: Sequence[_Property], problem: str) -> Candidate:
    def text(name: str) -> str:
        return _unescape(_preferred(properties, name))

    values = {
        "name": _full_name(properties),
        "email": text("EMAIL"),
        "company": _unescape(_components(_preferred(properties, "ORG"), ";")[0]),
        "title": text("TITLE"),
        "phone": text("TEL"),
        "notes": text("NOTE"),
        "greeting": _greeting(properties),
    }
    return Candidate(line, values, problem)
