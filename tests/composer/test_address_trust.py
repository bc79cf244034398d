"""Addresses people can trust: a domain mixing scripts is a look-alike, one wholly in
another script gets a note, and both are shown with the real (punycode) form; ordinary
international domains, digits and hyphens raise nothing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from composer.address_trust import Trust, address_trust, flagged, own_scripts
from composer.records import Profile

LATIN_USER = own_scripts(Profile("Zoë Müller", "zoe@example.org"))
CYRILLIC_USER = own_scripts(Profile("Иван Петров", "ivan@почта.рф"))


def test_latin_with_a_cyrillic_letter_is_a_look_alike_shown_with_its_real_form() -> None:
    found = address_trust("lena@exаmple.com", LATIN_USER)  # Cyrillic "а"
    assert found.trust is Trust.MIXED
    assert found.shown == "lena@exаmple.com (xn--exmple-4nf.com)"
    assert found.reason == (
        "exаmple.com mixes Latin and Cyrillic letters: it may be a look-alike of another "
        "address. Its real form is xn--exmple-4nf.com."
    )


def test_latin_with_greek_letters_is_a_look_alike() -> None:
    found = address_trust("pay@ραypal.com", LATIN_USER)  # Greek rho and alpha
    assert found.trust is Trust.MIXED
    assert "mixes Greek and Latin letters" in found.reason
    assert found.ascii_address == "pay@xn--ypal-zld9g.com"


def test_a_wholly_cyrillic_domain_is_a_mild_note_for_a_latin_user() -> None:
    found = address_trust("info@пример.рф", LATIN_USER)
    assert found.trust is Trust.OTHER_SCRIPT
    assert found.shown == "info@пример.рф (xn--e1afmkfd.xn--p1ai)"
    assert "written in Cyrillic letters, not in your own" in found.reason
    assert "look-alike" not in found.reason


def test_a_cyrillic_domain_is_plain_for_a_user_who_writes_cyrillic() -> None:
    assert not address_trust("info@пример.рф", CYRILLIC_USER).flagged
    # ...but a Cyrillic letter in a Latin word is a look-alike whoever writes to it
    assert address_trust("lena@exаmple.com", CYRILLIC_USER).trust is Trust.MIXED


def test_an_ordinary_international_or_ascii_domain_is_shown_as_typed() -> None:
    for address in ("hans@müller.de", "ana@example.org", "kim@bücher-2024.example"):
        found = address_trust(address, LATIN_USER)
        assert found.trust is Trust.PLAIN
        assert found.shown == address


def test_digits_and_hyphens_count_for_no_script() -> None:
    assert not address_trust("a@müller-24.de", LATIN_USER).flagged
    assert not address_trust("a@пример-24.рф", CYRILLIC_USER).flagged
    assert address_trust("a@пример-24.рф", LATIN_USER).trust is Trust.OTHER_SCRIPT  # not mixed


def test_scripts_written_together_are_no_mix() -> None:
    japanese = address_trust("a@ひらがなカタカナ漢字abc.jp", LATIN_USER)
    assert japanese.trust is Trust.OTHER_SCRIPT  # Latin with kana and kanji: Japanese


def test_a_label_each_in_its_own_script_is_no_mix() -> None:
    assert address_trust("a@пример.com", LATIN_USER).trust is Trust.OTHER_SCRIPT


def test_an_invalid_international_domain_says_so_and_does_not_crash() -> None:
    snowman = address_trust("a@☃.com", LATIN_USER)
    assert snowman.trust is Trust.INVALID
    assert snowman.reason == (
        "☃.com is not a valid domain name (it holds “☃”, which no domain name may). "
        "Check the address."
    )
    assert snowman.shown == "a@☃.com"
    hyphens = address_trust("a@ex--аmple.com", LATIN_USER)
    assert hyphens.trust is Trust.INVALID
    assert "Check the address." in hyphens.reason


def test_flagged_lists_each_address_once() -> None:
    found = flagged(["a@exаmple.com", "b@example.com", "a@exаmple.com"], LATIN_USER)
    assert [f.address for f in found] == ["a@exаmple.com"]


def test_a_joiner_counts_for_no_script() -> None:
    # ZERO WIDTH NON-JOINER in a Persian word, where IDNA 2008 allows it
    found = address_trust("a@\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645.ir", LATIN_USER)
    assert found.trust is Trust.OTHER_SCRIPT
    assert "written in Arabic letters" in found.why


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_any_domain_is_judged_without_a_crash(domain: str) -> None:
    found = address_trust(f"a@{domain}", LATIN_USER)
    assert found.trust is Trust.PLAIN or found.why
