"""Addresses people can trust: a domain that only looks like another (IDN homographs).

``lena@exаmple.com`` with a Cyrillic "а" looks exactly like the real one. Following the
idea of Unicode's UTS #39 ("highly restrictive"), a domain label mixing scripts (Latin with
Cyrillic, Latin with Greek…) is the strong warning; a label wholly in a script that is not
the user's own (a Latin-script user writing to ``пример.рф``) gets a mild note. Digits,
hyphens (Common) and combining marks (Inherited) count for no script. Both are shown with
the domain's real (punycode, IDNA 2008) form, which is what cannot be faked.

Out of scope: ASCII look-alikes (``examp1e.com``, ``rn`` for ``m``) and look-alikes within
one script; they need a list of known domains, which Afterword does not keep.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

import idna

from composer.records import Profile

COMMON = "Common"  # digits, hyphens: shared by every script
INHERITED = "Inherited"  # combining marks: the script of the letter they sit on
ENGLISH = frozenset({"Latin"})  # Afterword speaks English: Latin is every user's script
# Scripts that are written together (UTS #39 "highly restrictive"): not a mix.
WRITTEN_TOGETHER = (
    frozenset({"Latin", "Han", "Hiragana", "Katakana"}),  # Japanese
    frozenset({"Latin", "Han", "Bopomofo"}),  # Chinese
    frozenset({"Latin", "Han", "Hangul"}),  # Korean
)
_NAMED_AS = {"CJK": "Han", "KATAKANA-HIRAGANA": COMMON}  # names not starting with the script


class Trust(Enum):
    PLAIN = "shown as typed"
    OTHER_SCRIPT = "in a script not the user's own"  # the mild note
    MIXED = "mixing scripts"  # the strong warning: a look-alike
    INVALID = "not a valid domain name"


@dataclass(frozen=True)
class AddressTrust:
    """What to tell the user about one address's domain."""

    address: str  # the address as typed (``lena@exаmple.com``)
    trust: Trust
    ascii_address: str = ""  # its real form (``lena@xn--exmple-4nf.com``); "" if invalid
    why: str = ""  # why it is flagged, in one line for the user; "" when PLAIN

    @property
    def flagged(self) -> bool:
        return self.trust is not Trust.PLAIN

    @property
    def ascii_domain(self) -> str:
        return self.ascii_address.rpartition("@")[2]

    @property
    def reason(self) -> str:
        """Why, and the real form (which cannot be faked)."""
        if self.trust is Trust.INVALID or not self.flagged:
            return self.why
        return f"{self.why}. Its real form is {self.ascii_domain}."

    @property
    def shown(self) -> str:
        """The address as typed, its real form beside it when flagged."""
        if not self.flagged or not self.ascii_domain:
            return self.address
        return f"{self.address} ({self.ascii_domain})"


def script_of(character: str) -> str:
    """The Unicode script of a letter, from its name ("CYRILLIC SMALL LETTER A")."""
    if character.isascii() and not character.isalpha():
        return COMMON
    category = unicodedata.category(character)
    name = unicodedata.name(character, "")
    if category.startswith("M") and (not name or name.startswith("COMBINING")):
        return INHERITED
    if category[0] == "C":  # joiners (ZWJ, ZWNJ) and other format characters
        return INHERITED
    if category[0] in "NPSZ" and not category.startswith("Nl"):
        return COMMON
    first = name.split(" ", 1)[0]
    return _NAMED_AS.get(first, first.capitalize() or COMMON)


def scripts_of(text: str) -> frozenset[str]:
    """The scripts ``text`` is written in, Common and Inherited left out."""
    return frozenset(scripts_in_order(text))


def scripts_in_order(text: str) -> list[str]:
    """The scripts of ``text`` as they first appear (to name them as the user reads)."""
    found = dict.fromkeys(script_of(c) for c in text)
    return [s for s in found if s not in (COMMON, INHERITED)]


def own_scripts(me: Profile) -> frozenset[str]:
    """The user's scripts: the app's language (English), their name and sending address."""
    return ENGLISH | scripts_of(me.name) | scripts_of(me.email)


def mixes(scripts: frozenset[str]) -> bool:
    return len(scripts) > 1 and not any(scripts <= allowed for allowed in WRITTEN_TOGETHER)


def address_trust(addr_spec: str, mine: frozenset[str] = ENGLISH) -> AddressTrust:
    """Whether ``addr_spec`` (``local@domain``) can be shown as typed to someone writing in
    the scripts ``mine``; never raises (a domain that is no domain says so)."""
    local, at, domain = addr_spec.strip().rpartition("@")
    if not at or domain.isascii():
        return AddressTrust(addr_spec, Trust.PLAIN, addr_spec)
    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
        labels = idna.uts46_remap(domain).rstrip(".").split(".")
    except (idna.IDNAError, UnicodeError) as error:
        return AddressTrust(addr_spec, Trust.INVALID, why=_invalid(domain, error))
    ascii_address = f"{local}@{ascii_domain}"
    for label in labels:
        if mixes(scripts_of(label)):
            why = (
                f"{domain} mixes {_and(scripts_in_order(label))} letters: it may be a "
                "look-alike of another address"
            )
            return AddressTrust(addr_spec, Trust.MIXED, ascii_address, why)
    foreign = [s for s in scripts_in_order("".join(labels)) if s not in mine]
    if foreign:
        why = (
            f"{domain} is written in {_and(foreign)} letters, not in your own: check it is "
            "the address you meant"
        )
        return AddressTrust(addr_spec, Trust.OTHER_SCRIPT, ascii_address, why)
    return AddressTrust(addr_spec, Trust.PLAIN, ascii_address)


def flagged(addresses: Iterable[str], mine: frozenset[str] = ENGLISH) -> list[AddressTrust]:
    """The addresses (``local@domain``, each once) that cannot be shown as typed."""
    found = (address_trust(a, mine) for a in dict.fromkeys(addresses))
    return [t for t in found if t.flagged]


def written_address(text: str) -> str:
    """``lena@exаmple.com`` as typed in ``Lena <lena@exаmple.com>`` (not made ASCII, as the
    sending code does), or "" when ``text`` holds no address."""
    _, _, spec = text.rpartition("<")
    return spec.rstrip().removesuffix(">").strip() if "@" in spec else ""


def note(found: AddressTrust) -> str:
    """One line beside the address fields: the address, its real form, and why."""
    return f"{found.shown} — {found.why}."


def _invalid(domain: str, error: Exception) -> str:
    banned = [c for c in domain if not c.isascii() and _banned(c)]
    detail = (
        f"it holds {_and(list(dict.fromkeys(banned)), quote=True)}, which no domain name may"
        if banned
        else f"{str(error).rstrip('.').lower()}"
    )
    return f"{domain} is not a valid domain name ({detail}). Check the address."


def _banned(character: str) -> bool:
    try:
        idna.encode(f"a{character}a", uts46=True)
    except idna.IDNAError:
        return True
    return False


def _and(items: Sequence[str], quote: bool = False) -> str:
    names = [f"“{i}”" if quote else i for i in items]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
