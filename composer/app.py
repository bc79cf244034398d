"""Afterword's services, opened together on one data dir."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from composer.credentials import Credentials
from composer.outbox import Outbox
from composer.paths import Paths
from composer.store import Store
from composer.templates import TemplateLibrary


@dataclass
class Afterword:
    paths: Paths
    store: Store
    templates: TemplateLibrary
    credentials: Credentials
    outbox: Outbox
    interrupted: list[int]  # messages found mid-send at start-up, now "uncertain"

    @classmethod
    def open(cls, paths: Paths, *, keyring_backend: Any = None) -> Afterword:
        paths.ensure()
        store = Store(paths.database)
        credentials = Credentials(keyring_backend)
        outbox = Outbox(store, credentials)
        return cls(paths, store, TemplateLibrary(), credentials, outbox, outbox.recover())

    def close(self) -> None:
        self.store.close()
