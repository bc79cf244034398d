"""The user's mailbox, visited in the background: Sent copies filed, replies noticed.

A visit runs off the GUI thread at start-up, after a batch is sent, at the interval the
user set and when asked; never two at once (a second request waits for the first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from composer.afterword import Afterword
from composer.clock import Clock
from composer.credentials import REFUSED
from composer.errors import AfterwordError
from composer.store import IMAP_ACCOUNT_SETTING, reply_check_minutes
from ui.password_prompt import PasswordAsker, PasswordRequest
from ui.runner import Runner

if TYPE_CHECKING:  # imaplib and ssl are loaded once a mailbox is set up, not at start-up
    from composer.mailbox import MailboxVisit

FIRST_VISIT_MS = 3_000  # after start-up, once the window is up
AFTER_SEND_MS = 15_000  # a server that files Sent itself has indexed its copy by then
MINUTE_MS = 60_000


class MailboxWatcher(QObject):
    visited = Signal(object)  # a MailboxVisit
    said = Signal(str)  # one line for the status bar and Settings

    def __init__(
        self,
        afterword: Afterword,
        runner: Runner,
        clock: Clock | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self.clock = clock or afterword.clock
        self.busy = False
        self.held = False  # while a backup is restored, nothing else writes the records
        self.asking = False  # the password is being asked for: visits wait
        self.declined = False  # Cancel when asked: not asked again until Afterword restarts
        self._again: bool | None = None  # a request made meanwhile: with replies?
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.after_send = QTimer(self)
        self.after_send.setSingleShot(True)
        self.after_send.timeout.connect(self.file_copies)
        runner.sending_done.connect(lambda: self.after_send.start(AFTER_SEND_MS))

    def start(self) -> None:
        """Reads the interval the user set; the first visit comes shortly after."""
        self.timer.stop()
        mailbox = self.afterword.store.get_setting(IMAP_ACCOUNT_SETTING)
        if not mailbox:
            return
        minutes = reply_check_minutes(mailbox)
        if minutes:  # 0: replies only when asked; copies are filed anyway
            self.timer.start(minutes * MINUTE_MS)
        first = self.check if minutes else self.file_copies
        QTimer.singleShot(FIRST_VISIT_MS, self, first)

    def check(self) -> None:
        """Files pending copies, then looks for replies."""
        self._visit(replies=True)

    def file_copies(self) -> None:
        """After a send: the new copies go to Sent now, replies wait for their turn."""
        self._visit(replies=False)

    def hold(self, held: bool) -> None:
        """Visits wait while held; one asked for meanwhile comes when released."""
        self.held = held
        if not held and not self.busy:
            self._finished()

    def stop(self) -> None:
        """The window is closing: no visit starts from now on (one under way ends)."""
        self.timer.stop()
        self.after_send.stop()
        self.held, self._again = True, None

    def _visit(self, *, replies: bool) -> None:
        if self.busy or self.held or self.asking:
            self._again = bool(self._again) or replies
            return
        self.busy = True
        now = self.clock()
        self.runner.run(
            lambda: self.afterword.visit_mailbox(now, replies=replies),
            lambda result: self._done(result, replies=replies),
            self._failed,
            on_end=self._finished,  # a visit asked for meanwhile goes, and says what is missing
        )

    def _done(self, result: MailboxVisit | None, *, replies: bool) -> None:
        if result is None:  # the mailbox was removed meanwhile
            if replies:
                self.said.emit("No mailbox is set up: nothing was checked.")
            return
        text = describe_visit(result)
        if replies or result.error or result.filing.filed:  # after a send: only news
            self.said.emit(text)
        self.visited.emit(result)
        if result.password_problem and not self.declined:
            self._ask_password(result.password_problem)

    def _ask_password(self, problem: str) -> None:
        """The mailbox needs a password it does not have: asked for, then visited again."""
        from composer.mailbox import mailbox_settings, password_accounts

        store = self.afterword.store
        settings = mailbox_settings(store)
        if settings is None:
            return
        account = settings.account
        key = settings.password_key(self.afterword.outbox.account())
        servers = tuple(password_accounts(store, key))
        request = PasswordRequest(key, account.username, account.host, problem == REFUSED, servers)
        self.asking = True
        parent = self.parent()
        asker = PasswordAsker(
            parent if isinstance(parent, QWidget) else None,
            self.afterword.credentials,
            self.runner,
        )
        asker.ask_then(
            request,
            lambda: self._asked(declined=False),
            lambda: self._asked(declined=True),
            self._not_asked,
        )

    def _not_asked(self, error: BaseException) -> None:
        """A CA file the prompt must show cannot be read: said, and not asked again."""
        self._asked(declined=True)
        if not isinstance(error, AfterwordError):  # a bug stays loud
            raise error
        self.said.emit(str(error))

    def _asked(self, *, declined: bool) -> None:
        self.asking, self.declined = False, declined
        if declined:
            self._finished()  # a visit asked for meanwhile goes, and says what is missing
        else:
            self._visit(replies=True)

    def _failed(self, error: AfterwordError) -> None:
        self.said.emit(str(error))

    def _finished(self) -> None:
        self.busy = False
        again, self._again = self._again, None
        if again is not None:
            self._visit(replies=again)  # held again meanwhile: it waits once more


def describe_visit(result: MailboxVisit) -> str:
    """What a visit did, in one line: its news, then what went wrong."""
    parts = []
    noted = len(result.replies.noted)
    if noted:
        names = ", ".join(dict.fromkeys(result.replies.senders))  # each once, as found
        text = f"{noted} new repl{'ies' if noted > 1 else 'y'} noticed"
        parts.append(f"{text} ({names})" if names else text)
    filed = len(result.filing.filed) + len(result.filing.found)
    if filed:
        parts.append(f"{filed} cop{'y' if filed == 1 else 'ies'} filed in your Sent folder")
    if result.error:
        return " ".join([*(f"{part[0].upper()}{part[1:]}." for part in parts), result.error])
    return "Mailbox checked: " + ("; ".join(parts) if parts else "nothing new") + "."
