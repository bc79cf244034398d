"""vCard import, as the user runs it: any bytes (any encoding, folds anywhere, CHARSET and
ENCODING parameters, huge properties) end in contacts or a clear FileProblem, within the
time and memory budget, and the report says what the store gained."""

from __future__ import annotations

import base64
import quopri
import tempfile
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from composer.errors import AfterwordError
from composer.store import Store
from composer.vcard import import_vcards
from tests.fuzz.budget import within_budget
from tests.fuzz.profiles import FUZZ

PARSER = "vcard"

_NAMES = [
    "FN",
    "N",
    "EMAIL",
    "ORG",
    "TITLE",
    "TEL",
    "NOTE",
    "PHOTO",
    "NICKNAME",
    "X-AFTERWORD-GREETING",
    "VERSION",
    "item1.EMAIL",
    "BEGIN",
    "END",
    "X-FOO",
]
_CHARSETS = [
    "utf-8",
    "UTF-16",
    "latin-1",
    "undefined",
    "idna",
    "punycode",
    "utf-7",
    "rot13",
    "hex",
    "base64",
    "zlib",
    "bogus",
    "",
    "cp1252",
    "utf-32",
    "mbcs",
]
_PARAMS = st.one_of(
    st.sampled_from(
        [
            "TYPE=INTERNET",
            "PREF",
            "TYPE=pref,work",
            "QUOTED-PRINTABLE",
            "BASE64",
            "ENCODING=b",
            'TYPE="a:b"',
            "ENCODING=QUOTED-PRINTABLE",
            "VALUE=uri",
        ]
    ),
    st.sampled_from(_CHARSETS).map(lambda charset: f"CHARSET={charset}"),
    st.text(alphabet=';:=,"\\ABC', max_size=6),
)


@st.composite
def values(draw: st.DrawFn) -> str:
    text = draw(st.text(max_size=60))
    kind = draw(st.sampled_from(["plain", "qp", "b64", "escaped"]))
    if kind == "qp":
        return quopri.encodestring(text.encode("utf-8", "replace")).decode()
    if kind == "b64":
        return base64.b64encode(text.encode("utf-8", "replace")).decode()
    if kind == "escaped":
        return text.replace(",", "\\,").replace(";", "\\;") + "\\n\\"
    return text


@st.composite
def properties(draw: st.DrawFn) -> str:
    params = draw(st.lists(_PARAMS, max_size=3))
    head = ";".join([draw(st.sampled_from(_NAMES)), *params])
    return f"{head}:{draw(values())}"


def folded(line: str, cuts: list[int], breaks: str) -> str:
    """Folded at the given places, as exporters do (a break, then a space or tab)."""
    for cut in sorted({c % (len(line) + 1) for c in cuts}, reverse=True):
        line = line[:cut] + breaks + line[cut:]
    return line


@st.composite
def vcard_files(draw: st.DrawFn) -> bytes:
    cards = []
    for _ in range(draw(st.integers(0, 4))):
        lines = ["BEGIN:VCARD", draw(st.sampled_from(["VERSION:2.1", "VERSION:3.0", ""]))]
        lines += draw(st.lists(properties(), max_size=8))
        if draw(st.booleans()):
            lines.append("END:VCARD")
        brk = draw(st.sampled_from(["\r\n ", "\n\t", "\r ", "=\r\n"]))
        cards += [
            folded(line, draw(st.lists(st.integers(0, 200), max_size=3)), brk) for line in lines
        ]
    text = draw(st.sampled_from(["\r\n", "\n", "\r"])).join(cards)
    return text.encode(draw(st.sampled_from(["utf-8", "utf-16", "cp1252", "utf-8-sig"])), "replace")


def imported(store: Store, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contacts.vcf"
        path.write_bytes(data)
        before = len(store.contacts())
        try:
            report = import_vcards(store, path)
        except AfterwordError:
            assert len(store.contacts()) == before  # refused whole: nothing half imported
            return
    assert len(store.contacts()) == before + report.imported  # the report says what happened
    assert report.imported + len(report.duplicates) + len(report.bad) > 0  # else: FileProblem


@FUZZ
@given(data=st.binary(max_size=4096))
@example(data=b"BEGIN:VCARD\r\nFN;CHARSET=undefined;ENCODING=QUOTED-PRINTABLE:=41\r\nEND:VCARD")
def test_any_bytes_end_in_contacts_or_a_clear_message(store: Store, data: bytes) -> None:
    with within_budget(PARSER):
        imported(store, data)


@FUZZ
@given(data=vcard_files())
@example(
    data=b"BEGIN:VCARD\nFN;CHARSET=idna;ENCODING=b:eA==\nEND:VCARD\nBEGIN:VCARD\nFN:Ok\nEND:VCARD"
)
def test_any_address_book_vcf_ends_in_contacts_or_a_clear_message(
    store: Store, data: bytes
) -> None:
    with within_budget(PARSER):
        imported(store, data)


@FUZZ
@given(size=st.integers(1, 3_000_000), fold=st.sampled_from(["\r\n ", "\n\t", "=\r\n"]))
def test_a_huge_folded_property_is_read_within_the_budget(
    store: Store, size: int, fold: str
) -> None:
    photo = fold.join(["A" * 74] * (size // 74 + 1))
    card = f"BEGIN:VCARD\r\nFN:Ana\r\nPHOTO;ENCODING=b:{photo}\r\nEND:VCARD\r\n".encode()
    with within_budget(PARSER):
        imported(store, card)
