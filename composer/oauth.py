"""Who signs a mail account in with OAuth2, and with which application's client ID.

Afterword ships no client ID of its own (an application's ID is its publisher's, and
never borrowed): the user pastes theirs in Settings, or a packager provides one in
``<config dir>/oauth.json``, for example ``{"microsoft": {"client_id": "…"}}``. What the
user saved in Settings wins over the packager's file. The file may also point a provider
at other endpoints (``authorize_url``, ``token_url``, ``device_url``: a national cloud, or
a tenant's own authority) and a CA file (``ca_file``: a company's TLS-inspecting proxy).
How each provider's sign-in runs:
composer/oauth_flow.py; the tokens: composer/oauth_tokens.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from composer.store import Store

CONFIG_FILE = "oauth.json"  # in the config dir: a packager's client IDs, by provider key


@dataclass(frozen=True)
class OAuthProvider:
    key: str  # "microsoft", "google": in settings, the config file and the keyring entry
    name: str  # as the user knows it: "Sign in with Microsoft…"
    authorize_url: str
    token_url: str
    device_url: str  # RFC 8628: for a computer no browser can reach
    scope: str
    ca_file: str = ""  # the provider's certificate authority, if not the system's (tests)

    def at(self, **changes: str) -> OAuthProvider:
        return replace(self, **changes)


MICROSOFT = OAuthProvider(
    key="microsoft",
    name="Microsoft",
    authorize_url="https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
    token_url="https://login.microsoftonline.com/common/oauth2/v2.0/token",  # noqa: S106
    device_url="https://login.microsoftonline.com/common/oauth2/v2.0/devicecode",
    scope="https://outlook.office.com/SMTP.Send "
    "https://outlook.office.com/IMAP.AccessAsUser.All offline_access",
)
GOOGLE = OAuthProvider(
    key="google",
    name="Google",
    authorize_url="https://accounts.google.com/o/oauth2/v2/auth",
    token_url="https://oauth2.googleapis.com/token",  # noqa: S106
    device_url="https://oauth2.googleapis.com/device/code",
    scope="https://mail.google.com/",
)
PROVIDERS = (MICROSOFT, GOOGLE)


def provider_keyed(key: str | None) -> OAuthProvider | None:
    return next((p for p in PROVIDERS if p.key == key), None)


@dataclass(frozen=True)
class OAuthClient:
    """The registered application the user signs in to. Google gives desktop apps a
    "client secret" too, which it documents as not secret for them: it is sent if given."""

    client_id: str
    client_secret: str = ""

    @classmethod
    def from_dict(cls, value: Any) -> OAuthClient | None:
        if not isinstance(value, dict):
            return None
        client_id = str(value.get("client_id") or "").strip()
        secret = str(value.get("client_secret") or "").strip()
        return cls(client_id, secret) if client_id else None


def setting_key(provider: OAuthProvider) -> str:
    return f"oauth_client:{provider.key}"


def save_client(store: Store, provider: OAuthProvider, client: OAuthClient | None) -> None:
    """From Settings; None (an empty field) falls back to the packager's file."""
    value = None if client is None else {"client_id": client.client_id}
    if client is not None and client.client_secret:
        value = {**(value or {}), "client_secret": client.client_secret}
    store.set_setting(setting_key(provider), value)


def client_for(store: Store, provider: OAuthProvider, config_dir: Path) -> OAuthClient | None:
    """The user's own client ID, else the packager's; None: the user must register one."""
    own = OAuthClient.from_dict(store.get_setting(setting_key(provider)))
    return own or packaged_client(provider, config_dir)


def packaged_client(provider: OAuthProvider, config_dir: Path) -> OAuthClient | None:
    """A damaged or missing file is no client ID: Settings then asks for one."""
    return OAuthClient.from_dict(_packaged(config_dir).get(provider.key))


ENDPOINTS = ("authorize_url", "token_url", "device_url", "ca_file")


def configured(provider: OAuthProvider, config_dir: Path) -> OAuthProvider:
    """The provider with the packager's endpoints, if the config file gives any."""
    entry = _packaged(config_dir).get(provider.key)
    if not isinstance(entry, dict):
        return provider
    changes = {k: v for k, v in entry.items() if k in ENDPOINTS and isinstance(v, str) and v}
    return provider.at(**changes)


def _packaged(config_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((config_dir / CONFIG_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def keyring_key(provider: OAuthProvider, user: str) -> str:
    """Where the refresh token lives in the OS keyring, beside the passwords."""
    return f"oauth:{provider.key}:{user}"
