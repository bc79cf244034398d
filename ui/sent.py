"""Outbox & Sent: every message with its state; the exact message that went out.

Folders as in a mail client (Drafts, Scheduled, Outbox, Sent), each with its count; the
search works within the folder chosen. A failed message stays failed until the user sends
it again or edits it as a new draft. An "uncertain" one (Afterword stopped mid-send) says
what happened and lets the user mark it sent or send it again, after checking. The records
can be searched (subject, text, recipients), exported, and a sent one followed up in its
thread.

Of 50,000 messages the first rows show at once and the rest come from a worker; a list read
again (a batch has ended) stays where the user was, with the same messages selected.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from composer import sent_list
from composer.afterword import Afterword
from composer.compose import follow_up_in_thread
from composer.dates import chosen_locale
from composer.errors import AfterwordError, RecordNotFound
from composer.mail_threads import as_sent
from composer.outbox import SendResult
from composer.records import Message
from composer.sent_list import Choices, Group, Listing, group_of
from ui import dialogs, one_each, operations
from ui.models import TextsDelegate
from ui.runner import Runner
from ui.scheduled_actions import ScheduleActions
from ui.sent_actions import action_row, show_actions_for
from ui.sent_export import SentExport
from ui.sent_filters import (
    SEARCH_DELAY_MS,
    Awaited,
    SentRecordsModel,
    fill,
    filter_box,
    missing,
    runs,
)
from ui.sent_folders import Folders, ObsoleteDrafts
from ui.unsent import explain, send_again
from ui.widgets import named, push_button, status_label

COLUMN_WIDTHS = (90, 150, 260)  # state, date, recipients; the subject takes the rest


SHOWN = (
    operations.Changes.MESSAGES
    | operations.Changes.REPLIES  # "replied" beside what was sent
    | operations.Changes.CONTACTS
    | operations.Changes.INTERVIEWS
)


class SentPage(QWidget):
    open_draft_requested = Signal(int)
    changed = Signal()
    first_page_rows = sent_list.FIRST_PAGE  # read at once; a longer list ends on a worker

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self.model = SentRecordsModel(afterword.store)
        self.sending = False
        self._exporter = SentExport(self)
        self._stale = False
        self._requests = 0  # bumped at each request: a list read for an older one is not shown
        self._awaited: Awaited | None = None  # the list on screen is still being read
        operations.refresh_on(runner, SHOWN, self.refresh_when_shown)  # a batch out of sight
        self._reading = False  # a worker is reading a list (only one at a time)
        self._unplaced: list[int] = []  # chosen, but not listed yet: selected when they are
        self._quiet = False  # the page itself is changing the selection
        self._in_reader: Message | None = None
        self._choices: Choices | None = None  # in the filters
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
        self.contact_filter = filter_box("Filter by contact")
        self.interview_filter = filter_box("Filter by interview")
        self.table = named(QTableView(), "Messages")
        self.table.setModel(self.model)
        self.table.setItemDelegate(TextsDelegate(self.model, self.table))
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
        self.edit_button = push_button(
            "&Edit as new draft", "Edit as new draft", self.edit_as_new_draft
        )
        self.folders = Folders()
        self.obsolete = ObsoleteDrafts(self.afterword, self.runner)
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
        self.scheduled = ScheduleActions(self)  # Send later: cancel, back to a draft
        actions = action_row(self)
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
        messages = QWidget()
        beside = QVBoxLayout(messages)
        beside.setContentsMargins(0, 0, 0, 0)
        beside.addLayout(filters)
        beside.addWidget(self.obsolete)
        beside.addWidget(self.stack, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.folders)
        layout.addWidget(messages, 1)
        self.folders.chosen.connect(self._choose_group)
        self.obsolete.remove_requested.connect(self.remove_obsolete_drafts)

        self.search_box.textChanged.connect(self._search_timer.start)
        self.search_box.returnPressed.connect(self._search_now)
        self.contact_filter.currentIndexChanged.connect(self._filter)
        self.interview_filter.currentIndexChanged.connect(self._filter)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self._show(None)

    # --- loading ------------------------------------------------------------------------

    def refresh_when_shown(self) -> None:
        """Reloads now if shown, else when next shown: a batch may end out of sight."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def refresh(self) -> None:
        """The records as they are now, and the filters' choices; the list stays where the
        user is, with the same messages selected."""
        self._stale = False
        self._request(keep_view=True, with_choices=True)
        self._show_counts()

    def _show_counts(self) -> None:
        """The folders' counts at once (one COUNT by state, on an index: 4 ms for 50,000);
        the drafts already sent another way from a worker."""
        try:
            by_state = self.afterword.store.message_counts()
        except AfterwordError as error:
            self.explanation.setText(f"The folders could not be counted: {error}")
            self.explanation.show()
            return
        self.folders.show_counts(sent_list.group_counts_of(by_state), by_state)
        self.obsolete.look_again()

    def _choose_group(self, group: Group) -> None:
        self.model.group = group
        self._request(keep_view=False, with_choices=False)

    def show_message(self, message_id: int) -> None:
        """From Today's Open: its folder, the message selected and read."""
        try:
            state = self.afterword.store.message(message_id).state
        except RecordNotFound:
            return
        self.folders.choose(group_of(state))  # listed there at once, if not already
        self.select(message_id)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _filter(self) -> None:
        self.model.contact_id = self.contact_filter.currentData()
        self.model.interview_id = self.interview_filter.currentData()
        self._request(keep_view=False, with_choices=False)

    def _search_now(self) -> None:
        self._search_timer.stop()
        self._search()

    def _search(self) -> None:
        self.model.search = self.search_box.text().strip()
        self._request(keep_view=False, with_choices=False)

    def _request(self, *, keep_view: bool, with_choices: bool) -> None:
        """The first page is read at once (a ms) and shown; the rest of a long list, a
        search, and the choices of a long one come from a worker."""
        self._requests += 1
        waiting = self._awaited is not None and self._awaited.with_choices
        awaited = Awaited(self._requests, keep_view, with_choices or waiting, first_shown=False)
        filters = self.model.filters
        if filters.search:  # the list shown stays until the search is done
            self._await(awaited)
            return
        first = sent_list.newest(self.afterword.store, filters, self.first_page_rows)
        complete = len(first) < self.first_page_rows
        if complete and awaited.with_choices:  # a short list: its choices are few, read now
            awaited.with_choices = False
            if self._show_choices(sent_list.choices(self.afterword.store, filters)):
                return  # the contact or interview chosen is gone: all are listed instead
        self._awaited = None if complete else awaited
        awaited.first_shown = True
        if keep_view:
            self._replace(first if complete else sent_list.interim(first, self.model.ids()))
            self.model.forget_rows()
        else:
            self._show_new(first)
        if not complete:
            self._await(awaited)

    def _await(self, awaited: Awaited) -> None:
        self._awaited = awaited
        if self._reading:
            return  # when it ends, it sees it is out of date and reads again
        self._reading = True
        number, filters, with_choices = awaited.number, self.model.filters, awaited.with_choices

        def read() -> Listing:
            with self.afterword.reading() as store:
                return sent_list.listing(store, filters, with_choices=with_choices)

        self.runner.run(
            read,
            lambda listing: self._list_read(number, listing),
            lambda error: self._list_failed(number, error),
        )

    def _ended(self, number: int) -> Awaited | None:
        """A worker has ended: the request it served, unless a newer one is awaited (then
        read now) or none is."""
        self._reading = False
        awaited = self._awaited
        if awaited is not None and awaited.number != number:
            self._await(awaited)
            return None
        self._awaited = None
        return awaited

    def _list_read(self, number: int, listing: Listing) -> None:
        if awaited := self._ended(number):
            self._show_listing(awaited, listing)

    def _show_listing(self, awaited: Awaited, listing: Listing) -> None:
        if listing.choices is not None and self._show_choices(listing.choices):
            return
        if awaited.keep_view or awaited.first_shown:
            self._replace(listing.ids, scroll=not awaited.keep_view)
            if not awaited.first_shown:
                self.model.forget_rows()
        else:
            self._show_new(listing.ids)

    def _list_failed(self, number: int, error: BaseException) -> None:
        awaited = self._ended(number)
        if not isinstance(error, AfterwordError):
            raise error
        if awaited is None:
            return
        what = "The search could not be run" if self.model.search else "The list could not be read"
        self.no_match.setText(f"{what}: {error}")
        self.list_stack.setCurrentIndex(1)

    @property
    def loading(self) -> bool:
        """Part of the list (or a search's result) is still being read."""
        return self._awaited is not None

    @property
    def searching(self) -> bool:
        """A search is waiting for typing to pause, or the list is still being read."""
        return self.loading or self._search_timer.isActive()

    def _show_new(self, ids: list[int]) -> None:
        """Another list (a filter, a search): from its top, the chosen messages selected."""
        chosen = self.selected_ids() + self._unplaced
        self.model.show_ids(ids)
        self._listed()
        self.select_ids(chosen)

    def _replace(self, ids: list[int], *, scroll: bool = False) -> None:
        """The same list read again: the rows at the top of the view stay there (or, at the
        very top, new messages show), and the chosen messages stay selected."""
        chosen = self.selected_ids() + self._unplaced
        top_row = self.table.rowAt(0)
        top = self.model.id_at(top_row) if self.table.verticalScrollBar().value() > 0 else None
        with self._quietly():
            self.model.replace_ids(ids)
        self.table.doItemsLayout()  # now, not later: scrolling would be clamped to the old end
        if top is not None and (row := self.model.row_of(top)) not in (top_row, -1):
            self._scroll_by(row - top_row)
        self._listed()
        with self._quietly():
            self.select_ids(chosen, scroll=scroll and bool(self._unplaced))
        self.show_selection()

    def _scroll_by(self, rows: int) -> None:
        """Rows were added or removed above the view: the same ones stay in it."""
        if self.table.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerPixel:
            rows *= self.table.verticalHeader().defaultSectionSize()
        bar = self.table.verticalScrollBar()
        bar.setValue(bar.value() + rows)

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """The page changes the selection: the reader is updated once, after."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def _show_choices(self, choices: Choices) -> bool:
        """True if the contact or interview chosen is no longer there: all are listed."""
        if choices != self._choices:  # refilled only if changed: 10,000 take 50 ms
            self._choices = choices
            fill(self.contact_filter, choices.contacts)
            fill(self.interview_filter, choices.interviews)
        changed = (self.contact_filter.currentData(), self.interview_filter.currentData()) != (
            self.model.contact_id,
            self.model.interview_id,
        )
        if changed:
            self._filter()
        return changed

    def _complete_now(self) -> None:
        """For an export of everything listed, a list still being read is read here (the
        worker's is then not needed)."""
        awaited, self._awaited = self._awaited, None
        if awaited is not None:
            filters, with_choices = self.model.filters, awaited.with_choices
            listing = sent_list.listing(self.afterword.store, filters, with_choices=with_choices)
            self._show_listing(awaited, listing)

    def _listed(self) -> None:
        """The list changed: the empty states."""
        rows = self.model.rowCount()
        filtered = self.model.narrowed or self.model.group is not Group.ALL
        has_any = rows > 0 or (filtered and self.afterword.store.has_messages())
        self.stack.setCurrentIndex(1 if has_any else 0)
        self.no_match.setText(self._no_match_text())
        self.list_stack.setCurrentIndex(1 if filtered and rows == 0 else 0)
        self.export_button.setEnabled(rows > 0 and not self.exporting)

    def _no_match_text(self) -> str:
        if not self.model.narrowed:
            return f"Nothing in {self.model.group.value} now."
        if not self.model.search:
            return "No message for the contact and interview chosen above."
        text = f"No message matches “{self.model.search}”."
        if self.model.contact_id is not None or self.model.interview_id is not None:
            text += " Only the messages of the contact and interview chosen above were searched."
        return text

    def select(self, message_id: int | None) -> None:
        self.select_ids([] if message_id is None else [message_id])

    def select_ids(self, ids: Sequence[int], *, scroll: bool = True) -> None:
        """Selects those of ``ids`` listed; the reader shows one if only one is. While the
        list is still being read, the others are selected once they are listed."""
        rows = self.model.rows_of(ids) if ids else []
        self._select_rows(rows, scroll)
        self._unplaced = missing(ids, self.selected_ids()) if self.loading else []

    def _select_rows(self, rows: Sequence[int], scroll: bool) -> None:
        if not rows:
            self.table.clearSelection()
            self._show(None)
            return
        selection = QItemSelection()
        last_column = self.model.columnCount() - 1
        for first, last in runs(rows):
            selection.select(self.model.index(first, 0), self.model.index(last, last_column))
        flags = QItemSelectionModel.SelectionFlag
        selection_model = self.table.selectionModel()
        self.table.setAutoScroll(scroll)  # else a new current row is scrolled to
        try:
            selection_model.setCurrentIndex(self.model.index(rows[0], 0), flags.NoUpdate)
        finally:
            self.table.setAutoScroll(True)
        selection_model.select(selection, flags.ClearAndSelect | flags.Rows)
        if scroll:
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
        if not self._quiet:
            self._unplaced = []  # the user chose: what was chosen before no longer counts
            self.show_selection()

    def show_selection(self) -> None:
        message_id = self.selected_id()
        try:
            self._show(self.afterword.store.message(message_id) if message_id else None)
        except RecordNotFound:  # deleted since the list was read; the next read drops it
            self._show(None)
        several = len(self.table.selectionModel().selectedRows())
        if several > 1:
            self.explanation.setText(
                f"{several:,} messages selected. Export… saves them; select one to read it."
            )
            self.explanation.show()

    def _show(self, message: Message | None) -> None:
        """Only the opened message's body and bytes are read, never the whole list's."""
        if message != self._in_reader:  # a list read again: parsed only if it changed
            self._in_reader = message
            self.reader.setPlainText(as_sent(message).as_text() if message else "")
        locale = chosen_locale(self.afterword.store)
        self.explanation.setText(explain(message, locale) if message else "")
        self.explanation.setVisible(bool(self.explanation.text()))
        show_actions_for(self, message)

    # --- actions ------------------------------------------------------------------------

    def send_again(self) -> None:
        message_id = self.selected_id()
        if message_id is None:
            return
        ended = self._send_ended
        if send_again(self, self.afterword, self.runner, message_id, _listed, self._told, ended):
            self.sending = True
            self.send_again_button.setEnabled(False)
            self.explanation.setText("Sending…")
            self.explanation.show()

    def edit_as_new_draft(self) -> None:
        """The user acts on a failed message: it becomes a draft, opened in Compose."""
        message_id = self.selected_id()
        if message_id is None:
            return
        operations.edit_failed_as_draft(
            self.afterword,
            self.runner,
            message_id,
            lambda _: self.open_draft_requested.emit(message_id),
            self._not_saved,
        )

    def remove_obsolete_drafts(self) -> None:
        operations.remove_drafts(
            self.afterword, self.runner, self.obsolete.ids, self._drafts_removed, self._told
        )

    def _drafts_removed(self, removed: int) -> None:
        self.explanation.setText(f"{removed} draft(s) already sent another way were removed.")
        self.explanation.show()

    def _told(self, error: AfterwordError) -> None:
        dialogs.tell(self, str(error), error=True)

    def _send_ended(self) -> None:
        self.sending = False

    def mark_sent(self) -> None:
        message_id = self.selected_id()
        if message_id is not None:
            operations.mark_sent(self.afterword, self.runner, message_id, self._not_saved)

    def _open(self) -> None:
        message_id = self.selected_id()
        if message_id is not None:
            self.open_draft_requested.emit(message_id)

    def delete_draft(self) -> None:
        message_id = self.selected_id()
        if message_id is None or not dialogs.ask(self, "Delete this draft?", yes="Delete"):
            return
        operations.delete_draft(
            self.afterword,
            self.runner,
            message_id,
            lambda _: self.table.clearSelection(),
            self._not_saved,
        )

    def _not_saved(self, error: AfterwordError) -> None:
        dialogs.tell(self, str(error), error=True)
        self.refresh()

    def follow_up(self) -> None:
        """A draft in the same thread, saved, then opened in Compose."""
        message_id = self.selected_id()
        if message_id is None:
            return
        try:
            original = self.afterword.store.message(message_id)
            if len(original.to) > 1:  # one message each, in the thread, side by side
                one_each.follow_up_each(self, self.afterword, self.runner, original, self.changed)
                return
            draft = follow_up_in_thread(self.afterword.store, original)
            saved = self.afterword.outbox.save_draft(draft)
        except AfterwordError as error:
            dialogs.tell(self, str(error), error=True)
            return
        assert saved.id is not None
        self.refresh()
        self.changed.emit()
        self.open_draft_requested.emit(saved.id)

    def export(self) -> None:
        self._complete_now()
        self._exporter.start()

    @property
    def exporting(self) -> bool:
        return self._exporter.running


def _listed(results: list[SendResult]) -> None:
    """Sent again: the list looks again, as Send again announced the change."""
