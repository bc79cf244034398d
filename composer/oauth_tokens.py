"""An account signed in with OAuth2: the refresh token in the OS keyring (as a password
is), the access token in memory only, renewed a minute before it expires and once more
when a server refuses it. ``OAuthForServer`` is the ``LoginSecret`` the senders call.

The refresh token is bound in the keyring (composer/password_binding.py) to the token
endpoint that issued it and to the mail servers the settings named at sign-in: settings
come back with a restored backup, and must not send either token anywhere else."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from composer.clock import Clock
from composer.credentials import Credentials
from composer.errors import PasswordNotForThisServer, SignInNeeded, SignInNotForThisServer
from composer.login import Login, LoginSecret, Mechanism
from composer.oauth import OAuthClient, OAuthProvider, keyring_key
from composer.oauth_flow import Tokens, refreshed
from composer.password_binding import Account, Destination, ca_fingerprint

MARGIN = timedelta(seconds=60)  # renewed this long before it expires: never used stale


class OAuthSecret:
    """One per signed-in account, kept for the session: its access token is reused."""

    def __init__(
        self,
        credentials: Credentials,
        provider: OAuthProvider,
        client: OAuthClient,
        user: str,
        clock: Clock,
    ) -> None:
        self.credentials, self.provider, self.client = credentials, provider, client
        self.user, self.clock = user, clock
        self.key = keyring_key(provider, user)
        self._access: tuple[str, datetime] | None = None
        self._lock = threading.Lock()  # sending and filing may ask at once

    def __repr__(self) -> str:
        return f"OAuthSecret({self.provider.key}, {self.user!r})"  # never a token

    def signed_in(self, tokens: Tokens, mail_servers: Sequence[Destination]) -> None:
        """Keeps what a sign-in gave: the refresh token in the keyring, bound to the token
        endpoint and ``mail_servers``; the access token in memory. Blocking (the keyring)."""
        with self._lock:
            endpoint = token_endpoint(self.provider, self.user)
            self.credentials.store(self.key, tokens.refresh_token, [endpoint, *mail_servers])
            self._access = (tokens.access_token, tokens.expires_at)

    def is_signed_in(self) -> bool:
        return bool(self.credentials.password(self.key))

    def sign_out(self) -> None:
        with self._lock:
            self._access = None
            self.credentials.forget(self.key)

    def login(self) -> Login | None:
        with self._lock:
            if self._access is None or self.clock() + MARGIN >= self._access[1]:
                self._refresh()
            assert self._access is not None
            return Login(Mechanism.XOAUTH2, self._access[0])

    def check_server(self, server: Destination) -> None:
        """Raises ``SignInNotForThisServer`` unless the sign-in was made for ``server``;
        ``SignInNeeded`` if there is no sign-in. Before any token goes to a mail server."""
        self._bound_token(server)

    def renewed(self) -> Login | None:
        """After a server refused the token: a new one, once (composer/smtp.py, imap.py)."""
        with self._lock:
            self._access = None
        return self.login()

    def _refresh(self) -> None:
        refresh_token = self._bound_token(token_endpoint(self.provider, self.user))
        try:
            tokens = refreshed(self.provider, self.client, refresh_token, self.clock)
        except SignInNeeded:
            self._access = None
            self.credentials.forget(self.key)  # revoked: useless, and no longer kept
            raise
        if tokens.refresh_token != refresh_token:  # the provider rotated it: same binding
            bound_to = self.credentials.saved_for(self.key) or ()
            self.credentials.store(self.key, tokens.refresh_token, bound_to)
        self._access = (tokens.access_token, tokens.expires_at)

    def _bound_token(self, destination: Destination) -> str:
        """The refresh token, if the sign-in was made for ``destination``."""
        try:
            token = self.credentials.password_for(self.key, destination)
        except PasswordNotForThisServer:
            saved_for = self.credentials.saved_for(self.key) or ()
            message = not_signed_in_for(self.provider.name, destination, saved_for)
            raise SignInNotForThisServer(self.provider.name, message) from None
        if not token:
            raise SignInNeeded(self.provider.name)
        return token


def token_endpoint(provider: OAuthProvider, user: str) -> Destination:
    """Where the refresh token goes to be renewed. Blocking (reads the provider's CA file)."""
    url = urlsplit(provider.token_url)
    try:
        port = url.port or 443
    except ValueError:  # a damaged setting: a port no sign-in was made for
        port = 0
    return Destination(
        host=(url.hostname or "").lower(),
        port=port,
        username=user,
        security="https",
        ca_sha256=ca_fingerprint(provider.ca_file),
        kind="oauth",
        ca_file=provider.ca_file,
    )


SETTINGS_NOW = {"smtp": "settings now send mail through", "imap": "mailbox settings now point to"}


def not_signed_in_for(
    provider: str, destination: Destination, saved_for: Sequence[Destination] = ()
) -> str:
    """Why the sign-in is not used there, and what to do, in the user's words."""
    again = f"Sign in again with {provider} in Settings › Account"
    if _only_the_certificate_changed(destination, saved_for):
        trusted = f"CA file {destination.ca_file}" if destination.ca_file else "another one"
        return (
            f"Your settings for {destination.where} now trust a certificate ({trusted}) "
            f"that was not trusted when you signed in with {provider}. Nothing was sent "
            f"there. Check the certificate, and {again[0].lower()}{again[1:]} only if you "
            "trust it."
        )
    if destination.kind == "oauth":
        return (
            f"Your saved sign-in now points to {destination.where} to renew it, not to the "
            f"{provider} server you signed in with. Nothing was sent there. {again}."
        )
    now = SETTINGS_NOW.get(destination.kind, SETTINGS_NOW["smtp"])
    return (
        f"Your {now} {destination.where}, not the server you signed in with {provider} "
        f"for. Nothing was sent there. {again} to use it there."
    )


def _only_the_certificate_changed(
    destination: Destination, saved_for: Sequence[Destination]
) -> bool:
    same = [d for d in saved_for if d.same_server(destination) and d.kind == destination.kind]
    return bool(same) and all(d.ca_sha256 != destination.ca_sha256 for d in same)


@dataclass(frozen=True)
class OAuthForServer:
    """The sign-in, for the one mail server it is about to go to (as ``PasswordSecret``
    is for a password): an access token never reaches a server it was not made for."""

    secret: OAuthSecret
    server: Account  # the ``SmtpAccount`` or ``ImapAccount`` about to be signed in to

    def login(self) -> Login | None:
        self.secret.check_server(Destination.of(self.server))
        return self.secret.login()

    def renewed(self) -> Login | None:
        self.secret.check_server(Destination.of(self.server))
        return self.secret.renewed()


class Renewable(Protocol):
    def renewed(self) -> Login | None: ...


def renewed_login(secret: LoginSecret, refused: Login) -> Login | None:
    """A fresh token after a refused one, if ``secret`` can give one; else None (a
    refused password is never sent again: it would count towards a lock-out)."""
    if refused.mechanism is not Mechanism.XOAUTH2 or not hasattr(secret, "renewed"):
        return None
    renewable: Renewable = secret  # type: ignore[assignment]
    return renewable.renewed()
