"""The tone of a reply to a "no" or to feedback: phrases that argue, defend, plead,
over-apologise or blame, each with why it may land badly and a gentler wording.

Rule-based and explainable: the phrases live in ``composer/tone_phrases/<language>.toml``,
one file per language, so a translator can extend them without touching code. A note
never stops a message: the user reads it and decides.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from composer.records import Interview, InterviewStatus, Message
from composer.templates import BuiltIn

# Templates written in answer to a rejection or to feedback (templates/*.j2).
REPLIES_TO_A_NO = frozenset(
    {
        BuiltIn.AFTER_REJECTION,
        BuiltIn.NO_HARD_FEELINGS,
        BuiltIn.FEEDBACK_REQUEST,
        BuiltIn.THANKS_FOR_FEEDBACK,
        BuiltIn.CONTINUED_INTEREST,
    }
)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"")  # their words, quoted: not the user's tone
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})  # one for one: spans stay true


class Tone(StrEnum):
    ARGUING = "arguing"
    DEFENSIVE = "defensive"
    PLEADING = "pleading"
    OVER_APOLOGISING = "over_apologising"
    BLAMING = "blaming"

    @property
    def words(self) -> str:
        """How the note names it to the user."""
        return _WORDS[self]


_WORDS = {
    Tone.ARGUING: "argues with the decision",
    Tone.DEFENSIVE: "sounds defensive",
    Tone.PLEADING: "pleads",
    Tone.OVER_APOLOGISING: "over-apologises",
    Tone.BLAMING: "blames them",
}


@dataclass(frozen=True)
class Phrase:
    tone: Tone
    pattern: re.Pattern[str]
    why: str
    gentler: str


@dataclass(frozen=True)
class Phrasebook:
    """One language's phrases, and how apologies are counted."""

    language: str
    phrases: tuple[Phrase, ...]
    apology: Phrase  # two or more of these in one message make one note


@dataclass(frozen=True)
class ToneNote:
    """A phrase as written, where it is, and what to say instead."""

    tone: Tone
    text: str
    start: int
    end: int
    why: str
    gentler: str


def applies_to(message: Message, interview: Interview | None) -> bool:
    """A reply to a rejection or to feedback: by its template, or its interview's "no"."""
    if message.template_id in REPLIES_TO_A_NO:
        return True
    return interview is not None and interview.status is InterviewStatus.REJECTED


@cache
def phrasebook(language: str = "en") -> Phrasebook:
    """The phrases of ``language`` from the package's data file (read once)."""
    source = resources.files("composer") / "tone_phrases" / f"{language}.toml"
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    return Phrasebook(
        data.get("language", language),
        tuple(_phrase(entry) for entry in data["phrase"]),
        _phrase(data["repeated_apology"]),
    )


def _phrase(entry: dict[str, str]) -> Phrase:
    whole_words = r"(?<!\w)(?:" + entry["pattern"] + r")(?!\w)"
    return Phrase(
        Tone(entry["category"]),
        re.compile(whole_words, re.IGNORECASE),
        entry["why"],
        entry["gentler"],
    )


def tone_notes(text: str, book: Phrasebook | None = None) -> list[ToneNote]:
    """Each phrase in ``text`` that may land badly, in reading order, none overlapping."""
    book = book or phrasebook()
    plain = text.translate(_APOSTROPHES)
    found = [
        ToneNote(p.tone, text[m.start() : m.end()], m.start(), m.end(), p.why, p.gentler)
        for p in book.phrases
        for m in p.pattern.finditer(plain)
    ]
    found.extend(_repeated_apology(text, plain, book.apology, found))
    quoted = [q.span() for q in _QUOTED.finditer(text)]
    mine = [n for n in found if not any(a <= n.start and n.end <= b for a, b in quoted)]
    return _apart(sorted(mine, key=lambda note: (note.start, -note.end)))


def _repeated_apology(
    text: str, plain: str, apology: Phrase, found: list[ToneNote]
) -> list[ToneNote]:
    """Sorry twice: one note on the second, unless a phrase already says it."""
    apologies = list(apology.pattern.finditer(plain))
    if len(apologies) < 2 or any(n.tone is Tone.OVER_APOLOGISING for n in found):
        return []
    second = apologies[1]
    return [
        ToneNote(
            apology.tone,
            text[second.start() : second.end()],
            second.start(),
            second.end(),
            apology.why,
            apology.gentler,
        )
    ]


def _apart(notes: list[ToneNote]) -> list[ToneNote]:
    kept: list[ToneNote] = []
    for note in notes:
        if not kept or note.start >= kept[-1].end:
            kept.append(note)
    return kept
