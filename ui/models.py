"""Table models over ids: rows are fetched from the store in blocks as they are shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from composer.dates import FALLBACK, chosen_locale, medium_date_time
from composer.records import Contact, Interview, MessageState, MessageSummary
from composer.sent_list import changed_span
from composer.store import Store

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex
BLOCK = 100  # rows read together: a screenful and some; 100 summaries take 2 ms
TEXT_ROLES = frozenset(
    int(role)
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.AccessibleTextRole,
    )
)


def list_time(moment: datetime | None, locale_name: str = FALLBACK) -> str:
    """Local time, as Settings › Dates shows it in lists: '3 Nov 2026, 14:30'."""
    return medium_date_time(moment, locale_name) if moment is not None else ""


INTERVIEWS_LISTED = 200  # what an interview picker lists: upcoming and recent, and the chosen


def interview_label(interview: Interview, locale_name: str = FALLBACK) -> str:
    """How an interview is named in a picker: company, role and when."""
    when = list_time(interview.scheduled_at, locale_name)
    label = f"{interview.company}, {interview.position}".strip(", ")
    return f"{label} ({when})" if when else label


class ColumnsModel(QAbstractTableModel, Generic[Row]):
    """A read-only table whose columns are each a title and the text a row shows there."""

    columns: Sequence[tuple[str, Callable[[Row], str]]] = ()

    def row_count(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.row_count()

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


class LazyTableModel(ColumnsModel[Row]):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._ids: list[int] = []
        self._rows: dict[int, Row] = {}
        self._texts: dict[int, tuple[str, ...]] = {}  # a row's cells, formatted once

    # --- what subclasses say ------------------------------------------------------------

    def load_ids(self) -> list[int]:
        raise NotImplementedError

    def fetch(self, ids: Sequence[int]) -> dict[int, Row]:
        raise NotImplementedError

    # --- the model ----------------------------------------------------------------------

    def reload(self) -> None:
        self.show_ids(self.load_ids())

    def show_ids(self, ids: list[int], *, same_records: bool = False) -> None:
        """A new list: the view starts again at its top, with nothing selected.
        ``same_records``: only which records are listed changed (a search), so the rows
        already read and formatted are kept for when they show again."""
        self.beginResetModel()
        self._ids = ids
        if not same_records:
            self._forget()
        self.endResetModel()

    def replace_ids(self, ids: list[int]) -> None:
        """The same list read again: only the rows that changed are removed and inserted,
        so the view keeps the selection and the rows it shows (a reset would drop both)."""
        start, old_end, new_end = changed_span(self._ids, ids)
        if old_end > start:
            self.beginRemoveRows(QModelIndex(), start, old_end - 1)
            for record_id in self._ids[start:old_end]:
                self._rows.pop(record_id, None)
                self._texts.pop(record_id, None)
            del self._ids[start:old_end]
            self.endRemoveRows()
        if new_end > start:
            self.beginInsertRows(QModelIndex(), start, new_end - 1)
            self._ids[start:start] = ids[start:new_end]
            self.endInsertRows()

    def forget_rows(self) -> None:
        """The records may have changed: shown rows are read again as they are painted."""
        self._forget()
        if self._ids:
            last = self.index(len(self._ids) - 1, len(self.columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def row_count(self) -> int:
        return len(self._ids)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Asked for every cell painted (``index`` checks it): one call, no more."""
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Asked for each of the seven roles a delegate paints, for every cell painted.
        Measured with PySide 6: Qt's own multiData calling this is cheaper than a
        multiData in Python walking the role span, so there is none."""
        if role not in TEXT_ROLES:
            return self.look(index, role)
        texts = self.texts_at(index.row())  # None for an invalid index (its row is -1)
        return texts[index.column()] if texts else None

    def look(self, index: Index, role: int) -> Any:
        """An icon or a colour for the cell (a subclass's), else None."""
        looks = self.looks_at(index.row(), index.column())
        if looks is None:
            return None
        icon, colour = looks
        if role == Qt.ItemDataRole.DecorationRole:
            return icon
        if role == Qt.ItemDataRole.ForegroundRole and colour is not None:
            return QBrush(colour)
        return None

    def looks_at(self, row: int, column: int) -> tuple[QIcon | None, QColor | None] | None:
        """A row that must stand out: its icon (first column) and text colour."""
        return None

    def texts_at(self, row: int) -> tuple[str, ...] | None:
        """The row's cells as shown; formatted once, not at every paint."""
        if not 0 <= row < len(self._ids):
            return None
        record_id = self._ids[row]
        texts = self._texts.get(record_id)
        if texts is None:
            found = self.row_at(row)
            if found is None:
                return None
            texts = self._texts[record_id] = tuple(text(found) for _, text in self.columns)
        return texts

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

    def _forget(self) -> None:
        self._rows.clear()
        self._texts.clear()

    @property
    def cached(self) -> int:
        """How many rows have been read from the store (for tests and the benchmark)."""
        return len(self._rows)


class TextsDelegate(QStyledItemDelegate):
    """Paints a lazy table's cells exactly as the standard delegate does, but takes a cell's
    text in one call: the standard one asks the model for seven roles (one call into Python
    each) for every cell it paints, and these models answer only the text."""

    def __init__(self, model: LazyTableModel[Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        if not isinstance(index, QModelIndex):  # a view passes a QModelIndex
            index = self._model.index(index.row(), index.column())
        option.index = index
        texts = self._model.texts_at(index.row())  # None for an invalid index (row -1)
        if texts:
            option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
            option.text = texts[index.column()].replace("\n", "\u2028")  # as Qt's displayText
        if (looks := self._model.looks_at(index.row(), index.column())) is not None:
            icon, colour = looks
            if icon is not None:
                option.features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration
                option.icon = icon
            if colour is not None:
                option.palette.setBrush(QPalette.ColorRole.Text, colour)
        # As Qt's: no style animations in item views (the stubs do not allow None).
        option.styleObject = None  # type: ignore[assignment]


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
        self.show_ids(self.load_ids(), same_records=True)

    def load_ids(self) -> list[int]:
        return self.store.contact_ids(self.search)

    def fetch(self, ids: Sequence[int]) -> dict[int, Contact]:
        return self.store.contacts_by_id(ids)


class InterviewsModel(LazyTableModel[Interview]):
    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.replied: set[int] = set()  # interviews with an answer noted
        self.search = ""
        self.columns = (
            ("When", lambda i: list_time(i.scheduled_at, chosen_locale(store))),
            ("Company", lambda i: i.company),
            ("Position", lambda i: i.position),
            ("Stage", lambda i: i.stage),
            ("Status", self._status),
        )

    def _status(self, interview: Interview) -> str:
        status = str(interview.status).capitalize()
        return f"{status}, replied" if interview.id in self.replied else status

    def set_search(self, text: str) -> None:
        """Narrows the list as the user types; done in the store's index, not here."""
        self.search = text
        self.show_ids(self.store.interview_ids_found(text), same_records=True)

    def load_ids(self) -> list[int]:
        self.replied = self.store.replied_interview_ids()
        return self.store.interview_ids_found(self.search)

    def fetch(self, ids: Sequence[int]) -> dict[int, Interview]:
        return self.store.interviews_by_id(ids)


def message_state(message: MessageSummary) -> str:
    """ "Sent", and what came of it: a reply noted, a copy still to be filed in Sent."""
    notes = [
        *(["replied"] if message.replied else []),
        *(["not yet in your Sent folder"] if message.copy_error else []),
    ]
    return ", ".join([str(message.state).capitalize(), *notes])


STANDS_OUT = {  # the state, and the icon of the message boxes that say the same
    MessageState.FAILED: QStyle.StandardPixmap.SP_MessageBoxCritical,
    MessageState.UNCERTAIN: QStyle.StandardPixmap.SP_MessageBoxWarning,
}


def attention_colour(state: MessageState) -> QColor:
    """The palette's text colour turned red (failed) or amber (uncertain), as light or as
    dark as the text itself: readable on the theme's background, light or dark."""
    text = QGuiApplication.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text)
    lightness = 0.35 + 0.35 * text.lightnessF()  # dark text: a dark red; light text: a light one
    hue = 0.0 if state is MessageState.FAILED else 30 / 360
    return QColor.fromHslF(hue, 0.85, lightness)


class MessagesModel(LazyTableModel[MessageSummary]):
    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.columns = (
            ("State", message_state),
            ("Date", lambda m: list_time(m.when, chosen_locale(store))),
            ("Recipients", lambda m: ", ".join(m.to)),
            ("Subject", lambda m: m.subject),
        )
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

    def looks_at(self, row: int, column: int) -> tuple[QIcon | None, QColor | None] | None:
        """Failed and uncertain messages stand out: an icon in the first column, the whole
        row in the colour of trouble."""
        message = self.row_at(row) if 0 <= row < len(self._ids) else None
        if message is None or message.state not in STANDS_OUT:
            return None
        icon = QApplication.style().standardIcon(STANDS_OUT[message.state]) if column == 0 else None
        return icon, attention_colour(message.state)
