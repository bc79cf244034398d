"""The outbox keeps every message and never sends one twice, even across a crash."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

from composer.app import Afterword
from composer.credentials import Credentials
from composer.outbox import Outbox
from composer.paths import Paths
from composer.records import Message, MessageState, Profile
from composer.store import Store
from tests.smtp_server import PASSWORD, SmtpServer, account_for

ROOT = Path(__file__).resolve().parents[2]


def new_message(outbox: Outbox, to: str = "ana@acme.example") -> int:
    message = outbox.queue(Message(subject="Thank you", body="Thank you for today.", to=[to]))
    assert message.id is not None
    return message.id


def test_a_draft_keeps_what_was_typed_even_if_invalid(outbox: Outbox) -> None:
    draft = outbox.save_draft(Message(subject="", body="half a thought", to=["not an address"]))
    assert draft.id is not None
    again = outbox.store.message(draft.id)
    assert (again.state, again.body, again.to) == (
        MessageState.DRAFT,
        "half a thought",
        ["not an address"],
    )


def test_double_click_sends_once(outbox: Outbox, smtp_server: SmtpServer) -> None:
    message_id = new_message(outbox)
    results = outbox.send([message_id, message_id])
    assert [r.state for r in results] == [MessageState.SENT, MessageState.SENT]
    assert "Not sent again" in results[1].detail
    assert len(smtp_server.received) == 1


def test_two_workers_claiming_at_once_get_it_once(paths: Paths, outbox: Outbox) -> None:
    message_id = new_message(outbox)
    start = threading.Barrier(8)
    claims: list[bool] = []
    errors: list[BaseException] = []

    def claim() -> None:
        try:
            with Store(paths.database) as own_store:  # a connection of its own, like a process
                start.wait()
                claims.append(own_store.claim_for_sending(message_id))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(claims) == [False] * 7 + [True]


def test_two_workers_send_once(paths: Paths, outbox: Outbox, smtp_server: SmtpServer) -> None:
    message_id = new_message(outbox)
    account = outbox.account()
    assert account is not None
    start = threading.Barrier(2)
    outcomes: list[Any] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with Store(paths.database) as own_store:
                credentials = Credentials(backend=object())
                credentials.use_for_session(account.key, PASSWORD)
                start.wait()
                outcomes.extend(Outbox(own_store, credentials).send([message_id]))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(smtp_server.received) == 1
    assert sorted("Not sent again" in r.detail for r in outcomes) == [False, True]
    assert outbox.store.message(message_id).state is MessageState.SENT


def test_crash_mid_send_leaves_the_message_uncertain_and_unsent_again(
    paths: Paths, store: Store, smtp_server: SmtpServer, ca_file: Path
) -> None:
    """A real process is killed (SIGKILL) while the server holds the message's data."""
    store.save_profile(Profile(name="Zoë", email="zoe@example.org"))
    outbox = Outbox(store, Credentials(backend=object()))
    outbox.save_account(account_for(smtp_server, ca_file))
    message_id = new_message(outbox)
    data_arrived = threading.Event()
    original = smtp_server.recorder.handle_DATA

    async def stall(server: Any, session: Any, envelope: Any) -> str:
        data_arrived.set()
        await asyncio.sleep(30)  # the reply never comes before the kill
        return await original(server, session, envelope)

    smtp_server.recorder.handle_DATA = stall  # type: ignore[method-assign]
    script = textwrap.dedent(
        f"""
        from composer.credentials import Credentials
        from composer.outbox import Outbox
        from composer.store import Store
        store = Store({str(paths.database)!r})
        outbox = Outbox(store, Credentials(backend=object()))
        outbox.credentials.use_for_session(outbox.account().key, {PASSWORD!r})
        outbox.send([{message_id}])
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        assert data_arrived.wait(timeout=20), "the child never reached DATA"
        assert store.message(message_id).state is MessageState.SENDING
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    smtp_server.recorder.handle_DATA = original  # type: ignore[method-assign]

    reopened = Afterword.open(paths)
    try:
        assert reopened.interrupted == [message_id]
        after = reopened.store.message(message_id)
        assert after.state is MessageState.UNCERTAIN
        assert after.error is not None and "may or may not have been delivered" in after.error
        assert after.raw is not None  # the exact bytes that may have gone out are kept
        reopened.credentials.use_for_session(account_for(smtp_server, ca_file).key, PASSWORD)
        [result] = reopened.outbox.send([message_id])
        assert result.state is MessageState.UNCERTAIN, "an uncertain message is never re-sent"
        time.sleep(0.2)
        assert smtp_server.received == []
    finally:
        reopened.close()


def test_uncertain_message_resolved_by_the_user(outbox: Outbox, smtp_server: SmtpServer) -> None:
    first, second = new_message(outbox), new_message(outbox, "bo@acme.example")
    for message_id in (first, second):
        assert outbox.store.claim_for_sending(message_id)
    assert outbox.recover() == [first, second]

    outbox.mark_sent(first)
    outbox.send_again(second)
    outbox.send([first, second])

    assert outbox.store.message(first).state is MessageState.SENT
    assert outbox.store.message(second).state is MessageState.SENT
    assert [r.recipients for r in smtp_server.received] == [["bo@acme.example"]]
