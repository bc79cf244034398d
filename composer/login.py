"""What the senders sign in with: one interface for a password today and an OAuth2 token
(XOAUTH2) later, so adding a provider's sign-in never touches SMTP or IMAP code.

``SmtpConnection`` and ``ImapConnection`` take a ``LoginSecret`` (or, for scripts and
tests, the password itself) and call ``login()`` as they open, on their worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from types import TracebackType
from typing import Generic, Protocol, Self, TypeVar

from composer.credentials import Credentials
from composer.password_binding import Account, Destination


class Mechanism(StrEnum):
    # the secret is a password: SMTP AUTH PLAIN/LOGIN, IMAP LOGIN
    PASSWORD = "password"  # noqa: S105 - a mechanism's name, not a password
    XOAUTH2 = "xoauth2"  # the secret is an OAuth2 access token; nothing gives one yet


@dataclass(frozen=True)
class Login:
    mechanism: Mechanism
    secret: str = field(repr=False)  # never in a log line or a traceback's locals repr


class LoginSecret(Protocol):
    """What a sender asks, just before logging in, for how to authenticate.

    ``SmtpConnection(account, secret)`` calls ``secret.login()`` in ``open()``; a
    ``Mechanism.PASSWORD`` login uses the server's password mechanisms, a
    ``Mechanism.XOAUTH2`` one sends ``xoauth2(user, token)`` with AUTH/AUTHENTICATE
    XOAUTH2. ``None`` means nothing is stored, which they report as ``PasswordMissing``.
    An OAuth2 provider is then one more class here, refreshing its token inside
    ``login()``. ``login()`` may block (keyring, token refresh): call it off the GUI
    thread, like the senders.
    """

    def login(self) -> Login | None: ...


@dataclass(frozen=True)
class PasswordSecret:
    """A password from the keyring (or this session's memory), under the account's key,
    for the one server it is about to be sent to: the only place a stored password is read
    for a server, so a password saved for another server, port, user or CA is never sent
    (``PasswordNotForThisServer``)."""

    credentials: Credentials
    key: str  # ``SmtpAccount.key``, or ``ImapAccount.key`` when the mailbox has its own
    server: Account  # the account it is about to be sent to

    def login(self) -> Login | None:
        destination = Destination.of(self.server)
        password = self.credentials.password_for(self.key, destination)
        return Login(Mechanism.PASSWORD, password) if password else None


@dataclass(frozen=True)
class KnownPassword:
    """A password at hand (typed in Settings for "Test connection", or a script's)."""

    password: str | None = field(repr=False)

    def login(self) -> Login | None:
        return Login(Mechanism.PASSWORD, self.password) if self.password else None


def as_secret(secret: LoginSecret | str | None) -> LoginSecret:
    return KnownPassword(secret) if secret is None or isinstance(secret, str) else secret


def xoauth2(user: str, token: str) -> bytes:
    """The XOAUTH2 initial response (Google's and Microsoft's SASL mechanism)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()


class ServerAddress(Protocol):
    """An account's server, as ``SmtpAccount`` and ``ImapAccount`` name it."""

    @property
    def host(self) -> str: ...

    @property
    def port(self) -> int: ...


A = TypeVar("A", bound=ServerAddress)


class ServerConnection(Generic[A]):
    """What the SMTP and IMAP connections share: their account, what signs them in, and
    ``with`` opening and closing them. Subclasses say how to open and close."""

    def __init__(self, account: A, secret: LoginSecret | str | None) -> None:
        self.account = account
        self._secret = as_secret(secret)

    @property
    def where(self) -> str:
        return f"{self.account.host}:{self.account.port}"

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError
