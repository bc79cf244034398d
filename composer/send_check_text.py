"""Reading a message's text for the check before it goes: the greeting, names of companies
and roles, document words, placeholders. Careful with words that are also ordinary words:
a false alarm teaches the user to ignore the check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from composer.tone import ToneNote


@dataclass(frozen=True)
class Found:
    """A piece of the text and where it is."""

    text: str
    start: int
    end: int


# --- names and greetings -----------------------------------------------------------------

TITLES = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms", "mx", "miss", "sir", "dame"})
PARTICLES = frozenset({"van", "von", "de", "da", "di", "del", "der", "den", "du", "la", "le"})
# A greeting with one of these words greets a group or a role, not a person by name.
NEUTRAL = frozenset(
    [
        "all",
        "everyone",
        "everybody",
        "team",
        "teams",
        "sir",
        "madam",
        "hiring",
        "manager",
        "managers",
        "colleague",
        "colleagues",
        "friend",
        "friends",
        "folks",
        "there",
        "recruiter",
        "recruiters",
        "recruitment",
        "committee",
        "panel",
        "board",
        "people",
        "partners",
        "whom",
        "concern",
        "you",
        "both",
    ]
)
_SALUTATION = re.compile(
    r"(?i)[ \t]*(?:dear(?:est)?|hi|hiya|hello|hey|greetings|good (?:morning|afternoon|evening|day)"
    r"|morning|afternoon|evening)\b(?P<comma>,?)[ \t]+(?P<who>[^,!:;?\n]+)"
)
_NAME_SPLIT = re.compile(r"\s*(?:,|&|\band\b)\s*", re.IGNORECASE)


def name_words(name: str) -> list[str]:
    """The words of a name, titles left out: "Dr. Dana Whitfield" gives Dana, Whitfield."""
    words = name.replace(".", " ").split()
    return [w for w in words if w.casefold() not in TITLES]


def name_key(name: str) -> str:
    """How names are compared: without titles, dots or case ("Dr. Whitfield" = "whitfield")."""
    return " ".join(name_words(name)).casefold()


def greeting_names(name: str) -> list[str]:
    """The names someone called ``name`` may be greeted by, the usual one first: first name,
    full name, surname (from its first particle: "van Dijk"), last word. "Last, First" is
    read as such."""
    if name.count(",") == 1:
        last, first = name.split(",")
        name = f"{first} {last}"
    words = name_words(name)
    if name.isupper() or name.islower():  # as imports hold them: "DANA", "dana"
        words = [w.lower() if w.casefold() in PARTICLES else w.capitalize() for w in words]
    if len(words) < 2:
        return words
    particle = (i for i in range(1, len(words) - 1) if words[i].casefold() in PARTICLES)
    surname = " ".join(words[next(particle, len(words) - 1) :])
    return list(dict.fromkeys([words[0], " ".join(words), surname, words[-1]]))


def greeting(body: str) -> tuple[Found, list[Found]] | None:
    """The greeting on the first line ("Dear Ana,") and the names it greets, if any; None
    when it greets a group or a role ("Dear all,", "Dear Hiring Manager,")."""
    start = len(body) - len(body.lstrip())
    match = _SALUTATION.match(body, start)
    if match is None:
        return None
    who, offset = _leading_words_dropped(match["who"].rstrip(" \t.-–—"), match.start("who"))
    words = [w.casefold().strip(".'’") for w in who.split()]
    if not words or len(words) > 6 or any(w in NEUTRAL for w in words):
        return None
    names = _parts(who, offset)
    if match["comma"] and not all(_capitalised(n.text) for n in names):
        return None  # "Hello, I hope you are well": a sentence, not a name
    line_end = body.find("\n", start)
    line = body[start : line_end if line_end >= 0 else len(body)]
    shown = line[: match.end("who") - start + 1].rstrip()
    return Found(shown, start, start + len(shown)), names


def _leading_words_dropped(who: str, offset: int) -> tuple[str, int]:
    """ "Hello again Ana": the name starts at the first capital (unless none has one)."""
    words = re.finditer(r"\S+", who)
    first = next((w for w in words if w[0][:1].isupper()), None)
    if first is None or first.start() == 0:
        return who, offset
    return who[first.start() :], offset + first.start()


def _parts(who: str, offset: int) -> list[Found]:
    """ "Ana and Bo" greets two people."""
    found, position = [], 0
    for piece in _NAME_SPLIT.split(who):
        if piece.strip():
            at = who.index(piece, position)
            position = at + len(piece)
            found.append(Found(piece.strip(), offset + at, offset + at + len(piece.strip())))
    return found


def _capitalised(text: str) -> bool:
    return all(w[:1].isupper() for w in text.split() if w.casefold() not in PARTICLES)


# --- companies and roles -----------------------------------------------------------------


def mentions(text: str, names: Iterable[str], own: Iterable[str]) -> list[tuple[str, Found]]:
    """Where ``text`` names one of ``names`` (whole words, any case), except inside a mention
    of one of ``own``. A one-word name written in lower case in the text is an ordinary
    word there ("a square meal" does not name Square)."""
    folded = " ".join(text.casefold().split())
    own_spans = [f for name in own for f in _whole_words(text, name)]
    found = []
    for name in names:
        if " ".join(name.casefold().split()) not in folded:
            continue  # thousands of companies in the records: most are nowhere in the text
        for place in _whole_words(text, name):
            if any(o.start <= place.start and place.end <= o.end for o in own_spans):
                continue
            if " " not in name.strip() and place.text.islower() and not name.islower():
                continue
            found.append((name, place))
    return sorted(found, key=lambda pair: pair[1].start)


def _whole_words(text: str, name: str) -> list[Found]:
    name = name.strip()
    if len(name) < 2:
        return []
    pattern = r"(?<![\w@.])" + r"\s+".join(map(re.escape, name.split())) + r"(?![\w@]|\.\w)"
    return [Found(m[0], m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE)]


# --- documents and placeholders ----------------------------------------------------------

_DOCUMENT_WORDS = re.compile(
    r"(?i)\b(?:attached|attaching|attachments?|enclosed|enclosing|r[ée]sum[ée]s?)\b"
    r"|\b(?-i:CVs?|C\.V\.)(?!\w)"
)
# "resume" without accents is a document after these words, else the verb ("resume our talk").
_DOCUMENT_BEFORE = frozenset(
    [
        "my",
        "a",
        "an",
        "the",
        "your",
        "updated",
        "latest",
        "current",
        "attached",
        "enclosed",
        "full",
        "copy",
        "of",
        "new",
        "revised",
    ]
)


def attachment_word(text: str) -> Found | None:
    """The first word saying a file comes with the message ("attached", "CV", "résumé")."""
    for match in _DOCUMENT_WORDS.finditer(text):
        word = match[0]
        verb_too = "é" not in word.casefold() and word.casefold().startswith("resume")
        if verb_too and not _a_document(text, match.start()):
            continue
        return Found(word, match.start(), match.end())
    return None


def _a_document(text: str, start: int) -> bool:
    before = re.findall(r"[\w']+", text[max(0, start - 40) : start])
    return bool(before) and before[-1].casefold() in _DOCUMENT_BEFORE


_PLACEHOLDERS = re.compile(
    r"\[(?:[A-Z][\w'’.-]*)(?:[ \t]+[\w'’.-]+)*\]"  # [Name], [Company Name]: not [1] or [sic]
    r"|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}"  # template code left in
    r"|<(?:[A-Za-z][\w-]*)(?:[ \t]+[\w-]+)*>"  # <company>: not <ana@x.org> or <https://…>
    r"|\b[Xx]{3,}\b|\b(?:TODO|TBD|TBC|FIXME)\b",
    re.DOTALL,
)


def placeholders(text: str) -> list[Found]:
    """What was meant to be filled in: [Name], {{ field }}, <company>, XXX, TODO, TBD."""
    return [Found(m[0], m.start(), m.end()) for m in _PLACEHOLDERS.finditer(text)]


def word_at(text: str, word: str) -> Found | None:
    """Where ``word`` first stands as a whole word (for showing a misspelt one)."""
    match = re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text)
    return Found(word, match.start(), match.end()) if match else None


# --- tone --------------------------------------------------------------------------------


def tone_said(note: ToneNote, part: str) -> str:
    """The phrase as written, why it may land badly, and a gentler wording."""
    return f"“{note.text}” in the {part} {note.tone.words}: {note.why} Gentler: “{note.gentler}”"
