"""Crash safety: Afterword is killed (SIGKILL) in the middle of a batch of 20 and started
again. Counted at a real server: every message is sent once and recorded, or still queued
and not sent, or uncertain (there at most once). None lost, none doubled."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest

from composer.afterword import Afterword
from composer.credentials import Credentials
from composer.outbox import Outbox
from composer.password_binding import Destination
from composer.paths import Paths
from composer.records import Message, MessageState, Profile
from composer.store import Store
from tests.helpers.smtp_server import PASSWORD, Received, SmtpServer, account_for

ROOT = Path(__file__).resolve().parents[2]
BATCH = 20
SLOW = 0.02  # seconds the server spends on each message, so a batch takes a while
STALL = 10.0  # a held message waits this long at most: the kill comes well before
DEADLINE = 15.0  # for any one wait of the test; nothing here may hang

# The app as a user runs it: opened on its data dir, the password given for this session
# (on stdin: never on a command line), the batch sent over one connection.
CHILD = textwrap.dedent(
    """
    import sys
    from composer.afterword import Afterword
    from composer.paths import resolve
    from composer.password_binding import Destination

    app = Afterword.open(resolve(sys.argv[1]))
    account = app.outbox.account()
    typed = sys.stdin.readline().rstrip("\\n")
    app.credentials.use_for_session(account.key, typed, [Destination.of(account)])
    app.send_messages([int(n) for n in sys.argv[2:]])
    """
)


@dataclass(frozen=True)
class KillPoint:
    receipts: int  # the kill comes once this many messages have reached the server
    reply_held: bool = False  # ... while the server holds back its reply to the last one


@dataclass
class SlowServer:
    """Wraps the recorder's DATA: slow for each message, and never accepts one past the
    kill point before the kill (the batch cannot end first, however slow the test)."""

    point: KillPoint
    accept: Callable[..., Any]
    reached: threading.Event = field(default_factory=threading.Event)
    entered: int = 0
    in_flight: int = 0
    connections: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.entered += 1
        number, self.in_flight = self.entered, self.in_flight + 1
        if server not in self.connections:
            self.connections.append(server)
        try:
            await asyncio.sleep(SLOW)
            if number > self.point.receipts:  # the kill must come first: held, not accepted
                self.reached.set()
                await asyncio.sleep(STALL)
            reply = str(await self.accept(server, session, envelope))
            if number == self.point.receipts:
                self.reached.set()
                if self.point.reply_held:  # accepted; the client does not hear so
                    await asyncio.sleep(STALL)
            return reply
        finally:
            self.in_flight -= 1

    def settled(self) -> bool:
        """Every connection is gone (aiosmtpd then cancels its handler) and none is busy."""
        return self.in_flight == 0 and all(c.transport is None for c in self.connections)


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.01)


def message_id_of(received: Received) -> str:
    return str(message_from_bytes(received.data, policy=policy.default)["Message-ID"])


@pytest.fixture
def batch(store: Store, smtp_server: SmtpServer, ca_file: Path) -> list[int]:
    """20 queued messages, each to its own recipient, r01@ to r20@."""
    store.save_profile(Profile(name="Zoë Müller", email="zoe@example.org"))
    outbox = Outbox(store, Credentials(backend=object()))
    outbox.save_account(account_for(smtp_server, ca_file))
    ids: list[int] = []
    for n in range(1, BATCH + 1):
        message = outbox.queue(
            Message(subject=f"Thank you ({n})", body="Thank you for today.", to=[recipient(n)])
        )
        assert message.id is not None
        ids.append(message.id)
    return ids


def recipient(n: int) -> str:
    return f"r{n:02}@acme.example"


def run_and_kill(paths: Paths, ids: list[int], slow: SlowServer, log: Path) -> None:
    with log.open("w") as errors:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(paths.data_dir), *map(str, ids)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            text=True,
        )
        try:
            assert child.stdin is not None
            child.stdin.write(PASSWORD + "\n")
            child.stdin.close()
            wait_until(lambda: slow.reached.is_set() or child.poll() is not None, "the kill point")
            assert child.poll() is None, f"the app ended by itself:\n{log.read_text()}"
            os.kill(child.pid, signal.SIGKILL)
        finally:
            if child.poll() is None:
                child.kill()
            child.wait(timeout=DEADLINE)
    assert child.returncode == -signal.SIGKILL
    wait_until(slow.settled, "the server to see the connection gone")


KILL_POINTS = {
    "during-the-first-DATA": KillPoint(0),
    "after-3": KillPoint(3),
    "after-8": KillPoint(8),
    "after-13": KillPoint(13),
    "after-19": KillPoint(19),
    "reply-to-the-5th-held-back": KillPoint(5, reply_held=True),
}


@pytest.mark.parametrize("point", list(KILL_POINTS.values()), ids=list(KILL_POINTS))
def test_a_batch_killed_midway_loses_nothing_and_doubles_nothing(
    paths: Paths,
    smtp_server: SmtpServer,
    ca_file: Path,
    batch: list[int],
    tmp_path: Path,
    point: KillPoint,
) -> None:
    recorder = smtp_server.recorder
    accept = recorder.handle_DATA
    slow = SlowServer(point, accept)
    recorder.handle_DATA = slow.handle_DATA  # type: ignore[method-assign]
    run_and_kill(paths, batch, slow, tmp_path / "child.log")
    recorder.handle_DATA = accept  # type: ignore[method-assign]
    assert len(smtp_server.received) == point.receipts, "the kill came where it was meant to"

    reopened = Afterword.open(paths)
    try:
        messages = [reopened.store.message(message_id) for message_id in batch]
        uncertain = [m.id for m in messages if m.state is MessageState.UNCERTAIN]
        assert reopened.interrupted == uncertain, "found mid-send at start-up: uncertain"
        there = each_accounted_for(messages, smtp_server.received)
        stopped_where_killed(messages, point, there)

        # Started again: the rest goes out; nothing already sent or uncertain goes again.
        account = reopened.outbox.account()
        assert account is not None
        reopened.credentials.use_for_session(account.key, PASSWORD, [Destination.of(account)])
        again = {r.message_id: r.state for r in reopened.send_messages(batch)}
    finally:
        reopened.close()

    assert again == {
        i: MessageState.UNCERTAIN if i in uncertain else MessageState.SENT for i in batch
    }
    ids_at_server = Counter(message_id_of(received) for received in smtp_server.received)
    assert set(ids_at_server.values()) == {1}, "no message reached the server twice"
    assert sorted(r for received in smtp_server.received for r in received.recipients) == [
        recipient(n) for n in range(1, BATCH + 1) if n not in there.uncertain_missing
    ]


@dataclass(frozen=True)
class AtServer:
    sent: int  # recorded sent (each there once)
    uncertain_there: int  # recorded uncertain, and there
    uncertain_missing: list[int]  # recorded uncertain, not there (numbers in the batch)


def each_accounted_for(messages: list[Message], received: list[Received]) -> AtServer:
    """Sent and there once; queued or failed and not there; or uncertain, there at most once."""
    sent, uncertain_there, uncertain_missing = 0, 0, []
    for n, message in enumerate(messages, start=1):
        copies = [r for r in received if recipient(n) in r.recipients]
        assert len(copies) <= 1, f"message {n} doubled"
        if copies:  # the exact message recorded before it went: its Message-ID matches
            assert message.raw is not None
            assert message.header_id == message_id_of(copies[0])
        if message.state is MessageState.SENT:
            assert copies, f"message {n} recorded sent but not at the server"
            assert message.server_reply and message.server_reply.startswith("250")
            sent += 1
        elif message.state in (MessageState.QUEUED, MessageState.FAILED):
            assert not copies, f"message {n} is at the server but recorded {message.state}"
        else:
            assert message.state is MessageState.UNCERTAIN, f"message {n}: {message.state}"
            uncertain_there += len(copies)
            if not copies:
                uncertain_missing.append(n)
    assert len(received) == sent + uncertain_there, "every receipt is accounted for"
    return AtServer(sent, uncertain_there, uncertain_missing)


def stopped_where_killed(messages: list[Message], point: KillPoint, there: AtServer) -> None:
    """In batch order: sent, then at most the one that was under way, then untouched."""
    states = [message.state for message in messages]
    uncertain = states.count(MessageState.UNCERTAIN)
    assert uncertain <= 1
    assert states == (
        [MessageState.SENT] * there.sent
        + [MessageState.UNCERTAIN] * uncertain
        + [MessageState.QUEUED] * (BATCH - there.sent - uncertain)
    )
    assert point.receipts - 1 <= there.sent <= point.receipts
    if point.receipts == 0 or point.reply_held:  # the kill met that message at the server
        assert (there.sent, uncertain) == (max(point.receipts - 1, 0), 1)
        assert there.uncertain_there == (1 if point.reply_held else 0)
