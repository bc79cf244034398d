"""The built-in templates follow the advice: one gracious reply after a rejection, short
messages that never talk about their reader in the third person, a real update when
keeping in touch, their own words when thanking for feedback, the request's date in a
reminder, and dates as the chosen locale writes them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from composer.compose import draft_from_template
from composer.dates import choose_locale
from composer.due import DueKind, due_items
from composer.errors import MissingField
from composer.records import (
    Contact,
    FeedbackNote,
    Interview,
    InterviewStatus,
    Message,
    MessageState,
    Profile,
    Role,
)
from composer.store import Store
from composer.templates import TemplateLibrary, questions, sample_fields
from composer.templates.library import problems

MET = datetime(2026, 11, 3, 14, 30, tzinfo=UTC)  # a Tuesday
NEWS = "I have just finished a course in data modelling."
LIBRARY = TemplateLibrary()
BUILTIN_IDS = sorted(t.id for t in LIBRARY.templates())


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Records:
    store: Store
    lena: Contact
    tom: Contact
    hr: Contact
    interview: Interview
    clock: Clock

    def write(self, template_id: str, to: Contact, **extra: object) -> Message:
        assert to.id is not None and self.interview.id is not None
        return draft_from_template(
            self.store,
            LIBRARY,
            template_id,
            contact_id=to.id,
            interview_id=self.interview.id,
            **extra,  # type: ignore[arg-type]
        )


@pytest.fixture
def records(tmp_path: Path) -> Iterator[Records]:
    """A realistic record: a final round with two interviewers and HR, then a no."""
    clock = Clock(MET + timedelta(days=3))
    with Store(tmp_path / "afterword.sqlite3", clock=clock) as store:
        store.save_profile(Profile("Zoë Müller", "zoe@example.org", "+44 20 7946 0000"))
        lena = store.add_contact(Contact("Lena Park", "lena@acme.example", "Acme", "Lead"))
        tom = store.add_contact(Contact("Tom Weber", "tom@acme.example", "Acme", "Engineer"))
        hr = store.add_contact(Contact("Harriet Ross", "hr@acme.example", "Acme", "People"))
        interview = store.add_interview(
            Interview(
                "Acme GmbH",
                "Data Engineer",
                MET,
                "final round",
                InterviewStatus.REJECTED,
                topic="streaming pipelines",
            )
        )
        assert lena.id and tom.id and hr.id and interview.id
        store.set_participants(
            interview.id,
            [(lena.id, Role.INTERVIEWER), (tom.id, Role.INTERVIEWER), (hr.id, Role.HR)],
        )
        choose_locale(store, "en_GB")
        yield Records(store, lena, tom, hr, interview, clock)


def words(message: Message) -> int:
    return len(f"{message.subject} {message.body}".split())


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s]


def send_request(records: Records, at: datetime) -> int:
    """The notes request, through the states the outbox takes it, sent at ``at``."""
    store = records.store
    records.clock.now = at
    message = records.write("interview_notes_request", records.hr)
    message.state = MessageState.QUEUED
    saved = store.save_message(message)
    assert saved.id is not None and store.claim_for_sending(saved.id)
    store.record_outgoing(saved.id, f"<{saved.id}@example.org>", b"raw")
    store.mark_sent(saved.id, "250 OK")
    return saved.id


# --- one reply after a rejection --------------------------------------------------------


def test_the_reply_after_a_rejection_says_it_all_in_one_short_message(records: Records) -> None:
    message = records.write("after_rejection", records.lena)
    body = message.body
    assert LIBRARY.get("after_rejection").title == (
        "After a rejection: thanks, no hard feelings, and one question"
    )
    assert body.startswith("Dear Lena,\n\nThank you for letting me know")
    assert "no hard feelings" in body
    assert "future openings at Acme GmbH" in body
    [question] = [s for s in sentences(body) if "stronger candidate" in s]
    assert question.endswith("?") and sum(s.endswith("?") for s in sentences(body)) == 1
    for argumentative in ("unfair", "disagree", "reconsider", "mistake", "however", "but I"):
        assert argumentative not in body
    assert words(message) < 150


@pytest.mark.parametrize("template_id", BUILTIN_IDS)
def test_every_builtin_is_short_and_names_its_recipient_only_in_the_greeting(
    records: Records, template_id: str
) -> None:
    records.store.save_feedback(
        FeedbackNote(records.interview.id or 0, "Strong design.", MET, contact_id=records.lena.id)
    )
    for recipient in (records.lena, records.tom):
        message = records.write(template_id, recipient, answers={"news": NEWS})
        greeting, _, rest = message.body.partition("\n")
        assert greeting.startswith("Dear ")
        for part in recipient.name.split():
            assert part not in rest and part not in message.subject, (template_id, part)
        assert words(message) < 150, template_id


# --- keeping in touch carries the news --------------------------------------------------


def test_keeping_in_touch_asks_for_the_news_and_carries_it(records: Records) -> None:
    [question] = questions(LIBRARY.get("keeping_in_touch").source)
    assert question.name == "news" and "doing lately" in question.prompt
    with pytest.raises(MissingField) as missing:
        records.write("keeping_in_touch", records.lena)
    assert missing.value.field == "ask.news"
    assert str(missing.value) == (
        "The template “Keeping in touch” asks: What you have been doing lately, in a sentence "
        "or two (say, a course you finished or a project you started). Type it in the box "
        "above the text in Compose."
    )
    with pytest.raises(MissingField):
        records.write("keeping_in_touch", records.lena, answers={"news": "   "})

    body = records.write("keeping_in_touch", records.lena, answers={"news": NEWS}).body

    assert f"here is a short update. {NEWS}\n" in body


def test_a_template_may_ask_only_what_its_header_asks() -> None:
    source = (
        "{#\ntitle: Mine\nask: plans = What are you planning?\nask: update = Oops\n#}\n"
        "{% block subject %}Hi{% endblock %}{% block body %}{{ ask.plans }} {{ ask.news }}"
        "{% endblock %}"
    )
    found = [str(p) for p in problems(source)]
    assert [q.name for q in questions(source)] == ["plans"]
    assert any("“update” cannot name a question" in p for p in found), found
    assert any("“ask.news” is not asked" in p for p in found), found
    assert not any("ask.plans" in p for p in found)


# --- thanks for feedback, the notes reminder, continued interest ------------------------


def test_thanks_for_feedback_quotes_the_first_sentence_of_what_they_said(
    records: Records,
) -> None:
    interview_id = records.interview.id or 0
    store = records.store
    store.save_feedback(FeedbackNote(interview_id, "Too quiet.", MET, contact_id=records.lena.id))
    said = (
        "You were strong on system design, but we wanted more depth in SQL. The take-home "
        "was also a day late, which we noticed."
    )
    later = MET + timedelta(days=2)
    store.save_feedback(FeedbackNote(interview_id, said, later, contact_id=records.lena.id))

    to_lena = records.write("thanks_for_feedback", records.lena).body
    to_tom = records.write("thanks_for_feedback", records.tom).body

    assert "“You were strong on system design, but we wanted more depth in SQL”" in to_lena
    assert "take-home" not in to_lena and "Too quiet" not in to_lena
    assert "“" not in to_tom and "genuinely helpful" in to_tom, "Tom said nothing: no quote"


def test_the_notes_reminder_names_the_date_of_the_request(records: Records) -> None:
    asked = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # a Friday
    request = send_request(records, asked)
    choose_locale(records.store, "en_US")

    body = records.write("notes_request_reminder", records.hr).body
    [item] = [
        i
        for i in due_items(records.store, asked + timedelta(days=25))
        if i.kind is DueKind.NOTES_DEADLINE
    ]

    assert "On Friday, November 20, 2026, I wrote to request" in body
    assert item.reply_to == request and "You asked on Nov 20, 2026." in item.detail


def test_continued_interest_reads_naturally_with_and_without_a_topic(records: Records) -> None:
    with_topic = records.write("continued_interest", records.lena).body
    records.interview.topic = ""
    records.store.update_interview(records.interview)
    without = records.write("continued_interest", records.lena).body

    assert (
        "for our conversation on Tuesday, 3 November 2026. I have kept thinking about our "
        "discussion of streaming pipelines.\n" in with_topic
    )
    assert "for our conversation on Tuesday, 3 November 2026.\n\nMy interest" in without
    for body in (with_topic, without):
        assert "  " not in body and " ." not in body and "\n\n\n" not in body


# --- dates as the user writes them ------------------------------------------------------

LONG_DATES = [
    ("en_GB", "Tuesday, 3 November 2026"),
    ("en_US", "Tuesday, November 3, 2026"),
    ("en_AU", "Tuesday, 3 November 2026"),
    ("en_CA", "Tuesday, November 3, 2026"),
    ("en_IE", "Tuesday 3 November 2026"),
    ("en_NZ", "Tuesday, 3 November 2026"),
    ("en_IN", "Tuesday, 3 November 2026"),
    ("de_DE.UTF-8", "Tuesday, 3 November 2026"),  # English as written in Germany
    ("ja_JP", "Tuesday, November 3, 2026"),  # English as written in Japan
    ("fr", "Tuesday, 3 November 2026"),  # no region: British English
]


@pytest.mark.parametrize(("locale_name", "expected"), LONG_DATES)
def test_the_interview_date_in_a_message_follows_the_chosen_locale(
    records: Records, locale_name: str, expected: str
) -> None:
    choose_locale(records.store, locale_name)
    body = records.write("thank_you", records.lena).body
    assert f"meet me on {expected}, to talk about" in body


def test_the_template_preview_shows_where_an_answer_goes() -> None:
    body = LIBRARY.get("keeping_in_touch").render(sample_fields()).body
    assert "here is a short update. [your answer to “news”]" in body


def test_an_answer_is_typed_in_a_line_box_so_spaces_around_it_are_slips(
    records: Records,
) -> None:
    body = records.write("keeping_in_touch", records.lena, answers={"news": f"  {NEWS}  "}).body
    assert f"short update. {NEWS}\n" in body


def test_a_long_first_sentence_is_quoted_only_in_part(records: Records) -> None:
    rambling = " ".join(["we liked how you explained the pipeline"] * 12)  # no full stop
    interview_id = records.interview.id or 0
    records.store.save_feedback(
        FeedbackNote(interview_id, rambling, MET, contact_id=records.lena.id)
    )
    message = records.write("thanks_for_feedback", records.lena)
    assert "“we liked how you explained the pipeline we liked" in message.body
    assert "…”" in message.body and words(message) < 150
