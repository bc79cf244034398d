"""The log: what a bug report needs, private, rotating, and never a secret."""

from __future__ import annotations

import logging
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composer import __version__
from composer.credentials import Credentials
from composer.log import BACKUPS, LOG_DIR_ENV, LOG_NAME, log_dir, log_file, start_log, stop_log
from composer.outbox import Outbox
from composer.password_binding import Destination
from composer.records import Message, MessageState, Profile
from composer.store import Store
from tests.smtp_server import PASSWORD, SmtpServer, account_for


@pytest.fixture
def started(tmp_path: Path) -> Iterator[Path]:
    path = start_log(tmp_path / "logs" / "Afterword", toolkit="PySide6 9.9 (Qt 9.9)")
    yield path
    stop_log(path)


def text(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_the_log_starts_with_the_versions_a_bug_report_asks_for(started: Path) -> None:
    first = text(started).splitlines()[0]
    assert f"Afterword {__version__} starting" in first
    assert "Python 3." in first and "PySide6 9.9 (Qt 9.9)" in first
    assert log_file() == started


def test_the_log_is_the_users_alone(started: Path) -> None:
    assert stat.S_IMODE(started.stat().st_mode) == 0o600
    assert stat.S_IMODE(started.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(started.parent.parent.stat().st_mode) == 0o700


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_an_uncaught_error_in_a_thread_is_logged_with_its_stack(started: Path) -> None:
    def fails() -> None:
        raise RuntimeError("the bug to report")

    worker = threading.Thread(target=fails, name="worker")
    worker.start()
    worker.join()
    logged = text(started)
    assert "Uncaught error in thread" in logged
    assert "Traceback (most recent call last)" in logged and "the bug to report" in logged


@pytest.mark.qt_no_exception_capture  # the hook under test, not pytest-qt's
def test_an_uncaught_error_in_the_main_thread_is_logged_with_its_stack(
    started: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        raise ValueError("the crash to report")
    except ValueError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    assert "the crash to report" in capsys.readouterr().err  # still said where it was before
    logged = text(started)
    assert "Uncaught error" in logged and "ValueError: the crash to report" in logged
    assert "Traceback (most recent call last)" in logged


def test_stopping_the_log_gives_the_hooks_back(tmp_path: Path) -> None:
    before = sys.excepthook, threading.excepthook
    stop_log(start_log(tmp_path / "logs"))
    assert (sys.excepthook, threading.excepthook) == before


def test_the_log_rotates_and_each_file_stays_private(started: Path) -> None:
    noisy = logging.getLogger("afterword.test")
    for _ in range(BACKUPS + 2):
        noisy.info("x" * 1_000_000)
    kept = sorted(p.name for p in started.parent.iterdir())
    assert kept == [LOG_NAME] + [f"{LOG_NAME}.{n}" for n in range(1, BACKUPS + 1)]
    assert {stat.S_IMODE(p.stat().st_mode) for p in started.parent.iterdir()} == {0o600}


def test_the_log_folder_is_the_platforms_unless_overridden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert log_dir().is_relative_to(tmp_path / "home")  # the tests' HOME: never the real one
    monkeypatch.setenv(LOG_DIR_ENV, str(tmp_path / "elsewhere"))
    assert log_dir() == tmp_path / "elsewhere"


def test_a_session_with_the_real_keyring_leaves_no_password_in_the_log(
    started: Path, store: Store, smtp_server: SmtpServer, ca_file: Path, secret_backend: Any
) -> None:
    store.save_profile(Profile(name="Zoë Müller", email="zoe@example.org"))
    credentials = Credentials(secret_backend)
    outbox = Outbox(store, credentials)
    account = account_for(smtp_server, ca_file)
    outbox.save_account(account)
    credentials.store(account.key, PASSWORD, [Destination.of(account)])
    sent = outbox.queue(Message(subject="Thanks", body="Thank you.\n", to=["ana@acme.example"]))
    assert sent.id is not None
    assert [r.state for r in outbox.send([sent.id])] == [MessageState.SENT]

    wrong = "Wrong-" + PASSWORD
    credentials.store(account.key, wrong, [Destination.of(account)])
    failed = outbox.queue(Message(subject="Again", body="Hello.\n", to=["ana@acme.example"]))
    assert failed.id is not None
    [result] = outbox.send([failed.id])
    assert result.password_problem == "refused"  # the server refused the login

    logged = text(started)
    assert "starting" in logged  # the file this session wrote (the secrets scan reads it too)
    assert PASSWORD not in logged and wrong not in logged
