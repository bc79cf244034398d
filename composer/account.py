"""The user's two accounts, sending (SMTP) and mailbox (IMAP): everything but the password,
which lives in the keyring. Both are read from settings a newer version, a restored backup or
a hand edit may have written, so reading them never crashes: unknown keys are left out (and
kept in the stored settings by ``kept_unknown``), wrong values are a clear ``AccountError``.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Mapping
from dataclasses import MISSING, Field, asdict, dataclass, fields
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Self

from composer.certificate import check_ca_file
from composer.errors import AccountError

if TYPE_CHECKING:  # ssl and the email package load when a connection is made, not at start-up
    import ssl

_log = logging.getLogger(__name__)


class Security(StrEnum):
    TLS = "tls"  # implicit TLS, usually port 465
    STARTTLS = "starttls"  # usually port 587; never falls back to plain text
    NONE = "none"  # only to a server on this machine (a local relay or test server)


DEFAULT_PORTS = {Security.TLS: 465, Security.STARTTLS: 587, Security.NONE: 25}
_NUMBER = "is not a number"


class ServerAccount:
    """What both accounts share: where the server is and how to reach it safely. Each kind
    is a frozen dataclass over this, declaring these fields in its own order."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]
    KIND: ClassVar[str]  # as the user calls it: "Your {KIND} settings are damaged"
    PLACE: ClassVar[str]  # where in Settings it is set
    host: str
    port: int
    security: Security
    username: str
    ca_file: str  # an extra CA to trust (a company or test CA), added to the system's
    timeout: float

    if TYPE_CHECKING:

        def __init__(self, **values: Any) -> None: ...

    def ssl_context(self) -> ssl.SSLContext:
        return verifying_context(self.ca_file)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Tolerant: keys this version does not know are left out (named in the log, never
        their values), a missing or wrong-typed value is a clear ``AccountError``."""
        if not isinstance(data, Mapping):
            raise cls.damaged("they are not a set of named values")
        known = {field.name: field for field in fields(cls)}
        unknown = sorted(str(key) for key in data if key not in known)
        if unknown:
            _log.info("%s settings: left out unknown keys %s", cls.KIND, unknown)
        values = {}
        for name, field in known.items():
            if name in data:
                values[name] = cls._checked(name, str(field.type), data[name])
            elif field.default is MISSING:
                raise cls.damaged(f"{name} is missing")
        return cls(**values)

    @classmethod
    def _checked(cls, name: str, kind: str, value: Any) -> Any:
        if kind == "Security":
            try:
                return Security(value)
            except (ValueError, TypeError):
                raise cls.damaged(f"{name} is not one of tls, starttls or none") from None
        if kind in ("int", "float"):
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if not number or (kind == "int" and not isinstance(value, int)):
                raise cls.damaged(f"{name} {_NUMBER}")
            return float(value) if kind == "float" else value
        if not isinstance(value, str):
            raise cls.damaged(f"{name} is not text")
        return value

    @classmethod
    def damaged(cls, detail: str) -> AccountError:
        return AccountError(
            f"Your {cls.KIND} settings are damaged ({detail}). "
            f"Set them again in Settings › {cls.PLACE}."
        )


def kept_unknown(account: ServerAccount, stored: Any, also: tuple[str, ...] = ()) -> dict[str, Any]:
    """What to save: the account, plus the keys of the stored settings this version does
    not know (a newer version's), so that a round trip through this version keeps them.
    ``also``: keys saved beside the account, known too."""
    known = {field.name for field in fields(account)} | set(also)
    extra = {k: v for k, v in stored.items() if k not in known} if isinstance(stored, dict) else {}
    return {**extra, **account.to_dict()}


@dataclass(frozen=True)
class SmtpAccount(ServerAccount):
    KIND: ClassVar[str] = "mail account"
    PLACE: ClassVar[str] = "Account"
    host: str
    port: int
    security: Security
    username: str
    from_address: str
    ca_file: str = ""
    timeout: float = 30.0

    @property
    def key(self) -> str:
        """The keyring entry: one per account, so two accounts never share a password."""
        return f"smtp:{self.username or self.from_address}@{self.host}:{self.port}"

    def validate(self) -> None:
        if not self.host.strip():
            raise AccountError("The mail account has no server name. Set it in Settings.")
        if not 0 < self.port < 65536:
            raise AccountError(f"The port {self.port} is not valid; try 587 or 465.")
        from composer.mail import parse_address

        parse_address(self.from_address, "From")
        if self.security is Security.NONE and not is_loopback(self.host):
            raise AccountError(
                f"Sending without encryption is only allowed to this computer, not to "
                f"{self.host}: your password and messages would cross the network readable "
                "by anyone. Choose STARTTLS or TLS in Settings."
            )
        if self.ca_file:
            check_ca_file(self.ca_file)


@dataclass(frozen=True)
class ImapAccount(ServerAccount):
    KIND: ClassVar[str] = "mailbox"
    PLACE: ClassVar[str] = "Mailbox"
    host: str
    port: int
    security: Security  # TLS (usually port 993) or STARTTLS (usually 143); never plain
    username: str
    ca_file: str = ""
    timeout: float = 30.0

    @property
    def key(self) -> str:
        """The keyring entry, apart from the SMTP account's even when the password is shared."""
        return f"imap:{self.username}@{self.host}:{self.port}"

    def validate(self) -> None:
        if not self.host.strip():
            raise AccountError("The mailbox (IMAP) account has no server name. Set it in Settings.")
        if not 0 < self.port < 65536:
            raise AccountError(f"The IMAP port {self.port} is not valid; try 993 or 143.")
        if self.security is Security.NONE:
            raise AccountError(
                "Reading your mailbox without encryption is not allowed: your password and "
                "mail would cross the network readable by anyone. Choose TLS or STARTTLS."
            )
        if not self.username.strip():
            raise AccountError("The mailbox (IMAP) account has no user name. Set it in Settings.")
        if self.ca_file:
            check_ca_file(self.ca_file)


def verifying_context(ca_file: str = "") -> ssl.SSLContext:
    """Always verifying: the system's trusted CAs, plus the account's CA file if any."""
    import ssl

    context = ssl.create_default_context()
    if ca_file:
        check_ca_file(ca_file)  # a pipe or a device named by a backup is not waited on
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as error:
            raise AccountError(
                f"The certificate file {ca_file} cannot be used ({error}). "
                "Choose a PEM certificate file in Settings."
            ) from None
    return context


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
