"""Secrets never stored: a server that echoes the password (or its base64) in an error gets
it hidden before Afterword keeps, shows or logs its words (#16)."""

from __future__ import annotations

import base64
import socket
import sqlite3
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.smtp import AuthResult

from composer.account import ImapAccount, Security
from composer.credentials import Credentials
from composer.errors import ImapLoginFailed
from composer.imap import ImapConnection
from composer.login import xoauth2
from composer.outbox import Outbox
from composer.password_binding import Destination
from composer.paths import Paths
from composer.records import Message, MessageState, Profile
from composer.scrub import HIDDEN, sasl_forms, scrub, server_words
from composer.store import Store
from tests.conftest import LogRecords, server_context
from tests.helpers.smtp_server import USER, SmtpServer, account_for

# Not the suite's PASSWORD: the server's own log (mail.log) rightly holds what it said.
ECHOED = "s3cret-echo  Unicorn\t77?>"  # squeezed to one space when the line is tidied
TOKEN = "ya29.a0AfH6SMBx-echoed-token"


def encodings(secret: bytes) -> list[str]:
    """Base64 as a server may write it: standard, URL-safe, with and without padding."""
    forms = []
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(secret).decode()
        forms += [whole, whole.rstrip("=")]
    return forms


def every_form(secret: str, user: str = USER) -> list[str]:
    plain = f"\0{user}\0{secret}".encode()
    return [secret, *encodings(secret.encode()), *encodings(plain)]


def leaks(text: str, secret: str = ECHOED) -> list[str]:
    """Each form found, in any case and with the secret's whitespace squeezed too."""
    squeezed = " ".join(secret.split())
    forms = [*every_form(secret), squeezed.casefold(), squeezed.upper()]
    return [form for form in forms if form in text or form.casefold() in text.casefold()]


# --- the function ---------------------------------------------------------------------------


@pytest.mark.parametrize("form", every_form(ECHOED), ids=range(len(every_form(ECHOED))))
def test_every_form_of_the_password_is_hidden(form: str) -> None:
    said = scrub(f"535 5.7.8 bad credentials for {form} (try again)", sasl_forms(USER, ECHOED))
    assert leaks(said) == [] and HIDDEN in said
    assert said.startswith("535 5.7.8 bad credentials for ") and said.endswith("(try again)")


@pytest.mark.parametrize("prefix", [b"", b"a", b"ab", b"abc", b"user=zoe\x01auth=Bearer "])
def test_the_password_inside_any_base64_string_is_hidden(prefix: bytes) -> None:
    for encoded in encodings(prefix + ECHOED.encode() + b"\x01\x01"):
        said = scrub(f"NO {encoded}", [ECHOED])
        assert HIDDEN in said
        left = said.removeprefix("NO ").replace(HIDDEN, "")
        around = len(prefix) + len(b"\x01\x01")  # bytes that are not the password
        assert len(left) <= around * 4 // 3 + 6, "too much is left to hold no password"


def test_an_oauth_token_and_its_xoauth2_string_are_hidden() -> None:
    xoauth = base64.b64encode(xoauth2("zoe@example.org", TOKEN)).decode()
    said = scrub(f"535 {TOKEN} {xoauth}", sasl_forms("zoe@example.org", TOKEN))
    assert TOKEN not in said and xoauth not in said


def test_words_without_a_secret_are_kept_as_said() -> None:
    assert scrub("550 5.1.1 No such user here", [ECHOED, ""]) == "550 5.1.1 No such user here"


SPACED = "open  sesame\tnow"  # two spaces and a tab: the line is tidied before it is shown


@pytest.mark.parametrize(
    "echo",
    [SPACED, "open sesame now", "OPEN  SESAME\tNOW", "Open Sesame Now", "open\n sesame now"],
)
def test_a_password_echoed_with_other_spaces_or_case_is_hidden(echo: str) -> None:
    said = server_words(f"535 no such login: {echo} (try again)".encode(), [SPACED])
    assert said == f"535 no such login: {HIDDEN} (try again)"


def test_a_password_with_a_letter_that_folds_to_two_is_hidden_upper_cased() -> None:
    said = server_words("535 bad password STRASSE-99", ["Straße-99"])
    assert said == f"535 bad password {HIDDEN}"


# --- SMTP: a real server that echoes the password ---------------------------------------------


class Echoing:
    """An aiosmtpd authenticator refusing every sign-in, with the password in its reply."""

    def __init__(self, shout: bool = False) -> None:
        self.shout = shout  # echo the password upper-cased, as some servers do

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        password = auth_data.password.decode()
        b64 = base64.b64encode(password.encode()).decode()
        plain = base64.urlsafe_b64encode(f"\0{USER}\0{password}".encode()).decode().rstrip("=")
        echoed = password.upper() if self.shout else password
        message = f"535 5.7.8 bad credentials for {echoed} / {b64} / {plain}"
        return AuthResult(success=False, handled=False, message=message)


@pytest.fixture(params=[False, True], ids=["as-typed", "upper-cased"])
def echoing_server(ca: trustme.CA, request: pytest.FixtureRequest) -> Iterator[SmtpServer]:
    server = SmtpServer("starttls", server_context(ca, "localhost", "127.0.0.1"), {USER: "x"})
    server.controller.SMTP_kwargs["authenticator"] = Echoing(shout=request.param)
    yield server.start()
    server.stop()


def database_text(paths: Paths) -> str:
    with sqlite3.connect(paths.database) as db:
        return "\n".join(db.iterdump())


def test_an_smtp_server_echoing_the_password_has_it_in_no_record_message_or_log(
    store: Store, paths: Paths, echoing_server: SmtpServer, ca_file: Path
) -> None:
    store.save_profile(Profile(name="Zoë Müller", email="zoe@example.org"))
    credentials = Credentials(backend=object())
    outbox = Outbox(store, credentials)
    account = account_for(echoing_server, ca_file)
    outbox.save_account(account)
    credentials.use_for_session(account.key, ECHOED, [Destination.of(account)])
    message = outbox.queue(Message(to=["ana@acme.example"], subject="Thanks", body="Thank you."))
    assert message.id is not None
    logged = len(LogRecords.records)

    [result] = outbox.send([message.id])

    assert result.state is MessageState.FAILED
    assert "535 5.7.8 bad credentials for [hidden]" in result.detail, "the reason is still told"
    assert "Re-enter your password" in result.detail
    assert leaks(result.detail) == []
    stored = store.message(message.id).error or ""
    assert "bad credentials" in stored and leaks(stored) == []
    assert leaks(database_text(paths)) == []
    ours = [r for r in LogRecords.records[logged:] if not r.startswith("mail.log")]
    assert [r for r in ours if leaks(r)] == []


# --- IMAP: a scripted server on loopback that echoes the password -----------------------------


class EchoingImap:
    """Not a real IMAP server: a script on loopback (implicit TLS) that greets, offers AUTH=PLAIN
    and answers the sign-in with NO, echoing the password and the base64 it came in."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        try:
            raw, _ = self.sock.accept()
        except OSError:
            return
        with self.context.wrap_socket(raw, server_side=True) as conn, conn.makefile("rwb") as f:
            f.write(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
            f.flush()
            while line := f.readline():
                tag, _, command = line.decode().strip().partition(" ")
                f.write(self._answer(f, tag, command.upper()))
                f.flush()

    @staticmethod
    def _answer(f: Any, tag: str, command: str) -> bytes:
        if command.startswith("CAPABILITY"):
            return f"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n".encode()
        if command.startswith("AUTHENTICATE"):
            f.write(b"+ \r\n")
            f.flush()
            said = f.readline().strip()
            password = base64.b64decode(said).split(b"\0")[-1].decode()
            echo = f"{password} {said.decode()} {base64.b64encode(password.encode()).decode()}"
            return f"{tag} NO [AUTHENTICATIONFAILED] {echo}\r\n".encode()
        if command.startswith("LOGOUT"):
            return f"* BYE\r\n{tag} OK bye\r\n".encode()
        return f"{tag} BAD what\r\n".encode()

    def close(self) -> None:
        self.sock.close()


def test_an_imap_server_echoing_the_password_has_it_hidden_in_the_error(
    ca: trustme.CA, ca_file: Path
) -> None:
    server = EchoingImap(server_context(ca, "localhost", "127.0.0.1"))
    account = ImapAccount("127.0.0.1", server.port, Security.TLS, USER, str(ca_file), timeout=5)
    try:
        with pytest.raises(ImapLoginFailed) as failed, ImapConnection(account, ECHOED):
            pass
    finally:
        server.close()
    shown = str(failed.value)
    assert "AUTHENTICATIONFAILED" in shown and HIDDEN in shown
    assert leaks(shown) == []
