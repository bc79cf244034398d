"""Merging a new contact into the one who already has the address."""

from __future__ import annotations

from composer.contacts import merge_into, merged
from composer.records import Contact, Interview, Role
from composer.store import Store


def test_merging_fills_empty_fields_keeps_the_rest_and_adds_the_notes() -> None:
    kept = Contact("Ana Lima", "ana@acme.example", notes="Met at PyCon", id=7)
    new = Contact(
        "A. Lima",
        "ANA@acme.example",
        company="Acme",
        title="Recruiter",
        phone="+44 20",
        notes="Prefers mornings",
        check_in_days=30,
        greeting="Ana",
    )
    assert merged(kept, new) == Contact(
        "Ana Lima",
        "ana@acme.example",
        company="Acme",
        title="Recruiter",
        phone="+44 20",
        notes="Met at PyCon\n\nPrefers mornings",
        id=7,
        check_in_days=30,
        greeting="Ana",
    )
    assert merged(kept, Contact("x", notes="Met at PyCon")).notes == "Met at PyCon"


def test_a_merge_keeps_the_contact_linked_to_its_interview(store: Store) -> None:
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    interview = store.add_interview(Interview("Acme"))
    assert ana.id is not None and interview.id is not None
    store.set_participants(interview.id, [(ana.id, Role.INTERVIEWER)])
    assert store.contact_id_by_email(" ANA@Acme.example ") == ana.id
    assert store.contact_id_by_email("ana@acme.example", other_than=ana.id) is None
    assert store.contact_id_by_email("") is None
    merge_into(store, ana.id, Contact("Ana", "ana@acme.example", company="Acme"))
    [person] = store.participants(interview.id)
    assert (person.contact.id, person.contact.company) == (ana.id, "Acme")
    assert len(store.contacts()) == 1
