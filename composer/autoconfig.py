"""Finding the mail servers for any address, as Thunderbird does.

In order: a known provider's preset (exact domain, no network needed); the provider's own
autoconfig (``autoconfig.<domain>``, then its ``.well-known`` path); Thunderbird's public
list (ISPDB); the domain's MX records (Google Workspace, Microsoft 365, or the ISPDB entry
of the MX's own domain); else nothing, and the user types the servers. Every lookup runs
at once on its own thread within one short budget, so being offline costs under 3 s.
"""

from __future__ import annotations

import queue
import ssl
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

import idna

from composer.ispdb import MAX_BYTES, ProviderSettings, read_settings
from composer.providers import Preset, Server, preset_for_address, preset_named, presets

if TYPE_CHECKING:  # dnspython loads at the first lookup, not with the window
    import dns.resolver

PROVIDER_URLS = (  # {domain} and {address} are filled in, URL-quoted
    "https://autoconfig.{domain}/mail/config-v1.1.xml?emailaddress={address}",
    "https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml",
)
ISPDB_URL = "https://autoconfig.thunderbird.net/v1.1/{domain}"
GOOGLE_MX = ("google.com", "googlemail.com")
MICROSOFT_MX = ("mail.protection.outlook.com",)


@dataclass(frozen=True)
class FoundServers:
    """Servers found for an address, and where they came from (shown to the user)."""

    source: str  # "found by example.com's own settings", "known provider", …
    smtp: Server
    imap: Server | None
    username: str
    preset: Preset | None = None  # a known provider: its notes and Sent habits come too


def system_resolver() -> dns.resolver.Resolver:
    """The system's DNS, with dnspython loaded only when an address is first looked up."""
    import dns.resolver

    return dns.resolver.Resolver()


@dataclass(frozen=True)
class Lookup:
    """Where to look. The defaults are the real hosts; tests point them at loopback."""

    provider_urls: tuple[str, ...] = PROVIDER_URLS
    ispdb_url: str = ISPDB_URL
    ca_file: str | None = None  # an extra CA to trust (tests); the system's are always used
    resolver: Callable[[], dns.resolver.Resolver] | None = system_resolver
    request_timeout: float = 2.0
    budget: float = 2.0  # for everything: offline, the user waits no longer (3 s is promised)

    def find(self, address: str) -> FoundServers | None:
        """Blocking (for a worker thread): the best servers found, or None."""
        address = address.strip()
        local, at, domain = address.rpartition("@")
        domain = _ascii_domain(domain)
        if not (local and at and domain):
            return None
        preset = preset_for_address(address)
        if preset is not None:
            return _from_preset(preset, address, "known provider")
        deadline = time.monotonic() + self.budget
        answers = [
            _start(partial(self._provider_settings, url, domain, address))
            for url in self.provider_urls
        ]
        answers.append(_start(lambda: self._ispdb(domain, address)))
        answers.append(_start(lambda: self._by_mx(domain, address)))
        sources = [f"found by {domain}'s own settings"] * len(self.provider_urls)
        sources.append("found in Thunderbird's public list of providers")
        for answer, source in zip(answers, [*sources, ""], strict=True):
            found = _wait(answer, deadline)
            if isinstance(found, FoundServers):
                return found
            if isinstance(found, ProviderSettings):
                return _from_settings(found, source)
        return None

    @cached_property
    def _opener(self) -> urllib.request.OpenerDirector:
        """Certificates verified (the system's CAs, and ``ca_file``); redirects to HTTPS only."""
        context = ssl.create_default_context()
        if self.ca_file:
            context.load_verify_locations(self.ca_file)
        return urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context), _HttpsRedirectsOnly()
        )

    def _provider_settings(self, url: str, domain: str, address: str) -> ProviderSettings | None:
        quote = urllib.parse.quote
        data = self._fetch(url.format(domain=quote(domain), address=quote(address, safe="@")))
        return read_settings(data, address) if data is not None else None

    def _ispdb(self, domain: str, address: str) -> ProviderSettings | None:
        return self._provider_settings(self.ispdb_url, domain, address)

    def _fetch(self, url: str) -> bytes | None:
        """The body, at most MAX_BYTES + 1 of it; None for any failure (offline is normal)."""
        if not url.startswith("https://"):
            return None  # never over plain HTTP: anyone on the network could answer
        request = urllib.request.Request(url, headers={"Accept": "application/xml"})  # noqa: S310
        try:
            with self._opener.open(request, timeout=self.request_timeout) as response:
                return bytes(response.read(MAX_BYTES + 1))
        except (OSError, ValueError):  # URLError, HTTPError, TLS, timeouts are OSErrors
            return None

    def _by_mx(self, domain: str, address: str) -> FoundServers | None:
        """Google Workspace and Microsoft 365 on the user's own domain, known by their MX;
        else the ISPDB entry of the MX's domain (a hosting company's, often)."""
        host = self._first_mx(domain)
        if host is None:
            return None
        for name, endings in (("Gmail", GOOGLE_MX), ("Outlook / Microsoft 365", MICROSOFT_MX)):
            if any(host == end or host.endswith("." + end) for end in endings):
                preset = preset_named(name)
                assert preset is not None, name
                service = "Google Workspace" if name == "Gmail" else "Microsoft 365"
                return _from_preset(preset, address, f"your domain's mail is handled by {service}")
        base = mx_base_domain(host)
        settings = self._ispdb(base, address) if base != domain else None
        if settings is None:
            return None
        return _from_settings(settings, f"your domain's mail is handled by {settings.name}")

    def _first_mx(self, domain: str) -> str | None:
        if self.resolver is None:
            return None
        import dns.exception

        try:
            resolver = self.resolver()
            answer = resolver.resolve(domain, "MX", lifetime=self.budget)
        except (dns.exception.DNSException, OSError):
            return None
        records = sorted(answer, key=lambda record: record.preference)
        hosts = [str(record.exchange).rstrip(".").lower() for record in records]
        return next((host for host in hosts if host), None)


OFFLINE = Lookup(provider_urls=(), ispdb_url="", resolver=None)  # the presets only


def mx_base_domain(host: str) -> str:
    """The MX host's registrable domain, roughly (``mx1.mail.example.co.uk`` →
    ``example.co.uk``): a short second-level label is taken as a public suffix."""
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-2]) <= 3 and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


class _HttpsRedirectsOnly(urllib.request.HTTPRedirectHandler):
    """A redirect to plain HTTP would let anyone on the network answer: it ends the fetch."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not newurl.startswith("https://"):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _ascii_domain(domain: str) -> str:
    """The domain as DNS and URLs spell it (punycode); "" for one that cannot be."""
    try:
        return idna.encode(domain.rstrip(".").lower(), uts46=True).decode("ascii")
    except idna.IDNAError:
        return ""


def _from_preset(preset: Preset, address: str, source: str) -> FoundServers:
    return FoundServers(source, preset.smtp, preset.imap, address, preset)


def _from_settings(settings: ProviderSettings, source: str) -> FoundServers:
    known = next((p for p in presets() if p.domains and p.smtp.host == settings.smtp.host), None)
    return FoundServers(source, settings.smtp, settings.imap, settings.username, known)


def _start(work: Callable[[], Any]) -> queue.Queue[Any]:
    """Runs ``work`` on a daemon thread: one stuck in a system DNS call holds nobody up."""
    answer: queue.Queue[Any] = queue.Queue(maxsize=1)

    def run() -> None:
        try:
            answer.put(work())
        except BaseException as error:  # a bug: raised again by _wait, on the caller's thread
            answer.put(_Failed(error))

    threading.Thread(target=run, daemon=True).start()
    return answer


@dataclass(frozen=True)
class _Failed:
    error: BaseException


def _wait(answer: queue.Queue[Any], deadline: float) -> Any:
    try:
        value = answer.get(timeout=max(0.0, deadline - time.monotonic()))
    except queue.Empty:
        return None
    if isinstance(value, _Failed):
        raise value.error
    return value
