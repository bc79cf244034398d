"""Outbox & Sent's folders, as in a mail client: Drafts, Scheduled, Outbox, Sent, each with
its count; and the notice offering to remove drafts already sent another way."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QWidget,
)

from composer import sent_list
from composer.afterword import Afterword
from composer.errors import AfterwordError
from composer.sent_list import Group
from ui.models import STANDS_OUT, attention_colour
from ui.runner import Runner
from ui.widgets import named, push_button

GROUP_ROLE = Qt.ItemDataRole.UserRole


class Folders(QListWidget):
    """One row per folder; the Outbox shows trouble (failed, uncertain) as the list does."""

    chosen = Signal(object)  # the Group

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Folders")
        self.setSpacing(2)
        self.setIconSize(QSize(16, 16))
        self._folder_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_DirIcon)
        for group in Group:
            item = QListWidgetItem(self._folder_icon, group.value)
            item.setData(GROUP_ROLE, group)
            self.addItem(item)
        self.setCurrentRow(list(Group).index(Group.ALL))
        self.setMaximumWidth(200)
        self.currentItemChanged.connect(self._changed)

    def _changed(self, item: QListWidgetItem | None, _: QListWidgetItem | None) -> None:
        if item is not None:
            self.chosen.emit(self.group)

    @property
    def group(self) -> Group:
        item = self.currentItem()
        return Group(item.data(GROUP_ROLE)) if item is not None else Group.ALL

    def choose(self, group: Group) -> None:
        self.setCurrentRow(list(Group).index(group))

    def show_counts(self, counts: dict[Group, int], by_state: dict[str, int]) -> None:
        for row, group in enumerate(Group):
            item = self.item(row)
            count = counts.get(group, 0)
            item.setText(f"{group.value} ({count:,})" if count else group.value)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{group.value}, {count:,}")
            self._mark_trouble(item, group, by_state)

    def _mark_trouble(self, item: QListWidgetItem, group: Group, by_state: dict[str, int]) -> None:
        trouble = [s for s in STANDS_OUT if s in group.states and by_state.get(str(s), 0)]
        if not trouble or group is Group.ALL:
            item.setIcon(self._folder_icon)
            item.setData(Qt.ItemDataRole.ForegroundRole, None)
            item.setToolTip("")
            return
        state = trouble[0]
        item.setIcon(self.style().standardIcon(STANDS_OUT[state]))
        item.setForeground(attention_colour(state))
        failed, uncertain = (by_state.get(str(s), 0) for s in STANDS_OUT)
        item.setToolTip(f"{failed} failed, {uncertain} uncertain: they need you")


class ObsoleteDrafts(QWidget):
    """ "3 drafts were already sent another way: Remove them"; hidden while there are none."""

    remove_requested = Signal()

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self.ids: list[int] = []
        self._looking = False  # a worker is finding them
        self._again = False  # the records changed meanwhile: its answer may be out of date
        self.label = named(QLabel(), "Drafts already sent")
        self.label.setWordWrap(True)
        self.remove_button = push_button(
            "&Remove them", "Remove drafts already sent", self.remove_requested.emit
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.remove_button)
        self.hide()

    def show_ids(self, ids: list[int]) -> None:
        self.ids = ids
        many = len(ids) != 1
        self.label.setText(
            f"{len(ids)} draft{'s were' if many else ' was'} already sent another way "
            f"(the same follow-up went to {'their' if many else 'its'} recipients since)."
        )
        self.setVisible(bool(ids))

    def look_again(self) -> None:
        """From a worker, one at a time: a refresh meanwhile asks again once it ends."""
        self._again = self._looking
        if self._looking:
            return
        self._looking = True

        def read() -> list[int]:
            with self.afterword.reading() as store:
                return sent_list.obsolete_drafts(store)

        self.runner.run(read, self._found, self._unknown)

    def _found(self, ids: list[int]) -> None:
        self._looking = False
        if self._again:
            self.look_again()
        else:
            self.show_ids(ids)

    def _unknown(self, error: BaseException) -> None:
        """Only an offer is missing: the list itself says what went wrong, if anything."""
        self._looking = False
        if not isinstance(error, AfterwordError):
            raise error
        self.show_ids([])
