"""Settings' "Sign in with Microsoft…": the system browser (played by the test), the wait
for its redirect off the GUI thread, Cancel, and the client ID field, against the real
authorization server of tests/helpers/oauth_server.py and the real keyring."""

# ruff: noqa: F811  (the fixtures imported below are parameters of the tests)

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.credentials import SERVICE, Credentials
from composer.oauth import MICROSOFT, keyring_key
from composer.oauth_account import signed_in_as
from composer.paths import Paths
from tests.helpers.clock import SetClock
from tests.helpers.oauth_fixtures import (  # noqa: F401
    Browser,
    authorization_server,
    browser,
    moment,
)
from tests.helpers.oauth_server import CLIENT_ID, OAuthServer
from tests.ui.helpers import shown
from ui import sign_in
from ui.runner import Runner
from ui.settings import SettingsPage
from ui.sign_in import WAITING

WAIT = 15_000
USER = "zoe@outlook.com"


@pytest.fixture
def signing_in(
    paths: Paths,
    secret_backend: Any,
    moment: SetClock,
    authorization_server: OAuthServer,
    ca_file: Path,
) -> Iterator[Afterword]:
    """A packager's oauth.json points Microsoft at the test's server (no client ID)."""
    base = authorization_server.base
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    (paths.config_dir / "oauth.json").write_text(
        json.dumps(
            {
                "microsoft": {
                    "authorize_url": f"{base}/authorize",
                    "token_url": f"{base}/token",
                    "ca_file": str(ca_file),
                }
            }
        )
    )
    authorization_server.user = USER
    opened = Afterword.open(paths, keyring_backend=secret_backend, clock=moment)
    yield opened
    opened.close()


PAGES: list[SettingsPage] = []


@pytest.fixture(autouse=True)
def _nothing_left_waiting(runner: Runner) -> Iterator[None]:
    """A failed test must not leave a sign-in waiting for its browser."""
    yield
    while PAGES:
        PAGES.pop().sign_in.cancel()


def outlook_page(qtbot: QtBot, afterword: Afterword, runner: Runner) -> SettingsPage:
    page = shown(qtbot, SettingsPage(afterword, runner))
    PAGES.append(page)
    qtbot.waitUntil(lambda: runner.busy == 0, timeout=WAIT)
    page.provider.setCurrentIndex(page.provider.findData("Outlook / Microsoft 365"))
    page.provider.activated.emit(page.provider.currentIndex())
    page.username.setText(USER)
    return page


def test_signing_in_with_microsoft_in_the_browser_keeps_the_sign_in(
    qtbot: QtBot,
    signing_in: Afterword,
    runner: Runner,
    browser: Browser,
    secret_backend: Any,
    authorization_server: OAuthServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sign_in, "open_browser", browser.open)  # the only thing not real
    page = outlook_page(qtbot, signing_in, runner)
    row = page.sign_in
    assert row.isVisible() and row.sign_in_button.text() == "Sign in with Microsoft…"
    row.client_id.setText(CLIENT_ID)  # the app the user registered

    with qtbot.waitSignal(row.signed_in, timeout=WAIT):
        row.sign_in_button.click()
        assert row.status.text() == WAITING and row.cancel_button.isVisible()

    assert row.status.text() == f"Signed in with Microsoft as {USER}."
    assert not row.cancel_button.isVisible() and row.sign_in_button.isEnabled()
    key = keyring_key(MICROSOFT, USER)
    assert secret_backend.get_password(SERVICE, key)
    remembered = signed_in_as(signing_in.store)
    assert remembered is not None and remembered[1].client_id == CLIENT_ID
    assert remembered[2] == USER
    bound = {(d.kind, d.where) for d in Credentials(secret_backend).saved_for(key) or ()}
    token_endpoint = authorization_server.base.removeprefix("https://")
    assert bound == {  # Microsoft's own servers: the account was not saved yet
        ("oauth", token_endpoint),
        ("smtp", "smtp.office365.com:587"),
        ("imap", "outlook.office365.com:993"),
    }


def test_cancel_stops_waiting_for_the_browser(
    qtbot: QtBot, signing_in: Afterword, runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sign_in, "open_browser", lambda url: True)  # the user never signs in
    page = outlook_page(qtbot, signing_in, runner)
    row = page.sign_in
    row.client_id.setText(CLIENT_ID)

    row.sign_in_button.click()
    row.cancel_button.click()
    qtbot.waitUntil(lambda: runner.busy == 0, timeout=WAIT)

    assert row.status.text() == "Sign-in was cancelled."
    assert row.sign_in_button.isEnabled() and signed_in_as(signing_in.store) is None


def test_without_a_client_id_it_says_where_to_get_one(
    qtbot: QtBot, signing_in: Afterword, runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(sign_in, "open_browser", opened.append)
    page = outlook_page(qtbot, signing_in, runner)

    page.sign_in.sign_in_button.click()

    assert opened == [] and "client ID of an app you registered" in page.sign_in.status.text()


def test_only_providers_with_oauth_offer_sign_in(
    qtbot: QtBot, signing_in: Afterword, runner: Runner
) -> None:
    page = outlook_page(qtbot, signing_in, runner)
    page.provider.setCurrentIndex(page.provider.findData("Fastmail"))
    page.provider.activated.emit(page.provider.currentIndex())
    assert not page.sign_in.isVisible()
    page.provider.setCurrentIndex(page.provider.findData("Gmail"))
    page.provider.activated.emit(page.provider.currentIndex())
    assert page.sign_in.sign_in_button.text() == "Sign in with Google…"
