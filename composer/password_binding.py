"""Where a stored password may go: the servers it was saved for, kept in the keyring next
to it (never in the database or settings, which a restored backup replaces).

A backup can point the mailbox or the account at another server, or ship a CA file that
makes a stranger's certificate trusted; the password then goes nowhere it was not saved
for, and the user is asked again, told why.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Protocol

from composer.certificate import read_ca_file
from composer.errors import AccountError, PasswordNotForThisServer

BINDING_SUFFIX = "#for"  # the keyring entry beside the password's: key + this


class Account(Protocol):
    """An ``SmtpAccount`` or an ``ImapAccount``."""

    @property
    def key(self) -> str: ...

    @property
    def host(self) -> str: ...

    @property
    def port(self) -> int: ...

    @property
    def username(self) -> str: ...

    @property
    def security(self) -> str: ...

    @property
    def ca_file(self) -> str: ...


@dataclass(frozen=True)
class Destination:
    """One server a password may be sent to, as it was when the password was saved."""

    host: str
    port: int
    username: str
    security: str
    ca_sha256: str = ""  # of the CA file's contents; "" for the system's CAs only
    kind: str = ""  # "smtp" or "imap": which settings name it, to tell the user
    ca_file: str = field(default="", compare=False)  # where it is now, to show it
    account_key: str = field(default="", compare=False)  # the account's own keyring entry

    @classmethod
    def of(cls, account: Account) -> Destination:
        """Blocking (reads the CA file)."""
        return cls(
            host=account.host.strip().lower(),
            port=account.port,
            username=account.username,
            security=str(account.security),
            ca_sha256=ca_fingerprint(account.ca_file),
            kind=account.key.partition(":")[0],
            ca_file=account.ca_file,
            account_key=account.key,
        )

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def same_server(self, other: Destination) -> bool:
        return (self.host, self.port, self.username) == (other.host, other.port, other.username)


def ca_fingerprint(ca_file: str) -> str:
    """Read as ``composer/certificate.py`` reads it: a pipe or a device is never waited on."""
    if not ca_file:
        return ""
    try:
        return hashlib.sha256(read_ca_file(ca_file)).hexdigest()
    except AccountError:
        return "unreadable"  # matches nothing: opening the account then says what is wrong


def to_text(destinations: Sequence[Destination]) -> str:
    return json.dumps([_saved(d) for d in destinations])


def destinations_from_text(text: str) -> tuple[Destination, ...]:
    """What the keyring entry says; a damaged entry allows nothing (the user is asked)."""
    try:
        items = json.loads(text)
        return tuple(Destination(**item) for item in items if isinstance(item, dict))
    except (ValueError, TypeError):
        return ()


def _saved(destination: Destination) -> dict[str, object]:
    data = asdict(destination)
    del data["ca_file"], data["account_key"]  # where it was is not what it was
    return data


def check_destination(
    key: str, saved_for: tuple[Destination, ...] | None, wanted: Destination
) -> None:
    """Raises ``PasswordNotForThisServer`` unless ``wanted`` is one it was saved for.
    ``saved_for`` None: an entry from before bindings, good only for the very server its
    key names, with the system's CAs."""
    if saved_for is None:
        if wanted.account_key == key and not wanted.ca_sha256:
            return
        closest = _from_key(key)
    elif wanted in saved_for:
        return
    else:
        closest = _closest(saved_for, wanted)
    raise _refusal(wanted, closest)


def _closest(saved_for: tuple[Destination, ...], wanted: Destination) -> Destination | None:
    """The one to name as "saved for": the same server, else the same kind (the mailbox's)."""
    same = [d for d in saved_for if d.same_server(wanted)]
    alike = [d for d in saved_for if d.kind == wanted.kind]
    return next(iter(same + alike + list(saved_for)), None)


def _from_key(key: str) -> Destination | None:
    """The server a key such as ``smtp:user@host:port`` names."""
    try:
        kind_user, _, where = key.rpartition("@")
        host, _, port = where.rpartition(":")
        kind, _, user = kind_user.partition(":")
        return Destination(host.lower(), int(port), user, "", kind=kind)
    except ValueError:
        return None


def _refusal(wanted: Destination, closest: Destination | None) -> PasswordNotForThisServer:
    what = "mailbox" if wanted.kind == "imap" else "sending account"
    if (
        closest is not None
        and closest.same_server(wanted)
        and closest.ca_sha256 != wanted.ca_sha256
    ):
        if wanted.ca_sha256:
            return PasswordNotForThisServer(
                f"Your {what} settings now trust a certificate (CA file {wanted.ca_file}) "
                f"that your password for {wanted.where} was not saved with. Check the "
                "certificate, and enter your password to use it there only if you trust it.",
                ca_file=wanted.ca_file,
            )
        return PasswordNotForThisServer(
            f"Your {what} settings for {wanted.where} no longer use the certificate your "
            "password was saved with. Enter your password to use it there."
        )
    before = f" ({closest.where})" if closest is not None else ""
    return PasswordNotForThisServer(
        f"Your {what} settings now point to {wanted.where}, not the server your password "
        f"was saved for{before}. Enter your password to use it there.",
        ca_file=wanted.ca_file if wanted.ca_sha256 else "",
    )
