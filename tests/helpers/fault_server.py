"""A real SMTP server on loopback that fails on purpose: one fault per test.

``FaultServer`` is the tests' ``SmtpServer`` (aiosmtpd, trustme TLS, AUTH) with a handler
and a protocol that misbehave as told: a reply instead of the greeting, a stall, a hang-up
at or after DATA, chosen replies to the end of DATA. It counts what it saw (connections,
logins, messages whose data arrived, messages accepted) so a test can say what the
server got. Every misbehaviour is bounded: a stall lasts ``STALL`` seconds at most, and
stopping the server cancels it.

``ROWS`` is the fault matrix: each way of failing, the words the user must see and how the
message must end. The core tests and the window tests both run it.
"""

from __future__ import annotations

import asyncio
import copy
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from composer.account import Security
from composer.records import MessageState
from tests.helpers.smtp_server import PASSWORD, USER, Received, Recorder, SmtpServer

STALL = 3.0  # seconds: far longer than the clients' timeouts here (0.5 s), never a hang
TIMEOUT = 0.5  # the client's timeout where a row waits for it


@dataclass
class Faults:
    """What the server does wrong; the defaults are a server that works."""

    greeting: str = ""  # sent instead of "220 ...", then the server hangs up
    stall_greeting: bool = False  # says nothing at all for STALL seconds
    hang_up_at_data: bool = False  # hangs up when the DATA command arrives
    data_replies: list[str] = field(default_factory=list)  # to the end of DATA; "" accepts
    after_data: str = ""  # "hang up" or "stall": the message is kept, the "250" never comes


@dataclass
class FaultRecorder(Recorder):
    faults: Faults = field(default_factory=Faults)
    arrived: list[Received] = field(default_factory=list)  # data in full, accepted or not
    sessions: int = 0  # connections, counted at the greeting

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        got = Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, session)
        self.arrived.append(got)
        if self.faults.data_replies and (reply := self.faults.data_replies.pop(0)):
            return reply
        if self.faults.after_data:
            self.received.append(got)  # the server has it; only the answer goes missing
            if self.faults.after_data == "hang up":
                server.transport.close()
            else:
                await asyncio.sleep(STALL)
            return "250 OK"
        return await super().handle_DATA(server, session, envelope)


class FaultySMTP(SMTP):
    """aiosmtpd's protocol, misbehaving where no handler hook reaches: greeting and DATA."""

    @property
    def faults(self) -> Faults:
        recorder: FaultRecorder = self.event_handler
        return recorder.faults

    async def _handle_client(self) -> None:  # aiosmtpd's own: greets, then reads commands
        self.event_handler.sessions += 1
        if self.faults.stall_greeting:
            await asyncio.sleep(STALL)
        elif self.faults.greeting:
            await self.push(self.faults.greeting)
        else:
            await super()._handle_client()
            return
        self._hang_up()

    async def smtp_DATA(self, arg: str) -> None:
        if self.faults.hang_up_at_data:
            self._hang_up()
            return
        await super().smtp_DATA(arg)

    def _hang_up(self) -> None:
        if self.transport is not None:
            self.transport.close()


class FaultController(Controller):
    def factory(self) -> FaultySMTP:
        return FaultySMTP(self.handler, **self.SMTP_kwargs)


class FaultServer(SmtpServer):
    controller_class = FaultController
    recorder: FaultRecorder

    def start(self) -> FaultServer:
        super().start()
        self.recorder.sessions = 0  # the controller's readiness probe is not a client
        return self

    def inject(self, faults: Faults) -> None:
        """After start: the controller's probe must find a server that greets."""
        self.recorder.faults = faults

    @property
    def logins(self) -> int:
        return self.users.tries if self.users else 0


EXPIRED_IN = datetime(2002, 1, 1, tzinfo=UTC)


def server_context(ca: trustme.CA, names: tuple[str, ...], *, expired: bool) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    if expired:  # long past on any date: TLS checks it against the machine's own clock
        leaf = ca.issue_cert(
            *names, not_before=datetime(2001, 1, 1, tzinfo=UTC), not_after=EXPIRED_IN
        )
    else:
        leaf = ca.issue_cert(*names)
    leaf.configure_cert(context)
    return context


FaultFactory = Callable[..., FaultServer]


@contextmanager
def fault_servers(ca: trustme.CA) -> Iterator[FaultFactory]:
    """``start(mode, names=, expired=, users=, refuse=, data_size_limit=, **faults)``: a
    started FaultServer (``faults`` are ``Faults`` fields); every one is stopped after."""
    started: list[FaultServer] = []

    def start(
        mode: str = "starttls",
        *,
        names: tuple[str, ...] = ("localhost", "127.0.0.1"),
        expired: bool = False,
        users: dict[str, str] | None = None,
        refuse: dict[str, str] | None = None,
        data_size_limit: int | None = None,
        **faults: Any,
    ) -> FaultServer:
        options = {} if data_size_limit is None else {"data_size_limit": data_size_limit}
        server = FaultServer(
            mode,
            server_context(ca, names, expired=expired),
            {USER: PASSWORD} if users is None else users,
            recorder=FaultRecorder(),
            **options,
        )
        server.recorder.refuse.update(refuse or {})
        started.append(server.start())
        server.inject(Faults(**copy.deepcopy(faults)))  # the server uses up data_replies
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


# --- the fault matrix --------------------------------------------------------------------

ANA, BO, CY = "ana@acme.example", "bo@acme.example", "cy@acme.example"


@dataclass(frozen=True)
class Row:
    """A way a server fails, what the user is told, and what must be true afterwards."""

    server: dict[str, Any]  # how to start the FaultServer
    shows: tuple[str, ...]  # words in the message the user sees (and the one stored)
    state: MessageState
    delivered: int = 0  # messages the server accepted (kept to deliver)
    arrived: int = 0  # messages whose data reached the server, accepted or not
    sessions: int = 1  # connections made
    logins: int = 1  # times the password was offered
    account: dict[str, Any] = field(default_factory=dict)  # changes to the working account
    to: tuple[str, ...] = (ANA,)
    big: bool = False  # a message larger than the row's server takes


# With RETRY_DELAYS of two waits, a "not now" is tried three times.
TRIES = 3

ROWS: dict[str, Row] = {
    "421 at the greeting": Row(
        server={"greeting": "421 4.3.2 Too busy, try again later"},
        shows=(
            "is busy or not taking mail just now (421 4.3.2 Too busy, try again later)",
            "Nothing was sent.",
            f"Afterword tried {TRIES} times; please try again later.",
        ),
        state=MessageState.FAILED,
        sessions=TRIES,
        logins=0,
    ),
    "535 on AUTH": Row(
        server={"users": {}},  # the server knows no one: every login is refused with 535
        shows=("did not accept the user name or password (535 5.7.8", "Settings › Account"),
        state=MessageState.FAILED,
    ),
    "550 for one of three recipients": Row(
        server={"refuse": {BO: "550 5.1.1 No such user here"}},
        to=(ANA, BO, CY),
        shows=(
            f"The server refused this recipient: {BO} (550 5.1.1 No such user here).",
            "Nobody was sent it.",
        ),
        state=MessageState.FAILED,
    ),
    "552 too large, declared with SIZE": Row(
        server={"data_size_limit": 4000},
        big=True,
        shows=(
            "refused the message because it is too large (552 Error: message size exceeds",
            "Nothing was delivered. Remove or shrink attachments",
        ),
        state=MessageState.FAILED,
    ),
    "552 too large, at the end of DATA": Row(
        server={"data_replies": ["552 5.3.4 Message too big for system"]},
        shows=(
            "refused the message because it is too large (552 5.3.4 Message too big",
            "Nothing was delivered. Remove or shrink attachments",
        ),
        state=MessageState.FAILED,
        arrived=1,
    ),
    "451 at the end of DATA, every try": Row(
        server={"data_replies": ["451 4.3.0 Local error in processing"] * TRIES},
        shows=(
            "could not take the message just now (451 4.3.0 Local error in processing)",
            f"Nothing was delivered. Afterword tried {TRIES} times; please try again later.",
        ),
        state=MessageState.FAILED,
        arrived=TRIES,
    ),
    "451 at the end of DATA, then accepted": Row(
        server={"data_replies": ["451 4.3.0 Local error in processing"]},
        shows=("250 2.0.0 Message accepted for delivery",),
        state=MessageState.SENT,
        arrived=2,
        delivered=1,
    ),
    "hang-up at DATA": Row(
        server={"hang_up_at_data": True},
        shows=("closed the connection before the message was sent", "Nothing was delivered"),
        state=MessageState.FAILED,
    ),
    "hang-up after the end of DATA": Row(
        server={"after_data": "hang up"},
        shows=(
            "broke just after the message was handed over",
            "may or may not have been delivered",
        ),
        state=MessageState.UNCERTAIN,
        arrived=1,
        delivered=1,
    ),
    "stall at the greeting": Row(
        server={"stall_greeting": True},
        account={"timeout": TIMEOUT},
        shows=(f"did not answer within {TIMEOUT:g} seconds", "Nothing was sent"),
        state=MessageState.FAILED,
        logins=0,
    ),
    "stall after the end of DATA": Row(
        server={"after_data": "stall"},
        account={"timeout": TIMEOUT},
        shows=(
            f"did not confirm the message within {TIMEOUT:g} seconds after it was handed over",
            "may or may not have been delivered",
        ),
        state=MessageState.UNCERTAIN,
        arrived=1,
        delivered=1,
    ),
    "STARTTLS required, not offered": Row(
        server={"mode": "plain"},
        account={"security": Security.STARTTLS},
        shows=("does not offer STARTTLS", "nothing was sent"),
        state=MessageState.FAILED,
        logins=0,  # the password never crossed the unencrypted connection
    ),
    "certificate for another host": Row(
        server={"names": ("mail.example.org",)},
        shows=("presented a certificate that cannot be trusted", "mismatch", "Nothing was sent"),
        state=MessageState.FAILED,
        logins=0,
    ),
    "expired certificate": Row(
        server={"expired": True},
        shows=(
            "presented a certificate that is expired (certificate has expired)",
            "Nothing was sent",
        ),
        state=MessageState.FAILED,
        logins=0,
    ),
}
