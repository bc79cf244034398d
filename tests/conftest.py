"""Fixtures: a temp data dir, a real SQLite store, real SMTP servers with trustme TLS, and a
real, private Secret Service (GNOME Keyring) daemon."""

from __future__ import annotations

import os

# Before anything imports Qt: no screen is needed, here or in CI.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import contextlib
import logging
import ssl
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import keyring
import keyring.backends.fail
import keyring.backends.SecretService
import keyring.errors
import pytest
import trustme

from composer.credentials import SERVICE, Credentials
from composer.outbox import Outbox
from composer.password_binding import Destination
from composer.paths import Paths, resolve
from composer.records import Contact, Interview, InterviewStatus, Profile, Role
from composer.store import Store
from tests.helpers import secret_service
from tests.helpers.clock import clock
from tests.helpers.smtp_server import PASSWORD, USER, SmtpServer, account_for


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``after_all`` go last, whatever the order of the files."""
    items.sort(key=lambda item: item.get_closest_marker("after_all") is not None)


class LogRecords(logging.Handler):
    """Every log record of the whole run, for the secrets scan."""

    records: ClassVar[list[str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        LogRecords.records.append(f"{record.name}: {record.getMessage()}")


@pytest.fixture(autouse=True, scope="session")
def _all_log_records() -> Iterator[None]:
    root = logging.getLogger()
    handler, level = LogRecords(logging.DEBUG), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(autouse=True)
def _no_real_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing a test runs may touch the real user's data, config or keyring files."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / "config"))
    monkeypatch.delenv("AFTERWORD_DATA_DIR", raising=False)


@pytest.fixture(autouse=True)
def _no_real_keyring() -> Iterator[None]:
    """Left to choose, keyring would find the user's own keyring: tests say which to use."""
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(keyring.backends.fail.Keyring())


@pytest.fixture(scope="session")
def daemon(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[secret_service.SecretServiceDaemon]:
    if not secret_service.available():
        message = (
            "gnome-keyring-daemon and dbus-daemon are needed (apt-get install gnome-keyring dbus)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must never pass by skipping the real keyring
        pytest.skip(message)
    with secret_service.SecretServiceDaemon(tmp_path_factory.mktemp("keyring")) as running:
        yield running


@pytest.fixture
def secret_backend(daemon: secret_service.SecretServiceDaemon) -> Iterator[Any]:
    """The real Secret Service; every Afterword entry is removed afterwards."""
    daemon.activate()
    backend = keyring.backends.SecretService.Keyring()
    try:
        yield backend
    finally:
        if daemon.is_locked():  # a test may leave it locked
            daemon.unlock()
        for item in backend.get_preferred_collection().search_items({"service": SERVICE}):
            with contextlib.suppress(keyring.errors.KeyringError):
                item.delete()
        daemon.deactivate()


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """022, most systems' default: a file made without care is then 0644, world-readable."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    chosen = resolve(tmp_path / "data")
    chosen.ensure()
    return chosen


@pytest.fixture
def store(paths: Paths) -> Iterator[Store]:
    with Store(paths.database, clock=clock) as opened:
        yield opened


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pki") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def server_context(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


ServerFactory = Callable[..., SmtpServer]


@pytest.fixture
def smtp_factory(ca: trustme.CA) -> Iterator[ServerFactory]:
    started: list[SmtpServer] = []

    def start(
        mode: str = "starttls",
        *,
        names: tuple[str, ...] = ("localhost", "127.0.0.1"),
        users: dict[str, str] | None = None,
    ) -> SmtpServer:
        server = SmtpServer(
            mode, server_context(ca, *names), {USER: PASSWORD} if users is None else users
        ).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def smtp_server(smtp_factory: ServerFactory) -> SmtpServer:
    return smtp_factory("starttls")


@pytest.fixture
def session_credentials() -> Credentials:
    """Passwords held in memory: for tests about sending, not about the keyring."""
    return Credentials(backend=object())


@pytest.fixture
def outbox(store: Store, smtp_server: SmtpServer, ca_file: Path) -> Outbox:
    credentials = Credentials(backend=object())
    box = Outbox(store, credentials)
    account = account_for(smtp_server, ca_file)
    box.save_account(account)
    credentials.use_for_session(account.key, PASSWORD, [Destination.of(account)])
    return box


@pytest.fixture
def records(store: Store) -> dict[str, object]:
    """A full record: profile, an interview on a date, an interviewer, HR."""
    store.save_profile(
        Profile(
            name="Zoë Müller",
            email="zoe@example.org",
            phone="+44 20 7946 0000",
            signature="Zoë Müller\n+44 20 7946 0000",
        )
    )
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme", "Engineering Lead"))
    hr = store.add_contact(Contact("Harriet Ross", "hr@acme.example", "Acme", "People team"))
    interview = store.add_interview(
        Interview(
            company="Acme GmbH",
            position="Data Engineer",
            scheduled_at=datetime(2026, 11, 3, 14, 30, tzinfo=UTC),
            stage="final round",
            status=InterviewStatus.REJECTED,
            topic="streaming pipelines",
        )
    )
    assert interview.id is not None and ana.id is not None and hr.id is not None
    store.set_participants(interview.id, [(ana.id, Role.INTERVIEWER), (hr.id, Role.HR)])
    return {"ana": ana, "hr": hr, "interview": interview}
