"""Imported contacts are greeted as a person would write: the name forms address books and
spreadsheets hold, through the real store, up to the thank-you that would be sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from composer.compose import draft_from_template
from composer.contacts_io import guess_columns, import_csv, read_csv
from composer.greeting import greeting_of
from composer.records import Contact, Interview
from composer.store import Store
from composer.templates import TemplateLibrary
from composer.vcard import export_vcards, import_vcards, vcard

CSV = """\
Name,Email,Company,Greeting
"Whitfield, Dana",dana.whitfield@acme.example,Acme,
Dr. Amara Okafor,amara@acme.example,Acme,
DANA SMITH,dsmith@globex.example,Globex,
van Dijk,p.vandijk@globex.example,Globex,
Robert Smith,rob@globex.example,Globex,Bob
Lena Park,lena@initech.example,Initech,Dr.
J. Smith,jane.smith@initech.example,Initech,
王小明,wang@initech.example,Initech,
,careers@initech.example,Initech,
"""
CSV_GREETINGS = {
    "dana.whitfield@acme.example": "Dear Dana,",
    "amara@acme.example": "Dear Dr. Okafor,",
    "dsmith@globex.example": "Dear Dana,",
    "p.vandijk@globex.example": "Dear van Dijk,",  # a surname alone: flagged, see below
    "rob@globex.example": "Dear Bob,",  # the file's Greeting column
    "lena@initech.example": "Dear Dr. Park,",  # a CRM's lone salutation, completed
    "jane.smith@initech.example": "Dear Jane,",  # initials, the address says the rest
    "wang@initech.example": "Dear 王小明,",
    "careers@initech.example": "Dear Hiring Team,",
}


def thank_you(store: Store, contact: Contact, interview: Interview) -> str:
    """The first line of the thank-you this contact would be sent."""
    assert contact.id is not None and interview.id is not None
    message = draft_from_template(
        store, TemplateLibrary(), "thank_you", contact_id=contact.id, interview_id=interview.id
    )
    return message.body.splitlines()[0]


def by_email(store: Store) -> dict[str, Contact]:
    """The imported contacts (``records`` holds two of its own, with other addresses)."""
    known = {"ana@acme.example", "hr@acme.example"}
    return {c.email: c for c in store.contacts() if c.email not in known}


def test_a_csv_import_greets_each_form_of_name_as_a_person_would(
    store: Store, records: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(CSV, encoding="utf-8")
    table = read_csv(path)
    columns = guess_columns(table.header)
    assert columns[-1] == "greeting"

    report = import_csv(store, table, columns)

    assert (report.imported, report.bad) == (len(CSV_GREETINGS), ())
    contacts = by_email(store)
    lines = {email: thank_you(store, c, records["interview"]) for email, c in contacts.items()}
    assert lines == CSV_GREETINGS
    uncertain = {email for email, c in contacts.items() if not greeting_of(c).certain}
    assert uncertain == {"p.vandijk@globex.example", "careers@initech.example"}
    assert contacts["dana.whitfield@acme.example"].greeting == ""  # derived: follows the name
    assert contacts["rob@globex.example"].greeting == "Bob"


@pytest.mark.parametrize(
    "header",
    ["Salutation", "Preferred name", "Nickname", "Greeting", "Goes by", "preferred_first_name"],
)
def test_a_greeting_column_is_recognised_by_its_usual_names(header: str) -> None:
    assert guess_columns(["Full name", "E-mail", header]) == ["name", "email", "greeting"]


def test_a_last_name_column_before_the_first_name_still_greets_by_the_first_name(
    store: Store, records: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Last name,First name,Email\nWhitfield,Dana,dana@acme.example\n")
    table = read_csv(path)
    import_csv(store, table, guess_columns(table.header))

    [dana] = by_email(store).values()
    assert dana.name == "Dana Whitfield"
    assert thank_you(store, dana, records["interview"]) == "Dear Dana,"


VCARDS = """\
BEGIN:VCARD
VERSION:3.0
FN:Whitfield\\, Dana
N:Whitfield;Dana;;;
EMAIL:dana.whitfield@acme.example
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Amara Okafor
N:Okafor;Amara;;Dr.;PhD
EMAIL:amara@acme.example
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:DANA SMITH
N:SMITH;DANA;;;
EMAIL:dsmith@globex.example
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Nagy Eszter
N:Nagy;Eszter;;;
EMAIL:eszter@globex.example
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:van Dijk
NICKNAME:Pieter
EMAIL:p.vandijk@globex.example
END:VCARD
BEGIN:VCARD
VERSION:2.1
N:;王小明;;;
EMAIL:wang@initech.example
END:VCARD
"""
VCARD_GREETINGS = {
    "dana.whitfield@acme.example": "Dear Dana,",
    "amara@acme.example": "Dear Dr. Okafor,",  # N's title and surname, though FN has none
    "dsmith@globex.example": "Dear Dana,",
    "eszter@globex.example": "Dear Eszter,",  # family name first: N says which is given
    "p.vandijk@globex.example": "Dear Pieter,",  # no given name in N: the NICKNAME
    "wang@initech.example": "Dear 王小明,",
}


def test_a_vcard_import_takes_the_greeting_from_the_given_name(
    store: Store, records: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "contacts.vcf"
    path.write_text(VCARDS, encoding="utf-8")

    report = import_vcards(store, path)

    assert (report.imported, report.bad) == (len(VCARD_GREETINGS), ())
    contacts = by_email(store)
    lines = {email: thank_you(store, c, records["interview"]) for email, c in contacts.items()}
    assert lines == VCARD_GREETINGS
    assert contacts["dana.whitfield@acme.example"].greeting == ""  # the rules agree: derived
    assert contacts["eszter@globex.example"].greeting == "Eszter"


def test_a_typed_greeting_comes_back_from_our_own_vcard(store: Store, tmp_path: Path) -> None:
    store.add_contact(Contact("Robert Smith", "rob@globex.example", greeting="Bob"))
    store.add_contact(Contact("Dr. Amara Okafor", "amara@acme.example"))
    path = tmp_path / "out.vcf"
    export_vcards(store.contacts(), path)

    with Store(tmp_path / "other.sqlite3") as other:
        import_vcards(other, path)
        assert {c.name: c.greeting for c in other.contacts()} == {
            "Dr. Amara Okafor": "",
            "Robert Smith": "Bob",
        }


@pytest.mark.parametrize(
    ("name", "structured"),
    [
        ("Dr. Amara Okafor", "N:Okafor;Amara;;Dr.;"),
        ("Whitfield, Dana", "N:Whitfield;Dana;;;"),
        ("Ludwig van Beethoven", "N:van Beethoven;Ludwig;;;"),
        ("Dana Smith, PhD", "N:Smith;Dana;;;PhD"),
        ("王小明", "N:王小明;;;;"),
    ],
)
def test_an_exported_vcard_splits_the_name_as_the_greeting_does(name: str, structured: str) -> None:
    """Another address book then greets them as Afterword does, not "Dear Whitfield,"."""
    assert structured in vcard(Contact(name)).splitlines()
