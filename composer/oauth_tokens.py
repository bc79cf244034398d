"""An account signed in with OAuth2: the refresh token in the OS keyring (as a password
is), the access token in memory only, renewed a minute before it expires and once more
when a server refuses it. ``OAuthSecret`` is the ``LoginSecret`` the senders call."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Protocol

from composer.clock import Clock
from composer.credentials import Credentials
from composer.errors import SignInNeeded
from composer.login import Login, LoginSecret, Mechanism
from composer.oauth import OAuthClient, OAuthProvider, keyring_key
from composer.oauth_flow import Tokens, refreshed

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

    def signed_in(self, tokens: Tokens) -> None:
        """Keeps what a sign-in gave: the refresh token in the keyring, the rest in memory."""
        with self._lock:
            self.credentials.store(self.key, tokens.refresh_token)
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

    def renewed(self) -> Login | None:
        """After a server refused the token: a new one, once (composer/smtp.py, imap.py)."""
        with self._lock:
            self._access = None
        return self.login()

    def _refresh(self) -> None:
        refresh_token = self.credentials.password(self.key)
        if not refresh_token:
            raise SignInNeeded(self.provider.name)
        try:
            tokens = refreshed(self.provider, self.client, refresh_token, self.clock)
        except SignInNeeded:
            self._access = None
            self.credentials.forget(self.key)  # revoked: useless, and no longer kept
            raise
        if tokens.refresh_token != refresh_token:  # the provider rotated it
            self.credentials.store(self.key, tokens.refresh_token)
        self._access = (tokens.access_token, tokens.expires_at)


class Renewable(Protocol):
    def renewed(self) -> Login | None: ...


def renewed_login(secret: LoginSecret, refused: Login) -> Login | None:
    """A fresh token after a refused one, if ``secret`` can give one; else None (a
    refused password is never sent again: it would count towards a lock-out)."""
    if refused.mechanism is not Mechanism.XOAUTH2 or not hasattr(secret, "renewed"):
        return None
    renewable: Renewable = secret  # type: ignore[assignment]
    return renewable.renewed()
