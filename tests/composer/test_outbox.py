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
from dataclasses import replace
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest

from composer import outbox as outbox_module
from composer.afterword import Afterword
from composer.credentials import Credentials
from composer.errors import AfterwordError, InvalidAddress
from composer.outbox import Outbox
from composer.password_binding import Destination
from composer.paths import Paths
from composer.records import Message, MessageState, Profile
from composer.store import Store
from tests.helpers.smtp_server import PASSWORD, SmtpServer, account_for

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
                credentials.use_for_session(account.key, PASSWORD, [Destination.of(account)])
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
        from composer.password_binding import Destination
        from composer.store import Store
        store = Store({str(paths.database)!r})
        outbox = Outbox(store, Credentials(backend=object()))
        account = outbox.account()
        outbox.credentials.use_for_session(account.key, {PASSWORD!r}, [Destination.of(account)])
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
        account = account_for(smtp_server, ca_file)
        reopened.credentials.use_for_session(account.key, PASSWORD, [Destination.of(account)])
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


# --- batches -------------------------------------------------------------------------------


def batch_of(outbox: Outbox, count: int) -> list[int]:
    messages = outbox.queue_many(
        [
            Message(subject=f"Thank you ({n})", body="Thank you.", to=[f"r{n}@acme.example"])
            for n in range(1, count + 1)
        ]
    )
    return [m.id for m in messages if m.id is not None]


def message_id_at_server(data: bytes) -> str:
    return str(message_from_bytes(data, policy=policy.default)["Message-ID"])


def test_a_batch_is_queued_whole_or_not_at_all(outbox: Outbox) -> None:
    batch = [
        Message(subject="Thank you", body="Thank you.", to=["ana@acme.example"]),
        Message(subject="Thank you", body="Thank you.", to=["not an address"]),
    ]
    with pytest.raises(InvalidAddress):
        outbox.queue_many(batch)
    assert outbox.store.message_ids() == []
    assert [m.id for m in batch] == [None, None]


def test_each_message_is_recorded_before_it_goes_and_after_it_went(
    paths: Paths, outbox: Outbox, smtp_server: SmtpServer
) -> None:
    """One commit between two messages carries both: the last one sent, the next one claimed
    with its bytes. Seen from another connection as each message's data arrives."""
    ids = batch_of(outbox, 4)
    seen: list[list[tuple[MessageState, bytes | None, str | None]]] = []
    original = smtp_server.recorder.handle_DATA

    async def look(server: Any, session: Any, envelope: Any) -> str:
        with Store(paths.database) as other:
            found = [other.message(i) for i in ids]
        seen.append([(m.state, m.raw, m.server_reply) for m in found])
        return await original(server, session, envelope)

    smtp_server.recorder.handle_DATA = look  # type: ignore[method-assign]
    results = outbox.send(ids)

    assert [r.state for r in results] == [MessageState.SENT] * 4
    for n, states in enumerate(seen):
        assert [state for state, _, _ in states] == (
            [MessageState.SENT] * n + [MessageState.SENDING] + [MessageState.QUEUED] * (3 - n)
        )
        assert all(reply and reply.startswith("250") for _, _, reply in states[:n])
        raw = states[n][1]
        assert raw is not None, "the bytes are kept before they go"
        arrived = smtp_server.received[n].data
        assert message_id_at_server(raw) == message_id_at_server(arrived)
    final = [outbox.store.message(i) for i in ids]
    assert [m.state for m in final] == [MessageState.SENT] * 4


def test_each_message_is_recorded_before_its_recipients_are_given(
    paths: Paths, outbox: Outbox, smtp_server: SmtpServer
) -> None:
    """The commit between two messages overlaps the server's answer to the next MAIL, and
    no more: by the time the server hears the next recipient (before any of its data),
    the last message is recorded sent and the next one claimed with its bytes."""
    ids = batch_of(outbox, 4)
    seen: list[list[tuple[MessageState, bytes | None]]] = []
    original = smtp_server.recorder.handle_RCPT

    async def look(server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        with Store(paths.database) as other:
            seen.append([(m.state, m.raw) for m in map(other.message, ids)])
        return await original(server, session, envelope, address, options)

    smtp_server.recorder.handle_RCPT = look  # type: ignore[method-assign]
    results = outbox.send(ids)

    assert [r.state for r in results] == [MessageState.SENT] * 4
    assert len(seen) == 4
    for n, states in enumerate(seen):
        assert [state for state, _ in states] == (
            [MessageState.SENT] * n + [MessageState.SENDING] + [MessageState.QUEUED] * (3 - n)
        )
        raw = states[n][1]
        assert raw is not None and message_id_at_server(raw) == message_id_at_server(
            smtp_server.received[n].data
        )


def test_a_message_changed_after_it_was_built_ahead_goes_as_changed(
    paths: Paths, outbox: Outbox, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next message is built while the server reads the one before; if it is edited in
    between, its claim sees the change and builds it again."""
    first, second = batch_of(outbox, 2)
    real = outbox_module._build_message
    built: list[list[str]] = []

    def build_then_edit(**fields: Any) -> Any:
        outgoing = real(**fields)
        built.append(list(fields["to"]))
        if len(built) == 2:  # the second message, built ahead: now it is edited
            with Store(paths.database) as other:
                edited = other.message(second)
                edited.body = "Edited after it was built."
                other.save_message(edited)
        return outgoing

    monkeypatch.setattr(outbox_module, "_build_message", build_then_edit)
    results = outbox.send([first, second])

    assert [r.state for r in results] == [MessageState.SENT] * 2
    assert built == [["r1@acme.example"], ["r2@acme.example"], ["r2@acme.example"]]
    arrived = message_from_bytes(smtp_server.received[1].data, policy=policy.default)
    assert "Edited after it was built." in arrived.get_body().get_content()  # type: ignore[union-attr]
    stored = outbox.store.message(second).raw
    assert stored is not None and b"Edited after it was built." in stored


def test_a_bug_building_the_next_message_leaves_the_last_one_recorded_sent(
    outbox: Outbox, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The claim that would have carried the last message's record rolls back: the record
    is committed on its own, and the message that could not be built is failed."""
    first, second = batch_of(outbox, 2)
    real = outbox_module._build_message

    def broken_for_the_second(**fields: Any) -> Any:
        if fields["to"] == ["r2@acme.example"]:
            raise ValueError("a bug")
        return real(**fields)

    monkeypatch.setattr(outbox_module, "_build_message", broken_for_the_second)
    reported: list[MessageState] = []
    with pytest.raises(ValueError, match="a bug"):
        outbox.send([first, second], lambda result: reported.append(result.state))

    assert reported == [MessageState.SENT], "recorded sent, and reported so, before the bug"
    assert outbox.store.message(first).state is MessageState.SENT
    failed = outbox.store.message(second)
    assert failed.state is MessageState.FAILED
    assert failed.error is not None and "it was not sent" in failed.error
    assert [r.recipients for r in smtp_server.received] == [["r1@acme.example"]]


def test_two_workers_sending_the_same_batch_send_each_message_once(
    paths: Paths, outbox: Outbox, smtp_server: SmtpServer
) -> None:
    ids = batch_of(outbox, 12)
    account = outbox.account()
    assert account is not None
    start = threading.Barrier(2)
    outcomes: list[Any] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with Store(paths.database) as own_store:
                credentials = Credentials(backend=object())
                credentials.use_for_session(account.key, PASSWORD, [Destination.of(account)])
                start.wait()
                outcomes.extend(Outbox(own_store, credentials).send(ids))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    arrived = sorted(r for received in smtp_server.received for r in received.recipients)
    assert arrived == sorted(f"r{n}@acme.example" for n in range(1, 13)), "each once"
    assert len(outcomes) == 24
    assert sum("Not sent again" in r.detail for r in outcomes) == 12
    assert {outbox.store.message(i).state for i in ids} == {MessageState.SENT}


def test_a_test_message_to_another_server_name_never_gets_the_saved_password(
    outbox: Outbox, smtp_server: SmtpServer
) -> None:
    """A server name typed in Settings, not saved (a typo, say), is not sent the password
    saved for the account's own server: the user types it for that one."""
    saved = outbox.account()
    assert saved is not None
    elsewhere = replace(saved, host="localhost")  # the same test server, by another name

    with pytest.raises(AfterwordError, match="password"):
        outbox.send_test_message(elsewhere)

    assert smtp_server.received == []
    me, reply = outbox.send_test_message(replace(saved, port=saved.port))  # its own server
    assert reply.startswith("250") and me
