"""Afterword's services, opened together on one data dir."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from composer.credentials import Credentials
from composer.files import set_aside
from composer.instance import InstanceLock
from composer.library import TemplateLibrary
from composer.outbox import Outbox, Progress, SendResult
from composer.paths import Paths
from composer.store import Store


@dataclass
class Afterword:
    paths: Paths
    store: Store
    templates: TemplateLibrary
    credentials: Credentials
    outbox: Outbox
    interrupted: list[int]  # messages found mid-send at start-up, now "uncertain"
    lock: InstanceLock

    @classmethod
    def open(cls, paths: Paths, *, keyring_backend: Any = None) -> Afterword:
        """Only one instance per data dir: recovery must never touch a live send."""
        paths.ensure()
        lock = InstanceLock(paths.data_dir)
        lock.acquire()
        try:
            store = Store(paths.database)
        except BaseException:
            lock.release()
            raise
        credentials = Credentials(keyring_backend)
        outbox = Outbox(store, credentials)
        interrupted = outbox.recover()
        library = TemplateLibrary(paths.config_dir / "templates")
        return cls(paths, store, library, credentials, outbox, interrupted, lock)

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
        store = Store(self.paths.database)
        try:
            yield Outbox(store, self.credentials)
        finally:
            store.close()

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """The records on a connection of their own, for a long read off the GUI thread."""
        store = Store(self.paths.database)
        try:
            yield store
        finally:
            store.close()

    def send_messages(
        self, message_ids: Sequence[int], progress: Progress | None = None
    ) -> list[SendResult]:
        """Blocking: call it from a worker thread."""
        with self.background() as outbox:
            return outbox.send(message_ids, progress)
