"""From records to a follow-up in the outbox, and to the recipient."""

from __future__ import annotations

from email import message_from_bytes, policy
from typing import Any

import pytest

from composer.compose import draft_from_template, draft_together, panel_messages
from composer.dates import choose_locale
from composer.errors import MissingField
from composer.outbox import Outbox
from composer.records import Contact, Interview, MessageState
from composer.templates import TemplateLibrary
from tests.helpers.smtp_server import SmtpServer


def test_thank_you_from_the_records_reaches_the_interviewer(
    outbox: Outbox, records: dict[str, Any], smtp_server: SmtpServer
) -> None:
    ana: Contact = records["ana"]
    interview: Interview = records["interview"]
    assert ana.id is not None and interview.id is not None
    choose_locale(outbox.store, "en_GB")
    draft = draft_from_template(
        outbox.store, TemplateLibrary(), "thank_you", contact_id=ana.id, interview_id=interview.id
    )
    assert draft.to == ["Ana Lima <ana@acme.example>"]
    draft.body = draft.body.replace("With thanks", "With many thanks")  # the user edits freely
    queued = outbox.queue(draft)
    assert queued.id is not None

    [result] = outbox.send([queued.id])

    assert result.state is MessageState.SENT
    mail = message_from_bytes(smtp_server.received[0].data, policy=policy.default)
    body = mail.get_content().replace("\r\n", "\n")
    assert body.startswith(
        "Dear Ana,\n\nThank you for taking the time to meet me on Tuesday, 3 November 2026,"
    )
    assert "streaming pipelines" in body and "With many thanks" in body
    assert body.endswith("With many thanks and best wishes,\nZoë Müller\n+44 20 7946 0000\n")
    assert body.count("Zoë Müller") == 1, "the sign-off and the signature share the name"
    sent = outbox.store.message(queued.id)
    assert (sent.template_id, sent.contact_id, sent.interview_id) == (
        "thank_you",
        ana.id,
        interview.id,
    )


def test_a_recipient_without_an_email_is_named(outbox: Outbox, records: dict[str, Any]) -> None:
    nameless = outbox.store.add_contact(Contact("Bo Chen"))
    assert nameless.id is not None
    with pytest.raises(MissingField, match="Bo Chen has no email address: add it in Contacts"):
        draft_from_template(
            outbox.store,
            TemplateLibrary(),
            "thank_you",
            contact_id=nameless.id,
            interview_id=records["interview"].id,
        )


def test_an_interview_without_a_date_is_named(outbox: Outbox, records: dict[str, Any]) -> None:
    interview: Interview = records["interview"]
    interview.scheduled_at = None
    outbox.store.update_interview(interview)
    assert interview.id is not None
    with pytest.raises(MissingField, match="set it in Interviews") as missing:
        draft_from_template(
            outbox.store,
            TemplateLibrary(),
            "thank_you",
            contact_id=records["ana"].id,
            interview_id=interview.id,
        )
    assert missing.value.field == "interview.date"
    assert outbox.store.message_ids() == [], "nothing half-written was saved"


def test_a_template_about_an_interview_with_none_chosen_asks_for_one(
    outbox: Outbox, records: dict[str, Any]
) -> None:
    """Not "check its spelling": the built-in template is right, an interview is missing."""
    with pytest.raises(MissingField) as missing:
        draft_from_template(
            outbox.store, TemplateLibrary(), "thank_you", contact_id=records["ana"].id
        )
    assert "choose the interview it follows up on" in str(missing.value)
    assert "spelling" not in str(missing.value)


@pytest.mark.parametrize(
    ("names", "greeting"),
    [
        (["Ana Lima", "Bo Chen"], "Dear Ana and Bo,"),
        (["Ana Lima", "Bo Chen", "Cy Diaz"], "Dear Ana, Bo and Cy,"),
        (["Ana Lima", "Bo Chen", "Cy Diaz", "Di Eze"], "Dear all,"),
    ],
)
def test_one_message_to_several_greets_them_all(
    outbox: Outbox, records: dict[str, Any], names: list[str], greeting: str
) -> None:
    store = outbox.store
    interview: Interview = records["interview"]
    people = [store.add_contact(Contact(n, f"{n.split()[0].lower()}@acme.example")) for n in names]
    ids = [p.id for p in people if p.id is not None]

    draft = draft_together(
        store, TemplateLibrary(), "no_hard_feelings", contact_ids=ids, interview_id=interview.id
    )

    assert draft.body.startswith(greeting + "\n")
    assert draft.to == [f"{n} <{n.split()[0].lower()}@acme.example>" for n in names]


def test_one_each_for_any_template_and_any_people(outbox: Outbox, records: dict[str, Any]) -> None:
    store = outbox.store
    interview: Interview = records["interview"]
    kim = store.add_contact(Contact("Kim Novak", "kim@globex.example", "Globex"))  # not in it
    ana: Contact = records["ana"]
    assert kim.id is not None and ana.id is not None and interview.id is not None

    panel = panel_messages(
        store, TemplateLibrary(), interview.id, "continued_interest", contact_ids=[kim.id, ana.id]
    )

    assert [item.contact.name for item in panel] == ["Kim Novak", "Ana Lima"]
    assert [item.message.to for item in panel if item.message] == [
        ["Kim Novak <kim@globex.example>"],
        ["Ana Lima <ana@acme.example>"],
    ]
    assert [item.message.body.split("\n")[0] for item in panel if item.message] == [
        "Dear Kim,",
        "Dear Ana,",
    ]
    assert all(item.message and item.message.template_id == "continued_interest" for item in panel)
