"""composer.sent_list: what Outbox & Sent lists, and how a list read again is laid over
the one shown. (Pure composer code; it sits here with the page it serves.)"""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from composer import sent_list
from composer.records import Contact, Interview, Message
from composer.sent_list import Filters
from composer.store import Store

ids = st.lists(st.integers(0, 30), max_size=40)
unique_ids = st.lists(st.integers(0, 60), unique=True, max_size=40)


@given(ids, ids)
def test_the_changed_span_turns_the_old_list_into_the_new(old: list[int], new: list[int]) -> None:
    start, old_end, new_end = sent_list.changed_span(old, new)

    assert old[:start] + new[start:new_end] + old[old_end:] == new
    assert start <= old_end and start <= new_end
    assert old[old_end:] == new[new_end:]


@given(ids, ids)
def test_only_what_differs_is_in_the_span(old: list[int], new: list[int]) -> None:
    start, old_end, new_end = sent_list.changed_span(old, new)

    if old_end > start and new_end > start:  # something is replaced: it differs at both ends
        assert old[start] != new[start]
        assert old[old_end - 1] != new[new_end - 1]


@given(unique_ids, unique_ids)
def test_the_interim_list_has_the_first_page_then_everything_else_once(
    first: list[int], shown: list[int]
) -> None:
    merged = sent_list.interim(first, shown)

    assert merged[: len(first)] == first
    assert len(set(merged)) == len(merged)
    assert set(merged) == set(first) | set(shown)


@given(unique_ids, st.integers(0, 20))
def test_with_new_messages_on_top_the_interim_list_is_the_whole_list(
    shown: list[int], arrived: int
) -> None:
    new = [100 + n for n in range(arrived)] + shown
    first = new[:20]  # a first page that holds all those that arrived

    assert sent_list.interim(first, shown) == new


# --- read from the store ----------------------------------------------------------------


def save(
    store: Store, count: int, *, contact_id: int | None = None, interview_id: int | None = None
) -> list[int]:
    """Newest first, as listed."""
    saved = [
        store.save_message(
            Message(
                f"Message {n}",
                "…",
                ["a@acme.example"],
                contact_id=contact_id,
                interview_id=interview_id,
            )
        )
        for n in range(count)
    ]
    return [message.id for message in reversed(saved) if message.id is not None]


@pytest.fixture
def filled(store: Store) -> tuple[int, int]:
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    acme = store.add_interview(Interview(company="Acme", position="Data Engineer"))
    assert ana.id is not None and acme.id is not None
    save(store, 3)
    save(store, 2, contact_id=ana.id)
    save(store, 2, contact_id=ana.id, interview_id=acme.id)
    save(store, 1, interview_id=acme.id)
    return ana.id, acme.id


@pytest.mark.parametrize("contact", [False, True])
@pytest.mark.parametrize("interview", [False, True])
def test_the_first_page_is_the_start_of_the_whole_list(
    store: Store, filled: tuple[int, int], contact: bool, interview: bool
) -> None:
    filters = Filters(
        contact_id=filled[0] if contact else None, interview_id=filled[1] if interview else None
    )
    whole = store.message_list_ids(contact_id=filters.contact_id, interview_id=filters.interview_id)

    assert sent_list.newest(store, filters, limit=2) == whole[:2]
    assert sent_list.newest(store, filters, limit=-1) == whole
    assert sent_list.listing(store, filters).ids == whole


def test_a_search_is_the_stores(store: Store, filled: tuple[int, int]) -> None:
    filters = Filters(search="message 1", contact_id=filled[0])

    found = sent_list.listing(store, filters).ids

    assert found == store.message_list_ids(contact_id=filled[0], search="message 1")
    assert found


def test_the_choices_are_the_records_with_messages_and_those_chosen(store: Store) -> None:
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    bo = store.add_contact(Contact("bo Chen", "bo@beta.example"))
    carla = store.add_contact(Contact("Carla Ross", "carla@gamma.example"))
    store.add_contact(Contact("Cy Dahl", "cy@gamma.example"))  # never written to
    acme = store.add_interview(Interview(company="Acme", position="Data Engineer"))
    beta = store.add_interview(Interview(company="Beta", position=""))
    save(store, 1, contact_id=bo.id, interview_id=acme.id)
    save(store, 1, contact_id=carla.id)
    save(store, 1, contact_id=ana.id)

    choices = sent_list.choices(store, Filters(interview_id=beta.id))

    assert choices.contacts == [(ana.id, "Ana Lima"), (bo.id, "bo Chen"), (carla.id, "Carla Ross")]
    assert set(choices.interviews) == {(acme.id, "Acme, Data Engineer"), (beta.id, "Beta")}
    assert sent_list.listing(store, Filters(), with_choices=True).choices == sent_list.choices(
        store, Filters()
    )


def test_the_list_is_read_while_a_send_is_writing(store: Store, filled: tuple[int, int]) -> None:
    """A reader waits for nobody: the window must not hang while a batch records a send."""
    with Store(store.path) as sender, sender.transaction():
        started = time.perf_counter()
        first = sent_list.newest(store, Filters())
        choices = sent_list.choices(store, Filters())

    assert time.perf_counter() - started < 1  # a writer would wait 5 s, then fail
    assert first == store.message_list_ids()
    assert choices.contacts
