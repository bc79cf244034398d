"""A real SMTP server on loopback for tests: aiosmtpd with trustme certificates.

It records what arrived (envelope and exact bytes) and on which connection, so tests can
check what a recipient would get and that a batch used one connection.
"""

from __future__ import annotations

import socket
import ssl
import threading
from base64 import b64decode
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from composer.account import Security, SmtpAccount

USER = "zoe"
PASSWORD = "correct horse battery staple 42"


def free_port() -> int:
    """Controller(port=0) cannot work (its readiness probe dials port 0): pick one first."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes
    session: Any


@dataclass
class Recorder:
    """The handler: keeps every message and refuses the recipients it is told to."""

    refuse: dict[str, str] = field(default_factory=dict)  # address -> "550 ..." reply
    received: list[Received] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)  # user -> OAuth2 access token
    challenge_answers: list[bytes] = field(default_factory=list)  # to a refused token's JSON

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:
        """OAuth2 sign-in as Google and Microsoft take it: a refused token gets a JSON
        challenge saying why, and 535 once the client has answered it (empty)."""
        response = args[1] if len(args) > 1 else ""
        try:
            fields = dict(
                part.split("=", 1) for part in b64decode(response).decode().split("\x01") if part
            )
        except ValueError:
            fields = {}
        user, bearer = fields.get("user", ""), fields.get("auth", "")
        if user in self.tokens and bearer == f"Bearer {self.tokens[user]}":
            return AuthResult(success=True)
        answer = await server.challenge_auth('{"status":"401","schemes":"bearer"}')
        self.challenge_answers.append(answer if isinstance(answer, bytes) else b"<none>")
        return AuthResult(success=False, handled=False)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, session)
        )
        return "250 2.0.0 Message accepted for delivery"

    @property
    def connections(self) -> int:
        return len({id(r.session) for r in self.received})


class Users:
    """Checks AUTH PLAIN/LOGIN; a failure answers 535 (handled=False, or the client hangs)."""

    def __init__(self, accounts: dict[str, str]) -> None:
        self.accounts = accounts
        self.tries = 0  # AUTH attempts seen: a password offered, right or wrong

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        self.tries += 1
        if isinstance(auth_data, LoginPassword):
            login = auth_data.login.decode()
            if self.accounts.get(login) == auth_data.password.decode():
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


class SmtpServer:
    """``mode``: "starttls" (required), "tls" (implicit), or "plain" (no TLS offered).

    ``recorder`` replaces the handler; ``smtp_options`` go to aiosmtpd's ``SMTP`` (such as
    ``data_size_limit``); a subclass may set ``controller_class``.
    """

    controller_class: type[Controller] = Controller

    def __init__(
        self,
        mode: str,
        server_context: ssl.SSLContext | None,
        users: dict[str, str] | None = None,
        *,
        recorder: Recorder | None = None,
        **smtp_options: Any,
    ) -> None:
        self.mode = mode
        self.host = "127.0.0.1"
        self.port = free_port()
        self.recorder = recorder or Recorder()
        self.users = Users(users) if users is not None else None
        options: dict[str, Any] = dict(smtp_options)
        if self.users is not None:
            # aiosmtpd counts only STARTTLS as TLS for auth_require_tls; implicit TLS is TLS.
            options.update(authenticator=self.users, auth_require_tls=mode == "starttls")
        if mode == "starttls":
            options.update(tls_context=server_context, require_starttls=True)
        elif mode == "tls":
            options.update(ssl_context=server_context)
        self.controller = self.controller_class(
            self.recorder,
            hostname=self.host,
            port=self.port,
            server_hostname="localhost",
            **options,
        )

    @property
    def received(self) -> list[Received]:
        return self.recorder.received

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def account_for(server: SmtpServer, ca_file: Path | None, **changes: object) -> SmtpAccount:
    security = {"starttls": Security.STARTTLS, "tls": Security.TLS, "plain": Security.NONE}
    values: dict[str, object] = {
        "host": server.host,
        "port": server.port,
        "security": security[server.mode],
        "username": USER,
        "from_address": "zoe@example.org",
        "ca_file": str(ca_file) if ca_file else "",
        "timeout": 5.0,
    }
    values.update(changes)
    return SmtpAccount(**values)  # type: ignore[arg-type]


class RawListener:
    """A TCP server that misbehaves below SMTP: never greets, or hangs up at once."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour  # "silent" or "hang-up"
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.host = "127.0.0.1"
        self.port = int(self.sock.getsockname()[1])
        self._thread: threading.Thread | None = None
        if behaviour == "hang-up":
            self._thread = threading.Thread(target=self._hang_up, daemon=True)
            self._thread.start()

    def _hang_up(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.close()

    def close(self) -> None:
        self.sock.close()
