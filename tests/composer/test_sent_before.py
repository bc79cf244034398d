"""Who already got a follow-up, so that Compose and "One each" never offer it twice: a real
store and real SMTP, with the one message to two interviewers that names only one of them."""

from __future__ import annotations

from composer.outbox import Outbox
from composer.records import Contact, Interview, Message, MessageState, Role
from composer.sent_before import UNKNOWN, sent_before
from composer.store import Store


def panel(store: Store) -> tuple[int, Contact, Contact, Contact]:
    """An interview with two interviewers and HR."""
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    bo = store.add_contact(Contact("Bo Chen", "Bo.Chen@Acme.example"))
    hr = store.add_contact(Contact("Harriet Ross", "hr@acme.example"))
    interview = store.add_interview(Interview("Acme"))
    assert interview.id and ana.id and bo.id and hr.id
    store.set_participants(interview.id, [(ana.id, Role.INTERVIEWER), (bo.id, Role.INTERVIEWER)])
    return interview.id, ana, bo, hr


def thank(interview_id: int, to: Contact, cc: list[str]) -> Message:
    return Message(
        "Thank you",
        "Dear Ana and Bo,\n\nThank you.\n",
        to=[f"{to.name} <{to.email}>"],
        cc=cc,
        template_id="thank_you",
        interview_id=interview_id,
        contact_id=to.id,
    )


def test_one_thank_you_to_both_interviewers_counts_for_both(outbox: Outbox) -> None:
    store = outbox.store
    interview_id, ana, bo, hr = panel(store)
    message = outbox.queue(thank(interview_id, ana, ["bo.chen@acme.example"]))
    assert message.id is not None
    [result] = outbox.send([message.id])
    assert result.state is MessageState.SENT, result.detail
    sent_at = store.message(message.id).sent_at

    found = sent_before(store, interview_id, "thank_you", [ana, bo, hr])

    assert ana.id is not None and bo.id is not None
    assert found == {ana.id: sent_at, bo.id: UNKNOWN}  # Bo's date: recorded under Ana
    assert sent_before(store, interview_id, "feedback_request", [ana, bo]) == {}


def test_a_queued_follow_up_counts_and_a_draft_does_not(outbox: Outbox) -> None:
    store = outbox.store
    interview_id, ana, bo, _ = panel(store)
    outbox.save_draft(thank(interview_id, bo, []))
    assert sent_before(store, interview_id, "thank_you", [ana, bo]) == {}

    outbox.queue(thank(interview_id, ana, []))

    assert ana.id is not None
    assert sent_before(store, interview_id, "thank_you", [ana, bo]) == {ana.id: UNKNOWN}


def test_another_interview_with_the_same_people_is_not_counted(outbox: Outbox) -> None:
    store = outbox.store
    interview_id, ana, bo, _ = panel(store)
    later = store.add_interview(Interview("Acme", stage="second round"))
    assert later.id is not None
    outbox.queue(thank(interview_id, ana, ["bo.chen@acme.example"]))
    assert sent_before(store, later.id, "thank_you", [ana, bo]) == {}
