"""Settings › Backup and restore: one zip file with every record, and back again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QWidget

from composer.afterword import Afterword
from composer.backup import BackupSummary, backup, default_backup_name, safety_folder
from composer.errors import WouldReplace
from composer.restore import RestoreSummary, restore
from ui import dialogs
from ui.account_fields import user_message
from ui.runner import Runner
from ui.widgets import named, push_button

BACKUP_FILTERS = "Afterword backups (*.zip);;All files (*)"
SENDING_NOW = "A message is being sent. Wait until it is done, then restore."
BACKUP_NOTE = (
    "One zip file with your records, your own templates and every attachment. Passwords "
    "stay in your system keyring and are not in it."
)


class BackupGroup(QGroupBox):
    """One row: the Settings page is the tallest."""

    restoring = Signal(bool)  # True from the start of a restore until it has ended
    restored = Signal()  # every record was replaced

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__("Backup and restore", parent)
        self.afterword = afterword
        self.runner = runner
        self.backup_button = push_button("Bac&k up…", "Back up to a file", self.back_up)
        self.backup_button.setToolTip(BACKUP_NOTE)
        self.backup_button.setAccessibleDescription(BACKUP_NOTE)
        self.restore_button = push_button(
            "Restore…", "Restore from a backup file", self.restore_backup
        )
        self.backup_status = named(QLabel(), "Backup status")
        row = QHBoxLayout(self)
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addWidget(self.backup_status, 1)

    def back_up(self) -> None:
        chosen = dialogs.choose_save_file(
            self,
            "Back up Afterword",
            BACKUP_FILTERS,
            default_backup_name(self.afterword.clock().astimezone().date()),
        )
        if not chosen:
            return
        target = dialogs.save_target(self, chosen, BACKUP_FILTERS)  # "week.2" is week.2.zip
        if target is None:
            return
        afterword = self.afterword
        self._backup_busy("Backing up…")
        self.runner.run(lambda: backup(afterword, target), self._backed_up, self._backup_failed)

    def _backed_up(self, summary: BackupSummary) -> None:
        self._backup_idle()
        dialogs.tell(self, summary.describe())

    def _backup_failed(self, error: BaseException) -> None:
        self._backup_idle()
        dialogs.tell(self, user_message(error), error=True)

    def restore_backup(self) -> None:
        """Never under a send: the message being sent would lose its record."""
        if self.runner.sends > 0:
            dialogs.tell(self, SENDING_NOW, error=True)
            return
        chosen = dialogs.choose_file(self, "Restore from a backup", BACKUP_FILTERS)
        if chosen:
            self._restore(Path(chosen), replace=False)

    def _restore(self, source: Path, *, replace: bool) -> None:
        if self.runner.sends > 0:  # one may have started while the file was being chosen
            dialogs.tell(self, SENDING_NOW, error=True)
            return
        afterword = self.afterword
        self._backup_busy("Restoring…")
        self.restoring.emit(True)  # the window takes no edits until the records are back
        self.runner.run(
            lambda: restore(afterword, source, replace=replace),
            self._restored,
            lambda error: self._restore_failed(source, error),
        )

    def _restore_failed(self, source: Path, error: BaseException) -> None:
        self._backup_idle()
        self.restoring.emit(False)
        if not isinstance(error, WouldReplace):
            dialogs.tell(self, user_message(error), error=True)
        elif dialogs.ask(self, self._replace_question(error), yes="Replace", no="Cancel"):
            self._restore(source, replace=True)

    def _replace_question(self, error: WouldReplace) -> str:
        folder = safety_folder(self.afterword.paths)
        return (
            f"{error}\n\nReplace it all with the backup? A safety copy of what is here now "
            f"is saved first, in {folder}."
        )

    def _restored(self, summary: RestoreSummary) -> None:
        self._backup_idle()
        self.restoring.emit(False)
        self.restored.emit()
        dialogs.tell(self, summary.describe())

    def _backup_busy(self, status: str) -> None:
        self.backup_button.setEnabled(False)
        self.restore_button.setEnabled(False)
        self.backup_status.setText(status)

    def _backup_idle(self) -> None:
        self.backup_button.setEnabled(True)
        self.restore_button.setEnabled(True)
        self.backup_status.clear()
