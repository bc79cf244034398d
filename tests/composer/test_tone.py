"""The tone check on replies to a "no": each problem phrase quoted with why and a gentler
wording, the labelled corpus held to its recall, and never a note on a built-in template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from composer.compose import Writer
from composer.demo import CaptureServer, seed
from composer.records import Contact, Interview, InterviewStatus, Message, Profile
from composer.send_check import CheckContext, Kind, Part, check_before_it_goes, check_context
from composer.store import Store
from composer.templates import TemplateLibrary
from composer.tone import Tone, tone_notes
from composer.tone_report import GRACIOUS, corpus, report
from tests.helpers.clock import NOW

ANA = Contact("Ana Lima", "ana@acme.example", "Acme", id=1)
REJECTED = Interview("Acme", "Data Engineer", status=InterviewStatus.REJECTED, id=1)
DONE = Interview("Acme", "Data Engineer", status=InterviewStatus.DONE, id=1)
ANSWERS = {"news": "I have just finished a course on stream processing with Kafka"}

PLEA = (
    "Dear Ana,\n\nThank you for letting me know. Please reconsider your decision: I think "
    "I could grow into the role quickly.\n\nBest wishes,\nZoë"
)


def reply(body: str, template_id: str | None = "after_rejection") -> Message:
    return Message("Thank you", body, ["Ana Lima <ana@acme.example>"], template_id=template_id)


def context(interview: Interview | None = REJECTED) -> CheckContext:
    return CheckContext(people=(ANA,), interview=interview, me=Profile("Zoë", "zoe@example.org"))


def tone_findings(message: Message, interview: Interview | None = REJECTED) -> list[str]:
    findings = check_before_it_goes(message, context(interview))
    return [f.message for f in findings if f.kind is Kind.TONE]


# --- the corpus ----------------------------------------------------------------------------


def test_the_corpus_has_enough_varied_sentences_of_each_kind() -> None:
    sentences = corpus()
    labels = [s.label for s in sentences]
    assert len(sentences) >= 60
    for tone in Tone:
        assert labels.count(tone.value) >= 10, tone
    assert labels.count(GRACIOUS) >= 20
    assert set(labels) == {*(t.value for t in Tone), GRACIOUS}, "no misspelt label"


def test_the_corpus_recall_is_at_least_nine_in_ten_and_no_gracious_one_is_flagged() -> None:
    result = report(corpus())
    assert result.gracious_flagged == []
    assert result.overall.recall >= 0.9
    for tone, score in result.scores.items():
        assert score.recall >= 0.9, f"{tone}: {score}"
        assert score.precision >= 0.9, f"{tone}: {score}"


def test_the_report_command_prints_precision_and_recall_per_category(tmp_path: Path) -> None:
    from tests.test_main import run

    result = run("--data-dir", str(tmp_path), "tone-check-report")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.match(r"category\s+precision\s+recall", lines[1])
    for name in [*(t.value for t in Tone), "overall"]:
        assert re.search(rf"^{name}\s+1\.00\s+(0\.9\d|1\.00)\s+\d+/\d+$", result.stdout, re.M)
    assert "Gracious sentences flagged: 0" in result.stdout


# --- the notes -----------------------------------------------------------------------------


def test_a_phrase_is_quoted_as_written_with_a_curly_apostrophe() -> None:
    text = "Thanks for the call. I don’t understand why the role went elsewhere."
    [note] = tone_notes(text)
    assert note.tone is Tone.ARGUING
    assert note.text == "I don’t understand why" == text[note.start : note.end]
    assert "stronger candidate" in note.gentler


def test_one_sorry_is_fine_and_two_are_one_note() -> None:
    assert tone_notes("Sorry to hear the role was filled; congratulations to them.") == []
    text = "Sorry for the late reply. I am sorry my answers were long."
    [note] = tone_notes(text)
    assert (note.tone, note.text) == (Tone.OVER_APOLOGISING, "sorry")
    assert note.start == text.index("sorry my")


def test_their_own_words_quoted_back_are_not_the_users_tone() -> None:
    said = "What you said, “the questions were too hard for your level”, is fair."
    assert tone_notes(said) == []


# --- in the check before sending -----------------------------------------------------------


def test_a_reply_after_a_rejection_that_pleads_gets_a_note_with_a_gentler_wording() -> None:
    message = reply(PLEA)
    findings = [f for f in check_before_it_goes(message, context()) if f.kind is Kind.TONE]
    [finding] = findings
    assert finding.message == (
        "“Please reconsider” in the body pleads: Asking them to undo a decision already "
        "made puts them on the spot. Gentler: “I would be glad to be considered for future "
        "openings.”"
    )
    assert finding.span is not None and finding.span.part is Part.BODY
    assert message.body[finding.span.start : finding.span.end] == "Please reconsider"
    assert [f.label for f in finding.fixes] == ["Show me"], "a note: it offers, never blocks"


def test_a_reply_to_a_no_is_known_by_its_template_or_its_interviews_status() -> None:
    assert tone_findings(reply(PLEA, "thanks_for_feedback"), DONE)
    assert tone_findings(reply(PLEA, None), REJECTED)
    assert tone_findings(reply(PLEA, "thank_you"), DONE) == []
    assert tone_findings(reply(PLEA, None), None) == []


# --- the built-in templates ----------------------------------------------------------------


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?:])\s+|\n+", text) if s.strip()]


def drafts(store: Store, tmp_path: Path) -> list[Message]:
    """Every built-in, to each person of each interview of the demo's records."""
    seed(store, CaptureServer(), NOW)
    library = TemplateLibrary(tmp_path / "mine")  # the built-ins only
    written = []
    for interview in store.interviews():
        participants = store.participants(interview.id or 0)
        for template in library.templates():
            writer = Writer(store, library, template.id)
            for person in [p.contact for p in participants]:
                written.append(
                    writer.draft(
                        person, interview, participants, detail="data contracts", answers=ANSWERS
                    )
                )
    return written


def test_no_sentence_of_any_built_in_is_flagged(store: Store, tmp_path: Path) -> None:
    written = drafts(store, tmp_path)
    assert {m.template_id for m in written} == {t.id for t in TemplateLibrary().templates()}
    flagged = [
        (m.template_id, line)
        for m in written
        for line in [*sentences(m.subject), *sentences(m.body)]
        if tone_notes(line)
    ]
    assert flagged == []


@pytest.mark.parametrize("status", [InterviewStatus.REJECTED, InterviewStatus.DONE])
def test_no_built_in_gets_a_tone_finding_before_it_goes(
    status: InterviewStatus, store: Store, tmp_path: Path
) -> None:
    written = drafts(store, tmp_path)
    for interview in store.interviews():
        interview.status = status
        store.update_interview(interview)
    for message in written:
        findings = check_before_it_goes(message, check_context(store, message))
        assert [f for f in findings if f.kind is Kind.TONE] == [], message.template_id
