"""Which account signs in with OAuth2: remembered in Settings when the user signs in (the
provider, the user and the client ID used; never a token), so sending and filing find the
same ``OAuthSecret``, whose access token lives in memory for the session."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from composer.account import ImapAccount, SmtpAccount
from composer.clock import Clock
from composer.credentials import Credentials
from composer.errors import AccountError
from composer.login import LoginSecret, PasswordSecret
from composer.mailbox import mailbox_settings, password_accounts
from composer.oauth import OAuthClient, OAuthProvider, provider_keyed
from composer.oauth_flow import Tokens
from composer.oauth_tokens import OAuthForServer, OAuthSecret
from composer.outbox import sending_account
from composer.password_binding import Account, Destination
from composer.providers import presets

if TYPE_CHECKING:
    from composer.store import Store

SIGNED_IN_SETTING = "oauth_sign_in"
# One per credentials and keyring key: the access token in memory is reused.
_SECRETS: weakref.WeakKeyDictionary[Credentials, dict[str, OAuthSecret]] = (
    weakref.WeakKeyDictionary()
)


def remember_sign_in(store: Store, provider: OAuthProvider, client: OAuthClient, user: str) -> None:
    """The endpoints too: the refresh token is good only where it was issued."""
    store.set_setting(
        SIGNED_IN_SETTING,
        {"provider": asdict(provider), "user": user, "client_id": client.client_id}
        | ({"client_secret": client.client_secret} if client.client_secret else {}),
    )


def forget_sign_in(store: Store) -> None:
    store.set_setting(SIGNED_IN_SETTING, None)


def signed_in_as(store: Store) -> tuple[OAuthProvider, OAuthClient, str] | None:
    value: Any = store.get_setting(SIGNED_IN_SETTING)
    if not isinstance(value, dict):
        return None
    provider, client = _provider(value.get("provider")), OAuthClient.from_dict(value)
    user = value.get("user")
    if provider is None or client is None or not isinstance(user, str):
        return None
    return provider, client, user


def _provider(value: Any) -> OAuthProvider | None:
    """As saved; a setting from another version (fields gone or new) is no sign-in."""
    if not isinstance(value, dict):
        return None
    try:
        provider = OAuthProvider(**value)
    except TypeError:
        return None
    return provider if provider_keyed(provider.key) is not None else None


def oauth_secret(
    credentials: Credentials,
    provider: OAuthProvider,
    client: OAuthClient,
    user: str,
    clock: Clock,
) -> OAuthSecret:
    """The session's one secret for this account, so its access token is reused."""
    secret = OAuthSecret(credentials, provider, client, user, clock)
    known = _SECRETS.setdefault(credentials, {})
    found = known.setdefault(secret.key, secret)
    if (found.client, found.provider) != (client, provider):  # a new client ID or provider
        known[secret.key] = found = secret  # (settings from a backup): its tokens are new
    return found


def secret_for(
    store: Store, credentials: Credentials, password_key: str, server: Account, clock: Clock
) -> LoginSecret:
    """The OAuth2 sign-in if the user signed in as ``server``'s user; else the password
    stored under ``password_key``; either for ``server`` only (composer/password_binding.py)."""
    signed_in = signed_in_as(store)
    if signed_in is not None and signed_in[2] == server.username:
        return OAuthForServer(oauth_secret(credentials, *signed_in, clock), server)
    return PasswordSecret(credentials, password_key, server)


def signed_in_servers(store: Store, provider: OAuthProvider, user: str) -> list[Account]:
    """The mail servers a sign-in is made for: those the settings name now for ``user``
    (sending account and mailbox), and the provider's own (signing in before saving the
    account then works: a backup cannot change those)."""
    own: list[SmtpAccount | ImapAccount] = [
        server
        for preset in presets()
        if preset.oauth == provider.key
        for server in (preset.smtp_account(user, user), preset.imap_account(user))
    ]
    servers = [s for s in _saved_servers(store) + own if s.username == user]
    return list({s.key: s for s in servers}.values())


def _saved_servers(store: Store) -> list[SmtpAccount | ImapAccount]:
    """As composer/mailbox.py lists them for a password; damaged settings name none."""
    try:
        smtp, mailbox = sending_account(store), mailbox_settings(store)
    except AccountError:
        return []
    keys = [a.key for a in (smtp, mailbox.account if mailbox else None) if a is not None]
    return [server for key in keys for server in password_accounts(store, key)]


def keep_tokens(
    credentials: Credentials,
    provider: OAuthProvider,
    client: OAuthClient,
    user: str,
    clock: Clock,
    tokens: Tokens,
    servers: Sequence[Account],
) -> None:
    """Blocking (the keyring, CA files), for the worker that waited for the sign-in.
    ``servers``: ``signed_in_servers`` as the user signed in."""
    destinations = [Destination.of(server) for server in servers]
    oauth_secret(credentials, provider, client, user, clock).signed_in(tokens, destinations)
