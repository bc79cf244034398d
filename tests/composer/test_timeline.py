"""The feedback log, the timeline of an interview or a person, and progress."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from composer.progress import progress
from composer.records import (
    Contact,
    FeedbackNote,
    Interview,
    InterviewStatus,
    Message,
    MessageState,
    Reply,
    Role,
)
from composer.store import Store
from composer.timeline import EventKind, contact_timeline, interview_timeline

T = datetime(2026, 11, 3, 14, 30, tzinfo=UTC)
DAY = timedelta(days=1)


def note(store: Store, interview_id: int, text: str, *tags: str, kind: bool = False) -> int:
    saved = store.save_feedback(FeedbackNote(interview_id, text, T + DAY, list(tags), kind))
    assert saved.id is not None
    return saved.id


def an_interview(store: Store, company: str = "Acme", **extra: object) -> int:
    added = store.add_interview(Interview(company, "Data Engineer", T, **extra))  # type: ignore[arg-type]
    assert added.id is not None
    return added.id


def test_feedback_is_kept_word_for_word_with_its_tags(store: Store) -> None:
    about = an_interview(store)
    words = "Strong on design;\nwe wanted more SQL depth. «Merci» — 谢谢"
    note_id = note(store, about, words, "technical depth", "SQL", " ", "SQL")
    [kept] = store.feedback_notes(interview_id=about)
    assert kept.id == note_id and kept.text == words
    assert kept.tags == ["SQL", "technical depth"], "blank and repeated tags dropped"


def test_tag_counts_across_interviews_show_the_patterns(store: Store) -> None:
    first, second, third = an_interview(store), an_interview(store, "Initech"), an_interview(store)
    note(store, first, "more experience with teams", "experience")
    note(store, second, "needs more years", "Experience", "communication")
    note(store, third, "great design, little Kafka", "technical depth", "experience")
    assert store.tag_counts() == [("experience", 3), ("communication", 1), ("technical depth", 1)]
    assert {n.interview_id for n in store.feedback_notes(tag="EXPERIENCE")} == {
        first,
        second,
        third,
    }


def test_editing_a_note_replaces_its_tags(store: Store) -> None:
    about = an_interview(store)
    note_id = note(store, about, "first words", "experience")
    [kept] = store.feedback_notes()
    kept.tags, kept.text = ["communication"], "corrected words"
    store.save_feedback(kept)
    assert store.tag_counts() == [("communication", 1)]
    assert store.feedback_notes()[0].text == "corrected words"
    store.delete_feedback(note_id)
    assert store.feedback_notes() == [] and store.tag_counts() == []


def sent(store: Store, subject: str, contact_id: int | None, interview_id: int | None) -> int:
    message = store.save_message(
        Message(subject, "body", ["a@acme.example"], contact_id=contact_id,
                interview_id=interview_id, state=MessageState.QUEUED)
    )  # fmt: skip
    assert message.id is not None and store.claim_for_sending(message.id)
    store.mark_sent(message.id, "250 OK")
    return message.id


def test_an_interview_timeline_is_in_date_order(store: Store) -> None:
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    assert ana.id is not None
    about = an_interview(store, applied_at=T - 10 * DAY, stage="final round")
    store.set_participants(about, [(ana.id, Role.INTERVIEWER)])
    store.save_message(Message("A draft", "never sent", ["x@y.z"], interview_id=about))
    message = sent(store, "Thank you", ana.id, about)
    note(store, about, "kind words", "communication")
    store.add_reply(Reply(T + 2 * DAY, "You're welcome!", message_id=message, interview_id=about))
    events = interview_timeline(store, about)
    assert [e.kind for e in events] == [
        EventKind.APPLIED,
        EventKind.INTERVIEW,
        EventKind.FEEDBACK,
        EventKind.REPLY,
        EventKind.MESSAGE,  # sent by this run's clock, which is now: after all the rest
    ]
    assert events[1].title == "Interview: Data Engineer, Acme (final round)"
    assert "A draft" not in " ".join(e.title for e in events), "drafts are not history"
    assert events[-1].title == "Sent: Thank you"


def test_a_contact_timeline_holds_their_interviews_messages_and_replies(store: Store) -> None:
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    bo = store.add_contact(Contact("Bo Chen", "bo@acme.example"))
    assert ana.id is not None and bo.id is not None
    hers, his = an_interview(store), an_interview(store, "Initech")
    store.set_participants(hers, [(ana.id, Role.INTERVIEWER)])
    store.set_participants(his, [(bo.id, Role.INTERVIEWER)])
    sent(store, "To Ana", ana.id, hers)
    sent(store, "To Bo", bo.id, his)
    store.add_reply(Reply(T + DAY, "Thanks Zoë", contact_id=ana.id))
    titles = [e.title for e in contact_timeline(store, ana.id)]
    assert "Sent: To Ana" in titles and "Reply from Ana Lima" in titles
    assert "Sent: To Bo" not in titles and not any("Initech" in t for t in titles)


def test_progress_counts_this_month_in_flight_and_the_almosts(store: Store) -> None:
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    this_month, last_month = (
        datetime(2026, 11, 10, 12, tzinfo=UTC),
        datetime(2026, 10, 5, tzinfo=UTC),
    )
    an_interview(store, applied_at=this_month, status=InterviewStatus.SCHEDULED)
    an_interview(store, applied_at=this_month, status=InterviewStatus.DONE)
    final = an_interview(store, applied_at=last_month, stage="Final round",
                         status=InterviewStatus.REJECTED)  # fmt: skip
    kind = an_interview(store, "Initech", applied_at=last_month, status=InterviewStatus.REJECTED)
    an_interview(store, applied_at=last_month, status=InterviewStatus.REJECTED)
    note(store, kind, "You were our second choice", kind=True)
    result = progress(store, now)
    assert result.in_flight == 2
    assert result.applications_this_month == 2
    assert {(a.interview_id, a.why) for a in result.almosts} == {
        (final, "reached the final round"),
        (kind, "kind feedback"),
    }
    assert [m.label for m in result.months][-2:] == ["Oct 2026", "Nov 2026"]
    assert [m.applications for m in result.months][-2:] == [3, 2]
    assert len(result.months) == 6
