"""Table models over ids: rows are fetched from the store in blocks as they are shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from composer.records import Contact, Interview, MessageSummary
from composer.store import Store

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex
BLOCK = 200


def short_time(moment: datetime | None) -> str:
    """Local time, compact: 'Tue 3 Nov 2026 14:30'."""
    if moment is None:
        return ""
    local = moment.astimezone()
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


def interview_label(interview: Interview) -> str:
    """How an interview is named in a picker: company, role and when."""
    when = short_time(interview.scheduled_at)
    label = f"{interview.company}, {interview.position}".strip(", ")
    return f"{label} ({when})" if when else label


class LazyTableModel(QAbstractTableModel, Generic[Row]):
    columns: Sequence[tuple[str, Callable[[Row], str]]] = ()

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._ids: list[int] = []
        self._rows: dict[int, Row] = {}

    # --- what subclasses say ------------------------------------------------------------

    def load_ids(self) -> list[int]:
        raise NotImplementedError

    def fetch(self, ids: Sequence[int]) -> dict[int, Row]:
        raise NotImplementedError

    # --- the model ----------------------------------------------------------------------

    def reload(self) -> None:
        self.beginResetModel()
        self._ids = self.load_ids()
        self._rows.clear()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        return self.columns[index.column()][1](row)

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, record_id: int) -> int:
        try:
            return self._ids.index(record_id)
        except ValueError:
            return -1

    def row_at(self, row: int) -> Row | None:
        record_id = self.id_at(row)
        if record_id is None:
            return None
        if record_id not in self._rows:
            start = max(0, row - BLOCK // 4)
            self._rows.update(self.fetch(self._ids[start : start + BLOCK]))
        return self._rows.get(record_id)

    @property
    def cached(self) -> int:
        """How many rows have been read from the store (for tests and the benchmark)."""
        return len(self._rows)


class ContactsModel(LazyTableModel[Contact]):
    columns = (
        ("Name", lambda c: c.name),
        ("Email", lambda c: c.email),
        ("Company", lambda c: c.company),
        ("Title", lambda c: c.title),
    )

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.search = ""

    def set_search(self, text: str) -> None:
        self.search = text
        self.reload()

    def load_ids(self) -> list[int]:
        return self.store.contact_ids(self.search)

    def fetch(self, ids: Sequence[int]) -> dict[int, Contact]:
        return self.store.contacts_by_id(ids)


class InterviewsModel(LazyTableModel[Interview]):
    columns = (
        ("When", lambda i: short_time(i.scheduled_at)),
        ("Company", lambda i: i.company),
        ("Position", lambda i: i.position),
        ("Stage", lambda i: i.stage),
        ("Status", lambda i: str(i.status).capitalize()),
    )

    def load_ids(self) -> list[int]:
        return self.store.interview_ids()

    def fetch(self, ids: Sequence[int]) -> dict[int, Interview]:
        return self.store.interviews_by_id(ids)


class MessagesModel(LazyTableModel[MessageSummary]):
    columns = (
        ("State", lambda m: str(m.state).capitalize()),
        ("Date", lambda m: short_time(m.when)),
        ("Recipients", lambda m: ", ".join(m.to)),
        ("Subject", lambda m: m.subject),
    )

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.contact_id: int | None = None
        self.interview_id: int | None = None

    def set_filter(self, *, contact_id: int | None, interview_id: int | None) -> None:
        self.contact_id, self.interview_id = contact_id, interview_id
        self.reload()

    def load_ids(self) -> list[int]:
        return self.store.message_list_ids(
            contact_id=self.contact_id, interview_id=self.interview_id
        )

    def fetch(self, ids: Sequence[int]) -> dict[int, MessageSummary]:
        return self.store.message_summaries(ids)
