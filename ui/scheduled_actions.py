"""Outbox & Sent's hook for Send later: a scheduled message can be opened in Compose (it
is a draft again while it is changed, ui/send_later.py) or cancelled, back to a draft."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from composer.errors import AfterwordError, RecordNotFound
from composer.records import MessageState
from ui import dialogs
from ui.widgets import push_button

if TYPE_CHECKING:
    from ui.sent import SentPage


class ScheduleActions(QObject):
    def __init__(self, page: SentPage) -> None:
        super().__init__(page)
        self.page = page
        self.cancel_button = push_button("&Cancel sending", "Cancel sending", self.cancel)
        self.cancel_button.setToolTip("Keep it as a draft: it will not go until you send it")
        self.cancel_button.setEnabled(False)
        self.cancel_button.hide()
        page.table.selectionModel().selectionChanged.connect(lambda *_: self.update())

    def _scheduled_id(self) -> int | None:
        message_id = self.page.selected_id()
        if message_id is None:
            return None
        try:
            state = self.page.afterword.store.message(message_id).state
        except RecordNotFound:
            return None
        return message_id if state is MessageState.SCHEDULED else None

    def update(self) -> None:
        scheduled = self._scheduled_id() is not None
        self.cancel_button.setEnabled(scheduled)
        self.cancel_button.setVisible(scheduled)

    def cancel(self) -> None:
        message_id = self._scheduled_id()
        if message_id is None:
            return
        try:
            self.page.afterword.outbox.unschedule(message_id)
        except AfterwordError as error:  # it went meanwhile, say
            dialogs.tell(self.page, str(error), error=True)
        self.page.refresh()
        self.page.changed.emit()
        self.update()
