"""How well the tone check does on its labelled sentences (``tone-check-report``): per
category, how many of its problems it finds (recall) and how often its notes are right
(precision); and every gracious sentence it flags, which must be none.

For translators too: add sentences to ``tone_phrases/<language>_corpus.tsv`` before
patterns to ``<language>.toml``, and run the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TextIO

from composer.tone import Phrasebook, Tone, phrasebook, tone_notes

GRACIOUS = "gracious"
RECALL_WANTED = 0.9


@dataclass(frozen=True)
class Sentence:
    label: str  # a Tone's value, or "gracious"
    text: str


@dataclass(frozen=True)
class Score:
    found: int  # labelled so and flagged so
    labelled: int
    flagged: int  # flagged so, whatever the label

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        return self.found / self.flagged if self.flagged else 1.0


@dataclass(frozen=True)
class Report:
    scores: dict[Tone, Score]
    overall: Score  # a problem sentence flagged at all counts as found
    gracious_flagged: list[str]

    @property
    def good_enough(self) -> bool:
        return self.overall.recall >= RECALL_WANTED and not self.gracious_flagged


def corpus(language: str = "en") -> list[Sentence]:
    """The labelled sentences shipped with the phrases: ``label<TAB>sentence`` lines."""
    source = resources.files("composer") / "tone_phrases" / f"{language}_corpus.tsv"
    lines = source.read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t", 1) for line in lines if line.strip() and not line.startswith("#")]
    return [Sentence(label.strip(), text.strip()) for label, text in rows]


def flagged_as(text: str, book: Phrasebook | None = None) -> set[Tone]:
    return {note.tone for note in tone_notes(text, book)}


def report(sentences: list[Sentence], book: Phrasebook | None = None) -> Report:
    flags = [(s, flagged_as(s.text, book)) for s in sentences]
    scores = {
        tone: Score(
            found=sum(1 for s, f in flags if s.label == tone.value and tone in f),
            labelled=sum(1 for s, _ in flags if s.label == tone.value),
            flagged=sum(1 for _, f in flags if tone in f),
        )
        for tone in Tone
    }
    problems = [(s, f) for s, f in flags if s.label != GRACIOUS]
    overall = Score(
        found=sum(1 for _, f in problems if f),
        labelled=len(problems),
        flagged=sum(1 for _, f in flags if f),
    )
    gracious = [s.text for s, f in flags if s.label == GRACIOUS and f]
    return Report(scores, overall, gracious)


def print_report(out: TextIO, language: str = "en") -> int:
    """Prints the report; 1 (for a script) when recall is short or a gracious one is flagged."""
    sentences = corpus(language)
    result = report(sentences, phrasebook(language))
    print(f"Tone check on {len(sentences)} labelled sentences ({language})", file=out)
    print(f"{'category':<18}{'precision':>10}{'recall':>8}{'found':>8}", file=out)
    for tone, score in result.scores.items():
        print(_line(tone.value, score), file=out)
    print(_line("overall", result.overall), file=out)
    print(f"Gracious sentences flagged: {len(result.gracious_flagged)}", file=out)
    for text in result.gracious_flagged:
        print(f"    {text}", file=out)
    print(_missed(sentences, book=phrasebook(language)), file=out, end="")
    return 0 if result.good_enough else 1


def _line(name: str, score: Score) -> str:
    found = f"{score.found}/{score.labelled}"
    return f"{name:<18}{score.precision:>10.2f}{score.recall:>8.2f}{found:>8}"


def _missed(sentences: list[Sentence], book: Phrasebook) -> str:
    missed = [s for s in sentences if s.label != GRACIOUS and not flagged_as(s.text, book)]
    if not missed:
        return ""
    return "Problems not flagged:\n" + "".join(f"    {s.label}: {s.text}\n" for s in missed)
