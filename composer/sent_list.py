"""What Outbox & Sent lists, read so that 50,000 messages never hold the window up.

The first page (newest first) is read at once, in a millisecond; the whole list, and the
contacts and interviews to filter by, come from a worker. A list read again is compared
with the one shown, so only the rows that changed are replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from itertools import filterfalse
from typing import NamedTuple

from composer.store import Store

FIRST_PAGE = 200  # rows read at once: a screenful and more; the rest come from a worker

FilterChoice = tuple[int, str]  # a record's id and how the filter names it


class Group(StrEnum):
    """The folders of Outbox & Sent, as a mail user knows them."""

    DRAFTS = "Drafts"
    SCHEDULED = "Scheduled"
    OUTBOX = "Outbox"
    SENT = "Sent"
    ALL = "All messages"

    @property
    def states(self) -> tuple[str, ...]:
        """Stored states, as text: "scheduled" lists nothing until that state exists."""
        return _STATES[self]


_STATES = {
    Group.DRAFTS: ("draft",),
    Group.SCHEDULED: ("scheduled",),
    Group.OUTBOX: ("queued", "sending", "failed", "uncertain"),  # waiting, or needing the user
    Group.SENT: ("sent",),
    Group.ALL: (),
}


def group_counts(store: Store) -> dict[Group, int]:
    """Each folder's count from one COUNT by state: no row is read."""
    return group_counts_of(store.message_counts())


def group_counts_of(by_state: dict[str, int]) -> dict[Group, int]:
    return {
        group: sum(by_state.get(state, 0) for state in group.states or by_state) for group in Group
    }


def group_of(state: str) -> Group:
    """The folder a message in that state is listed in."""
    return next((g for g in Group if state in g.states), Group.ALL)


class Filters(NamedTuple):
    search: str = ""
    contact_id: int | None = None
    interview_id: int | None = None
    states: tuple[str, ...] = ()  # a folder's; () lists every message


@dataclass(frozen=True)
class Choices:
    """Only the contacts and interviews that have messages: no filter that lists nothing."""

    contacts: list[FilterChoice]
    interviews: list[FilterChoice]


@dataclass(frozen=True)
class Listing:
    ids: list[int]  # newest first
    choices: Choices | None = None


def newest(store: Store, filters: Filters, limit: int = FIRST_PAGE) -> list[int]:
    """The newest ``limit`` ids (all with -1) of the list without a search (a search over
    50,000 messages takes a few hundred ms: it is left to a worker)."""
    return store.newest_message_ids(
        contact_id=filters.contact_id,
        interview_id=filters.interview_id,
        states=filters.states,
        limit=limit,
    )


def choices(store: Store, filters: Filters) -> Choices:
    """The contact and interview chosen in ``filters`` stay listed, messages or not."""
    contacts, interviews = store.message_list_choices(filters.contact_id, filters.interview_id)
    return Choices(
        contacts=contacts,
        interviews=[
            (id_, f"{company}, {position}".strip(", ")) for id_, company, position in interviews
        ],
    )


def listing(store: Store, filters: Filters, *, with_choices: bool = False) -> Listing:
    """For a worker: the whole list (50,000 ids take 50 ms; a search, a few hundred)."""
    if filters.search:
        ids = store.message_list_ids(
            contact_id=filters.contact_id,
            interview_id=filters.interview_id,
            search=filters.search,
            states=filters.states,
        )
    else:
        ids = newest(store, filters, limit=-1)
    return Listing(ids, choices(store, filters) if with_choices else None)


def interim(first: list[int], shown: list[int]) -> list[int]:
    """The first page just read, then the rest of what is shown: new messages arrive at the
    top, so this is the whole list but for a rare change further down, until the worker's
    list replaces it."""
    on_first = set(first)
    head = len(first)
    if on_first.isdisjoint(shown[head:]):  # as usual, nothing below the top has moved up
        return [*first, *filterfalse(on_first.__contains__, shown[:head]), *shown[head:]]
    return [*first, *filterfalse(on_first.__contains__, shown)]


def changed_span(old: list[int], new: list[int]) -> tuple[int, int, int]:
    """``(start, old_end, new_end)``: ``old[start:old_end]`` replaced by
    ``new[start:new_end]`` gives ``new``; the start and end both share are left alone."""
    start = _matching(old, new)
    end = _matching(old[start:][::-1], new[start:][::-1])
    return start, len(old) - end, len(new) - end


def _matching(first: list[int], second: list[int], block: int = 1024) -> int:
    """How many leading ids are equal: a block at a time in C, 50,000 in about a ms."""
    size = min(len(first), len(second))
    start = 0
    while start < size and first[start : start + block] == second[start : start + block]:
        start += block
    start = min(start, size)
    while start < size and first[start] == second[start]:
        start += 1
    return start


# --- drafts already sent another way ------------------------------------------------


def obsolete_drafts(store: Store) -> list[int]:
    """Ids of the drafts whose follow-up (interview and template) was sent to all their
    recipients since they were made: Compose's draft left over when the panel sent one
    message to each person."""
    return store.obsolete_draft_ids()
