"""How to address a person, worked out from their name the way a careful writer would.

The line every built-in template opens with is ``Dear {{ recipient.greeting }},``, so a
greeting is what follows "Dear": "Dana", "Dr. Okafor", "王小明", "Hiring Team".

The rules, and why:

- A title (Dr, Prof, Mr, Mrs, Ms, Mx, Miss; with or without a dot) is kept with the surname:
  "Dr. Amara Okafor" → "Dr. Okafor". Whoever wrote the title down chose formal address, and
  Mr/Ms are treated alike: an honorific written down says how the person is addressed, and
  dropping it for a first name would be more familiar than they asked for. The title keeps
  the writer's dot or not ("Dr" is British usage). With several, the first is kept.
  Sir and Dame go with the first name ("Sir Tim"), as British usage has it.
- Otherwise the first name: "Dana Smith" → "Dana"; "Jean-Luc Picard" → "Jean-Luc";
  "Whitfield, Dana" → "Dana" (the comma form of address books); a quoted nickname wins
  ('Robert "Bob" Smith' → "Bob"); leading initials are skipped for a middle name used
  instead ("F. Scott Fitzgerald" → "Scott"). Parenthesised notes ("(she/her)", "(Acme)")
  and suffixes (Jr., PhD, III) are never part of a greeting.
- ALL-CAPS and all-lower names are put in proper case ("DANA SMITH" → "Dana", keeping
  "McDonald", "O'Brien", "Jean-Luc"); a mixed-case name is kept as its owner typed it,
  but an all-caps surname written first ("DUPONT Jean", the French habit) is read as one.
- Particles (van, de, von, da, van der, de la, ...) belong to the surname: "Ludwig van
  Beethoven" → "Ludwig", "Dr. van Dijk" → "Dr. van Dijk". A name that starts with one is a
  surname alone ("van Dijk"): there is no first name to use.
- A name with no first/last split (CJK: "王小明") or a single word is used whole.
- When the name gives no first name (a surname alone, initials only: "J. Smith"), an
  address of the clear first.last form that matches the surname supplies it
  ("jane.smith@"); with no name at all, a clear first.last address alone does. Otherwise
  the name is used as written, flagged uncertain: "Dear J. Smith," is formal but correct,
  and guessing "Mr" or "Ms" could be wrong.
- No usable name and a role mailbox (info@, hr@, jobs@ ...) or nothing at all: the
  neutral "Hiring Team" ("Dear Hiring Team,"), flagged uncertain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from composer.records import Contact

NEUTRAL = "Hiring Team"  # reads right after "Dear", whoever reads that mailbox
BY_FIRST_NAME = frozenset({"sir", "dame"})  # "Sir Tim", never "Sir Berners-Lee"
TITLES = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms", "mx", "miss"} | BY_FIRST_NAME)
SUFFIXES = frozenset(
    {"jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "esq", "cpa", "dds", "jd", "msc", "bsc"}
)
PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la"}
    | {"le", "ter", "ten", "zu", "af", "av", "bin", "ibn", "al", "el", "st"}
)
GENERIC_MAILBOXES = frozenset(
    {"info", "hr", "jobs", "job", "careers", "career", "recruiting", "recruitment", "talent"}
    | {"hiring", "team", "contact", "hello", "office", "admin", "noreply", "no-reply", "people"}
    | {"support", "sales", "mail", "enquiries", "inquiries", "apply", "applications"}
    | {"humanresources", "jobs", "recruiter", "recruiters", "vacancies", "office"}
)
_CJK = re.compile(  # Hangul, kana, Han: names written without a first/last split
    r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_ANNOTATION = re.compile(r"\([^)]*\)?|\[[^\]]*\]?")
_NICKNAME = re.compile(r"[\"“„«]([^\"”“»]+)[\"”“»]|(?:^|\s)['‘]([^'’]+)['’](?=\s|$)")
_EDGE_PUNCTUATION = ",;:，、·/\\|&+*-–—_"


@dataclass(frozen=True)
class Greeting:
    """What follows "Dear"; ``certain`` is False when the rules fell back (the user should
    check it, or type how they would address the person)."""

    text: str
    certain: bool


@dataclass(frozen=True)
class NameParts:
    """A name taken apart: ``given`` and ``family`` are "" when they cannot be told."""

    titles: tuple[str, ...] = ()
    given: str = ""
    family: str = ""
    suffixes: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # the name tidied, without titles, suffixes or notes
    doubtful: bool = False  # read, but in a way that might be wrong
    forenames: tuple[str, ...] = ()  # every name before the surname: "Ana Maria"


def greeting_for(name: str, email: str = "") -> Greeting:
    """The greeting the rules derive from a name (and the address, when the name is not
    enough)."""
    if "@" in name and len(name.split()) == 1 and not email:  # an address kept as the name
        name, email = "", name.strip()
    parts = parse_name(name)
    return _with_title(parts) or _by_first_name(parts, email) or _otherwise(parts, email)


def _with_title(parts: NameParts) -> Greeting | None:
    title = parts.titles[0] if parts.titles else ""
    if _key(title) in BY_FIRST_NAME and parts.given and not _is_initial(parts.given):
        return Greeting(f"{title} {parts.given}", not parts.doubtful)
    if title and _surname_words(parts.family):
        return Greeting(f"{title} {parts.family}", True)
    return None


def _by_first_name(parts: NameParts, email: str) -> Greeting | None:
    """A single word may be a surname: a first.last address ending in it says so."""
    if not parts.given or _is_initial(parts.given):
        return None
    from_email = _given_from_email(email, parts.family) if len(parts.words) == 1 else ""
    return Greeting(from_email or parts.given, not parts.doubtful)


def _otherwise(parts: NameParts, email: str) -> Greeting:
    """No first name in the name: from the address, else the name as written, else the
    neutral greeting; the last two are flagged."""
    from_email = _given_from_email(email, parts.family)
    if from_email:
        return Greeting(from_email, True)
    if _surname_words(parts.family) and any(_letters(word) >= 2 for word in parts.words):
        return Greeting(" ".join(parts.words), False)
    return Greeting(NEUTRAL, False)


def greeting_of(contact: Contact) -> Greeting:
    """The contact's own greeting when one was saved, else the derived one."""
    saved = " ".join(contact.greeting.split())
    return Greeting(saved, True) if saved else greeting_for(contact.name, contact.email)


def greeting_to_keep(typed: str, name: str, email: str = "") -> str:
    """What to save as a contact's own greeting: "" when the rules give the same (so the
    greeting follows a corrected name); a lone title, as a CRM's "Salutation" column holds
    ("Dr."), completed with the surname ("Dr. Okafor")."""
    text = tidy_name(typed)
    if text and all(_key(word) in TITLES for word in text.split()):
        parts = parse_name(name)
        text = f"{_proper_title(text.split()[0])} {parts.family}" if parts.family else ""
    return "" if text == greeting_for(name, email).text else text


def greeting_for_several(greetings: Sequence[str]) -> str:
    """One greeting for one message to several people: "Ana and Bo", "Ana, Bo and Cy";
    past three, "all" ("Dear all,"): a long list of names reads like a form letter."""
    names = [" ".join(text.split()) for text in greetings if text.strip()]
    if not names or len(names) > 3:
        return "all"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def tidy_name(text: str) -> str:
    """A name on one line, put in proper case if it was all capitals or all small letters
    ("DANA MARIE" → "Dana Marie"); a mixed-case name is left as its owner wrote it."""
    words = text.split()
    if _single_case(text):
        words = [_proper_case(word, first=i == 0) for i, word in enumerate(words)]
    return " ".join(words)


def given_name(name: str) -> str:
    """The first name, by the same rules ("" when the name has none: "Dr. Whitfield")."""
    given = parse_name(name).given
    return "" if _is_initial(given) else given


# --- taking a name apart ----------------------------------------------------------------


def parse_name(name: str) -> NameParts:
    """Notes and a nickname set aside, "Last, First" reordered, case put right, then
    titles, suffixes, first name and surname told apart."""
    text, nickname = _without_notes(name)
    text, comma_doubt = _in_order(text)
    tokens = [_proper_title(t) if _key(t) in TITLES else t for t in _tokens(text)]
    if _single_case(name):
        tokens = [_proper_case(t, first=i == 0) for i, t in enumerate(tokens)]
        nickname = " ".join(_proper_case(word, first=True) for word in nickname.split())
    titles, words, suffixes = _split_titles_and_suffixes(tokens)
    given, family, order_doubt, forenames = _given_and_family(words)
    if titles and len(words) == 1:  # "Dr. Whitfield": a surname
        given = ""
    if nickname and words:
        given = nickname
    doubtful = comma_doubt or order_doubt
    return NameParts(titles, given, family, suffixes, tuple(words), doubtful, forenames)


def _without_notes(name: str) -> tuple[str, str]:
    """The name without notes in brackets, and a quoted nickname if it has one."""
    text = _ANNOTATION.sub(" ", name)
    found = _NICKNAME.search(text)
    nickname = " ".join((found[1] or found[2]).split()) if found else ""
    if found:
        text = text[: found.start()] + " " + text[found.end() :]
    _, words, _ = _split_titles_and_suffixes(_tokens(nickname))  # "Dr", "van": not a name
    return text, " ".join(words) if any(_letters(word) >= 2 for word in words) else ""


def _in_order(text: str) -> tuple[str, bool]:
    """ "Last, First" put back in speaking order; suffixes after a comma kept at the end.
    Doubtful: a comma that is neither (e.g. "Dana Smith, Acme")."""
    parts = [part.strip() for part in text.split(",") if _letters(part)]
    if not parts:
        return "", False
    first, rest = parts[0], [p for p in parts[1:] if not _all_suffixes(p)]
    suffixes = [p for p in parts[1:] if _all_suffixes(p)]
    if not rest:
        return " ".join([first, *suffixes]), False
    surname = [w for w in first.split() if _key(w) not in SUFFIXES]
    suffixes = [w for w in first.split() if _key(w) in SUFFIXES] + suffixes
    core = [w for w in surname if _key(w) not in PARTICLES]
    if len(core) == 1 and not any(_key(w) in TITLES for w in surname):
        return " ".join([rest[0], *surname, *suffixes]), False
    return first, True


def _tokens(text: str) -> list[str]:
    words = (_bare(word.strip(_EDGE_PUNCTUATION)) for word in text.split())
    return [word for word in words if _letters(word)]


def _bare(word: str) -> str:
    """A full stop ends titles and initials ("Dr.", "J."), not names ("Smith." is a slip)."""
    if _key(word) in TITLES or _key(word) in SUFFIXES or re.fullmatch(r"(\w\.)+", word):
        return word
    return word.rstrip(".")


def _split_titles_and_suffixes(
    tokens: list[str],
) -> tuple[tuple[str, ...], list[str], tuple[str, ...]]:
    titles: list[str] = []
    while tokens and _key(tokens[0]) in TITLES:
        titles.append(tokens.pop(0))
    words = [
        t
        for i, t in enumerate(tokens)
        if _key(t) not in TITLES and (i == 0 or _key(t) not in SUFFIXES)
    ]
    suffixes = tuple(t for i, t in enumerate(tokens) if i > 0 and _key(t) in SUFFIXES)
    while len(words) > 1 and _key(words[-1]) in PARTICLES:  # "Smith van": a slip
        words.pop()
    if all(_key(w) in PARTICLES for w in words):  # "van" alone names nobody
        words = []
    return tuple(titles), words, suffixes


def _given_and_family(words: list[str]) -> tuple[str, str, bool, tuple[str, ...]]:
    """The first name, the surname, whether that reading is doubtful, and the forenames.
    Doubtful when read from an all-caps surname put first: a habit (French, for one) that a
    name typed with caps lock on also looks like."""
    if not words:
        return "", "", False, ()
    if len(words) == 1 or any(_CJK.search(word) for word in words):
        whole = " ".join(_tidy(word) for word in words)
        return whole, whole, False, ()
    if _key(words[0]) in PARTICLES:  # "van Dijk": a surname alone
        return "", " ".join(_tidy(word) for word in words), False, ()
    caps = _leading_capitals(words)
    if caps:  # "DUPONT Jean"
        forenames = tuple(words[caps:])
        return _first_full(forenames), " ".join(map(_tidy, words[:caps])), True, forenames
    start = len(words) - 1
    while start > 1 and _key(words[start - 1]) in PARTICLES:
        start -= 1
    forenames = tuple(words[:start])
    return _first_full(forenames), " ".join(map(_tidy, words[start:])), False, forenames


def _tidy(word: str) -> str:
    """An all-caps word in a mixed-case name is a surname written the French way: "OKAFOR"
    → "Okafor" (two or three letters may be initials: "JP", "AJ")."""
    return _proper_case(word) if _letters(word) >= 3 and word.isupper() else word


def _first_full(words: Sequence[str]) -> str:
    """The first word that is not an initial ("F. Scott" → "Scott") nor a particle, else
    the first that is not a particle (the last word never is one)."""
    names = [w for w in words if _key(w) not in PARTICLES] or list(words)
    return _tidy(next((w for w in names if not _is_initial(w)), names[0]))


def _leading_capitals(words: Sequence[str]) -> int:
    """How many all-caps words (of three letters or more) a mixed-case name starts with."""
    count = 0
    while count < len(words) - 1 and _letters(words[count]) >= 3 and _capitals(words[count]):
        count += 1
    return count if count < len(words) and not _capitals(words[count]) else 0


def _capitals(word: str) -> bool:
    return word.isupper() and not _is_initial(word) and "." not in word


def _surname_words(family: str) -> str:
    """The surname if it is a real one (not an initial, not particles alone)."""
    words = family.split()
    return family if words and any(_letters(w) >= 2 for w in words) else ""


# --- from the address -------------------------------------------------------------------


def _given_from_email(email: str, family: str) -> str:
    """ "jane.smith@" → "Jane", only when the address is plainly first.last (and its last
    part is the surname, when the name has one)."""
    local = email.partition("@")[0].partition("+")[0].casefold()
    parts = [part.rstrip("0123456789") for part in re.split(r"[._]", local)]
    if len(parts) < 2 or any(not part.replace("-", "").isalpha() for part in parts):
        return ""
    first, middle, last = parts[0], parts[1:-1], parts[-1]
    plain = len(first) >= 2 and len(last) >= 2 and all(len(p) == 1 for p in middle)
    if not plain or "@" not in email or first in GENERIC_MAILBOXES | PARTICLES | TITLES:
        return ""
    if last in GENERIC_MAILBOXES:
        return ""
    surname = re.sub(r"\W", "", family.casefold())
    if surname and surname != last:
        return ""
    return _proper_case(first, first=True)


# --- words ------------------------------------------------------------------------------


def _key(word: str) -> str:
    """A word as the lists above hold it: "Ph.D.," → "phd"."""
    return re.sub(r"[.\s]", "", word).strip(_EDGE_PUNCTUATION).casefold()


def _letters(text: str) -> int:
    return sum(character.isalpha() for character in text)


def _is_initial(word: str) -> bool:
    """ "J.", "J", "J.R.": a letter or letters with dots, no name to greet."""
    if _CJK.search(word):
        return False
    return _letters(word) <= 1 or bool(re.fullmatch(r"(\w\.)+", word))


def _all_suffixes(text: str) -> bool:
    words = text.split()
    return bool(words) and all(_key(word) in SUFFIXES for word in words)


def _single_case(text: str) -> bool:
    """All capitals or all small letters: typed in a hurry or exported by an old system."""
    cased = [c for c in text if c.isalpha() and c.lower() != c.upper()]
    return len(cased) >= 2 and (all(c.isupper() for c in cased) or all(c.islower() for c in cased))


def _proper_title(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def _proper_case(word: str, *, first: bool = False) -> str:
    """ "MCDONALD" → "McDonald", "o'brien" → "O'Brien", "JEAN-LUC" → "Jean-Luc"; a particle
    stays small inside a name ("van"); two capitals with no vowel stay ("JP")."""
    lower = word.lower()
    if lower in PARTICLES and not first:
        return lower
    if _key(word) in TITLES:
        return _proper_title(word)
    if len(word) == 2 and word.isupper() and not set(lower) & set("aeiouy"):
        return word
    pieces = re.split(r"([-'’])", lower)
    return "".join(_capitalised(piece) for piece in pieces)


def _capitalised(piece: str) -> str:
    if piece.startswith("mc") and len(piece) > 2:
        return "Mc" + piece[2:].capitalize()
    return piece[:1].upper() + piece[1:]
