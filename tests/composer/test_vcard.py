"""vCard files as anyone may hand them over: odd charsets and huge folded properties."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.contacts_io import Skipped
from composer.records import Contact
from composer.store import Store
from composer.vcard import fold, import_vcards, unfold, vcard


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "contacts.vcf"
    path.write_bytes(text.encode())
    return path


def old_card(name: str, charset: str) -> str:
    """A vCard 2.1 card whose name is quoted-printable in ``charset``; five lines."""
    return (
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        f"FN;CHARSET={charset};ENCODING=QUOTED-PRINTABLE:{name}\r\n"
        "EMAIL;INTERNET:odd@x.example\r\nEND:VCARD\r\n"
    )


def test_cards_in_unusable_charsets_are_reported_by_line_and_the_rest_imported(
    store: Store, tmp_path: Path
) -> None:
    """CHARSET=undefined (or idna) used to abort the whole import, good cards included."""
    text = "".join(
        [
            vcard(Contact("Ana Lima", "ana@acme.example")),  # lines 1-6
            old_card("Bo Chen", "undefined"),  # 7-11
            old_card("xn--Cy Dee", "idna"),  # 12-16: the idna codec raised on it
            vcard(Contact("Dana Whitfield", "dana@globex.example")),  # 17-22
        ]
    )

    report = import_vcards(store, write(tmp_path, text))

    assert report.imported == 2
    assert [c.name for c in store.contacts()] == ["Ana Lima", "Dana Whitfield"]
    assert [bad.line for bad in report.bad] == [7, 12]
    assert "CHARSET=undefined" in report.bad[0].reason
    assert "CHARSET=idna" in report.bad[1].reason
    assert all("Export this contact again" in bad.reason for bad in report.bad)


@pytest.mark.parametrize("charset", ["IDNA", "punycode"])
def test_a_domain_name_codec_is_refused_even_where_it_would_decode(
    store: Store, tmp_path: Path, charset: str
) -> None:
    """ "Bo Chen" decodes as IDNA, but as a card's name that is chance: told, not guessed."""
    report = import_vcards(store, write(tmp_path, old_card("Bo Chen", charset)))
    assert report.imported == 0
    assert report.bad == (Skipped(1, report.bad[0].reason),)
    assert f"CHARSET={charset}" in report.bad[0].reason


def test_an_unknown_charset_name_is_still_read_as_latin_1(store: Store, tmp_path: Path) -> None:
    report = import_vcards(store, write(tmp_path, old_card("J=F6rg", "X-NO-SUCH-CHARSET")))
    assert (report.imported, report.bad) == (1, ())
    assert store.contacts()[0].name == "Jörg"


def test_a_card_with_a_16_mb_folded_photo_imports(store: Store, tmp_path: Path) -> None:
    """Unfolding joins each property once (it was quadratic: such a photo took 140 s)."""
    photo = fold("PHOTO;ENCODING=b;TYPE=JPEG:" + "QUJD" * 4_000_000)
    card = vcard(Contact("Ana Lima", "ana@acme.example"))
    text = card.replace("END:VCARD", photo + "\r\nEND:VCARD")

    report = import_vcards(store, write(tmp_path, text))

    assert (report.imported, report.bad) == (1, ())
    assert [(c.name, c.email) for c in store.contacts()] == [("Ana Lima", "ana@acme.example")]


def test_unfolding_keeps_each_property_whole_with_the_line_it_starts_on() -> None:
    text = (
        "BEGIN:VCARD\r\n"
        "NOTE;ENCODING=QUOTED-\r\n PRINTABLE:one=\r\ntwo=\r\n=\r\nthree\r\n"
        "PHOTO:\r\n AAA\r\n\tBBB\r\n \r\n CCC\r\n"
        "END:VCARD\r\n"
    )
    assert unfold(text) == [
        (1, "BEGIN:VCARD"),
        (2, "NOTE;ENCODING=QUOTED-PRINTABLE:onetwothree"),
        (7, "PHOTO:AAABBBCCC"),
        (12, "END:VCARD"),
    ]
