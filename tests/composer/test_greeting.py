"""How a person is greeted: the name forms address books and imports really hold."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from composer.greeting import (
    NEUTRAL,
    PARTICLES,
    TITLES,
    Greeting,
    given_name,
    greeting_for,
    greeting_for_several,
    greeting_of,
)
from composer.records import Contact

FORMS = [
    # plain names
    ("Dana Smith", "", "Dana", True),
    ("Dana", "", "Dana", True),
    ("  Dana \t  Smith  ", "", "Dana", True),
    ("Dana Smith.", "", "Dana", True),
    # titles, with and without a dot, kept with the surname
    ("Dr. Amara Okafor", "", "Dr. Okafor", True),
    ("Dr Amara Okafor", "", "Dr Okafor", True),
    ("Dr. Whitfield", "", "Dr. Whitfield", True),
    ("Prof. Ines Duarte", "", "Prof. Duarte", True),
    ("Prof Ines Duarte", "", "Prof Duarte", True),
    ("Prof. Dr. Hans Müller", "", "Prof. Müller", True),
    ("Mr. Tom Weber", "", "Mr. Weber", True),
    ("Mrs Jane Doe", "", "Mrs Doe", True),
    ("Ms Dana Smith", "", "Ms Smith", True),
    ("Ms. Dana Smith", "", "Ms. Smith", True),
    ("Mx. Alex Kim", "", "Mx. Kim", True),
    ("Mx Kim", "", "Mx Kim", True),
    ("Sir Tim Berners-Lee", "", "Sir Tim", True),
    ("Dame Judi Dench", "", "Dame Judi", True),
    ("DR. AMARA OKAFOR", "", "Dr. Okafor", True),
    ("dr amara okafor", "", "Dr Okafor", True),
    ("Dr. Amara OKAFOR", "", "Dr. Okafor", True),
    # the comma form of address books
    ("Whitfield, Dana", "", "Dana", True),
    ("Whitfield,Dana", "", "Dana", True),
    ("WHITFIELD, DANA", "", "Dana", True),
    ("Whitfield, Dr. Dana", "", "Dr. Whitfield", True),
    ("van Dijk, Pieter", "", "Pieter", True),
    ("de la Cruz, Maria", "", "Maria", True),
    ("Smith Jr., John", "", "John", True),
    ("García Márquez, Gabriel", "", "García", False),  # a comma that is not plainly Last, First
    # particles belong to the surname
    ("Ludwig van Beethoven", "", "Ludwig", True),
    ("Anna van der Berg", "", "Anna", True),
    ("Dr. van Dijk", "", "Dr. van Dijk", True),
    ("DR. ANNA VAN DER BERG", "", "Dr. van der Berg", True),
    ("Prof. Ana de la Cruz", "", "Prof. de la Cruz", True),
    ("van Dijk", "", "van Dijk", False),  # a surname alone: no first name to use
    ("van Dijk", "pieter.vandijk@firm.example", "Pieter", True),
    ("von", "", NEUTRAL, False),
    # ALL-CAPS and all-lower, put right
    ("DANA SMITH", "", "Dana", True),
    ("dana smith", "", "Dana", True),
    ("DANA", "", "Dana", True),
    ("MARY MCDONALD", "", "Mary", True),
    ("mcdonald, mary", "", "Mary", True),
    ("SEAN O'BRIEN", "", "Sean", True),
    ("ÉMILE ZOLA", "", "Émile", True),
    ("DUPONT Jean", "", "Jean", False),  # the French habit, or caps lock: flagged
    # hyphens
    ("Jean-Luc Picard", "", "Jean-Luc", True),
    ("JEAN-LUC PICARD", "", "Jean-Luc", True),
    ("jean-luc picard", "", "Jean-Luc", True),
    ("Anne-Marie Smith-Jones", "", "Anne-Marie", True),
    # names with no first/last split
    ("王小明", "", "王小明", True),
    ("山田 太郎", "", "山田 太郎", True),
    ("김민수", "", "김민수", True),
    ("Madonna", "", "Madonna", True),
    # no name, only an address
    ("", "dana.smith@acme.example", "Dana", True),
    ("", "DANA.SMITH@ACME.EXAMPLE", "Dana", True),
    ("", "jean-luc.picard@acme.example", "Jean-Luc", True),
    ("dana.smith@acme.example", "", "Dana", True),  # the address kept as the name
    ("Dana Smith <dana@acme.example>", "", "Dana", True),  # a pasted From line
    ("", "dsmith@acme.example", NEUTRAL, False),
    ("", "d.smith@acme.example", NEUTRAL, False),
    ("", "info@acme.example", NEUTRAL, False),
    ("", "hr@acme.example", NEUTRAL, False),
    ("", "jobs@acme.example", NEUTRAL, False),
    ("", "talent.acquisition@acme.example", NEUTRAL, False),
    ("", "", NEUTRAL, False),
    # initials: no first name, and no guessing Mr or Ms
    ("J. Smith", "", "J. Smith", False),
    ("J Smith", "", "J Smith", False),
    ("J. Smith", "jane.smith@acme.example", "Jane", True),
    ("J. Smith", "jane.doe@acme.example", "J. Smith", False),  # the address is someone else
    ("F. Scott Fitzgerald", "", "Scott", True),
    ("J.R.R. Tolkien", "", "J.R.R. Tolkien", False),
    ("J.", "", NEUTRAL, False),
    # suffixes
    ("Dana Smith Jr.", "", "Dana", True),
    ("Dana Smith, PhD", "", "Dana", True),
    ("Dr. Dana Smith, Ph.D.", "", "Dr. Smith", True),
    ("Martin Luther King III", "", "Martin", True),
    # notes and nicknames
    ("Dana Smith (she/her)", "", "Dana", True),
    ("Dana Smith (Acme)", "", "Dana", True),
    ('Robert "Bob" Smith', "", "Bob", True),
    ("Robert 'Bob' Smith", "", "Bob", True),
    ("Whitfield", "dana.whitfield@acme.example", "Dana", True),
    ("JP Morgan", "", "JP", True),
    ("Dr.", "", NEUTRAL, False),
]


@pytest.mark.parametrize(("name", "email", "text", "certain"), FORMS)
def test_each_name_form_is_greeted_as_a_person_would(
    name: str, email: str, text: str, certain: bool
) -> None:
    assert greeting_for(name, email) == Greeting(text, certain)


def test_the_table_covers_many_forms() -> None:
    assert len({(name, email) for name, email, *_ in FORMS}) >= 30


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Dr. Amara Okafor", "Amara"),
        ("Dr. Whitfield", ""),
        ("Whitfield, Dana", "Dana"),
        ("DANA SMITH", "Dana"),
        ("van Dijk", ""),
        ("J. Smith", ""),
        ("", ""),
    ],
)
def test_the_first_name_follows_the_same_rules(name: str, first: str) -> None:
    assert given_name(name) == first


def test_a_saved_greeting_wins_over_the_rules() -> None:
    contact = Contact("Robert Smith", "rob@acme.example", greeting="  Bobby  ")
    assert greeting_of(contact) == Greeting("Bobby", True)
    assert greeting_of(Contact("Whitfield, Dana")) == Greeting("Dana", True)


@pytest.mark.parametrize(
    ("greetings", "together"),
    [
        ([], "all"),
        (["Ana"], "Ana"),
        (["Ana", "Bo"], "Ana and Bo"),
        (["Ana", "Bo", "Cy"], "Ana, Bo and Cy"),
        (["Ana", "Bo", "Cy", "Dee"], "all"),
        (["Dr. Okafor", "Ana"], "Dr. Okafor and Ana"),
        (["Ana", " ", "Bo"], "Ana and Bo"),
    ],
)
def test_several_people_are_greeted_together(greetings: list[str], together: str) -> None:
    assert greeting_for_several(greetings) == together


# --- never a greeting to be ashamed of --------------------------------------------------

_PIECES = st.sampled_from(
    [
        *TITLES,
        "Dr.",
        "Ms.",
        *PARTICLES,
        "Dana",
        "SMITH",
        "o'brien",
        "Jean-Luc",
        "J.",
        "Jr.",
        "PhD",
        "III",
        ",",
        ", ",
        "(she/her)",
        '"Bob"',
        "王小明",
        "  ",
        "-",
        ".",
        "'",
    ]
)
_NAMES = st.one_of(st.text(), st.lists(_PIECES, max_size=6).map(" ".join))
_EMAILS = st.one_of(
    st.just(""),
    st.text(),
    st.builds("{}.{}@acme.example".format, st.text(min_size=1), st.text(min_size=1)),
)


@given(_NAMES, _EMAILS)
@example("Dr.", "")
@example("Smith, van", "")
@example("Dana Smith,", "")
@example("Dr. de", "")
@example("de la", "info@acme.example")
def test_a_greeting_is_never_empty_a_lone_title_or_left_hanging(name: str, email: str) -> None:
    text = greeting_for(name, email).text
    words = text.split()
    assert words and text == " ".join(words), "never empty, never stray spaces"
    assert not all(word.rstrip(".").casefold() in TITLES for word in words), "a lone title"
    assert not text.endswith((",", ";", ":")), "Dear Whitfield,, reads as a slip"
    assert words[-1].casefold() not in PARTICLES, "Dear van, names nobody"
