"""Outbox & Sent's list: the model with the search and filters, and the small helpers of
its filter boxes and selection."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QComboBox, QListView

from composer import sent_list
from composer.sent_list import FilterChoice, Filters, Group
from composer.store import Store
from ui.models import MessagesModel
from ui.widgets import named

ALL = "All"
SEARCH_DELAY_MS = 150  # typing pauses this long before the list is searched


class SentRecordsModel(MessagesModel):
    """The list with the search box's words too; a search's ids come from a worker."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.search = ""
        self.group = Group.ALL

    @property
    def filters(self) -> Filters:
        return Filters(self.search, self.contact_id, self.interview_id, self.group.states)

    @property
    def narrowed(self) -> bool:
        """Searched or filtered, beyond the folder: "no match" rather than "nothing here"."""
        return bool(self.search) or (self.contact_id, self.interview_id) != (None, None)

    def load_ids(self) -> list[int]:
        return sent_list.listing(self.store, self.filters).ids

    def ids(self) -> list[int]:
        return list(self._ids)

    def rows_of(self, ids: Iterable[int]) -> list[int]:
        """Rows of those still listed, in list order (one pass, however many are chosen)."""
        wanted = set(ids)
        if len(wanted) <= 8:  # a few: each found by a search in C, not a loop in Python
            return sorted(row for record_id in wanted if (row := self.row_of(record_id)) >= 0)
        return [row for row, record_id in enumerate(self._ids) if record_id in wanted]


@dataclass
class Awaited:
    """The list a worker is reading: what it is for, and what to do with it."""

    number: int  # of the request: a list read for an older one is not shown
    keep_view: bool  # the same list read again: stay where the user is
    with_choices: bool  # the filters' choices are read too
    first_shown: bool  # its first page is on screen already, read at once


def filter_box(name: str) -> QComboBox:
    """Sized without measuring every choice, its list laid out from the first row's size:
    both would read all of thousands of names."""
    box = named(QComboBox(), name)
    box.addItem(ALL, None)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(12)
    view = box.view()
    if isinstance(view, QListView):
        view.setUniformItemSizes(True)
    return box


def fill(combo: QComboBox, choices: list[FilterChoice]) -> None:
    """The one chosen stays chosen if it is still there, else "All" is."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(ALL, None)
    for record_id, label in choices:
        combo.addItem(label, record_id)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))
    combo.blockSignals(False)


def missing(wanted: Sequence[int], present: Sequence[int]) -> list[int]:
    there = set(present)
    return [record_id for record_id in wanted if record_id not in there]


def runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) ranges: one selection range per run of rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
