"""A real IMAP server on loopback for tests: Dovecot with its own config and trustme certificates.

Nothing of the system's Dovecot config is read or touched: everything lives in one temp dir.
Each test logs in as a user of its own, so every test starts with empty mailboxes.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Self

import trustme

from tests.helpers.clock import clock, server_environment

PASSWORD = "correct horse battery staple 42"
DOVECOT = "/usr/sbin/dovecot"
DOVEADM = "/usr/bin/doveadm"
USERS = 200
# Named unlike any usual Sent folder, so only the \Sent flag can tell a client it is one.
# Not made on its own (auto = no): a user without it has no \Sent mailbox at all.
FLAGGED_SENT = "Gesendet"
FLAGGED_JUNK = "Werbung"  # \Junk, by a name no usual list holds


def available() -> bool:
    return bool(_binary("dovecot", DOVECOT) and _binary("doveadm", DOVEADM))


def _binary(name: str, usual: str) -> str | None:
    return shutil.which(name) or (usual if os.access(usual, os.X_OK) else None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Mail:
    """One message as the server holds it."""

    raw: bytes
    flags: tuple[str, ...]


class DovecotServer:
    """Plain IMAP with STARTTLS on ``starttls_port``, implicit TLS on ``tls_port``."""

    host = "127.0.0.1"

    def __init__(self, ca: trustme.CA) -> None:
        # Not under pytest's tmp_path: its 0700 parents keep Dovecot's own users out.
        self.root = Path(tempfile.mkdtemp(prefix="afterword-dovecot-"))
        self.starttls_port = free_port()
        self.tls_port = free_port()
        self.config = self.root / "dovecot.conf"
        self._users = 0
        self._mail_user, self._service_users = _run_as()
        self._write(ca)

    def _write(self, ca: trustme.CA) -> None:
        root = self.root
        root.chmod(0o755)  # the unprivileged Dovecot processes read the certificate and users
        for sub in ("home", "run", "state"):
            (root / sub).mkdir()
        issued = ca.issue_cert("127.0.0.1", "localhost")
        issued.cert_chain_pems[0].write_to_path(str(root / "cert.pem"))
        issued.private_key_pem.write_to_path(str(root / "key.pem"))
        (root / "users").write_text(  # written up front: a user added later may not be seen
            "".join(f"user{n}:{{PLAIN}}{PASSWORD}\n" for n in range(1, USERS + 1))
        )
        shutil.chown(root / "home", self._mail_user, self._mail_user)
        internal, login = self._service_users
        self.config.write_text(
            f"""base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/log
protocols = imap
listen = 127.0.0.1
service imap-login {{
  inet_listener imap {{
    port = {self.starttls_port}
  }}
  inet_listener imaps {{
    port = {self.tls_port}
    ssl = yes
  }}
}}
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
auth_failure_delay = 0
{self._sign_in()}
userdb {{
  driver = static
  args = uid={self._mail_user} gid={self._mail_user} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  mailbox {FLAGGED_SENT} {{
    special_use = \\Sent
    auto = no
  }}
  mailbox {FLAGGED_JUNK} {{
    special_use = \\Junk
    auto = no
  }}
}}
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 1
import_environment = {_environment()}
"""
        )

    def _sign_in(self) -> str:
        """Passwords from the users file (what a test reads back with)."""
        return f"""auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root}/users
}}"""

    def add_user(self) -> str:
        """A user of its own, with empty mailboxes, for one test."""
        self._users += 1
        assert self._users <= USERS, "raise USERS in tests/helpers/imap_server.py"
        return f"user{self._users}"

    def start(self) -> Self:
        with (self.root / "start.log").open("wb") as output:  # it daemonizes: no pipe
            subprocess.run(
                [_binary("dovecot", DOVECOT) or DOVECOT, "-c", str(self.config)],
                stdout=output,
                stderr=subprocess.STDOUT,
                check=False,
                timeout=30,
                env=_on_the_tests_clock(),
            )
        deadline = time.monotonic() + 10
        while not all(map(self._accepts, (self.starttls_port, self.tls_port))):
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Dovecot did not start:\n{self.log()}")
            time.sleep(0.02)
        return self

    def _accepts(self, port: int) -> bool:
        try:
            socket.create_connection((self.host, port), timeout=0.5).close()
        except OSError:
            return False
        return True

    def stop(self) -> None:
        subprocess.run(
            [_binary("doveadm", DOVEADM) or DOVEADM, "-c", str(self.config), "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            timeout=30,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def body_bytes_read(self, user: str) -> int:
        """Message body bytes the server sent ``user``'s finished sessions, from its log."""
        deadline = time.monotonic() + 2  # each session logs this as it ends, just after
        while True:
            lines = [line for line in self.log().splitlines() if f"imap({user})" in line]
            ended = [line for line in lines if "Disconnected" in line]
            if ended or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        return sum(int(n) for line in ended for n in re.findall(r"body_bytes=(\d+)", line))

    def log(self) -> str:
        parts = [self.root / "start.log", self.root / "log"]
        return "\n".join(p.read_text(errors="replace") for p in parts if p.exists())

    # --- looking inside, as a second client would --------------------------------------

    def client(self, user: str, ca_file: Path) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=str(ca_file))
        imap = imaplib.IMAP4_SSL(self.host, self.tls_port, ssl_context=context, timeout=30)
        imap.login(user, PASSWORD)
        return imap

    def messages(self, user: str, mailbox: str, ca_file: Path) -> list[Mail]:
        imap = self.client(user, ca_file)
        try:
            status, _ = imap.select(_quoted(mailbox), readonly=True)
            assert status == "OK", f"no mailbox {mailbox!r}"
            status, data = imap.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[])")
            found: list[Mail] = []
            for item in data:
                if isinstance(item, tuple):
                    flags = imaplib.ParseFlags(item[0])
                    found.append(Mail(item[1], tuple(f.decode() for f in flags)))
            return found
        finally:
            imap.logout()

    def mailboxes(self, user: str, ca_file: Path) -> list[bytes]:
        imap = self.client(user, ca_file)
        try:
            return [line for line in imap.list()[1] if isinstance(line, bytes)]
        finally:
            imap.logout()

    def create(self, user: str, mailbox: str, ca_file: Path) -> None:
        imap = self.client(user, ca_file)
        try:
            assert imap.create(_quoted(mailbox))[0] == "OK"
        finally:
            imap.logout()

    def deliver(
        self,
        user: str,
        raw: bytes,
        ca_file: Path,
        mailbox: str = "INBOX",
        arrived: datetime | None = None,
    ) -> None:
        """Puts a message in a mailbox as if it had arrived (a reply from a contact), at the
        tests' clock or at ``arrived`` (as a message moved in from another folder keeps its
        date)."""
        if arrived is not None and arrived > clock():
            raise ValueError("Dovecot dates mail in its future with the machine's time")
        imap = self.client(user, ca_file)
        when = imaplib.Time2Internaldate(arrived or clock())
        try:
            assert imap.append(_quoted(mailbox), None, when, raw)[0] == "OK"
        finally:
            imap.logout()


def _on_the_tests_clock() -> dict[str, str]:
    """Dovecot's own process on the clock its children get, whatever clock this run has."""
    ours = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")}
    return ours | server_environment()


def _environment() -> str:
    """Dovecot clears its children's environment: the clock goes to them by name=value."""
    return " ".join(f"{name}={value}" for name, value in server_environment().items())


def _quoted(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _run_as() -> tuple[str, tuple[str, str]]:
    """As root (CI), mail is owned by ``vmail`` and Dovecot's own processes run as its system
    users (imap-login refuses root); otherwise everything runs as whoever runs the tests."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid()).pw_name
        return me, (me, me)
    return "vmail", ("dovecot", "dovenull")


def missing_users() -> list[str]:
    if os.geteuid() != 0:
        return []
    needed = ["vmail", "dovecot", "dovenull"]
    missing = []
    for name in needed:
        try:
            pwd.getpwnam(name)
        except KeyError:
            missing.append(name)
    return missing


MAIL_SERVER = "mail-server"  # as tests/helpers/oauth_server.py knows it


class OAuthDovecot(DovecotServer):
    """Also takes OAuth2 tokens (XOAUTH2, OAUTHBEARER), each checked by asking the
    authorization server's introspection endpoint, as a provider's IMAP server does."""

    def __init__(self, ca: trustme.CA, introspection_url: str) -> None:
        self.introspection_url = introspection_url
        super().__init__(ca)

    def _sign_in(self) -> str:
        conf = self.root / "oauth2.conf"
        conf.write_text(
            f"""introspection_mode = post
introspection_url = {self.introspection_url}
client_id = {MAIL_SERVER}
username_attribute = username
active_attribute = active
active_value = true
"""
        )
        return f"""auth_mechanisms = xoauth2 oauthbearer plain login
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {self.root}/users
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {conf}
}}"""
