"""Known mail providers' servers (how to sign in: composer/login.py).

A preset fills in Settings for the user; it is a starting point, not a lock: the accounts it
builds are ordinary ``SmtpAccount``/``ImapAccount`` values the user can still edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from composer.account import ImapAccount, Security, SmtpAccount

if TYPE_CHECKING:
    from composer.store import Store

PROVIDER_SETTING = "provider"  # the provider chosen in Settings: "Other" stays "Other"


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    security: Security


@dataclass(frozen=True)
class Preset:
    name: str
    smtp: Server
    imap: Server
    files_sent_itself: bool  # the SMTP server puts a copy in Sent: appending one would double it
    sign_in_note: str  # one line for Settings: which password this provider wants
    domains: tuple[str, ...] = ()  # addresses that pick this preset; none: chosen explicitly
    needs_ca_file: bool = False  # the server's certificate is its own, exported by the user
    oauth: str = ""  # the OAuth2 sign-in it offers (composer/oauth.py PROVIDERS' key), if any

    def smtp_account(self, username: str, from_address: str, ca_file: str = "") -> SmtpAccount:
        smtp = self.smtp
        return SmtpAccount(smtp.host, smtp.port, smtp.security, username, from_address, ca_file)

    def imap_account(self, username: str, ca_file: str = "") -> ImapAccount:
        imap = self.imap
        return ImapAccount(imap.host, imap.port, imap.security, username, ca_file)


_YAHOO_DOMAINS = (
    "yahoo.com",
    "ymail.com",
    "rocketmail.com",
    "yahoo.co.uk",
    "yahoo.ca",
    "yahoo.com.au",
    "yahoo.co.in",
    "yahoo.fr",
    "yahoo.de",
    "yahoo.es",
    "yahoo.it",
    "yahoo.com.br",
    "yahoo.com.mx",
)  # not yahoo.co.jp: Yahoo! JAPAN mail is a separate service with its own servers

_PRESETS = (
    Preset(
        "Gmail",
        Server("smtp.gmail.com", 465, Security.TLS),
        Server("imap.gmail.com", 993, Security.TLS),
        files_sent_itself=True,
        sign_in_note="Sign in with Google, or use an app password (needs 2-Step "
        "Verification: Google Account › Security › App passwords), not your usual password.",
        domains=("gmail.com", "googlemail.com"),
        oauth="google",
    ),
    Preset(
        "Outlook / Microsoft 365",
        Server("smtp.office365.com", 587, Security.STARTTLS),
        Server("outlook.office365.com", 993, Security.TLS),
        files_sent_itself=True,
        sign_in_note="Sign in with Microsoft: Outlook.com, Hotmail, Live and MSN need it "
        "since September 2024; Microsoft 365 turns password sign-in for SMTP off by default "
        "at the end of December 2026.",
        domains=("outlook.com", "hotmail.com", "live.com", "msn.com", "hotmail.co.uk"),
        oauth="microsoft",
    ),
    Preset(
        "iCloud",
        Server("smtp.mail.me.com", 587, Security.STARTTLS),
        Server("imap.mail.me.com", 993, Security.TLS),
        files_sent_itself=False,
        sign_in_note="iCloud needs an app-specific password (account.apple.com › Sign-In "
        "and Security); your user name is your full iCloud address.",
        domains=("icloud.com", "me.com", "mac.com"),
    ),
    Preset(
        "Yahoo",
        Server("smtp.mail.yahoo.com", 465, Security.TLS),
        Server("imap.mail.yahoo.com", 993, Security.TLS),
        files_sent_itself=False,
        sign_in_note="Yahoo needs an app password (Account Security › Generate app "
        "password), not your usual password.",
        domains=_YAHOO_DOMAINS,
    ),
    Preset(
        "Fastmail",
        Server("smtp.fastmail.com", 465, Security.TLS),
        Server("imap.fastmail.com", 993, Security.TLS),
        files_sent_itself=False,
        sign_in_note="Fastmail needs an app password with IMAP and SMTP access "
        "(Settings › Privacy & Security › App passwords).",
        domains=("fastmail.com", "fastmail.fm"),
    ),
    Preset(
        "Proton Mail Bridge",
        Server("127.0.0.1", 1025, Security.STARTTLS),
        Server("127.0.0.1", 1143, Security.STARTTLS),
        files_sent_itself=False,
        sign_in_note="Proton Mail Bridge must be running; use the password Bridge shows "
        "(not your Proton password) and the certificate you export from Bridge's settings.",
        needs_ca_file=True,
    ),
)


def presets() -> tuple[Preset, ...]:
    return _PRESETS


def preset_for_address(email: str) -> Preset | None:
    """The preset for an address's domain; None for any other (custom domains are common)."""
    local, at, domain = email.strip().rpartition("@")
    if not (local and at):
        return None
    domain = domain.rstrip(".").lower()
    return next((p for p in _PRESETS if domain in p.domains), None)


OTHER = "Other"  # the user's own servers: no preset, whatever the address or host


def preset_named(name: str | None) -> Preset | None:
    return next((p for p in _PRESETS if p.name == name), None)


def chosen_provider(store: Store) -> str | None:
    """The provider the user chose in Settings (a preset's name or ``OTHER``), if saved."""
    value = store.get_setting(PROVIDER_SETTING)
    return value if isinstance(value, str) else None


def remember_provider(store: Store, name: str | None) -> None:
    store.set_setting(PROVIDER_SETTING, name)


def provider_for(store: Store, smtp_host: str) -> str | None:
    """What Settings shows: the user's own choice; else, for an account saved before
    choices were kept, a provider recognised by its server. Never one on this computer
    (127.0.0.1 is Proton Mail Bridge, but also any local test or capture server)."""
    chosen = chosen_provider(store)
    if chosen is not None:
        return chosen
    preset = next((p for p in _PRESETS if p.domains and p.smtp.host == smtp_host), None)
    return preset.name if preset is not None else None
