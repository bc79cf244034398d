"""Spelling against the real Hunspell dictionaries CI installs (hunspell-en-us, -en-gb)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from composer.errors import FileProblem, SpellingUnavailable
from composer.paths import Paths
from composer.records import Contact, Interview, Profile
from composer.spelling import (
    LANGUAGE_SETTING,
    SpellChecker,
    available_languages,
    chosen_language,
    default_language,
    words,
)
from composer.store import Store


@pytest.fixture
def checker(paths: Paths) -> SpellChecker:
    return SpellChecker("en_US", paths.dictionary)


def flagged(checker: SpellChecker, text: str) -> list[str]:
    return [word for _, _, word in checker.misspelt(text)]


def test_misspelt_words_are_found_where_they_are(checker: SpellChecker) -> None:
    text = "I was glad to recieve your note and I am intrested in the role."
    assert checker.misspelt(text) == [
        (text.index("recieve"), 7, "recieve"),
        (text.index("intrested"), 9, "intrested"),
    ]


def test_a_correct_sentence_has_nothing_flagged(checker: SpellChecker) -> None:
    text = "Thank you for your time yesterday; it isn’t often I enjoy an interview this much."
    assert checker.misspelt(text) == []


def test_suggestions_put_the_likely_word_first(checker: SpellChecker) -> None:
    assert checker.suggestions("recieve")[0] == "receive"
    assert checker.suggestions("intrested")[0] == "interested"


def test_a_word_added_to_the_dictionary_is_kept_for_the_next_start(paths: Paths) -> None:
    first = SpellChecker("en_US", paths.dictionary)
    assert flagged(first, "Greetings from Pinpointly.") == ["Pinpointly"]
    first.add_to_dictionary("Pinpointly")
    assert flagged(first, "Greetings from Pinpointly.") == []
    again = SpellChecker("en_US", paths.dictionary)  # a restart, on the same data dir
    assert flagged(again, "Greetings from Pinpointly.") == []
    assert paths.dictionary == paths.data_dir / "dictionary.txt"
    assert paths.dictionary.read_text(encoding="utf-8") == "Pinpointly\n"


def test_a_dictionary_file_edited_by_hand_is_read_and_added_to(paths: Paths) -> None:
    paths.dictionary.write_text("Kubernetes\n\n  Terraform", encoding="utf-8")  # no last newline
    checker = SpellChecker("en_US", paths.dictionary)
    assert flagged(checker, "Kubernetes and Terraform and Grafana") == ["Grafana"]
    checker.add_to_dictionary("Grafana")
    assert paths.dictionary.read_text(encoding="utf-8").splitlines()[-2:] == [
        "  Terraform",
        "Grafana",
    ]


def test_a_dictionary_that_cannot_be_written_says_where_and_what_to_do(paths: Paths) -> None:
    paths.dictionary.mkdir()  # something in the way of the file
    checker = SpellChecker("en_US", paths.dictionary)
    with pytest.raises(FileProblem, match=r"“Pinpointly” could not be added to your dictionary"):
        checker.add_to_dictionary("Pinpointly")
    assert [w for _, _, w in checker.misspelt("Pinpointly")] == ["Pinpointly"]  # not kept


def test_an_ignored_word_is_accepted_this_session_only(paths: Paths) -> None:
    checker = SpellChecker("en_US", paths.dictionary)
    checker.ignore("Figma")
    assert flagged(checker, "Figma files") == []
    assert flagged(SpellChecker("en_US", paths.dictionary), "Figma files") == ["Figma"]
    assert not paths.dictionary.exists()


@pytest.mark.parametrize(
    "text",
    [
        "See https://jobs.acmme.example/posting/1234 for details.",
        "Write to recrutier@acmme.example or www.acmme.example today.",
        "The NASAA team and the ACMEE folks.",
        "Our Q4 plan for the 3rd qurter2 review.",
        "Dear {{ recipient.first_name }}, {% if interview.topcs %}x{% endif %}",
        "{# titel: a note #} {{ me.nmae }}",
        "Saved under C:\\Users\\kim\\Dokuments and ~/Dokuments/cv.pdf",
    ],
)
def test_links_addresses_acronyms_numbers_and_template_fields_are_not_flagged(
    checker: SpellChecker, text: str
) -> None:
    assert flagged(checker, text) == []


def test_a_template_tag_split_over_lines_is_not_flagged_line_by_line(
    checker: SpellChecker,
) -> None:
    lines = ["Thanks {% if interview.topc", "   and interview.dte %}, see you"]
    assert [flagged(checker, line) for line in lines] == [[], []]


def test_names_from_the_records_are_not_flagged(paths: Paths, store: Store) -> None:
    store.add_contact(Contact("Siobhán Ní Bhriain", company="Zyxtronics"))
    store.add_interview(Interview("Quobly Labs"))
    store.save_profile(Profile("Zoë Müller", signature="Zoë Müller\nAfterwordly Consulting"))
    text = (
        "Dear Siobhán, Ní Bhriain’s team at Zyxtronics and Quobly Labs. Yours, Zoë Müller, "
        "Afterwordly Consulting. Ask Wojciech."
    )
    checker = SpellChecker.load(store, paths)
    assert flagged(checker, text) == ["Wojciech"]


def test_the_language_setting_is_honoured(paths: Paths, store: Store) -> None:
    """Real dictionaries: en_GB knows "colour" and not "color"; en_US the other way."""
    sentence = "The colour of the color swatch"
    store.set_setting(LANGUAGE_SETTING, "en_GB")
    british = SpellChecker.load(store, paths)
    store.set_setting(LANGUAGE_SETTING, "en_US")
    american = SpellChecker.load(store, paths)
    assert (british.language, flagged(british, sentence)) == ("en_GB", ["color"])
    assert (american.language, flagged(american, sentence)) == ("en_US", ["colour"])


def test_the_default_is_the_systems_language_else_english() -> None:
    installed = ["de_DE", "en_GB", "en_US"]
    assert default_language(installed, "en_GB") == "en_GB"
    assert default_language(installed, "de_AT") == "de_DE"  # the same language
    assert default_language(installed, "fr_FR") == "en_GB"  # none: the first English one
    assert default_language(installed, None) == "en_GB"
    assert default_language(["fr_FR"], "ja_JP") == "fr_FR"
    with pytest.raises(SpellingUnavailable, match="no dictionary is installed"):
        default_language([], "en_US")


def test_with_no_setting_the_system_language_is_used(store: Store) -> None:
    assert chosen_language(store, system="en_GB") == "en_GB"
    assert chosen_language(store, system="en_US") == "en_US"


def test_installed_dictionaries_are_listed_with_readable_names() -> None:
    names = {"en_GB": "English (United Kingdom)", "en_US": "English (United States)"}
    listed = available_languages(lambda code: names.get(code, code))
    assert ("en_GB", "English (United Kingdom)") in listed
    assert ("en_US", "English (United States)") in listed


def test_a_language_with_no_dictionary_says_so(paths: Paths, store: Store) -> None:
    with pytest.raises(SpellingUnavailable, match="no dictionary for xx_XX is installed"):
        SpellChecker("xx_XX", paths.dictionary)
    store.set_setting(LANGUAGE_SETTING, "xx_XX")  # chosen once, the dictionary since removed
    with pytest.raises(SpellingUnavailable, match=r"chosen in Settings \(xx_XX\) is not installed"):
        SpellChecker.load(store, paths)


def test_with_no_enchant_library_spelling_says_so_and_nothing_crashes(
    tmp_path: Path, paths: Paths
) -> None:
    """A real missing library: pyenchant pointed at a file that is no library (as on a
    system without libenchant), in a fresh interpreter since the library loads once."""
    not_a_library = tmp_path / "libenchant-2.so.2"
    not_a_library.write_bytes(b"")
    script = textwrap.dedent(f"""
        from pathlib import Path
        from composer.errors import FileProblem, SpellingUnavailable
        from composer.spelling import SpellChecker, installed_languages
        own_words = Path({str(paths.dictionary)!r})
        for attempt in (installed_languages, lambda: SpellChecker("en_US", own_words)):
            try:
                attempt()
            except SpellingUnavailable as error:
                print(error)
    """)
    env = {**os.environ, "PYENCHANT_LIBRARY_PATH": str(not_a_library)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    notices = done.stdout.splitlines()
    assert len(notices) == 2
    assert all("the enchant library is missing" in notice for notice in notices)
    assert all("Install libenchant-2-2" in notice for notice in notices)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_every_word_found_is_where_it_says(text: str) -> None:
    for start, word in words(text):
        assert text[start : start + len(word)] == word
        assert word.strip() == word and word
