"""The fault matrix against real loopback servers: what the user reads, how the message ends,
and what the server got. A "not now" (4xx) is tried again with backoff; a message that may
have reached the server is never tried again."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from composer.credentials import Credentials
from composer.outbox import Outbox, SendResult
from composer.password_binding import Destination
from composer.records import Attachment, MessageState, Profile
from composer.store import Store
from tests.composer.test_sending import parsed, queue
from tests.helpers.fault_server import (
    ANA,
    BO,
    CY,
    ROWS,
    TRIES,
    FaultFactory,
    FaultServer,
    fault_servers,
)
from tests.helpers.smtp_server import PASSWORD, account_for

FAST = (0.05, 0.1)  # the retry delays here: the same two waits as the default, only short
assert len(FAST) + 1 == TRIES
NOT_NOW = "451 4.3.0 Local error in processing"
ATTACHMENT = Attachment("portfolio.pdf", "application/pdf", b"%PDF-1.7 " + bytes(range(256)) * 20)


@pytest.fixture
def faulty(ca: trustme.CA) -> Iterator[FaultFactory]:
    with fault_servers(ca) as start:
        yield start


@pytest.fixture(autouse=True)
def profile(store: Store) -> None:
    store.save_profile(Profile(name="Zoë Müller", email="zoe@example.org", signature="Zoë"))


@pytest.fixture
def waits() -> list[float]:
    """The outbox's waits between tries, as asked for (and really waited)."""
    return []


def outbox_on(
    store: Store,
    server: FaultServer,
    ca_file: Path,
    waits: list[float],
    *,
    retry_delays: tuple[float, ...] = FAST,
    sleep: Callable[[float], None] = time.sleep,
    **changes: object,
) -> Outbox:
    def wait(seconds: float) -> None:
        waits.append(seconds)
        sleep(seconds)

    credentials = Credentials(backend=object())
    outbox = Outbox(store, credentials, retry_delays=retry_delays, sleep=wait)
    account = account_for(server, ca_file, **changes)
    outbox.save_account(account)
    credentials.use_for_session(account.key, PASSWORD, [Destination.of(account)])
    return outbox


@pytest.mark.parametrize("name", ROWS)
def test_each_fault_has_its_words_its_state_and_what_the_server_got(
    name: str, store: Store, faulty: FaultFactory, ca_file: Path, waits: list[float]
) -> None:
    row = ROWS[name]
    server = faulty(**row.server)
    outbox = outbox_on(store, server, ca_file, waits, **row.account)
    message = queue(outbox, to=list(row.to), attachments=[ATTACHMENT] if row.big else [])
    assert message.id is not None

    [result] = outbox.send([message.id])

    stored = store.message(message.id)
    for words in row.shows:
        assert words in result.detail
    assert (result.state, stored.state) == (row.state, row.state)
    told = stored.server_reply if row.state is MessageState.SENT else stored.error
    assert told == result.detail, "the window and Outbox & Sent say the same"
    assert PASSWORD not in result.detail
    assert (stored.subject, stored.to) == (message.subject, list(row.to)), "nothing lost"
    assert len(server.received) == row.delivered
    assert len(server.recorder.arrived) == row.arrived
    assert server.recorder.sessions == row.sessions
    assert server.logins == row.logins
    for got in server.received:
        assert sorted(got.recipients) == sorted(row.to)
        assert stored.raw is not None
        assert got.data.replace(b"\r\n", b"\n") == stored.raw.replace(b"\r\n", b"\n")


def test_the_size_is_declared_so_a_too_large_message_is_never_uploaded(
    store: Store, faulty: FaultFactory, ca_file: Path, waits: list[float]
) -> None:
    server = faulty(data_size_limit=4000)
    outbox = outbox_on(store, server, ca_file, waits)
    small, large = queue(outbox), queue(outbox, attachments=[ATTACHMENT])
    assert small.id is not None and large.id is not None

    results = outbox.send([large.id, small.id])

    assert [r.state for r in results] == [MessageState.FAILED, MessageState.SENT]
    assert "too large" in results[0].detail
    assert [parsed(got.data)["Subject"] for got in server.recorder.arrived] == [small.subject]
    assert waits == [], "a refusal for size is final: not tried again"


def test_a_not_now_is_tried_again_after_each_delay_and_delivered_once(
    store: Store, faulty: FaultFactory, ca_file: Path, waits: list[float]
) -> None:
    server = faulty(data_replies=[NOT_NOW, NOT_NOW])
    outbox = outbox_on(store, server, ca_file, waits)
    message = queue(outbox)
    assert message.id is not None

    [result] = outbox.send([message.id])

    assert result.state is MessageState.SENT
    assert waits == list(FAST), "backoff: the given delays, in order"
    stored = store.message(message.id)
    assert (stored.state, stored.attempts, stored.error) == (MessageState.SENT, TRIES, None)
    assert len(server.received) == 1
    ids = {parsed(got.data)["Message-ID"] for got in server.recorder.arrived}
    assert ids == {stored.header_id}, "every try is the same message, never a new one"
    assert server.recorder.sessions == 1, "the connection is kept between tries"


def test_a_not_now_every_time_fails_saying_how_often_it_was_tried(
    store: Store, faulty: FaultFactory, ca_file: Path, waits: list[float]
) -> None:
    server = faulty(data_replies=[NOT_NOW] * (TRIES + 1))
    outbox = outbox_on(store, server, ca_file, waits)
    message = queue(outbox)
    assert message.id is not None

    [result] = outbox.send([message.id])

    stored = store.message(message.id)
    assert (stored.state, stored.attempts) == (MessageState.FAILED, TRIES)
    assert stored.error == result.detail
    assert result.detail.endswith(f"Afterword tried {TRIES} times; please try again later.")
    assert waits == list(FAST)
    assert len(server.recorder.arrived) == TRIES and server.received == []

    outbox.retry(message.id)  # later, the user sends it again: one more round of tries
    [again] = outbox.send([message.id])
    assert again.state is MessageState.SENT
    assert len(server.received) == 1
    assert store.message(message.id).attempts == TRIES + 2


def test_while_waiting_to_try_again_the_message_is_failed_and_says_so(
    store: Store, faulty: FaultFactory, ca_file: Path, waits: list[float]
) -> None:
    """A crash during the wait leaves it failed with the reason: nothing is stuck "sending"."""
    server = faulty(data_replies=[NOT_NOW])
    seen: list[tuple[MessageState, str | None]] = []

    def look(seconds: float) -> None:  # no real wait: what is stored meanwhile is the point
        assert message.id is not None
        stored = store.message(message.id)
        seen.append((stored.state, stored.error))

    outbox = outbox_on(store, server, ca_file, waits, retry_delays=(7.5,), sleep=look)
    message = queue(outbox)
    assert message.id is not None

    [result] = outbox.send([message.id])

    assert result.state is MessageState.SENT
    [(state, error)] = seen
    assert state is MessageState.FAILED
    assert error is not None and error.endswith(
        f"({NOT_NOW}). Nothing was delivered. Trying again in 7.5 seconds."
    )
    assert waits == [7.5]


def test_a_not_now_in_a_batch_holds_up_only_that_message(
    store: Store, faulty: FaultFactory, ca_file: Path, waits: list[float]
) -> None:
    server = faulty(data_replies=["", NOT_NOW])  # the second message, first try
    outbox = outbox_on(store, server, ca_file, waits)
    ids = [queue(outbox, to=[who]).id for who in (ANA, BO, CY)]

    results = outbox.send([i for i in ids if i is not None])

    assert [r.state for r in results] == [MessageState.SENT] * 3
    assert [r.message_id for r in results] == ids
    assert sorted(got.recipients[0] for got in server.received) == [ANA, BO, CY]
    assert [store.message(i or 0).attempts for i in ids] == [1, 2, 1]
    assert waits == [FAST[0]]


def test_a_closing_answer_to_mail_read_after_the_claim_commits_is_tried_again(
    store: Store, faulty: FaultFactory, ca_file: Path, waits: list[float]
) -> None:
    """The next message's MAIL goes out before its claim commits, and the answer is read
    after: a "421 closing" still leaves it unsent, tried again on a new connection, and
    delivered once; the message before stays recorded sent."""
    server = faulty()
    answers = ["250 OK", "421 4.3.2 Closing this connection, try again"]

    async def handle_mail(
        smtp: object, session: object, envelope: Any, address: str, options: list[str]
    ) -> str:
        answer = answers.pop(0) if answers else "250 OK"
        if answer.startswith("250"):
            envelope.mail_from = address
            envelope.mail_options.extend(options)
        return answer

    server.recorder.handle_MAIL = handle_mail  # type: ignore[attr-defined]
    outbox = outbox_on(store, server, ca_file, waits)
    first, second = queue(outbox, to=[ANA]), queue(outbox, to=[BO])
    assert first.id is not None and second.id is not None

    results = outbox.send([first.id, second.id])

    assert [r.state for r in results] == [MessageState.SENT] * 2
    assert [got.recipients for got in server.received] == [[ANA], [BO]], "each exactly once"
    assert [store.message(i).attempts for i in (first.id, second.id)] == [1, 2]
    assert waits == [FAST[0]]
    assert server.recorder.sessions == 2, "a new connection after the 421"


def test_a_busy_server_at_the_greeting_fails_the_whole_batch_after_the_tries(
    store: Store, faulty: FaultFactory, ca_file: Path, waits: list[float]
) -> None:
    server = faulty(greeting="421 4.3.2 Too busy, try again later")
    outbox = outbox_on(store, server, ca_file, waits)
    ids = [queue(outbox, to=[who]).id for who in (ANA, BO)]

    results = outbox.send([i for i in ids if i is not None])

    assert [r.state for r in results] == [MessageState.FAILED] * 2
    assert all(f"tried {TRIES} times" in r.detail for r in results)
    assert server.recorder.sessions == TRIES, "connecting is tried again, not each message"
    assert waits == list(FAST)


@pytest.mark.parametrize("fault", ["hang-up after the end of DATA", "stall after the end of DATA"])
def test_an_uncertain_message_is_not_tried_again_and_the_batch_goes_on(
    fault: str, store: Store, faulty: FaultFactory, ca_file: Path, waits: list[float]
) -> None:
    row = ROWS[fault]
    server = faulty(**row.server)
    outbox = outbox_on(store, server, ca_file, waits, **row.account)
    first, second = queue(outbox, to=[ANA]), queue(outbox, to=[BO])
    assert first.id is not None and second.id is not None

    def heal(result: SendResult) -> None:  # only the first message meets the fault
        server.recorder.faults.after_data = ""

    results = outbox.send([first.id, second.id], progress=heal)

    assert [r.state for r in results] == [MessageState.UNCERTAIN, MessageState.SENT]
    assert [got.recipients for got in server.received] == [[ANA], [BO]], "each exactly once"
    assert len(server.recorder.arrived) == 2
    assert server.recorder.sessions == 2, "a new connection after the break"
    assert waits == []
    assert store.message(first.id).attempts == 1
