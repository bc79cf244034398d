"""Signing in with OAuth2 as Thunderbird does, through Authlib (a maintained library):
the authorization code with PKCE (S256) in the system browser, back to a listener on this
computer's loopback address (RFC 8252), or a code typed on another device (RFC 8628).

Everything here blocks (network, waiting for the browser): run it off the GUI thread.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from composer.clock import Clock
from composer.errors import ConnectionFailed, SignInFailed, SignInNeeded
from composer.oauth import OAuthClient, OAuthProvider

if TYPE_CHECKING:  # Authlib and requests (about 28 MB) load at the first sign-in or refresh
    from authlib.integrations.requests_client import OAuth2Session

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
TIMEOUT = 20.0  # seconds for one request to the provider
CLOSE_PAGE = (
    b"<!doctype html><meta charset=utf-8><title>Afterword</title>"
    b"<p>{message} You can close this window and go back to Afterword.</p>"
)


@dataclass(frozen=True)
class Tokens:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: datetime


def session(provider: OAuthProvider, client: OAuthClient, **options: Any) -> OAuth2Session:
    """A public client (no secret) unless the provider gave one (Google's desktop apps)."""
    from authlib.integrations.requests_client import OAuth2Session

    method = "client_secret_post" if client.client_secret else "none"
    oauth = OAuth2Session(
        client.client_id,
        client.client_secret or None,
        token_endpoint_auth_method=method,
        scope=provider.scope,
        default_timeout=TIMEOUT,
        **options,
    )
    return oauth


def verify(provider: OAuthProvider) -> str | bool:
    """Always verified: the system's CAs, or the one given. Passed with each request, as
    requests lets $REQUESTS_CA_BUNDLE override a session's own setting."""
    return provider.ca_file or True


def tokens_from(answer: dict[str, Any], clock: Clock, refresh_token: str = "") -> Tokens:
    """Expiry by the app's clock (Authlib's own would read the machine's)."""
    lifetime = float(answer.get("expires_in") or 3600)
    return Tokens(
        str(answer["access_token"]),
        str(answer.get("refresh_token") or refresh_token),
        clock() + timedelta(seconds=lifetime),
    )


def refreshed(
    provider: OAuthProvider, client: OAuthClient, refresh_token: str, clock: Clock
) -> Tokens:
    """A new access token; ``SignInNeeded`` if the provider will not take the refresh token."""
    with _asking(provider):
        answer = session(provider, client).refresh_token(
            provider.token_url, refresh_token=refresh_token, verify=verify(provider)
        )
    return tokens_from(answer, clock, refresh_token)


@contextlib.contextmanager
def _asking(provider: OAuthProvider) -> Any:
    """The provider's refusals and the network's failures, as the user can act on them."""
    import requests
    from authlib.integrations.base_client.errors import OAuthError

    try:
        yield
    except OAuthError as error:
        if error.error == "invalid_grant":
            raise SignInNeeded(provider.name) from None
        raise SignInFailed(
            f"{provider.name} refused the sign-in ({error.error}). Check the client ID in "
            "Settings › Account and sign in again."
        ) from None
    except requests.RequestException as error:
        raise ConnectionFailed(
            f"Afterword could not reach {provider.name} to sign in ({type(error).__name__}). "
            "Check your connection and try again; nothing was sent."
        ) from None


class BrowserSignIn:
    """One sign-in in the browser: open ``url``, then ``wait()`` for the redirect to this
    computer. The listener takes one answer carrying the right state; ``cancel()`` stops it."""

    def __init__(self, provider: OAuthProvider, client: OAuthClient, clock: Clock) -> None:
        self.provider, self.client, self._clock = provider, client, clock
        self._listener = _Listener()
        self.redirect_uri = f"http://127.0.0.1:{self._listener.port}/"
        from authlib.common.security import generate_token

        self._verifier = generate_token(64)
        self._oauth = session(
            provider, client, redirect_uri=self.redirect_uri, code_challenge_method="S256"
        )
        self.url, self._state = self._oauth.create_authorization_url(
            provider.authorize_url, code_verifier=self._verifier
        )
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    def wait(self, timeout: float = 600.0) -> Tokens:
        try:
            answer = self._listener.answer(self._state, timeout, self._cancelled)
        finally:
            self._listener.close()
        if "error" in answer:
            raise SignInFailed(
                f"{self.provider.name} did not sign you in ({answer['error']}). Try again."
            )
        with _asking(self.provider):
            token = self._oauth.fetch_token(
                self.provider.token_url,
                grant_type="authorization_code",
                code=answer["code"],
                code_verifier=self._verifier,
                verify=verify(self.provider),
            )
        return tokens_from(token, self._clock)


class _Listener:
    """The loopback redirect URI: one HTTP request at a time, on 127.0.0.1 only."""

    def __init__(self) -> None:
        self.found: dict[str, str] | None = None
        self.state = ""
        listener = self

        class Answer(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                if query.get("state") != listener.state or not (
                    "code" in query or "error" in query
                ):
                    self.send_error(400, "Not the sign-in Afterword is waiting for.")
                    return
                listener.found = query
                message = "Signed in." if "code" in query else "Sign-in was not completed."
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(CLOSE_PAGE.replace(b"{message}", message.encode()))

            def log_message(self, format: str, *args: Any) -> None:
                """Never logged: the address holds the authorization code."""

        self._server = http.server.HTTPServer(("127.0.0.1", 0), Answer)
        self._server.timeout = 0.2
        self.port = int(self._server.server_address[1])

    def answer(self, state: str, timeout: float, cancelled: threading.Event) -> dict[str, str]:
        self.state = state
        deadline = time.monotonic() + timeout
        while self.found is None:
            if cancelled.is_set():
                raise SignInFailed("Sign-in was cancelled.")
            if time.monotonic() > deadline:
                raise SignInFailed("The browser did not come back in time. Try signing in again.")
            self._server.handle_request()
        return self.found

    def close(self) -> None:
        self._server.server_close()


@dataclass(frozen=True)
class DeviceCode:
    """What the user types on another device, and where."""

    user_code: str
    verification_uri: str
    device_code: str = field(repr=False)
    interval: float
    expires_in: float


def device_code(provider: OAuthProvider, client: OAuthClient) -> DeviceCode:
    """Step one of RFC 8628: a code to show the user."""
    oauth = session(provider, client)
    with _asking(provider):
        reply = oauth.post(
            provider.device_url,
            data={"client_id": client.client_id, "scope": provider.scope},
            timeout=TIMEOUT,
            verify=verify(provider),
            withhold_token=True,
        )
        reply.raise_for_status()
    data = reply.json()
    return DeviceCode(
        str(data["user_code"]),
        str(data.get("verification_uri") or data.get("verification_url") or ""),
        str(data["device_code"]),
        float(data.get("interval") or 5),
        float(data.get("expires_in") or 900),
    )


def wait_for_device(
    provider: OAuthProvider,
    client: OAuthClient,
    code: DeviceCode,
    clock: Clock,
    cancelled: threading.Event,
    sleep: Callable[[float], bool] | None = None,
) -> Tokens:
    """Asks, at the pace the provider set, until the user has entered the code."""
    pause = sleep or cancelled.wait
    interval, tries = code.interval, int(code.expires_in // max(code.interval, 1)) + 1
    for _ in range(tries):
        if pause(interval) or cancelled.is_set():
            raise SignInFailed("Sign-in was cancelled.")
        try:
            with _asking(provider):
                answer = session(provider, client).fetch_token(
                    provider.token_url,
                    grant_type=DEVICE_GRANT,
                    device_code=code.device_code,
                    verify=verify(provider),
                )
            return tokens_from(answer, clock)
        except SignInFailed as error:
            if "authorization_pending" in str(error):
                continue
            if "slow_down" in str(error):
                interval += 5
                continue
            raise
    raise SignInFailed("The code expired before it was entered. Try signing in again.")
