"""UI fixtures: a real Afterword on a temp data dir, a runner, and answers for every dialog."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.autoconfig import OFFLINE
from composer.password_binding import Destination
from composer.paths import Paths
from composer.records import Profile
from composer.schedule import set_undo_seconds
from tests.helpers.clock import NOW, clock
from tests.helpers.smtp_server import PASSWORD, SmtpServer, account_for
from ui import dialogs, server_lookup
from ui.main_window import MainWindow
from ui.runner import InlineRunner, Runner, wait_for_every_runner


@dataclass
class Dialogs:
    """Stands in for ui.dialogs: records what was asked and told, answers as told to."""

    answers: list[bool] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    told: list[str] = field(default_factory=list)

    def ask(self, parent: QWidget | None, question: str, **_: str) -> bool:
        self.asked.append(question)
        assert self.answers, f"unexpected question: {question}"
        return self.answers.pop(0)

    def tell(self, parent: QWidget | None, message: str, **_: bool) -> None:
        self.told.append(message)

    def run_dialog(self, dialog: QDialog) -> bool:
        raise AssertionError(f"unexpected dialog {type(dialog).__name__}")


@pytest.fixture(autouse=True)
def no_network_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """Server lookups answer from the presets only: no test asks the real internet."""
    monkeypatch.setattr(server_lookup, "LOOKUP", OFFLINE)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    fake = Dialogs()
    monkeypatch.setattr(dialogs, "ask", fake.ask)
    monkeypatch.setattr(dialogs, "tell", fake.tell)
    monkeypatch.setattr(dialogs, "run_dialog", fake.run_dialog)
    return fake


@pytest.fixture
def afterword(paths: Paths) -> Iterator[Afterword]:
    opened = Afterword.open(paths, keyring_backend=object(), clock=clock)  # passwords in memory
    set_undo_seconds(opened.store, 0)  # Send sends at once; tests of Undo set their delay
    yield opened
    wait_for_every_runner()  # a page's work still running would find the records closed
    opened.close()


@pytest.fixture
def window(
    request: pytest.FixtureRequest,
    qtbot: QtBot,
    ready: Afterword,
    answers: Dialogs,
    people: dict[str, int],
) -> Iterator[MainWindow]:
    """The main window on the records each test module's ``people`` made, on the module's
    own NOW if it has one, else the tests' clock's; on the InlineRunner (work at once, no
    waiting) where the module sets INLINE_RUNNER, else on the real one (threads)."""
    now = getattr(request.module, "NOW", NOW)
    inline = getattr(request.module, "INLINE_RUNNER", False)  # a module of widget flows
    main = MainWindow(ready, InlineRunner() if inline else None, clock=lambda: now)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.runner.wait()


@pytest.fixture
def runner() -> Iterator[Runner]:
    started = Runner()
    yield started
    started.wait()


@pytest.fixture
def ready(afterword: Afterword, smtp_server: SmtpServer, ca_file: Path) -> Afterword:
    """Profile and a working account on the real loopback SMTP server (STARTTLS + AUTH)."""
    afterword.store.save_profile(Profile("Zoë Müller", "zoe@example.org", signature="Zoë"))
    account = account_for(smtp_server, ca_file)
    afterword.outbox.save_account(account)
    afterword.credentials.use_for_session(account.key, PASSWORD, [Destination.of(account)])
    return afterword
