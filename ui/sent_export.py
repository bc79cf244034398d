"""Exporting what Outbox & Sent lists (or the messages selected), off the GUI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from composer.errors import AfterwordError
from composer.sent_export import Exported
from composer.sent_list import Group
from ui import dialogs
from ui.export_dialog import ExportDialog, choose_target, export_in_background

if TYPE_CHECKING:
    from ui.sent import SentPage


class SentExport:
    """The page's Export…: one at a time, its button off meanwhile."""

    def __init__(self, page: SentPage) -> None:
        self.page = page
        self.running = False

    def start(self) -> None:
        page = self.page
        chosen = page.selected_ids()
        dialog = ExportDialog(
            selected=len(chosen),
            listed=page.model.rowCount(),
            filtered=page.model.narrowed or page.model.group is not Group.ALL,
            parent=page,
        )
        if not dialogs.run_dialog(dialog):
            return
        ids = chosen if dialog.only_selected else page.model.ids()
        chosen_format = dialog.format
        target = choose_target(page, chosen_format)
        if target is None:
            return
        self.running = True
        page.export_button.setEnabled(False)
        page.explanation.setText(f"Exporting {len(ids):,} messages to {target}…")
        page.explanation.show()
        database = page.afterword.paths.database
        page.runner.run(
            lambda: export_in_background(database, chosen_format, ids, target),
            self._exported,
            self._export_failed,
        )

    def _exported(self, result: Exported) -> None:
        page = self.page
        self._export_ended()
        dialogs.tell(page, result.summary())

    def _export_failed(self, error: BaseException) -> None:
        page = self.page
        self._export_ended()
        if not isinstance(error, AfterwordError):
            raise error
        dialogs.tell(page, str(error), error=True)

    def _export_ended(self) -> None:
        page = self.page
        self.running = False
        page.export_button.setEnabled(page.model.rowCount() > 0)
        page.show_selection()
