"""Spelling: the words of a text a real dictionary does not know, and what to put instead.

Hunspell dictionaries through pyenchant (the system's own, e.g. Debian's hunspell-en-us),
never a word list of ours. Loading enchant and a dictionary takes about 60 ms here, so
``SpellChecker.load`` is for a worker thread; checking a word afterwards takes ~5 µs.
The user's own words live in a plain text file, one a line, in their data folder.
"""

from __future__ import annotations

import locale
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from composer.broken_files import make_private_folders, open_private
from composer.errors import FileProblem, SpellingUnavailable

if TYPE_CHECKING:
    from composer.paths import Paths
    from composer.store import Store

LANGUAGE_SETTING = "spelling_language"  # the dictionary chosen in Settings (a code: en_GB)
SUGGESTIONS = 6
INSTALL_HINT = "Install a Hunspell dictionary (on Debian or Ubuntu: hunspell-en-us)."

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
# What is left of a tag split over lines: a highlighter sees one line at a time.
_JINJA_PART = re.compile(r"\{[{%#].*$|^.*?[}%#]\}", re.MULTILINE)
_CHUNK = re.compile(r"\S+")  # a run without spaces: an address or a link is one chunk
_NOT_PROSE = re.compile(r"://|^www\.|@|/|\\|^[\w-]+(\.[\w-]+)+\W*$")  # links, paths, hosts
_WORD = re.compile(r"\w+(?:['’]\w+)*")  # "isn't" and "Lena’s" are one word


def words(text: str) -> Iterator[tuple[int, str]]:
    """The words worth checking, with where they start: not Jinja (field names), links,
    addresses, paths, words with digits (3rd, Q4) or acronyms in capitals (NASA)."""
    prose = _JINJA_PART.sub(_blank, _JINJA.sub(_blank, text))
    for chunk in _CHUNK.finditer(prose):
        if _NOT_PROSE.search(chunk.group()):
            continue
        for word in _WORD.finditer(chunk.group()):
            if _worth_checking(word.group()):
                yield chunk.start() + word.start(), word.group()


def _blank(found: re.Match[str]) -> str:
    """Spaces in place of a tag: the words after it keep their positions."""
    return " " * len(found.group())


def _worth_checking(word: str) -> bool:
    letters_only = not any(c.isdigit() or c == "_" for c in word)
    acronym = len(word) > 1 and word.isupper()
    return letters_only and not acronym


def _enchant() -> Any:
    """pyenchant, or why not: it raises when the enchant C library is missing or broken."""
    try:
        import enchant
    # ImportError: no libenchant; OSError: one that cannot be loaded; AssertionError:
    # PYENCHANT_LIBRARY_PATH names no file (pyenchant asserts it).
    except (ImportError, OSError, AssertionError) as error:
        raise SpellingUnavailable(
            f"Spelling is not checked: the enchant library is missing ({error}). "
            "Install libenchant-2-2 and a Hunspell dictionary such as hunspell-en-us."
        ) from None
    return enchant


def installed_languages() -> list[str]:
    """The codes of the installed dictionaries (en_GB, en_US, …), sorted."""
    broker = _enchant().Broker()
    return sorted(set(broker.list_languages()))


def available_languages(label: Callable[[str], str] = str) -> list[tuple[str, str]]:
    """(code, readable name) of each installed dictionary; ``label`` names a code (the
    screen passes the locale names it knows: "English (United States)")."""
    return [(code, label(code)) for code in installed_languages()]


def system_language() -> str | None:
    """The code of the system's locale (en_GB from LANG=en_GB.UTF-8), if it names one."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "").split(".")[0].split("@")[0]
        if value:
            return value if value not in ("C", "POSIX") else None
    return locale.getlocale()[0]  # Windows and macOS: no such variables


def default_language(installed: list[str], system: str | None) -> str:
    """The system's language if a dictionary for it exists, else the first English one."""
    if system and system in installed:
        return system
    language = (system or "").split("_")[0]
    for wanted in (language, "en"):
        for code in installed:
            if wanted and code.split("_")[0] == wanted:
                return code
    if installed:
        return installed[0]
    raise SpellingUnavailable(
        f"Spelling is not checked: no dictionary is installed. {INSTALL_HINT}"
    )


def chosen_language(store: Store, system: str | None = None) -> str:
    """The language chosen in Settings, else the default; raises SpellingUnavailable."""
    chosen = store.get_setting(LANGUAGE_SETTING)
    installed = installed_languages()
    if not chosen:
        return default_language(installed, system or system_language())
    if chosen not in installed:
        raise SpellingUnavailable(
            f"Spelling is not checked: the dictionary chosen in Settings ({chosen}) is not "
            f"installed. Choose another in Settings › Spelling, or install it.",
            language=str(chosen),
        )
    return str(chosen)


def known_names(store: Store) -> set[str]:
    """The words of the user's own name and signature, contacts' names and companies, and
    interviews' companies: the user's own records are never flagged as misspelt."""
    profile = store.profile()
    texts = [profile.name, profile.signature]
    texts += [part for c in store.contacts() for part in (c.name, c.company)]
    texts += [i.company for i in store.interviews()]
    return {word for text in texts for _, word in words(text or "")}


class SpellChecker:
    """One dictionary, the user's own words (kept) and the ignored ones (this session)."""

    def __init__(self, language: str, dictionary_file: Path, known: Iterable[str] = ()) -> None:
        enchant = _enchant()
        broker = enchant.Broker()  # its own: a reload on a worker never shares the global one
        if not broker.dict_exists(language):
            raise SpellingUnavailable(
                f"Spelling is not checked: no dictionary for {language} is installed. "
                f"{INSTALL_HINT}",
                language,
            )
        self.language = language
        self.dictionary_file = dictionary_file
        self._dict = broker.request_dict(language)
        self._broker = broker  # the dictionary lives as long as its broker
        self._own = {w.casefold() for w in _read_words(dictionary_file)}
        self._ignored: set[str] = set()
        self._known: set[str] = set()
        self.accept_names(known)

    @classmethod
    def load(cls, store: Store, paths: Paths, system: str | None = None) -> SpellChecker:
        """Blocking (~60 ms): call it from a worker, with that thread's own store."""
        language = chosen_language(store, system)
        return cls(language, paths.dictionary, known_names(store))

    def accept_names(self, names: Iterable[str]) -> bool:
        """Names from the user's records: accepted, and possessives of them (Lena's).
        True if that changed anything."""
        known = {name.casefold() for name in names}
        changed, self._known = known != self._known, known
        return changed

    def is_correct(self, word: str) -> bool:
        word = word.replace("’", "'")
        stem = re.sub(r"'s$", "", word, flags=re.IGNORECASE)
        folded = {word.casefold(), stem.casefold()}
        if folded & (self._own | self._ignored | self._known):
            return True
        return bool(self._dict.check(word))

    def misspelt(self, text: str) -> list[tuple[int, int, str]]:
        """(start, length, word) of each word the dictionary does not know."""
        return [
            (start, len(word), word) for start, word in words(text) if not self.is_correct(word)
        ]

    def suggestions(self, word: str) -> list[str]:
        """The dictionary's best guesses, best first (~40 ms: on a right click, not a key)."""
        return list(self._dict.suggest(word.replace("’", "'")))[:SUGGESTIONS]

    def add_to_dictionary(self, word: str) -> None:
        """Kept in the user's dictionary file: accepted from now on, after a restart too."""
        if word.casefold() in self._own:
            return
        _append_word(self.dictionary_file, word)
        self._own.add(word.casefold())

    def ignore(self, word: str) -> None:
        """Accepted until Afterword is closed."""
        self._ignored.add(word.casefold())


def _read_words(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):  # none yet, or unreadable: checked without it
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def _append_word(path: Path, word: str) -> None:
    """One word a line; a file the user edited without a last newline gets one first. The
    file is 0600, made or kept so: the words (names, employers) say whom the user writes to."""
    try:
        make_private_folders(path.parent)
        kept = path.read_bytes() if path.exists() else b""
        with open(open_private(path, append=True), "a", encoding="utf-8") as file:
            file.write(("\n" if kept and not kept.endswith(b"\n") else "") + word + "\n")
    except OSError as error:
        raise FileProblem(
            f"“{word}” could not be added to your dictionary {path}: "
            f"{error.strerror or error}. Check that the folder can be written to."
        ) from None
