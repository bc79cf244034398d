"""A message waiting for its next try after a server's "try again later", when Afterword is
killed meanwhile: at the next start it no longer promises a try that will never come (#16)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from composer.afterword import Afterword
from composer.credentials import Credentials
from composer.outbox import Outbox
from composer.paths import Paths
from composer.records import Message, MessageState, Profile
from composer.retry_note import after_restart, waiting
from composer.store import Store
from tests.helpers.clock import clock
from tests.helpers.fault_server import ANA, FaultFactory, fault_servers
from tests.helpers.smtp_server import PASSWORD, account_for

ROOT = Path(__file__).resolve().parents[2]
NOT_NOW = "451 4.3.0 Try again later"
DEADLINE = 15.0

# The app as a user runs it, told to wait a minute before its next try: the kill comes first.
CHILD = textwrap.dedent(
    """
    import sys
    import composer.outbox
    from composer.afterword import Afterword
    from composer.paths import resolve
    from composer.password_binding import Destination

    composer.outbox.RETRY_DELAYS = (60.0,)
    app = Afterword.open(resolve(sys.argv[1]))
    account = app.outbox.account()
    typed = sys.stdin.readline().rstrip("\\n")
    app.credentials.use_for_session(account.key, typed, [Destination.of(account)])
    app.send_messages([int(sys.argv[2])])
    """
)


@pytest.fixture
def faulty(ca: trustme.CA) -> Iterator[FaultFactory]:
    with fault_servers(ca) as start:
        yield start


def queued(store: Store, server: object, ca_file: Path) -> int:
    store.save_profile(Profile(name="Zoë Müller", email="zoe@example.org"))
    outbox = Outbox(store, Credentials(backend=object()))
    outbox.save_account(account_for(server, ca_file))  # type: ignore[arg-type]
    message = outbox.queue(Message(subject="Thank you", body="Thank you for today.", to=[ANA]))
    assert message.id is not None
    return message.id


def kill_while_waiting(paths: Paths, store: Store, message_id: int) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(paths.data_dir), str(message_id)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdin is not None
        child.stdin.write(PASSWORD + "\n")
        child.stdin.close()
        deadline = time.monotonic() + DEADLINE
        while "Trying again in 60 seconds" not in (store.message(message_id).error or ""):
            assert child.poll() is None, f"the app ended by itself: {child.stderr}"
            assert time.monotonic() < deadline, "the app never waited to try again"
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=DEADLINE)
    assert child.returncode == -signal.SIGKILL


def test_a_kill_during_the_wait_to_try_again_leaves_a_true_note_and_what_to_do(
    paths: Paths, store: Store, faulty: FaultFactory, ca_file: Path
) -> None:
    server = faulty(data_replies=[NOT_NOW])
    message_id = queued(store, server, ca_file)

    kill_while_waiting(paths, store, message_id)
    reopened = Afterword.open(paths, clock=clock)
    try:
        message = reopened.store.message(message_id)
    finally:
        reopened.close()

    assert message.state is MessageState.FAILED
    note = message.error or ""
    assert "Trying again" not in note, "no try is coming: the note must not promise one"
    assert NOT_NOW in note, "the server's reason is kept"
    assert "Afterword was closed before it could" in note
    assert note.endswith("send it again when you are ready.")
    assert len(server.recorder.arrived) == 1 and server.received == [], "nothing delivered"


def test_other_failures_keep_their_words_at_start_up(paths: Paths, store: Store) -> None:
    store.save_profile(Profile(name="Zoë Müller", email="zoe@example.org"))
    message = store.save_message(
        Message(subject="Hi", body="Thanks.", to=[ANA], state=MessageState.QUEUED)
    )
    assert message.id is not None
    assert store.claim_for_sending(message.id)
    refused = "The server refused this recipient: Trying again in 5 seconds (550). Check it."
    store.mark_failed(message.id, refused)

    reopened = Afterword.open(paths, clock=clock)
    try:
        assert reopened.store.message(message.id).error == refused
    finally:
        reopened.close()


@pytest.mark.parametrize("seconds", [2, 7.5, 0.05, 1e-05, 120])
def test_every_waiting_note_is_recognised(seconds: float) -> None:
    note = waiting("The server could not take the message just now (451).", seconds)
    told = after_restart(note)
    assert told is not None and told.startswith("The server could not take the message")
    assert "Trying again" not in told
