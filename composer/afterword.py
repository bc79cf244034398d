"""Afterword's services, opened together on one data dir."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from composer.broken_files import set_aside
from composer.clock import Clock, utc_now
from composer.credentials import Credentials
from composer.paths import Paths
from composer.settings_upgrade import upgrade_settings
from composer.single_instance import InstanceLock
from composer.store import ACCOUNT_SETTING, Store

if TYPE_CHECKING:  # Jinja, smtplib and ssl are loaded when first needed, not at start-up
    from datetime import datetime

    from composer.mailbox import MailboxVisit
    from composer.outbox import Outbox, SendProgress, SendResult
    from composer.templates import TemplateLibrary


@dataclass
class Afterword:
    paths: Paths
    store: Store
    credentials: Credentials
    interrupted: list[int]  # messages found mid-send at start-up, now "uncertain"
    lock: InstanceLock
    clock: Clock = utc_now  # what time it is, for everything opened here

    @cached_property
    def templates(self) -> TemplateLibrary:
        from composer.templates import TemplateLibrary

        return TemplateLibrary(self.paths.config_dir / "templates")

    @cached_property
    def outbox(self) -> Outbox:
        from composer.outbox import Outbox

        return Outbox(self.store, self.credentials, clock=self.clock)

    def has_account(self) -> bool:
        """Whether a mail account was set up, without loading what sending needs."""
        return self.store.get_setting(ACCOUNT_SETTING) is not None

    def is_first_start(self) -> bool:
        """No account and no address yet (the demo and restored records have): the window
        opens the set-up assistant, whose module (IMAP, providers) loads only then."""
        return not self.has_account() and not self.store.profile().email

    @classmethod
    def open(
        cls, paths: Paths, *, keyring_backend: Any = None, clock: Clock = utc_now
    ) -> Afterword:
        """Only one instance per data dir: recovery must never touch a live send."""
        paths.ensure()
        lock = InstanceLock(paths.data_dir)
        lock.acquire()
        try:
            store = Store(paths.database, clock=clock)
            try:
                interrupted = store.recover_interrupted()  # the first write: damage shows here
                upgrade_settings(store)  # after the schema's migrations, which Store ran
            except BaseException:
                store.close()
                raise
        except BaseException:
            lock.release()  # "Move it aside and start afresh" must find the folder free
            raise
        return cls(paths, store, Credentials(keyring_backend), interrupted, lock, clock)

    @staticmethod
    def set_aside_database(paths: Paths) -> Path:
        """Moves a damaged data file (and its journal) aside; the next open starts afresh."""
        return set_aside(paths.database, siblings=("-wal", "-shm"))

    def close(self) -> None:
        self.store.close()
        self.lock.release()

    @contextmanager
    def background(self) -> Iterator[Outbox]:
        """An outbox on a connection of its own, for a worker thread (SQLite connections
        stay on the thread that opened them)."""
        from composer.outbox import Outbox

        store = Store(self.paths.database, clock=self.clock)
        try:
            yield Outbox(store, self.credentials, clock=self.clock)
        finally:
            store.close()

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """The records on a connection of their own, for work off the GUI thread."""
        store = Store(self.paths.database, clock=self.clock)
        try:
            yield store
        finally:
            store.close()

    def send_messages(
        self, message_ids: Sequence[int], progress: SendProgress | None = None
    ) -> list[SendResult]:
        """Blocking: call it from a worker thread."""
        with self.background() as outbox:
            return outbox.send(message_ids, progress)

    def visit_mailbox(
        self, now: datetime | None = None, *, replies: bool = True
    ) -> MailboxVisit | None:
        """Blocking (network, keyring): files Sent copies and looks for replies on a
        connection of its own; None when no mailbox is set up. Call it from a worker."""
        from composer.mailbox import visit

        with self.reading() as store:
            return visit(store, self.credentials, now=now or self.clock(), replies=replies)
