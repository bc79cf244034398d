"""Which providers sign in with OAuth2, and whose client ID they use: the user's from
Settings, else a packager's ``oauth.json``; Afterword ships none."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import requests

from composer.errors import SignInFailed
from composer.oauth import (
    GOOGLE,
    MICROSOFT,
    OAuthClient,
    client_for,
    packaged_client,
    save_client,
)
from composer.oauth_flow import BrowserSignIn
from composer.providers import preset_for_address
from composer.store import Store
from tests.helpers.clock import clock


def test_outlook_and_gmail_addresses_offer_sign_in_and_say_what_is_true_today() -> None:
    outlook, gmail = preset_for_address("zoe@hotmail.com"), preset_for_address("z@gmail.com")
    assert outlook is not None and gmail is not None
    assert (outlook.oauth, gmail.oauth) == ("microsoft", "google")
    assert "September 2024" in outlook.sign_in_note
    assert "December 2026" in outlook.sign_in_note
    assert "app password works" not in outlook.sign_in_note
    assert "Sign in with Google" in gmail.sign_in_note and "2-Step" in gmail.sign_in_note


def test_no_client_id_is_shipped(store: Store, tmp_path: Path) -> None:
    assert client_for(store, MICROSOFT, tmp_path) is None
    assert client_for(store, GOOGLE, tmp_path) is None


def test_a_packagers_file_gives_the_client_id_and_settings_win_over_it(
    store: Store, tmp_path: Path
) -> None:
    (tmp_path / "oauth.json").write_text(
        '{"microsoft": {"client_id": "packaged-ms"}, '
        '"google": {"client_id": "packaged-g", "client_secret": "g-secret"}}'
    )
    assert client_for(store, GOOGLE, tmp_path) == OAuthClient("packaged-g", "g-secret")

    save_client(store, MICROSOFT, OAuthClient("my-own-app"))
    assert client_for(store, MICROSOFT, tmp_path) == OAuthClient("my-own-app")
    save_client(store, MICROSOFT, None)  # the field emptied: the packager's again
    assert client_for(store, MICROSOFT, tmp_path) == OAuthClient("packaged-ms")


@pytest.mark.parametrize("text", ["{not json", "[]", '{"microsoft": "id"}', ""])
def test_a_damaged_packagers_file_is_no_client_id(tmp_path: Path, text: str) -> None:
    (tmp_path / "oauth.json").write_text(text)
    assert packaged_client(MICROSOFT, tmp_path) is None


def test_the_browser_sign_in_waits_for_its_own_state_only_and_can_be_cancelled() -> None:
    flow = BrowserSignIn(MICROSOFT, OAuthClient("my-own-app"), clock)
    assert flow.url.startswith(MICROSOFT.authorize_url)
    assert flow.redirect_uri.startswith("http://127.0.0.1:")
    failure: list[BaseException] = []

    def wait() -> None:
        try:
            flow.wait(timeout=10)
        except SignInFailed as error:
            failure.append(error)

    waiting = threading.Thread(target=wait)
    waiting.start()
    forged = requests.get(f"{flow.redirect_uri}?code=stolen&state=not-ours", timeout=5)
    flow.cancel()
    waiting.join(5)

    assert forged.status_code == 400  # another site's redirect is not taken for the answer
    assert [str(e) for e in failure] == ["Sign-in was cancelled."]
