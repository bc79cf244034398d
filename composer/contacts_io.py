"""Contacts in and out: CSV from spreadsheets and address books (vCards: ``vcard``).

An import never half-happens: every row is checked first, bad rows are reported by line and
left out, people already known (by email, case-insensitively) are skipped, and the rest go
in together, in one transaction.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from composer.errors import FileProblem, InvalidField
from composer.greeting import greeting_of, greeting_to_keep
from composer.mail import check_header_text, parse_address_or_none
from composer.records import Contact
from composer.safe_write import replacing
from composer.spreadsheet import as_text_row, as_written
from composer.store import Store

FIELDS = ("name", "email", "company", "title", "phone", "notes", "greeting")
# They go into mail headers and templates: a single line each.
ONE_LINE_FIELDS = tuple(name for name in FIELDS if name != "notes")
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


def check_imported(candidates: Iterable[Candidate], existing: set[str]) -> list[Checked]:
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
    name, email = one_line("name"), one_line("email").split(" ::: ")[0]  # Google: several
    return Contact(
        name,
        email,
        one_line("company"),
        one_line("title"),
        one_line("phone"),
        notes,
        greeting=greeting_to_keep(one_line("greeting"), name, email),
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


def import_candidates(store: Store, candidates: Iterable[Candidate], note: str) -> ImportReport:
    checked = check_imported(candidates, existing_emails(store))
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


def read_text(
    path: Path, kind: str, repair: Callable[[bytes], bytes] | None = None
) -> tuple[str, str]:
    """The file's text, and a note saying how it was read when it was not UTF-8;
    ``repair`` mends the bytes first (a vCard folded inside a character)."""
    data = _read_bytes(path)
    if repair is not None:
        data = repair(data)
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


def write_text(path: Path, text: str, encoding: str) -> None:
    """Written aside, then moved into place (see ``safe_write``): a failed export leaves
    no half file, and a device or folder at ``path`` is refused untouched."""
    try:
        with replacing(path) as part, open(part, "w", encoding=encoding, newline="") as file:
            file.write(text)
    except OSError as error:
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


CSV_HEADER = ("Name", "Email", "Company", "Title", "Phone", "Notes", "Greeting")
_DELIMITERS = (",", ";", "\t")
_SNIFF_CHARS = 64_000


def read_csv(path: Path | str) -> CsvTable:
    path = Path(path)
    text, note = read_text(path, "CSV")
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
    if rows and any(parse_address_or_none(c.strip()) for c in rows[0].cells if "@" in c):
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
    "greeting": (r"greeting|salutation|preferred(first)?name|nick(name)?|knownas|goesby|callname",),
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
        name_parts = {key for key in set(keys) if re.fullmatch(_NAME_PART, key)}
        for index, key in enumerate(keys):
            if columns[index] is None and key in name_parts:
                columns[index] = "name"
    return columns


def _first_match(keys: Sequence[str], patterns: Sequence[str], taken: Columns) -> int | None:
    """Each distinct key is matched once: a line of a million empty cells (any file can be
    chosen) costs one match per pattern, not a million."""
    distinct = set(keys)
    for pattern in patterns:
        matching = {key for key in distinct if re.fullmatch(pattern, key)}
        for index, key in enumerate(keys):
            if key in matching and taken[index] is None:
                return index
    return None


_JOINED_WITH = {"name": " ", "notes": "\n"}  # other fields take the first column with a value


def _csv_candidate(row: CsvRow, columns: Columns, order: Sequence[int]) -> Candidate:
    found: dict[str, list[str]] = {}
    for index in order:
        cell = row.cells[index] if index < len(row.cells) else ""
        field_name = columns[index] if index < len(columns) else None
        cell = as_written(cell)  # a "+44…" Afterword exported as "'+44…" comes back as it was
        if field_name and cell.strip():
            found.setdefault(field_name, []).append(cell.strip())
    values = {
        name: _JOINED_WITH[name].join(parts) if name in _JOINED_WITH else parts[0]
        for name, parts in found.items()
    }
    return Candidate(row.line, values)


def _reading_order(table: CsvTable) -> list[int]:
    """Column order, but a first-name column before the others: a file with "Last name"
    before "First name" must not make "Whitfield Dana" (greeted "Dear Whitfield,")."""
    keys = [re.sub(r"[\W_]+", "", name.casefold()) for name in table.header]
    width = max([len(keys), *(len(row.cells) for row in table.rows)])
    given = r"(first|given|fore)name"
    return sorted(range(width), key=lambda i: i >= len(keys) or not re.fullmatch(given, keys[i]))


def preview(
    table: CsvTable, columns: Columns, existing: set[str], limit: int = PREVIEW_ROWS
) -> list[Checked]:
    """The first rows as they would be imported with these columns."""
    order = _reading_order(table)
    rows = table.rows[:limit]
    return check_imported((_csv_candidate(row, columns, order) for row in rows), existing)


def import_csv(store: Store, table: CsvTable, columns: Columns) -> ImportReport:
    order = _reading_order(table)
    candidates = (_csv_candidate(row, columns, order) for row in table.rows)
    return import_candidates(store, candidates, table.note)


def export_contacts_csv(contacts: Iterable[Contact], path: Path | str) -> int:
    """With a BOM: Excel reads UTF-8 without one as the system's old code page. The
    greeting is the one Afterword uses, saved or derived (imported back, a derived one is
    derived again)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    rows = [as_text_row(_csv_cells(contact)) for contact in contacts]
    writer.writerows(rows)
    write_text(Path(path), buffer.getvalue(), "utf-8-sig")
    return len(rows)


def _csv_cells(contact: Contact) -> list[str]:
    cells = [getattr(contact, name) for name in FIELDS[:-1]]
    return [*cells, greeting_of(contact).text]
