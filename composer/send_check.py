"""A check before a message goes: what a careful friend would point out, each with a fix.

Pure functions over a ``Message`` and what the records know (``CheckContext``): the wrong
name in the greeting, another application's company or role pasted in, "attached" with
nothing attached, a placeholder left in, recipients who should not share one message,
misspelt words. Nothing here stops a send: the user sees the findings and decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import cached_property

from composer.address_trust import Trust, flagged, own_scripts, written_address
from composer.errors import RecordNotFound
from composer.greeting import greeting_of
from composer.mail import parse_address_or_none
from composer.records import Contact, Interview, Message, Profile
from composer.send_check_text import (
    Found,
    attachment_word,
    greeting,
    greeting_names,
    mentions,
    name_key,
    placeholders,
    tone_said,
    word_at,
)
from composer.store import Store
from composer.tone import applies_to, tone_notes

Misspelt = Callable[[str], Sequence[str]]

LONG_TO_LIST = 5  # more people than this in To: each sees a crowd of addresses


class Kind(Enum):
    TOGETHER = "one message to several people"
    SEVERAL_COMPANIES = "people from several companies"
    SAME_ADDRESS_TWICE = "the same address twice"
    LONG_TO_LIST = "a long To list"
    GREETING = "the greeting"
    GREETING_GUESSED = "a greeting worked out as a guess"
    OTHER_COMPANY = "another company"
    OTHER_ROLE = "another role"
    NO_ATTACHMENT = "nothing attached"
    PLACEHOLDER = "a placeholder"
    MISSPELT = "a misspelt word"
    LOOK_ALIKE = "an address that may be a look-alike"
    OTHER_SCRIPT = "an address in another script"
    INVALID_DOMAIN = "a domain name that is not valid"
    TONE = "a phrase that may land badly"


class Action(Enum):
    REPLACE = "replace"  # put ``Fix.text`` in place of ``Fix.span``
    KEEP_ONE_ADDRESS = "keep one address"
    MOVE_TO_BCC = "move to Bcc"  # To becomes ``Fix.text`` (the user), everyone else Bcc
    ATTACH = "attach"  # the screen opens its file chooser
    SHOW = "show"  # the screen selects ``Finding.span`` in its editor
    SEPARATE = "separate"  # the screen writes one message to each of ``Fix.contact_ids``


TEXT_FIXES = frozenset({Action.REPLACE, Action.KEEP_ONE_ADDRESS, Action.MOVE_TO_BCC})


class Part(Enum):
    SUBJECT = "subject"
    BODY = "body"


@dataclass(frozen=True)
class Span:
    part: Part
    start: int
    end: int


@dataclass(frozen=True)
class Fix:
    label: str  # the button's text, in the user's words
    action: Action
    span: Span | None = None
    text: str = ""
    contact_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Finding:
    kind: Kind
    message: str  # what was found and why it matters, for the user
    span: Span | None = None
    fixes: tuple[Fix, ...] = ()

    @property
    def fix(self) -> Fix | None:
        return self.fixes[0] if self.fixes else None


@dataclass(frozen=True)
class CheckContext:
    """What the records know around one message; read once, checked against many times."""

    people: tuple[Contact, ...] = ()  # contacts with one of the message's addresses
    interview: Interview | None = None
    companies: tuple[str, ...] = ()  # every company in the records (interviews, contacts)
    roles: tuple[str, ...] = ()  # the positions of the user's other interviews
    others: tuple[Contact, ...] = ()  # the contacts who are not among the addresses
    me: Profile = field(default_factory=Profile)
    misspelt: Misspelt | None = None

    @cached_property
    def known_names(self) -> dict[str, Contact]:
        """Every name the other contacts may be greeted by (compared as ``name_key``)."""
        known: dict[str, Contact] = {}
        for contact in self.others:
            for name in greeted_as(contact):
                known.setdefault(name_key(name), contact)
        return known


# --- reading the records -----------------------------------------------------------------


def check_context(store: Store, message: Message, misspelt: Misspelt | None = None) -> CheckContext:
    """Reads what the check needs (every contact and interview: run it off the GUI thread)."""
    addresses = _addresses(message)
    people = store.contacts_by_id(store.contact_ids_by_email(addresses)).values()
    interviews = store.interviews()
    interview = _interview(store, message.interview_id)
    contacts = store.contacts()
    return CheckContext(
        people=tuple(people),
        interview=interview,
        companies=_distinct([i.company for i in interviews] + [c.company for c in contacts]),
        roles=_distinct([i.position for i in interviews if i.id != message.interview_id]),
        others=tuple(c for c in contacts if c.email.lower() not in addresses),
        me=store.profile(),
        misspelt=misspelt,
    )


def _interview(store: Store, interview_id: int | None) -> Interview | None:
    if interview_id is None:
        return None
    try:
        return store.interview(interview_id)
    except RecordNotFound:  # deleted meanwhile: the text is checked without it
        return None


def _distinct(texts: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for text in texts:
        if text.strip():
            seen.setdefault(text.strip().casefold(), text.strip())
    return tuple(seen.values())


def _addresses(message: Message) -> list[str]:
    found = map(parse_address_or_none, [*message.to, *message.cc, *message.bcc])
    return list(dict.fromkeys(a for a in found if a is not None))


# --- the check ---------------------------------------------------------------------------


def check_before_it_goes(message: Message, context: CheckContext) -> list[Finding]:
    """Everything worth a second look before ``message`` goes, most important first."""
    recipients = _recipients(message, context)
    return [
        *_look_alikes(message, context),
        *_together(recipients),
        *_companies_in_to(message, context),
        *_same_address_twice(message),
        *_long_to_list(message, context),
        *_greeting(message, recipients, context),
        *_guessed_greeting(message, context),
        *_other_names(message, recipients, context),
        *_nothing_attached(message),
        *_placeholders(message),
        *_misspelt(message, context),
        *_tone(message, context),
    ]


@dataclass(frozen=True)
class _Recipient:
    address: str  # lower-cased
    contact: Contact  # from the records, or made from the address's display name

    @property
    def label(self) -> str:
        return self.contact.name or self.address


def _recipients(message: Message, context: CheckContext) -> list[_Recipient]:
    """The people in To and Cc (each once), who all see the message and each other."""
    return _people_in([*message.to, *message.cc], context)


def _people_in(written: Sequence[str], context: CheckContext) -> list[_Recipient]:
    """Each person once; not the user, who may well keep a copy."""
    known = {c.email.lower(): c for c in context.people if c.email}
    found: dict[str, _Recipient] = {}
    me = context.me.email.strip().lower()
    for text in written:
        address = parse_address_or_none(text)
        if address is not None and address not in found and address != me:
            contact = known.get(address) or Contact(_display_name(text), address)
            found[address] = _Recipient(address, contact)
    return list(found.values())


def _display_name(text: str) -> str:
    name, _, _ = text.rpartition("<")
    return name.strip().strip('"').strip()


def _names(recipients: Sequence[_Recipient]) -> str:
    return _joined([r.label for r in recipients])


def _separately(recipients: Sequence[_Recipient]) -> Fix:
    ids = tuple(r.contact.id for r in recipients if r.contact.id is not None)
    return Fix("Write one each", Action.SEPARATE, contact_ids=ids)


def _together(recipients: list[_Recipient]) -> list[Finding]:
    if len(recipients) < 2:
        return []
    sees = "the other's address" if len(recipients) == 2 else "all the others' addresses"
    text = f"This one message goes to {_names(recipients)} together; each sees {sees}."
    return [Finding(Kind.TOGETHER, text, fixes=(_separately(recipients),))]


def _companies_in_to(message: Message, context: CheckContext) -> list[Finding]:
    """People of several companies in To: each may prefer a message of its own."""
    people = _people_in(message.to, context)
    groups: list[list[_Recipient]] = []
    for person in people:
        group = next((g for g in groups if any(_same_company(person, o) for o in g)), None)
        if group is None:
            groups.append([person])
        else:
            group.append(person)
    if len(groups) < 2:
        return []
    listed = "; ".join(f"{_company_of(g[0])} ({_names(g)})" for g in groups)
    text = (
        f"The To line has people from {len(groups)} companies: {listed}. Each sees the "
        "others' names and addresses; a message of their own reads better."
    )
    return [Finding(Kind.SEVERAL_COMPANIES, text, fixes=(_separately(people),))]


def _same_company(one: _Recipient, other: _Recipient) -> bool:
    a, b = one.contact.company.strip().casefold(), other.contact.company.strip().casefold()
    if a and b:
        return a == b
    return one.address.rpartition("@")[2] == other.address.rpartition("@")[2]


def _company_of(person: _Recipient) -> str:
    return person.contact.company.strip() or person.address.rpartition("@")[2]


def _look_alikes(message: Message, context: CheckContext) -> list[Finding]:
    """A domain that only looks like the one meant (IDN homograph): said first, with the
    address's real form; a domain wholly in another script is a note."""
    written = [written_address(t) for t in (*message.to, *message.cc, *message.bcc)]
    found = flagged((w for w in written if w), own_scripts(context.me))
    return [Finding(_TRUST_KINDS[t.trust], f"{t.address}: {t.reason}") for t in found]


_TRUST_KINDS = {
    Trust.MIXED: Kind.LOOK_ALIKE,
    Trust.OTHER_SCRIPT: Kind.OTHER_SCRIPT,
    Trust.INVALID: Kind.INVALID_DOMAIN,
}


def _same_address_twice(message: Message) -> list[Finding]:
    counts: dict[str, int] = {}
    for text in [*message.to, *message.cc, *message.bcc]:
        address = parse_address_or_none(text)
        if address is not None:
            counts[address] = counts.get(address, 0) + 1
    twice = [a for a, n in counts.items() if n > 1]
    if not twice:
        return []
    text = (
        f"{', '.join(twice)} {'is' if len(twice) == 1 else 'are'} among the recipients more "
        "than once: they would get the message twice."
    )
    return [
        Finding(Kind.SAME_ADDRESS_TWICE, text, fixes=(Fix("Keep one", Action.KEEP_ONE_ADDRESS),))
    ]


def _long_to_list(message: Message, context: CheckContext) -> list[Finding]:
    people = _people_in(message.to, context)
    if len(people) <= LONG_TO_LIST:
        return []
    text = (
        f"The To line has {len(people)} people: each sees every other address. Personal "
        "messages, or Bcc, keep their addresses private."
    )
    fixes = [_separately(people)]
    if context.me.email.strip():
        fixes.append(Fix("Put them in Bcc", Action.MOVE_TO_BCC, text=context.me.email.strip()))
    return [Finding(Kind.LONG_TO_LIST, text, fixes=tuple(fixes))]


# --- the text ----------------------------------------------------------------------------


def greeted_as(contact: Contact) -> list[str]:
    """The names a contact may be greeted by, the one to greet them with first: the
    greeting kept with the contact, or worked out from the name when it is sure."""
    own = greeting_of(contact)
    return list(
        dict.fromkeys([own.text] if own.certain else [])
        | dict.fromkeys(greeting_names(contact.name))
    )


def _guessed_greeting(message: Message, context: CheckContext) -> list[Finding]:
    """A greeting Afterword could only guess from a name ("J. Smith", a surname alone, an
    address with no name) and nobody confirmed: it goes only if the user looked at it."""
    first_line = message.body.lstrip().split("\n", 1)[0]
    found = []
    for person in _people_in(message.to, context):
        guess = greeting_of(person.contact)
        at = first_line.find(guess.text)
        if person.contact.id is None or guess.certain or at < 0:
            continue
        start = len(message.body) - len(message.body.lstrip()) + at
        span = Span(Part.BODY, start, start + len(guess.text))
        said = (
            f"Afterword could not tell how to greet {person.label}, so the greeting says "
            f"“{guess.text}”. Check it, or set how to greet them in Contacts."
        )
        found.append(Finding(Kind.GREETING_GUESSED, said, span, (Fix("Show me", Action.SHOW),)))
    return found


def _greeting(
    message: Message, recipients: list[_Recipient], context: CheckContext
) -> list[Finding]:
    """A greeting names the people it goes to: all those in To (Cc need no greeting)."""
    found = greeting(message.body)
    if found is None or not recipients:
        return []
    line, names = found
    greeted = _people_in(message.to, context) or recipients
    wrong = [n for n in names if not _greets(n.text, recipients)]
    missed = [r for r in greeted if not any(_greets(n.text, [r]) for n in names)]
    if wrong and not _doubtless(wrong, recipients, context):
        because = _not_theirs(wrong[0].text, recipients, context)
    elif not wrong and missed and len(greeted) > 1:
        because = f"{_names(missed)} {'gets' if len(missed) == 1 else 'get'} it too"
    else:
        return []
    text = f"The greeting says “{line.text}” but {because}."
    span = Span(Part.BODY, names[0].start, names[-1].end)
    greet = _greeting_for(greeted)
    fixes = (Fix(f"Greet {greet}", Action.REPLACE, span, greet),) if greet else ()
    return [Finding(Kind.GREETING, text, span, fixes)]


def _not_theirs(name: str, recipients: Sequence[_Recipient], context: CheckContext) -> str:
    who = _known_person(name, context)
    if who is not None:
        return f"{who.name} is not a recipient"
    if len(recipients) == 1:
        return f"{recipients[0].label} is not called {name}"
    return f"none of the recipients is called {name}"


def _greets(name: str, recipients: Sequence[_Recipient]) -> bool:
    wanted = name_key(name)
    return any(wanted in {name_key(n) for n in greeted_as(r.contact)} for r in recipients)


def _doubtless(
    wrong: Sequence[Found], recipients: Sequence[_Recipient], context: CheckContext
) -> bool:
    """Not worth a word: a company greeted ("Dear Acme,"), or a name no contact has when
    some recipient's name is unknown (they may well be called that)."""
    if any(name_key(n.text) in _company_keys(recipients, context) for n in wrong):
        return True
    unnamed = any(not r.contact.name.strip() for r in recipients)
    return unnamed and not any(_known_person(n.text, context) for n in wrong)


def _company_keys(recipients: Sequence[_Recipient], context: CheckContext) -> set[str]:
    names = [*context.companies, *(r.contact.company for r in recipients)]
    return {name_key(c) for c in names if c.strip()}


def _known_person(name: str, context: CheckContext) -> Contact | None:
    return context.known_names.get(name_key(name))


def _greeting_for(recipients: Sequence[_Recipient]) -> str:
    """How to greet them all: "Ana", "Ana and Bo", "Ana, Bo and Cy", or "all" past three."""
    names = [greeted_as(r.contact)[:1] for r in recipients]
    if not all(names):
        return ""
    if len(names) > 3:
        return "all"
    return _joined([n[0] for n in names])


def _joined(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _other_names(
    message: Message, recipients: list[_Recipient], context: CheckContext
) -> list[Finding]:
    """Another application's company or role, pasted in: the classic slip."""
    interview = context.interview
    own_companies = [r.contact.company for r in recipients if r.contact.company.strip()]
    if interview is not None:
        own_companies.append(interview.company)
    if not own_companies:
        return []  # nothing says which company this message is about
    own_roles = [interview.position] if interview is not None and interview.position else []
    own = [*own_companies, *own_roles]
    other_companies = [c for c in context.companies if name_key(c) not in set(map(name_key, own))]
    other_roles = [r for r in context.roles if name_key(r) not in set(map(name_key, own))]
    found = []
    for part, text in ((Part.SUBJECT, message.subject), (Part.BODY, message.body)):
        for name, place in mentions(text, other_companies, own):
            found.append(_other_company(part, name, place, own_companies[-1]))
        for name, place in mentions(text, other_roles, own):
            found.append(_other_role(part, name, place, own_roles))
    return found


def _other_company(part: Part, name: str, place: Found, ours: str) -> Finding:
    span = Span(part, place.start, place.end)
    text = (
        f"The {part.value} names {name}, but this message is about {ours}: a line from "
        "another application?"
    )
    return Finding(
        Kind.OTHER_COMPANY, text, span, (Fix(f"Write {ours}", Action.REPLACE, span, ours),)
    )


def _other_role(part: Part, name: str, place: Found, ours: Sequence[str]) -> Finding:
    span = Span(part, place.start, place.end)
    about = f"the {ours[0]} role" if ours else "another role"
    text = f"The {part.value} names the {name} role, but this message is about {about}."
    fixes = tuple(Fix(f"Write {r}", Action.REPLACE, span, r) for r in ours)
    return Finding(Kind.OTHER_ROLE, text, span, fixes or (Fix("Show me", Action.SHOW),))


def _nothing_attached(message: Message) -> list[Finding]:
    if message.attachments:
        return []
    for part, text in ((Part.SUBJECT, message.subject), (Part.BODY, message.body)):
        word = attachment_word(text)
        if word is not None:
            span = Span(part, word.start, word.end)
            said = f"The {part.value} mentions “{word.text}” but no file is attached."
            return [
                Finding(Kind.NO_ATTACHMENT, said, span, (Fix("Attach a file…", Action.ATTACH),))
            ]
    return []


def _placeholders(message: Message) -> list[Finding]:
    found = []
    for part, text in ((Part.SUBJECT, message.subject), (Part.BODY, message.body)):
        for place in placeholders(text):
            span = Span(part, place.start, place.end)
            said = f"“{place.text}” in the {part.value} looks like a placeholder left to fill in."
            found.append(Finding(Kind.PLACEHOLDER, said, span, (Fix("Show me", Action.SHOW),)))
    return found


def _misspelt(message: Message, context: CheckContext) -> list[Finding]:
    if context.misspelt is None:
        return []
    found = []
    for part, text in ((Part.SUBJECT, message.subject), (Part.BODY, message.body)):
        for word in dict.fromkeys(context.misspelt(text)):
            place = word_at(text, word)
            span = Span(part, place.start, place.end) if place else None
            said = f"“{word}” in the {part.value} may be misspelt."
            found.append(Finding(Kind.MISSPELT, said, span, (Fix("Show me", Action.SHOW),)))
    return found


def _tone(message: Message, context: CheckContext) -> list[Finding]:
    """In a reply to a "no" or to feedback: arguing, pleading, blaming... a note, never a stop."""
    if not applies_to(message, context.interview):
        return []
    return [
        Finding(Kind.TONE, tone_said(note, part.value), Span(part, note.start, note.end), _SHOW)
        for part, text in ((Part.SUBJECT, message.subject), (Part.BODY, message.body))
        for note in tone_notes(text)
    ]


_SHOW = (Fix("Show me", Action.SHOW),)


# --- fixing ------------------------------------------------------------------------------


def apply_fix(message: Message, fix: Fix) -> Message:
    """The message with a text or recipients fix applied (the others are the screen's)."""
    match fix.action:
        case Action.REPLACE:
            assert fix.span is not None, "a replacement says where"
            return _replaced(message, fix.span, fix.text)
        case Action.KEEP_ONE_ADDRESS:
            seen: set[str] = set()
            return replace(
                message,
                to=_once(message.to, seen),
                cc=_once(message.cc, seen),
                bcc=_once(message.bcc, seen),
            )
        case Action.MOVE_TO_BCC:
            return replace(message, to=[fix.text], bcc=[*message.to, *message.bcc])
    raise ValueError(f"{fix.action} is done by the screen, not on the message")


def _replaced(message: Message, span: Span, text: str) -> Message:
    if span.part is Part.SUBJECT:
        subject = message.subject
        return replace(message, subject=subject[: span.start] + text + subject[span.end :])
    return replace(message, body=message.body[: span.start] + text + message.body[span.end :])


def _once(addresses: Sequence[str], seen: set[str]) -> list[str]:
    kept = []
    for text in addresses:
        address = parse_address_or_none(text) or text.strip().lower()
        if address not in seen:
            seen.add(address)
            kept.append(text)
    return kept
