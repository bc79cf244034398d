"""A NUL or another control character in any search box: read as a space between words,
never reported as an unusable data file (#16)."""

from __future__ import annotations

import pytest

from composer import sent_list
from composer.records import Contact, Interview, Message, MessageState, Role
from composer.search_words import search_words
from composer.store import Store

ODD = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\ud800"]  # NUL, C0, ESC, DEL, C1, half a pair


@pytest.fixture
def found(store: Store) -> dict[str, int]:
    """A contact, an interview she took part in, and a message to her; one of each besides."""
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme"))
    bo = store.add_contact(Contact("Bo Berg", "bo@beta.example", "Beta"))
    acme = store.add_interview(Interview(company="Acme", position="Data Engineer"))
    store.add_interview(Interview(company="Beta", position="Analyst"))
    assert ana.id and bo.id and acme.id
    store.set_participants(acme.id, [(ana.id, Role.INTERVIEWER)])
    sent = store.save_message(
        Message("Thank you, quokka", "Dear Ana", ["ana@acme.example"], state=MessageState.QUEUED)
    )
    store.save_message(Message("Hello", "Dear Bo", ["bo@beta.example"]))
    assert sent.id
    return {"contact": ana.id, "interview": acme.id, "message": sent.id}


def searches(store: Store, text: str) -> dict[str, list[int]]:
    return {
        "contact": store.contact_ids(text),
        "interview": store.interview_ids_found(text),
        "message": store.message_list_ids(search=text),
        "listing": sent_list.listing(store, sent_list.Filters(search=text)).ids,
    }


@pytest.mark.parametrize("odd", ODD, ids=repr)
def test_a_control_character_beside_a_word_finds_what_the_word_finds(
    store: Store, found: dict[str, int], odd: str
) -> None:
    for word, kind in (("ana", "contact"), ("acme", "interview"), ("quokka", "message")):
        for typed in (f"{word}{odd}", f"{odd}{word}", f"{word[:2]}{odd}"):
            assert found[kind] in searches(store, typed)[kind], typed
    assert searches(store, f"quokka{odd}")["listing"] == [found["message"]]


@pytest.mark.parametrize("odd", ODD, ids=repr)
def test_a_search_of_control_characters_only_lists_everything(
    store: Store, found: dict[str, int], odd: str
) -> None:
    assert searches(store, odd * 3) == searches(store, "")


def test_a_control_character_separates_words() -> None:
    assert search_words("ana\x00lima\x1b") == ["ana", "lima"]
    assert search_words("Noël  Zoë") == ["Noël", "Zoë"]
