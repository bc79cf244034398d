"""A real OAuth2 authorization server on loopback, built from oauthlib (not a stub): it
issues codes only with a PKCE challenge (S256) and refuses a wrong verifier, refreshes and
rotates tokens, and answers RFC 7662 introspection for Dovecot's ``oauth2`` passdb.

The test plays the browser: it fetches the authorize URL, and the server, approving the
test's user at once, redirects to the app's loopback listener with the code. Tokens expire
by the test's clock, which the test moves instead of sleeping.
"""

from __future__ import annotations

import http.server
import secrets
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from oauthlib.common import Request
from oauthlib.oauth2 import (
    IntrospectEndpoint,
    RequestValidator,
    WebApplicationServer,
)

from composer.oauth import GOOGLE, MICROSOFT

CLIENT_ID = "afterword-test-client"
MAIL_SERVER = "mail-server"  # the client ID Dovecot introspects as (its resource server's)
SCOPES = ["mail", "offline_access"]
KNOWN_SCOPES = {*SCOPES, *MICROSOFT.scope.split(), *GOOGLE.scope.split()}  # as the real ones
LIFETIME = 3600  # seconds an access token lives


@dataclass
class Issued:
    user: str
    expires_at: datetime | None  # None: a refresh token, valid until revoked


class Validator(RequestValidator):  # type: ignore[misc]
    """What oauthlib asks of the server's records: one public client, one test user."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self.codes: dict[str, dict[str, Any]] = {}
        self.access: dict[str, Issued] = {}
        self.refresh: dict[str, Issued] = {}
        self.redirects: set[str] = set()

    # --- the client ---------------------------------------------------------------------
    def validate_client_id(self, client_id: str, request: Request, *a: Any, **k: Any) -> bool:
        return client_id == CLIENT_ID

    def client_authentication_required(self, request: Request, *a: Any, **k: Any) -> bool:
        return False  # a desktop app is a public client (RFC 8252 § 8.5)

    def authenticate_client_id(self, client_id: str, request: Request, *a: Any, **k: Any) -> bool:
        request.client = type("Client", (), {"client_id": client_id})()
        introspecting = urlsplit(request.uri).path == "/introspect"
        return client_id == (MAIL_SERVER if introspecting else CLIENT_ID)

    def validate_redirect_uri(
        self, client_id: str, uri: str, request: Request, *a: Any, **k: Any
    ) -> bool:
        parts = urlsplit(uri)  # RFC 8252 § 7.3: any port on the loopback address
        return parts.scheme == "http" and parts.hostname == "127.0.0.1"

    def validate_response_type(self, client_id: str, kind: str, *a: Any, **k: Any) -> bool:
        return kind == "code"

    def validate_scopes(self, client_id: str, scopes: list[str], *a: Any, **k: Any) -> bool:
        return set(scopes) <= KNOWN_SCOPES

    def get_default_scopes(self, client_id: str, request: Request, *a: Any, **k: Any) -> list[str]:
        return SCOPES

    def is_pkce_required(self, client_id: str, request: Request) -> bool:
        return True

    def validate_grant_type(self, client_id: str, grant: str, *a: Any, **k: Any) -> bool:
        return grant in ("authorization_code", "refresh_token")

    # --- codes --------------------------------------------------------------------------
    def save_authorization_code(
        self, client_id: str, code: dict[str, str], request: Request, *a: Any, **k: Any
    ) -> None:
        self.codes[code["code"]] = {
            "user": request.user,
            "scopes": request.scopes,
            "redirect_uri": request.redirect_uri,
            "challenge": request.code_challenge,
            "method": request.code_challenge_method,
        }

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Request, *a: Any, **k: Any
    ) -> bool:
        found = self.codes.get(code)
        if found is None:
            return False
        request.user, request.scopes = found["user"], found["scopes"]
        return True

    def get_code_challenge(self, code: str, request: Request) -> str | None:
        return self.codes.get(code, {}).get("challenge")

    def get_code_challenge_method(self, code: str, request: Request) -> str | None:
        return self.codes.get(code, {}).get("method")

    def confirm_redirect_uri(
        self, client_id: str, code: str, uri: str, client: Any, request: Request, *a: Any, **k: Any
    ) -> bool:
        return self.codes.get(code, {}).get("redirect_uri") == uri

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: Request, *a: Any, **k: Any
    ) -> None:
        self.codes.pop(code, None)

    # --- tokens -------------------------------------------------------------------------
    def save_bearer_token(self, token: dict[str, Any], request: Request, *a: Any, **k: Any) -> None:
        lifetime = timedelta(seconds=int(token["expires_in"]))
        self.access[token["access_token"]] = Issued(request.user, self.clock() + lifetime)
        if "refresh_token" in token:
            self.refresh[token["refresh_token"]] = Issued(request.user, None)

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Request, *a: Any, **k: Any
    ) -> bool:
        found = self.refresh.get(refresh_token)
        if found is None:
            return False
        request.user = found.user
        return True

    def get_original_scopes(
        self, refresh_token: str, request: Request, *a: Any, **k: Any
    ) -> list[str]:
        return SCOPES

    def rotate_refresh_token(self, request: Request) -> bool:
        return True  # as Microsoft does: the app must keep the new one

    def revoke_token(
        self, token: str, hint: str | None, request: Request, *a: Any, **k: Any
    ) -> None:
        self.refresh.pop(token, None)

    def introspect_token(
        self, token: str, hint: str | None, request: Request, *a: Any, **k: Any
    ) -> dict[str, Any] | None:
        user = self.user_of(token)
        return None if user is None else {"username": user, "scope": " ".join(SCOPES)}

    def user_of(self, access_token: str) -> str | None:
        """Whose token it is, if it is one this server issued and it has not expired."""
        found = self.access.get(access_token)
        if found is None or found.expires_at is None or self.clock() >= found.expires_at:
            return None
        return found.user


class OAuthServer:
    """HTTPS for the app (authorize, token); plain HTTP for the mail servers' introspection,
    as a resource server inside a provider's network asks it."""

    host = "127.0.0.1"

    def __init__(self, server_context: ssl.SSLContext, clock: Callable[[], datetime]) -> None:
        self.validator = Validator(clock)
        self.oauth = WebApplicationServer(self.validator, token_expires_in=LIFETIME)
        self.introspection = IntrospectEndpoint(self.validator)
        self.user = ""  # whom the "browser" is signed in as: the server approves them at once
        self.requests: list[str] = []  # paths asked for: no token is ever in one
        self._public = http.server.ThreadingHTTPServer((self.host, 0), self._handler())
        self._public.socket = server_context.wrap_socket(self._public.socket, server_side=True)
        self._internal = http.server.ThreadingHTTPServer((self.host, 0), self._handler())
        self._threads = [
            threading.Thread(target=s.serve_forever, daemon=True)
            for s in (self._public, self._internal)
        ]

    @property
    def base(self) -> str:
        return f"https://{self.host}:{self._public.server_address[1]}"

    @property
    def introspection_url(self) -> str:
        return f"http://{self.host}:{self._internal.server_address[1]}/introspect"

    def start(self) -> OAuthServer:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        for server in (self._public, self._internal):
            server.shutdown()
            server.server_close()

    def revoke(self, user: str) -> None:
        """The user removed the app's access at the provider: every refresh token dies."""
        for token, issued in list(self.validator.refresh.items()):
            if issued.user == user:
                del self.validator.refresh[token]

    def expire_access_tokens(self) -> None:
        for issued in self.validator.access.values():
            issued.expires_at = self.validator.clock() - timedelta(seconds=1)

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append(urlsplit(self.path).path)
                if urlsplit(self.path).path != "/authorize":
                    return self._reply({}, "", 404)
                uri = f"https://{outer.host}{self.path}"
                scopes, credentials = outer.oauth.validate_authorization_request(uri)
                credentials["user"] = outer.user
                headers, body, status = outer.oauth.create_authorization_response(
                    uri, scopes=scopes, credentials=credentials
                )
                self._reply(headers, body, status)

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                outer.requests.append(path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                uri, headers = f"https://{outer.host}{self.path}", dict(self.headers)
                if path == "/token":
                    answer = outer.oauth.create_token_response(uri, "POST", body, headers)
                elif path == "/introspect":
                    answer = outer.introspection.create_introspect_response(
                        uri, "POST", body, headers
                    )
                else:
                    answer = ({}, "", 404)
                self._reply(*answer)

            def _reply(self, headers: dict[str, str], body: str | None, status: int) -> None:
                data = (body or "").encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def new_user() -> str:
    return f"oauth-{secrets.token_hex(3)}"
