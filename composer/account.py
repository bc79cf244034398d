"""The user's outgoing mail account: everything but the password, which lives in the keyring."""

from __future__ import annotations

import ipaddress
import ssl
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from composer.certificate import check_ca_file
from composer.errors import AccountError
from composer.mail import parse_address


class Security(StrEnum):
    TLS = "tls"  # implicit TLS, usually port 465
    STARTTLS = "starttls"  # usually port 587; never falls back to plain text
    NONE = "none"  # only to a server on this machine (a local relay or test server)


DEFAULT_PORTS = {Security.TLS: 465, Security.STARTTLS: 587, Security.NONE: 25}


@dataclass(frozen=True)
class SmtpAccount:
    host: str
    port: int
    security: Security
    username: str
    from_address: str
    ca_file: str = ""  # an extra CA to trust (a company or test CA), added to the system's
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
        parse_address(self.from_address, "From")
        if self.security is Security.NONE and not is_loopback(self.host):
            raise AccountError(
                f"Sending without encryption is only allowed to this computer, not to "
                f"{self.host}: your password and messages would cross the network readable "
                "by anyone. Choose STARTTLS or TLS in Settings."
            )
        if self.ca_file:
            check_ca_file(self.ca_file)

    def ssl_context(self) -> ssl.SSLContext:
        return verifying_context(self.ca_file)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SmtpAccount:
        return cls(**{**data, "security": Security(data["security"])})


def verifying_context(ca_file: str = "") -> ssl.SSLContext:
    """Always verifying: the system's trusted CAs, plus the account's CA file if any."""
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
