"""Contacts in and out: CSV from spreadsheets and address books, and vCard 3.0 both ways.

An import never half-happens: every row is checked first, bad rows are reported by line and
left out, people already known (by email, case-insensitively) are skipped, and the rest go
in together, in one transaction.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import csv
import io
import os
import quopri
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from composer.errors import FileProblem, InvalidField
from composer.mail import check_header_text, parse_address_or_none
from composer.records import Contact
from composer.store import Store

FIELDS = ("name", "email", "company", "title", "phone", "notes")
ONE_LINE_FIELDS = FIELDS[:-1]  # they go into mail headers and templates: a single line each
MAX_NOTES = 10_000
MAX_FILE_BYTES = 50_000_000  # far beyond any address book; a bigger file is the wrong file
PREVIEW_ROWS = 10

Columns = Sequence[str | None]  # for each CSV column, the Contact field it fills; None: ignored


# --- checking and importing -------------------------------------------------------------


class Outcome(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    BAD = "bad"


@dataclass(frozen=True)
class Candidate:
    """A row or card as read, field by field, before any check."""

    line: int
    values: dict[str, str]
    problem: str = ""  # found while reading, e.g. a card that never ends


@dataclass(frozen=True)
class Checked:
    """A row as it would be imported, or the reason it would not be."""

    line: int
    contact: Contact
    outcome: Outcome
    reason: str = ""


@dataclass(frozen=True)
class Skipped:
    line: int
    reason: str


@dataclass(frozen=True)
class ImportReport:
    imported: int
    duplicates: tuple[Skipped, ...] = ()
    bad: tuple[Skipped, ...] = ()
    note: str = ""  # e.g. how a file that was not UTF-8 was read

    @classmethod
    def of(cls, checked: Sequence[Checked], note: str = "") -> ImportReport:
        def skipped(outcome: Outcome) -> tuple[Skipped, ...]:
            return tuple(Skipped(c.line, c.reason) for c in checked if c.outcome is outcome)

        new = sum(c.outcome is Outcome.NEW for c in checked)
        return cls(new, skipped(Outcome.DUPLICATE), skipped(Outcome.BAD), note)


def existing_emails(store: Store) -> set[str]:
    """The contacts' addresses as the de-duplication compares them."""
    return {parse_address_or_none(email) or email for email in store.contact_emails()}


def check(candidates: Iterable[Candidate], existing: set[str]) -> list[Checked]:
    """In file order: the first row with an address is kept, later ones are duplicates."""
    seen: dict[str, int] = {}
    return [_check(candidate, existing, seen) for candidate in candidates]


def _check(candidate: Candidate, existing: set[str], seen: dict[str, int]) -> Checked:
    contact = _contact(candidate.values)
    key = parse_address_or_none(contact.email) if contact.email else None
    problem = candidate.problem or _problem(contact, key)
    if problem:
        return Checked(candidate.line, contact, Outcome.BAD, problem)
    if key is not None and key in existing:
        reason = f"{contact.email} is already one of your contacts."
        return Checked(candidate.line, contact, Outcome.DUPLICATE, reason)
    if key is not None and key in seen:
        reason = f"{contact.email} is also on line {seen[key]}."
        return Checked(candidate.line, contact, Outcome.DUPLICATE, reason)
    if key is not None:
        seen[key] = candidate.line
    return Checked(candidate.line, contact, Outcome.NEW)


def _contact(values: dict[str, str]) -> Contact:
    def one_line(name: str) -> str:
        return " ".join(values.get(name, "").split())  # line breaks and runs of spaces: one

    notes = values.get("notes", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    email = one_line("email").split(" ::: ")[0]  # Google's CSV puts several in one cell
    return Contact(
        one_line("name"), email, one_line("company"), one_line("title"), one_line("phone"), notes
    )


def _problem(contact: Contact, address: str | None) -> str:
    if not contact.name and not contact.email:
        return "There is no name and no email address."
    if contact.email and address is None:
        return f"{_quoted(contact.email)} is not a valid email address."
    for name in ONE_LINE_FIELDS:
        try:
            check_header_text(getattr(contact, name), name)
        except InvalidField as error:
            return str(error)
    if len(contact.notes) > MAX_NOTES:
        size = len(contact.notes)
        return f"The notes are too long ({size:,} characters). Keep them under {MAX_NOTES:,}."
    return ""


def _quoted(text: str, limit: int = 60) -> str:
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def _import(store: Store, candidates: Iterable[Candidate], note: str) -> ImportReport:
    checked = check(candidates, existing_emails(store))
    new = [c.contact for c in checked if c.outcome is Outcome.NEW]
    if new:
        store.add_contacts(new)  # all or none
    return ImportReport.of(checked, note)


def chosen_contacts(store: Store, ids: Sequence[int] | None = None) -> list[Contact]:
    """All contacts in list order, or the given ones in the given order."""
    if ids is None:
        return store.contacts()
    found = store.contacts_by_id(ids)
    return [found[i] for i in ids if i in found]


# --- files ------------------------------------------------------------------------------


def _read_text(path: Path, kind: str, *, folded: bool = False) -> tuple[str, str]:
    """The file's text, and a note saying how it was read when it was not UTF-8."""
    data = _read_bytes(path)
    if folded:
        data = _whole_characters(data)
    if not data.strip():
        raise FileProblem(
            f"{path.name} is empty: there are no contacts in it. "
            f"Export your contacts as {kind} again and choose the new file."
        )
    text, note = _decode(data)
    if "\x00" in text:
        raise FileProblem(
            f"{path.name} is not a {kind} file (it holds binary data). Choose the {kind} "
            "file your address book or spreadsheet saved."
        )
    return text, note


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise FileProblem(
                f"{path.name} is too big for a list of contacts "
                f"(over {MAX_FILE_BYTES // 1_000_000} MB). Check that it is the right file."
            )
        return path.read_bytes()
    except OSError as error:
        raise FileProblem(
            f"Afterword cannot read {path}: {error.strerror or error}. "
            "Check that the file exists and that you may open it."
        ) from None


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-16"), ""
    with contextlib.suppress(UnicodeDecodeError):
        return data.decode("utf-8-sig"), ""
    try:
        return data.decode("cp1252"), _not_utf8("Windows-1252 (Western European)")
    except UnicodeDecodeError:  # a byte cp1252 leaves undefined
        return data.decode("latin-1"), _not_utf8("Latin-1")


def _not_utf8(read_as: str) -> str:
    return (
        f"The file is not in UTF-8, so it was read as {read_as}. If any letters look wrong, "
        "save it again as UTF-8 (in a spreadsheet: “CSV UTF-8”) and import that file."
    )


def _write_text(path: Path, text: str, encoding: str) -> None:
    """Written aside, then moved into place: a failed export leaves no half file."""
    part = path.with_name(f".{path.name}.part")
    try:
        part.write_text(text, encoding=encoding, newline="")
        os.replace(part, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            part.unlink()
        raise FileProblem(
            f"Afterword cannot write {path}: {error.strerror or error}. "
            "Choose another folder or file name."
        ) from None


# --- CSV --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvRow:
    line: int  # where the row starts in the file, as a text editor counts
    cells: tuple[str, ...]


@dataclass(frozen=True)
class CsvTable:
    file_name: str
    header: tuple[str, ...]
    rows: tuple[CsvRow, ...]
    note: str = ""


CSV_HEADER = ("Name", "Email", "Company", "Title", "Phone", "Notes")
_DELIMITERS = (",", ";", "\t")
_SNIFF_CHARS = 64_000


def read_csv(path: Path | str) -> CsvTable:
    path = Path(path)
    text, note = _read_text(path, "CSV")
    rows = _csv_rows(text, _delimiter(text), path.name)
    start = _header_index(rows)
    if start is None:  # the first row is a person: numbered columns, the user names them
        width = max(len(row.cells) for row in rows)
        header = tuple(f"Column {i}" for i in range(1, width + 1))
        return CsvTable(path.name, header, tuple(rows), note)
    if len(rows) <= start + 1:
        raise FileProblem(
            f"{path.name} has no contacts in it, only a header row. "
            "Export your contacts again and choose the new file."
        )
    header = tuple(cell.strip() or f"Column {i}" for i, cell in enumerate(rows[start].cells, 1))
    return CsvTable(path.name, header, tuple(rows[start + 1 :]), note)


def _csv_rows(text: str, delimiter: str, file_name: str) -> list[CsvRow]:
    """The rows that hold anything, with their line numbers."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, line = [], 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append(CsvRow(line, tuple(cells)))
            line = reader.line_num + 1
    except csv.Error as error:
        raise FileProblem(
            f"{file_name} cannot be read as CSV (line {line}: {error}). "
            "Open it in a spreadsheet, save it as CSV and import that file."
        ) from None
    return rows


def _delimiter(text: str) -> str:
    sample = text[:_SNIFF_CHARS]
    return max(_DELIMITERS, key=lambda delimiter: _consistency(sample, delimiter))


def _consistency(sample: str, delimiter: str) -> tuple[int, int]:
    """How well the sample splits into columns: (rows of the commonest width, that width);
    rows of one cell (notes above the header, say) do not count."""
    try:
        rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
    except csv.Error:
        return (0, 0)
    widths = Counter(len(row) for row in rows if len(row) > 1 and any(c.strip() for c in row))
    if not widths:
        return (0, 0)
    width, count = widths.most_common(1)[0]
    return (count, width)


def _header_index(rows: Sequence[CsvRow]) -> int | None:
    """Some exports (LinkedIn's) put lines of notes above the header row; None when there is
    no header row: no row names a column and the first holds an email address."""
    for index, row in enumerate(rows[:10]):
        if {"name", "email"} & set(guess_columns(row.cells)):
            return index
    if rows and any(parse_address_or_none(cell.strip()) for cell in rows[0].cells):
        return None
    return 0


# Header names, lower-cased without spaces or punctuation; for each field the most telling first.
_GUESSES: dict[str, tuple[str, ...]] = {
    "email": (
        r"e?mail(address)?",
        r"(primary|work|business|home|personal|other)?e?mail(address)?\d*(value|address)?",
    ),
    "name": (r"(full|display|contact)?name", r"contact|person"),
    "company": (r"company(name)?|organi[sz]ation(name)?|employer", r"organi[sz]ation\d*name|org"),
    "title": (r"jobtitle|position|role", r"organi[sz]ation\d*title", r"title"),
    "phone": (
        r"(mobile|cell)(phone)?(number)?",
        r"(tele)?phone(number)?|tel",
        r"(primary|work|business|home|other)?(tele)?phone\d*(number|value)?",
    ),
    "notes": (r"notes?|comments?|remarks?|description",),
}
_NAME_PART = r"(first|given|middle|additional|last|family|fore|sur)name"


def guess_columns(header: Sequence[str]) -> list[str | None]:
    """Each field from the column that most plainly holds it; first and last names, if there
    is no column for the whole name, both go to the name (joined in column order)."""
    keys = [re.sub(r"[\W_]+", "", name.casefold()) for name in header]
    columns: list[str | None] = [None] * len(keys)
    for field_name, patterns in _GUESSES.items():
        found = _first_match(keys, patterns, columns)
        if found is not None:
            columns[found] = field_name
    if "name" not in columns:
        for index, key in enumerate(keys):
            if columns[index] is None and re.fullmatch(_NAME_PART, key):
                columns[index] = "name"
    return columns


def _first_match(keys: Sequence[str], patterns: Sequence[str], taken: Columns) -> int | None:
    for pattern in patterns:
        for index, key in enumerate(keys):
            if taken[index] is None and re.fullmatch(pattern, key):
                return index
    return None


_JOINED_WITH = {"name": " ", "notes": "\n"}  # other fields take the first column with a value


def _csv_candidate(row: CsvRow, columns: Columns) -> Candidate:
    found: dict[str, list[str]] = {}
    for cell, field_name in zip(row.cells, columns, strict=False):
        if field_name and cell.strip():
            found.setdefault(field_name, []).append(cell.strip())
    values = {
        name: _JOINED_WITH[name].join(parts) if name in _JOINED_WITH else parts[0]
        for name, parts in found.items()
    }
    return Candidate(row.line, values)


def preview(
    table: CsvTable, columns: Columns, existing: set[str], limit: int = PREVIEW_ROWS
) -> list[Checked]:
    """The first rows as they would be imported with these columns."""
    return check((_csv_candidate(row, columns) for row in table.rows[:limit]), existing)


def import_csv(store: Store, table: CsvTable, columns: Columns) -> ImportReport:
    candidates = (_csv_candidate(row, columns) for row in table.rows)
    return _import(store, candidates, table.note)


def export_csv(contacts: Iterable[Contact], path: Path | str) -> int:
    """With a BOM: Excel reads UTF-8 without one as the system's old code page."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    rows = [[getattr(contact, name) for name in FIELDS] for contact in contacts]
    writer.writerows(rows)
    _write_text(Path(path), buffer.getvalue(), "utf-8-sig")
    return len(rows)


# --- vCard ------------------------------------------------------------------------------


MAX_LINE_OCTETS = 75  # RFC 6350 3.2, not counting the line break
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # not str.splitlines: it also splits on U+2028 & co.
_QUOTED_PRINTABLE = re.compile(r"^[^:]*QUOTED-PRINTABLE[^:]*:", re.IGNORECASE)
_SPLIT_CHARACTER = re.compile(rb"([\xc0-\xf7][\x80-\xbf]{0,2})(\r\n|\r|\n)([ \t])(?=[\x80-\xbf])")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
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
    ):
        if value:
            lines.append(f"{prefix}:{_escape(value)}")
    lines.append("END:VCARD")
    return "".join(f"{fold(line)}\r\n" for line in lines)


def export_vcards(contacts: Iterable[Contact], path: Path | str) -> int:
    cards = [vcard(contact) for contact in contacts]
    _write_text(Path(path), "".join(cards), "utf-8")
    return len(cards)


def import_vcards(store: Store, path: Path | str) -> ImportReport:
    path = Path(path)
    text, note = _read_text(path, "vCard", folded=True)
    cards = parse_vcards(text)
    if not cards:
        raise FileProblem(
            f"{path.name} holds no contacts: it has no BEGIN:VCARD line. "
            "Choose a .vcf file exported from your address book."
        )
    return _import(store, cards, note)


def _whole_characters(data: bytes) -> bytes:
    """Some exporters fold inside a UTF-8 character (RFC 6350 3.2 warns of it), and then the
    file as a whole is not UTF-8. The character's first bytes move past the fold: unfolding
    gives the very same bytes, and every line keeps its number for the report."""
    return _SPLIT_CHARACTER.sub(rb"\2\3\1", data)


def _escape(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _structured_name(name: str) -> str:
    """N (family;given;additional;prefixes;suffixes): the last word taken as the family name."""
    words = name.split()
    family, given = (words[-1], " ".join(words[:-1])) if words else ("", "")
    return f"{_escape(family)};{_escape(given)};;;"


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
    or tab) undone, and vCard 2.1's quoted-printable soft line breaks joined."""
    lines: list[tuple[int, str]] = []
    for number, physical in enumerate(_LINE_BREAK.split(text), start=1):
        last = lines[-1][1] if lines else None
        if last is not None and last.endswith("=") and _QUOTED_PRINTABLE.match(last):
            lines[-1] = (lines[-1][0], last[:-1] + physical)
        elif last is not None and physical[:1] in (" ", "\t"):
            lines[-1] = (lines[-1][0], last + physical[1:])
        elif physical.strip():
            lines.append((number, physical))
    return lines


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
    try:
        return data.decode(prop.param("CHARSET") or "utf-8")
    except (LookupError, UnicodeDecodeError):
        return data.decode("latin-1")


def _preferred(properties: Sequence[_Property], name: str) -> str:
    """The raw value of the card's preferred (else first) non-empty property ``name``."""
    found = [p for p in properties if p.name == name and _decoded(p).strip()]
    chosen = [p for p in found if p.preferred()] or found
    return _decoded(chosen[0]) if chosen else ""


def _full_name(properties: Sequence[_Property]) -> str:
    full = _unescape(_preferred(properties, "FN"))
    if full.strip():
        return full
    parts = [
        " ".join(_unescape(word) for word in _components(part, ","))
        for part in _components(_preferred(properties, "N"), ";")
    ]
    family, given, additional, prefixes, suffixes = (parts + [""] * 5)[:5]
    in_order = (prefixes, given, additional, family, suffixes)
    return " ".join(part for part in in_order if part.strip())


def _vcard_candidate(line: int, properties: Sequence[_Property], problem: str = "") -> Candidate:
    def text(name: str) -> str:
        return _unescape(_preferred(properties, name))

    values = {
        "name": _full_name(properties),
        "email": text("EMAIL"),
        "company": _unescape(_components(_preferred(properties, "ORG"), ";")[0]),
        "title": text("TITLE"),
        "phone": text("TEL"),
        "notes": text("NOTE"),
    }
    return Candidate(line, values, problem)
