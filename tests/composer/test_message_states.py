"""Messages by state: the folders' counts, drafts already sent another way, a failed message
that stays failed until the user acts, and what Today says when nothing is due."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from composer import drafts, sent_list
from composer.due import DueKind, due_items
from composer.errors import AlreadySent
from composer.records import Interview, InterviewStatus, Message, MessageState
from composer.sent_list import Filters, Group
from composer.store import ACCOUNT_SETTING, Store
from composer.today import NOTHING_DUE, QUIET, FirstStep, standing
from tests.helpers.clock import SetClock as Clock

T = datetime(2026, 11, 3, 14, 30, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def clock() -> Clock:
    return Clock(T)


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    with Store(tmp_path / "afterword.sqlite3", clock=clock) as opened:
        yield opened


def draft(store: Store, to: list[str], **values: object) -> int:
    message = store.save_message(Message("Thank you", "Dear", to, **values))  # type: ignore[arg-type]
    assert message.id is not None
    return message.id


def settle(store: Store, clock: Clock, message_id: int, state: MessageState) -> None:
    """Through the states the outbox takes it, a minute later."""
    clock.now += MINUTE
    store.queue_message(message_id)
    assert store.claim_for_sending(message_id)
    if state is MessageState.SENT:
        store.record_outgoing(message_id, f"<{message_id}@example.org>", b"raw")
        store.mark_sent(message_id, "250 OK")
    else:
        store.mark_failed(message_id, "550 No such user", uncertain=state is MessageState.UNCERTAIN)


def sent(store: Store, clock: Clock, to: list[str], **values: object) -> int:
    message_id = draft(store, to, **values)
    settle(store, clock, message_id, MessageState.SENT)
    return message_id


def test_each_folder_is_counted_and_lists_only_its_messages(store: Store, clock: Clock) -> None:
    kept = draft(store, ["a@x.example"])
    went = sent(store, clock, ["b@x.example"])
    failed = draft(store, ["c@x.example"])
    settle(store, clock, failed, MessageState.FAILED)
    unsure = draft(store, ["d@x.example"])
    settle(store, clock, unsure, MessageState.UNCERTAIN)
    later = store.save_message(
        Message(
            "Thank you",
            "Dear",
            ["e@x.example"],
            state=MessageState.SCHEDULED,
            scheduled_at=clock.now + 24 * 60 * MINUTE,
        )
    ).id

    assert store.message_counts() == {
        "draft": 1,
        "sent": 1,
        "failed": 1,
        "uncertain": 1,
        "scheduled": 1,
    }
    counts = sent_list.group_counts(store)
    assert counts == {
        Group.DRAFTS: 1,
        Group.SCHEDULED: 1,
        Group.OUTBOX: 2,
        Group.SENT: 1,
        Group.ALL: 5,
    }
    scheduled = Filters(states=Group.SCHEDULED.states)
    assert sent_list.listing(store, scheduled).ids == [later]
    outbox = Filters(states=Group.OUTBOX.states)
    assert sent_list.newest(store, outbox) == [unsure, failed]
    assert sent_list.listing(store, Filters(states=Group.DRAFTS.states)).ids == [kept]
    assert sent_list.listing(store, Filters("thank", states=Group.SENT.states)).ids == [went]
    assert sent_list.group_of("failed") is Group.OUTBOX


def test_a_draft_the_panel_sent_one_each_is_obsolete(store: Store, clock: Clock) -> None:
    """Compose's draft to two people, left over when the panel sent each one a message."""
    about = store.add_interview(Interview("Acme")).id
    left = draft(
        store,
        ["Ana Lima <ana@acme.example>", "bo@acme.example"],
        interview_id=about,
        template_id="thank_you",
    )
    other = draft(store, ["ana@acme.example"], interview_id=about, template_id="feedback_request")
    sent(store, clock, ["ana@acme.example"], interview_id=about, template_id="thank_you")
    sent(store, clock, ["jbo@acme.example"], interview_id=about, template_id="thank_you")
    assert sent_list.obsolete_drafts(store) == [], "Bo has not been thanked yet"

    sent(store, clock, ["Bo Chen <BO@acme.example>"], interview_id=about, template_id="thank_you")

    assert sent_list.obsolete_drafts(store) == [left]
    assert drafts.remove_drafts(store, [left]) == 1
    assert store.message_ids(MessageState.DRAFT) == [other]
    assert sent_list.obsolete_drafts(store) == []


def test_a_draft_written_after_the_sent_one_is_kept(store: Store, clock: Clock) -> None:
    about = store.add_interview(Interview("Acme")).id
    sent(store, clock, ["ana@acme.example"], interview_id=about, template_id="thank_you")
    clock.now += MINUTE
    draft(store, ["ana@acme.example"], interview_id=about, template_id="thank_you")

    assert sent_list.obsolete_drafts(store) == []


def test_a_failed_message_stays_failed_when_a_draft_is_saved_over_it(
    store: Store, clock: Clock
) -> None:
    """Compose's autosave (or a new follow-up started) saved it as a draft before."""
    failed = draft(store, ["ana@acme.example"])
    settle(store, clock, failed, MessageState.FAILED)
    message = store.message(failed)
    message.body, message.state = "Dear Ana, corrected", MessageState.DRAFT

    store.save_message(message)

    kept = store.message(failed)
    assert kept.state is MessageState.FAILED and kept.body == "Dear Ana, corrected"
    assert kept.error == "550 No such user"


def test_edit_as_new_draft_is_the_user_choosing_to_rewrite_it(store: Store, clock: Clock) -> None:
    failed = draft(store, ["ana@acme.example"])
    settle(store, clock, failed, MessageState.FAILED)

    drafts.edit_failed_as_draft(store, failed, clock())

    now_a_draft = store.message(failed)
    assert now_a_draft.state is MessageState.DRAFT and now_a_draft.error is None
    with pytest.raises(AlreadySent, match="no longer failed"):
        drafts.edit_failed_as_draft(store, failed, clock())


def test_failed_and_uncertain_messages_come_first_on_today(store: Store, clock: Clock) -> None:
    store.add_interview(Interview("Acme", "Analyst", T - timedelta(hours=3)))
    failed = draft(store, ["ana@acme.example"])
    settle(store, clock, failed, MessageState.FAILED)
    unsure = draft(store, ["bo@acme.example"])
    settle(store, clock, unsure, MessageState.UNCERTAIN)
    store.dismiss_due(f"failed:{failed}")  # a stale choice cannot hide it

    items = due_items(store, clock())

    assert [item.kind for item in items] == [DueKind.UNCERTAIN, DueKind.FAILED, DueKind.THANK_YOU]
    assert items[0].message_id == unsure and "Check your Sent folder" in items[0].detail
    assert items[1].message_id == failed and "550 No such user" in items[1].detail


def test_an_interview_done_with_no_date_gets_its_thank_you(store: Store, clock: Clock) -> None:
    done = store.add_interview(Interview("Acme", "Analyst", None, status=InterviewStatus.DONE))

    [item] = due_items(store, T + timedelta(hours=2))

    assert item.kind is DueKind.THANK_YOU and item.interview_id == done.id
    assert item.needs_date and "Add the date of the interview" in item.detail
    assert due_items(store, T + timedelta(days=8)) == [], "a week on, as with a dated one"
    scheduled = store.add_interview(Interview("Beta", "Analyst", None))
    assert all(i.interview_id != scheduled.id for i in due_items(store, T + MINUTE))


def test_today_praises_only_when_follow_ups_were_sent_and_nothing_is_left(
    store: Store, clock: Clock
) -> None:
    assert standing(store).first_step is FirstStep.ACCOUNT
    assert "Well done" not in standing(store).words()
    store.set_setting(ACCOUNT_SETTING, {"host": "smtp.example.org"})
    assert standing(store).first_step is FirstStep.INTERVIEW
    store.add_interview(Interview("Acme", "Analyst", T - timedelta(days=30)))
    assert standing(store).first_step is None
    assert standing(store).words() == QUIET, "nothing sent yet: nothing to praise"

    left = draft(store, ["ana@acme.example"])
    assert "1 draft is still to finish" in standing(store).words()
    settle(store, clock, left, MessageState.FAILED)
    assert "Well done" not in standing(store).words()
    store.save_message(store.message(left))  # stays failed
    drafts.edit_failed_as_draft(store, left, clock())
    settle(store, clock, left, MessageState.SENT)

    assert standing(store).words() == NOTHING_DUE
