"""The loopback mail server for the send figures, in a process of its own (as a real
server would be), so it never competes with the app for the GIL.

``python -m bench.smtp_server DIR`` writes a throw-away CA to ``DIR/ca.pem``, serves SMTP
with STARTTLS required and AUTH (aiosmtpd, trustme certificate), prints ``port N`` and
runs until its stdin closes.
"""

from __future__ import annotations

import logging
import socket
import ssl
import sys
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "sam"
PASSWORD = "bench password 7 horses"  # noqa: S105 (a throw-away server's)
HOST = "127.0.0.1"


class Sink:
    """Accepts every message and keeps only a count."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 2.0.0 Message accepted for delivery"


def authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    if (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == USER
        and auth_data.password.decode() == PASSWORD
    ):
        return AuthResult(success=True)
    return AuthResult(success=False, handled=False)  # handled=True would hang the client


def free_port() -> int:
    """Controller(port=0) cannot work (its readiness probe dials port 0): pick one first."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def serve(folder: Path) -> None:
    logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd warns of its own API
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", HOST).configure_cert(context)
    port = free_port()
    controller = Controller(
        Sink(),
        hostname=HOST,
        port=port,
        server_hostname="localhost",
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    )
    controller.start()
    print(f"port {port}", flush=True)
    try:
        sys.stdin.read()  # until the benchmark closes the pipe
    finally:
        controller.stop()


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
