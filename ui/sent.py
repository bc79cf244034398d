"""Outbox & Sent: every message with its state; the exact message that went out.

A failed message can be sent again; an "uncertain" one (Afterword stopped mid-send) says
what happened and lets the user mark it sent or send it again, after checking. The records
can be searched (subject, text, recipients), exported, and a sent one followed up in its
thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from composer.app import Afterword
from composer.errors import AfterwordError
from composer.export import Exported
from composer.outbox import SendResult
from composer.records import Message, MessageState
from composer.store import Store
from composer.threads import as_sent, follow_up_draft
from ui import dialogs
from ui.export_dialog import ExportDialog, choose_target, export_in_background
from ui.models import MessagesModel
from ui.runner import Runner
from ui.widgets import named, push_button, status_label

ALL = "All"
SEARCH_DELAY_MS = 150  # typing pauses this long before the list is searched
Filters = tuple[str, int | None, int | None]  # search, contact, interview


def find_ids(database: Path, filters: Filters) -> list[int]:
    """For a worker thread: a search over 50,000 records takes a few hundred ms."""
    search, contact_id, interview_id = filters
    with Store(database) as store:
        return store.message_list_ids(
            contact_id=contact_id, interview_id=interview_id, search=search
        )


class SentRecordsModel(MessagesModel):
    """The list with the search box's words too; a search's ids come from a worker."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.search = ""

    @property
    def filters(self) -> Filters:
        return self.search, self.contact_id, self.interview_id

    def load_ids(self) -> list[int]:
        return self.store.message_list_ids(
            contact_id=self.contact_id, interview_id=self.interview_id, search=self.search
        )

    def show_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._rows.clear()
        self.endResetModel()

    def ids(self) -> list[int]:
        return list(self._ids)

    def rows_of(self, ids: Iterable[int]) -> list[int]:
        """Rows of those still listed, in list order (one pass, however many are chosen)."""
        wanted = set(ids)
        return [row for row, record_id in enumerate(self._ids) if record_id in wanted]


COLUMN_WIDTHS = (90, 150, 260)  # state, date, recipients; the subject takes the rest


class SentPage(QWidget):
    open_draft_requested = Signal(int)
    changed = Signal()

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self.model = SentRecordsModel(afterword.store)
        self.sending = False
        self.exporting = False
        self._stale = False
        self._searching = False  # a search is running on a worker
        self._wanted = 0  # bumped at each request: a result for an older one is not shown
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search)
        self._build()
        self.refresh()

    def _build(self) -> None:
        self.search_box = named(QLineEdit(), "Search messages")
        self.search_box.setPlaceholderText("Words in the subject, text or recipients")
        self.search_box.setClearButtonEnabled(True)
        self.contact_filter = named(QComboBox(), "Filter by contact")
        self.interview_filter = named(QComboBox(), "Filter by interview")
        self.table = named(QTableView(), "Messages")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        for column, width in enumerate(COLUMN_WIDTHS):  # fixed: measuring 50,000 rows is slow
            self.table.setColumnWidth(column, width)
        self.reader = named(QPlainTextEdit(), "The message as sent")
        self.reader.setReadOnly(True)
        self.reader.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.explanation = status_label("What happened")
        self.send_again_button = push_button("Send &again", "Send again", self.send_again)
        self.mark_sent_button = push_button("&Mark as sent", "Mark as sent", self.mark_sent)
        self.open_button = push_button("&Open in Compose", "Open in Compose", self._open)
        self.delete_button = push_button("&Delete draft", "Delete draft", self.delete_draft)
        self.follow_up_button = push_button(
            "Follow &up on this", "Follow up on this", self.follow_up
        )
        self.export_button = push_button("E&xport…", "Export messages", self.export)
        self.no_match = named(QLabel(), "No message matches")
        self.no_match.setWordWrap(True)
        self.no_match.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty = QLabel(
            "Nothing here yet. Messages you write appear here: drafts, what is being sent, "
            "and everything sent, with the exact text that went out."
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        filters = QHBoxLayout()
        search_label = QLabel("Searc&h:")
        search_label.setBuddy(self.search_box)
        filters.addWidget(search_label)
        filters.addWidget(self.search_box, 2)
        filters.addWidget(QLabel("Contact:"))
        filters.addWidget(self.contact_filter, 1)
        filters.addWidget(QLabel("Interview:"))
        filters.addWidget(self.interview_filter, 1)
        filters.addWidget(self.export_button)
        actions = QHBoxLayout()
        for button in (self.open_button, self.delete_button, self.follow_up_button):
            actions.addWidget(button)
        actions.addStretch(1)
        for button in (self.mark_sent_button, self.send_again_button):
            actions.addWidget(button)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.explanation)
        detail_layout.addWidget(self.reader, 1)
        detail_layout.addLayout(actions)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.no_match)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.list_stack)
        split.addWidget(detail)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(split)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.stack, 1)

        self.search_box.textChanged.connect(self._search_timer.start)
        self.search_box.returnPressed.connect(self._search_now)
        self.contact_filter.currentIndexChanged.connect(self._filter)
        self.interview_filter.currentIndexChanged.connect(self._filter)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self._show(None)

    # --- loading ------------------------------------------------------------------------

    def refresh_when_shown(self) -> None:
        """Reloads now if shown, else when next shown: a batch may end out of sight, and
        reloading 50,000 rows nobody sees would stall the window."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def refresh(self) -> None:
        self._stale = False
        self._fill_filters()
        self._reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _fill_filters(self) -> None:
        store = self.afterword.store
        for combo, items in (
            (self.contact_filter, [(c.id, c.name) for c in store.contacts()]),
            (
                self.interview_filter,
                [(i.id, f"{i.company}, {i.position}".strip(", ")) for i in store.interviews()],
            ),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ALL, None)
            for record_id, label in items:
                combo.addItem(label, record_id)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)
        self.model.contact_id = self.contact_filter.currentData()
        self.model.interview_id = self.interview_filter.currentData()

    def _filter(self) -> None:
        self.model.contact_id = self.contact_filter.currentData()
        self.model.interview_id = self.interview_filter.currentData()
        self._reload()

    def _search_now(self) -> None:
        self._search_timer.stop()
        self._search()

    def _search(self) -> None:
        self.model.search = self.search_box.text().strip()
        self._reload()

    def _reload(self) -> None:
        """A search runs on a worker; the plain list (an index, newest first) loads here."""
        self._wanted += 1  # a search still running is now out of date
        if self.model.search:
            self._find()
            return
        chosen = self.selected_ids()
        self.model.reload()
        self._listed(chosen)

    def _find(self) -> None:
        if self._searching:
            return  # when it ends, it sees it is out of date and searches again
        self._searching = True
        wanted, filters = self._wanted, self.model.filters
        database = self.afterword.paths.database
        self.runner.run(
            lambda: find_ids(database, filters),
            lambda ids: self._found(wanted, ids),
            self._search_failed,
        )

    def _found(self, wanted: int, ids: list[int]) -> None:
        self._searching = False
        if wanted != self._wanted:
            if self.model.search:
                self._find()
            return
        chosen = self.selected_ids()
        self.model.show_ids(ids)
        self._listed(chosen)

    def _search_failed(self, error: BaseException) -> None:
        self._searching = False
        if not isinstance(error, AfterwordError):
            raise error
        self.no_match.setText(f"The search could not be run: {error}")
        self.list_stack.setCurrentIndex(1)

    @property
    def searching(self) -> bool:
        """A search is waiting for typing to pause, or running."""
        return self._searching or self._search_timer.isActive()

    def _listed(self, chosen: Sequence[int]) -> None:
        """The list changed: the empty states, and the selection kept where it can be."""
        rows = self.model.rowCount()
        filtered = any(self.model.filters)
        has_any = rows > 0 or (filtered and self.afterword.store.has_messages())
        self.stack.setCurrentIndex(1 if has_any else 0)
        self.no_match.setText(self._no_match_text())
        self.list_stack.setCurrentIndex(1 if filtered and rows == 0 else 0)
        self.export_button.setEnabled(rows > 0 and not self.exporting)
        self.select_ids(chosen)

    def _no_match_text(self) -> str:
        if not self.model.search:
            return "No message for the contact and interview chosen above."
        text = f"No message matches “{self.model.search}”."
        if self.model.contact_id is not None or self.model.interview_id is not None:
            text += " Only the messages of the contact and interview chosen above were searched."
        return text

    def select(self, message_id: int | None) -> None:
        self.select_ids([] if message_id is None else [message_id])

    def select_ids(self, ids: Sequence[int]) -> None:
        """Selects those of ``ids`` still listed; the reader shows one if only one is."""
        rows = self.model.rows_of(ids) if ids else []
        if not rows:
            self.table.clearSelection()
            self._show(None)
            return
        selection = QItemSelection()
        last_column = self.model.columnCount() - 1
        for first, last in _runs(rows):
            selection.select(self.model.index(first, 0), self.model.index(last, last_column))
        flags = QItemSelectionModel.SelectionFlag
        selection_model = self.table.selectionModel()
        selection_model.setCurrentIndex(self.model.index(rows[0], 0), flags.NoUpdate)
        selection_model.select(selection, flags.ClearAndSelect | flags.Rows)
        self.table.scrollTo(self.model.index(rows[0], 0))

    def selected_ids(self) -> list[int]:
        """In the list's order."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [record_id for row in rows if (record_id := self.model.id_at(row)) is not None]

    def selected_id(self) -> int | None:
        """The one message selected; None when none is, or several are."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.id_at(rows[0].row()) if len(rows) == 1 else None

    def _selected(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        self._show_selection()

    def _show_selection(self) -> None:
        message_id = self.selected_id()
        self._show(self.afterword.store.message(message_id) if message_id else None)
        several = len(self.table.selectionModel().selectedRows())
        if several > 1:
            self.explanation.setText(
                f"{several:,} messages selected. Export… saves them; select one to read it."
            )
            self.explanation.show()

    def _show(self, message: Message | None) -> None:
        """Only the opened message's body and bytes are read, never the whole list's."""
        state = message.state if message else None
        self.reader.setPlainText(as_sent(message).as_text() if message else "")
        self.explanation.setText(_explain(message) if message else "")
        self.explanation.setVisible(bool(self.explanation.text()))
        self.send_again_button.setEnabled(state in (MessageState.FAILED, MessageState.UNCERTAIN))
        self.mark_sent_button.setEnabled(state is MessageState.UNCERTAIN)
        editable = (MessageState.DRAFT, MessageState.FAILED)
        self.open_button.setEnabled(state in editable)
        self.delete_button.setEnabled(state is MessageState.DRAFT)
        self.follow_up_button.setEnabled(
            message is not None and state is MessageState.SENT and bool(message.message_id)
        )

    # --- actions ------------------------------------------------------------------------

    def send_again(self) -> None:
        message_id = self.selected_id()
        if message_id is None:
            return
        outbox = self.afterword.outbox
        try:
            if outbox.store.message(message_id).state is MessageState.UNCERTAIN:
                question = (
                    "Send this message again? Do this only if you checked that it did not "
                    "arrive (your mail's Sent folder, or the recipient): otherwise they may "
                    "get it twice."
                )
                if not dialogs.ask(self, question, yes="Send again"):
                    return
                outbox.send_again(message_id)
            else:
                outbox.retry(message_id)
        except AfterwordError as error:
            dialogs.tell(self, str(error), error=True)
            return
        self._send(message_id)

    def _send(self, message_id: int) -> None:
        self.sending = True
        self.send_again_button.setEnabled(False)
        self.explanation.setText("Sending…")
        self.explanation.show()
        self.runner.run(
            lambda: self.afterword.send_messages([message_id]),
            self._sent,
            lambda error: self._failed(error),
            sending=True,
        )

    def _sent(self, results: list[SendResult]) -> None:
        self.sending = False
        self.refresh()
        self.changed.emit()

    def _failed(self, error: BaseException) -> None:
        self.sending = False
        self.refresh()
        if not isinstance(error, AfterwordError):
            raise error
        dialogs.tell(self, str(error), error=True)

    def mark_sent(self) -> None:
        message_id = self.selected_id()
        if message_id is not None:
            self.afterword.outbox.mark_sent(message_id)
            self.refresh()
            self.changed.emit()

    def _open(self) -> None:
        message_id = self.selected_id()
        if message_id is not None:
            self.open_draft_requested.emit(message_id)

    def delete_draft(self) -> None:
        message_id = self.selected_id()
        if message_id is None or not dialogs.ask(self, "Delete this draft?", yes="Delete"):
            return
        try:
            self.afterword.store.delete_message(message_id)
        except AfterwordError as error:
            dialogs.tell(self, str(error), error=True)
        self.refresh()
        self.changed.emit()

    def follow_up(self) -> None:
        """A draft in the same thread, saved, then opened in Compose."""
        message_id = self.selected_id()
        if message_id is None:
            return
        try:
            draft = follow_up_draft(self.afterword.store.message(message_id))
            saved = self.afterword.outbox.save_draft(draft)
        except AfterwordError as error:
            dialogs.tell(self, str(error), error=True)
            return
        assert saved.id is not None
        self.refresh()
        self.changed.emit()
        self.open_draft_requested.emit(saved.id)

    def export(self) -> None:
        chosen = self.selected_ids()
        dialog = ExportDialog(
            selected=len(chosen),
            listed=self.model.rowCount(),
            filtered=any(self.model.filters),
            parent=self,
        )
        if not dialogs.run_dialog(dialog):
            return
        ids = chosen if dialog.only_selected else self.model.ids()
        chosen_format = dialog.format
        target = choose_target(self, chosen_format)
        if target is None:
            return
        self.exporting = True
        self.export_button.setEnabled(False)
        self.explanation.setText(f"Exporting {len(ids):,} messages to {target}…")
        self.explanation.show()
        database = self.afterword.paths.database
        self.runner.run(
            lambda: export_in_background(database, chosen_format, ids, target),
            self._exported,
            self._export_failed,
        )

    def _exported(self, result: Exported) -> None:
        self._export_ended()
        dialogs.tell(self, result.summary())

    def _export_failed(self, error: BaseException) -> None:
        self._export_ended()
        if not isinstance(error, AfterwordError):
            raise error
        dialogs.tell(self, str(error), error=True)

    def _export_ended(self) -> None:
        self.exporting = False
        self.export_button.setEnabled(self.model.rowCount() > 0)
        self._show_selection()


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) ranges: one selection range per run of rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _explain(message: Message) -> str:
    match message.state:
        case MessageState.UNCERTAIN:
            return (
                f"{message.error or 'This message may or may not have been delivered.'} "
                "Mark as sent if it arrived; Send again only if it did not."
            )
        case MessageState.FAILED:
            return f"Not sent: {message.error}"
        case MessageState.SENT:
            return f"Sent. The server said: {message.server_reply}"
        case MessageState.DRAFT:
            return "A draft: open it in Compose to finish it."
    return f"{str(message.state).capitalize()}…"
