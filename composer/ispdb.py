"""Thunderbird's autoconfig format (ISPDB, config-v1.1.xml), read as untrusted input.

The document comes from whoever answers for a domain: it is capped in size, refused if it
declares a DTD (no entity can then expand), and only IMAP and SMTP servers reached over TLS
or STARTTLS are taken: a plain-text server would show the password to the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree import ElementTree

from composer.account import Security
from composer.providers import Server

MAX_BYTES = 100_000  # real ones are a few KB
_SECURITY = {"SSL": Security.TLS, "STARTTLS": Security.STARTTLS}
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")


@dataclass(frozen=True)
class ProviderSettings:
    """What a provider's autoconfig says, placeholders filled for one address."""

    name: str  # the provider's display name; the domain when it gives none
    smtp: Server
    imap: Server | None
    username: str


def read_settings(data: bytes, address: str) -> ProviderSettings | None:
    """The servers in ``data`` for ``address``; None for anything unusable (too big,
    malformed, a DTD, no secure SMTP server)."""
    if len(data) > MAX_BYTES or b"<!DOCTYPE" in data.upper():
        return None
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 (no DTD, so no entities; capped)
    except ElementTree.ParseError:
        return None
    provider = root.find("emailProvider")
    if root.tag != "clientConfig" or provider is None:
        return None
    smtp = _first_secure(provider, "outgoingServer", "smtp", address)
    if smtp is None:
        return None
    imap = _first_secure(provider, "incomingServer", "imap", address)
    domain = address.rpartition("@")[2]
    name = (provider.findtext("displayName") or "").strip() or domain
    return ProviderSettings(name[:80], smtp[0], imap[0] if imap else None, smtp[1])


def _first_secure(
    provider: ElementTree.Element, tag: str, kind: str, address: str
) -> tuple[Server, str] | None:
    """The provider's preferred server of this kind (they are listed best first)."""
    for element in provider.findall(tag):
        if element.get("type") == kind:
            server = _server(element, address)
            if server is not None:
                return server, _filled(element.findtext("username") or "%EMAILADDRESS%", address)
    return None


def _server(element: ElementTree.Element, address: str) -> Server | None:
    host = _filled((element.findtext("hostname") or "").strip(), address)
    port = (element.findtext("port") or "").strip()
    security = _SECURITY.get((element.findtext("socketType") or "").strip().upper())
    if security is None or not _HOST.match(host) or not port.isdigit():
        return None
    if not 0 < int(port) < 65536:
        return None
    return Server(host.lower(), int(port), security)


def _filled(text: str, address: str) -> str:
    local, _, domain = address.rpartition("@")
    return (
        text.replace("%EMAILADDRESS%", address)
        .replace("%EMAILLOCALPART%", local)
        .replace("%EMAILDOMAIN%", domain)
        .strip()
    )
