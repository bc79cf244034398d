"""The password in the OS keyring: a real, private GNOME Keyring (Secret Service) daemon."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.SecretService
import keyrings.alt.file
import pytest

from composer.afterword import Afterword
from composer.credentials import SERVICE, Credentials
from composer.errors import CredentialError, KeyringLocked, NoKeyring
from composer.outbox import Outbox
from composer.password_binding import Destination
from composer.paths import Paths
from composer.records import Message, MessageState, Profile
from tests.helpers import secret_service
from tests.helpers.smtp_server import PASSWORD, SmtpServer, account_for

KEY = "smtp:zoe@mail.example.org:587"
ROOT = Path(__file__).resolve().parents[2]


def test_set_read_replace_delete_in_the_real_keyring(secret_backend: object) -> None:
    credentials = Credentials(secret_backend)
    credentials.store(KEY, "first secret")
    assert Credentials(secret_backend).password(KEY) == "first secret"  # not just memory
    credentials.store(KEY, "second secret")
    assert Credentials(secret_backend).password(KEY) == "second secret"
    assert Credentials(secret_backend).password("smtp:other") is None
    credentials.forget(KEY)
    assert Credentials(secret_backend).password(KEY) is None
    credentials.forget(KEY)  # forgetting twice is not an error


def test_the_default_keyring_is_used_and_plaintext_fallback_is_skipped(
    secret_backend: object, tmp_path: Path
) -> None:
    """keyring's chainer also holds keyrings.alt's plaintext file; it must never be used."""
    previous = keyring.get_keyring()
    with contextlib.suppress(KeyError):  # keyring finds viable backends once per process
        keyring.backend.get_all_keyring.reset()
    keyring.core.init_backend()
    try:
        credentials = Credentials()
        credentials.store(KEY, "via the default")
        assert credentials.password(KEY) == "via the default"
        assert credentials.password("smtp:other") is None
    finally:
        keyring.set_keyring(previous)
    assert not list(Path(os.environ["HOME"]).rglob("*.cfg")), "no plaintext keyring file"
    assert keyring.backends.SecretService.Keyring().get_password(SERVICE, KEY) == "via the default"


def test_with_only_a_plaintext_keyring_by_default_nothing_is_written(tmp_path: Path) -> None:
    """keyring, left to choose with no Secret Service, picks keyrings.alt's plaintext file.

    A fresh process, as the app would start: keyring resolves its backend once per process.
    """
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "GNOME_KEYRING"))}
    script = (
        "import keyring\n"
        "from composer.credentials import Credentials\n"
        "from composer.errors import NoKeyring\n"
        "print(type(keyring.get_keyring()).__module__)\n"
        "try:\n"
        f"    Credentials().store({KEY!r}, {PASSWORD!r})\n"
        "except NoKeyring as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "HOME": str(home)},
    )
    assert result.returncode == 0, result.stderr
    assert "keyrings.alt" in result.stdout, "the default really was the plaintext keyring"
    assert "stores passwords in a file, unprotected" in result.stdout
    assert PASSWORD not in result.stdout + result.stderr
    assert not [p for p in home.rglob("*") if p.is_file()], "nothing written in clear"


def test_no_keyring_says_so_and_allows_this_session_only() -> None:
    credentials = Credentials(keyring.backends.fail.Keyring())
    with pytest.raises(NoKeyring, match="No system keyring is available") as refused:
        credentials.store(KEY, PASSWORD)
    assert "keeps it in memory until you quit" in str(refused.value)
    assert "still send" not in str(refused.value), "it asks instead (ui/password_prompt.py)"
    assert PASSWORD not in str(refused.value)
    credentials.use_for_session(KEY, PASSWORD)
    assert credentials.password(KEY) == PASSWORD


def test_a_password_for_this_session_moves_with_its_account_and_says_so() -> None:
    credentials = Credentials(keyring.backends.fail.Keyring())
    credentials.use_for_session(KEY, PASSWORD)
    assert credentials.in_session(KEY)
    with pytest.raises(NoKeyring):  # no keyring to clean up, but the session moved first
        credentials.move(KEY, "smtp:zoe@mail.example.org:2525")
    assert credentials.in_session("smtp:zoe@mail.example.org:2525")
    assert not credentials.in_session(KEY)


def test_a_stored_password_is_not_in_the_session(secret_backend: object) -> None:
    credentials = Credentials(secret_backend)
    credentials.use_for_session(KEY, "for now")
    credentials.store(KEY, PASSWORD)
    assert not credentials.in_session(KEY), "the keyring has it"
    assert credentials.password(KEY) == PASSWORD


def test_a_plaintext_keyring_is_refused(tmp_path: Path) -> None:
    plaintext = keyrings.alt.file.PlaintextKeyring()
    credentials = Credentials(plaintext)
    with pytest.raises(NoKeyring, match="stores passwords in a file, unprotected"):
        credentials.store(KEY, PASSWORD)
    assert not Path(plaintext.file_path).exists(), "nothing was written in clear"
    with pytest.raises(NoKeyring):
        credentials.password(KEY)


def test_a_locked_keyring_says_so(
    secret_backend: object, daemon: secret_service.SecretServiceDaemon
) -> None:
    Credentials(secret_backend).store(KEY, PASSWORD)
    daemon.lock()
    with pytest.raises(KeyringLocked, match="keyring is locked") as locked:
        Credentials(secret_backend).password(KEY)
    assert PASSWORD not in str(locked.value)
    with pytest.raises(KeyringLocked):
        Credentials(secret_backend).store(KEY, "new")


def test_forgetting_with_the_keyring_locked_keeps_the_password_held_in_memory(
    secret_backend: object, daemon: secret_service.SecretServiceDaemon
) -> None:
    """Removing a mailbox fails while the keyring is locked; its settings stay, and so must
    the password they need for this session."""
    credentials = Credentials(secret_backend)
    credentials.use_for_session(KEY, PASSWORD)
    daemon.lock()
    try:
        with pytest.raises(KeyringLocked):
            credentials.forget(KEY)
        assert credentials.password(KEY) == PASSWORD and credentials.in_session(KEY)
    finally:
        daemon.unlock()
    credentials.forget(KEY)
    assert not credentials.in_session(KEY)


def account_in_keyring_and_a_message(
    afterword: Afterword, server: SmtpServer, ca_file: Path
) -> Message:
    """An account whose password is in the keyring, and a queued message to send."""
    account = account_for(server, ca_file)
    afterword.outbox.save_account(account)
    afterword.credentials.store(account.key, PASSWORD, [Destination.of(account)])
    message = afterword.outbox.queue(Message("Thanks", "Thank you.", ["ana@acme.example"]))
    assert message.id is not None
    return message


def test_a_locked_keyring_sends_nothing_and_keeps_the_message(
    secret_backend: object,
    daemon: secret_service.SecretServiceDaemon,
    paths: Paths,
    smtp_server: SmtpServer,
    ca_file: Path,
) -> None:
    afterword = Afterword.open(paths, keyring_backend=secret_backend)
    try:
        message = account_in_keyring_and_a_message(afterword, smtp_server, ca_file)
        assert message.id is not None
        daemon.lock()
        [result] = afterword.outbox.send([message.id])
        assert result.state is MessageState.FAILED
        assert "keyring is locked" in result.detail
        assert smtp_server.received == []
        daemon.unlock()
        afterword.outbox.retry(message.id)
        assert afterword.outbox.send([message.id])[0].state is MessageState.SENT
    finally:
        afterword.close()


def test_the_keyring_daemon_gone_gives_a_clear_message(tmp_path: Path) -> None:
    if not secret_service.available():
        pytest.skip("needs gnome-keyring")  # the daemon fixture already fails in CI
    with secret_service.SecretServiceDaemon(tmp_path / "gone") as own:
        own.activate()
        backend = keyring.backends.SecretService.Keyring()
        Credentials(backend).store(KEY, PASSWORD)
        own.kill_keyring_only()
        with pytest.raises(CredentialError, match="did not answer") as gone:
            Credentials(backend).password(KEY)
        assert PASSWORD not in str(gone.value)


def test_the_keyring_gone_mid_session_sends_nothing_and_loses_nothing(
    tmp_path: Path, paths: Paths, smtp_server: SmtpServer, ca_file: Path
) -> None:
    if not secret_service.available():
        pytest.skip("needs gnome-keyring")  # the daemon fixture already fails in CI
    with secret_service.SecretServiceDaemon(tmp_path / "gone") as own:
        own.activate()
        afterword = Afterword.open(paths, keyring_backend=keyring.backends.SecretService.Keyring())
        try:
            message = account_in_keyring_and_a_message(afterword, smtp_server, ca_file)
            assert message.id is not None
            own.kill_keyring_only()  # the desktop's keyring crashed

            [result] = afterword.outbox.send([message.id])

            assert result.state is MessageState.FAILED
            assert "keyring did not answer" in result.detail
            assert "for this session" in result.detail or "until you quit" in result.detail
            kept = afterword.store.message(message.id)
            assert (kept.subject, kept.body, kept.error) == ("Thanks", "Thank you.", result.detail)
            assert smtp_server.received == []
        finally:
            afterword.close()


def test_after_a_full_send_no_file_holds_the_password(
    secret_backend: object, paths: Paths, smtp_server: SmtpServer, ca_file: Path
) -> None:
    afterword = Afterword.open(paths, keyring_backend=secret_backend)
    try:
        afterword.store.save_profile(Profile("Zoë Müller", "zoe@example.org"))
        account = account_for(smtp_server, ca_file)
        afterword.outbox.save_account(account)
        afterword.credentials.store(account.key, PASSWORD, [Destination.of(account)])
        fresh = Outbox(afterword.store, Credentials(secret_backend))  # reads it from the keyring
        message = fresh.queue(Message("Thanks", "Thank you.", ["ana@acme.example"]))
        assert message.id is not None
        assert fresh.send([message.id])[0].state is MessageState.SENT
    finally:
        afterword.close()
    assert len(smtp_server.received) == 1
    needles = [PASSWORD.encode(), PASSWORD.encode("utf-16-le")]
    files = [p for p in paths.data_dir.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".sqlite3") for p in files)
    for path in files:
        content = path.read_bytes()
        assert not any(needle in content for needle in needles), f"password found in {path}"
