"""Settings' "Sign in with Microsoft…" / "Sign in with Google…" for a provider that
offers OAuth2: the system browser and a wait off the GUI thread for its redirect, with
Cancel; or a code to type on another device; and the client ID (advanced) to sign in to."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QWidget

from composer.afterword import Afterword
from composer.oauth import (
    OAuthClient,
    OAuthProvider,
    client_for,
    configured,
    provider_keyed,
    save_client,
)
from composer.oauth_account import keep_tokens, remember_sign_in, signed_in_servers
from composer.oauth_flow import BrowserSignIn, DeviceCode, Tokens, device_code, wait_for_device
from composer.providers import Preset
from ui.account_fields import say, user_message
from ui.runner import Runner
from ui.widgets import named, push_button, status_label

WAITING = "Waiting for you to sign in in your browser…"
NO_CLIENT = (
    "To sign in with {name}, Afterword needs the client ID of an app you registered with "
    "{name}: paste it in Client ID below (the README's \"Signing in with Microsoft or "
    'Google" says how).'
)


def open_browser(url: str) -> bool:
    """The system browser (RFC 8252: never a browser inside the app)."""
    return QDesktopServices.openUrl(QUrl(url))


class SignInRow(QWidget):
    signed_in = Signal(str)  # the user now signed in

    def __init__(
        self,
        afterword: Afterword,
        runner: Runner,
        user: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.afterword, self.runner, self._user = afterword, runner, user
        self.provider: OAuthProvider | None = None
        self._flow: BrowserSignIn | None = None
        self._cancelled = threading.Event()
        self.sign_in_button = push_button("Sign in…", "Sign in with the provider", self.sign_in)
        self.cancel_button = push_button("Cancel", "Cancel signing in", self.cancel)
        self.code_button = push_button(
            "No browser on this computer? Use a code", "Sign in with a code", self.use_code
        )
        self.code_button.setFlat(True)
        self.client_id = named(QLineEdit(), "Client ID")
        self.status = status_label("Sign-in status", selectable=True)
        self._lay_out()
        self.show_for(None)
        app = QCoreApplication.instance()
        if app is not None:  # quitting must not wait for a browser that never comes back
            app.aboutToQuit.connect(self.cancel)

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.sign_in_button, self.cancel_button, self.code_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(buttons)
        form.addRow("Client ID (advanced):", self.client_id)
        form.addRow(self.status)

    def show_for(self, preset: Preset | None) -> None:
        """Only for a provider that offers OAuth2 sign-in."""
        known = provider_keyed(preset.oauth) if preset is not None else None
        self.provider = configured(known, self.afterword.paths.config_dir) if known else None
        self.setVisible(self.provider is not None)
        self.setEnabled(self.provider is not None)  # hidden: out of the keyboard's way too
        self._waiting(False)
        if self.provider is not None:
            name = self.provider.name
            self.sign_in_button.setText(f"Sign in with {name}…")
            self.sign_in_button.setAccessibleName(f"Sign in with {name}")
            saved = client_for(self.afterword.store, self.provider, self.afterword.paths.config_dir)
            self.client_id.setText(saved.client_id if saved else "")

    def _client(self) -> OAuthClient | None:
        assert self.provider is not None
        store, typed = self.afterword.store, self.client_id.text().strip()
        config_dir = self.afterword.paths.config_dir
        current = client_for(store, self.provider, config_dir)
        if typed and (current is None or current.client_id != typed):
            save_client(store, self.provider, OAuthClient(typed))
        elif not typed:
            save_client(store, self.provider, None)
        return client_for(store, self.provider, config_dir)

    def _ready(self) -> tuple[OAuthProvider, OAuthClient, str] | None:
        provider = self.provider
        if provider is None:
            return None
        client, user = self._client(), self._user().strip()
        if client is None:
            say(self.status, NO_CLIENT.format(name=provider.name))
        elif not user:
            say(self.status, "Enter your user name (your email address) first.")
        else:
            return provider, client, user
        return None

    def sign_in(self) -> None:
        ready = self._ready()
        if ready is None:
            return
        provider, client, user = ready
        flow = self._flow = BrowserSignIn(provider, client, self.afterword.clock)
        self._waiting(True)
        say(self.status, WAITING)
        open_browser(flow.url)
        self._finish(provider, client, user, flow.wait)

    def use_code(self) -> None:
        ready = self._ready()
        if ready is None:
            return
        provider, client, user = ready
        self._cancelled = cancelled = threading.Event()
        self._waiting(True)
        say(self.status, f"Asking {provider.name} for a code…")

        def show(code: DeviceCode) -> None:
            say(
                self.status,
                f"On any device, open {code.verification_uri} and enter {code.user_code}",
            )
            clock = self.afterword.clock
            self._finish(
                provider,
                client,
                user,
                lambda: wait_for_device(provider, client, code, clock, cancelled),
            )

        self.runner.run(lambda: device_code(provider, client), show, self._failed)

    def _finish(
        self, provider: OAuthProvider, client: OAuthClient, user: str, wait: Callable[[], Tokens]
    ) -> None:
        credentials, clock = self.afterword.credentials, self.afterword.clock
        servers = signed_in_servers(self.afterword.store, provider, user)  # as settings are now

        def work() -> None:  # the worker: waits for the browser, then the keyring
            keep_tokens(credentials, provider, client, user, clock, wait(), servers)

        self.runner.run(work, lambda _: self._done(provider, client, user), self._failed)

    def _done(self, provider: OAuthProvider, client: OAuthClient, user: str) -> None:
        remember_sign_in(self.afterword.store, provider, client, user)
        self._waiting(False)
        say(self.status, f"Signed in with {provider.name} as {user}.")
        self.signed_in.emit(user)

    def _failed(self, error: BaseException) -> None:
        self._waiting(False)
        say(self.status, user_message(error))

    def cancel(self) -> None:
        if self._flow is not None:
            self._flow.cancel()
        self._cancelled.set()

    def _waiting(self, waiting: bool) -> None:
        self.sign_in_button.setEnabled(not waiting)
        self.code_button.setEnabled(not waiting)
        self.cancel_button.setVisible(waiting)
