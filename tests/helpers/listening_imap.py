"""A stranger's IMAP server on loopback, as a crafted backup would point the mailbox at: it
speaks TLS with a certificate from the stranger's own CA, offers AUTH=PLAIN and LOGIN, and
keeps every byte a client sends it, so a test can tell whether the password got there."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from pathlib import Path

import trustme


class ListeningImap:
    def __init__(self, ca: trustme.CA) -> None:
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost", "127.0.0.1").configure_cert(self.context)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.host, self.port = "127.0.0.1", self.sock.getsockname()[1]
        self.connections = 0
        self.heard = b""  # everything clients sent, after TLS
        self._lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return  # closed
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._talk, args=(client,), daemon=True).start()

    def _talk(self, client: socket.socket) -> None:
        with contextlib.suppress(OSError, ssl.SSLError), client:
            client.settimeout(5)
            with self.context.wrap_socket(client, server_side=True) as tls:
                tls.sendall(b"* OK IMAP4rev1 ready\r\n")
                tag = b"*"
                for line in tls.makefile("rb"):
                    self._heard(line)
                    if line.strip().partition(b" ")[2]:
                        tag = line.split(b" ", 1)[0]
                    tls.sendall(_answer(line, tag))

    def _heard(self, line: bytes) -> None:
        with self._lock:
            self.heard += line

    def close(self) -> None:
        self.sock.close()


def _answer(line: bytes, tag: bytes) -> bytes:
    rest = line.strip().partition(b" ")[2]
    command = rest.split(b" ", 1)[0].upper()
    if command == b"CAPABILITY":
        return b"* CAPABILITY IMAP4rev1 AUTH=PLAIN LOGIN\r\n" + tag + b" OK done\r\n"
    if command == b"AUTHENTICATE":
        return b"+ \r\n"
    if not rest:  # the AUTHENTICATE response line (the password, base64): kept
        return tag + b" NO [AUTHENTICATIONFAILED] no\r\n"
    return tag + b" OK done\r\n"


def stranger_ca_file(ca: trustme.CA, folder: Path) -> Path:
    """The CA file a backup ships in its templates folder."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "company-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path
