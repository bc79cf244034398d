"""The first-run assistant looks up the servers for an address and shows them for the user
to confirm: real HTTPS (ISPDB XML) and DNS (dnsmasq) servers on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.mailbox import mailbox_settings
from composer.providers import OTHER, chosen_provider
from tests.conftest import server_context
from tests.helpers.autoconfig_servers import Dnsmasq, HttpsServer, ispdb_xml, lookup_at
from tests.ui.helpers import shown
from ui import server_lookup
from ui.first_run import FirstRunAssistant, ProviderPage
from ui.runner import Runner

WAIT = 15_000
AUTOCONFIG = "/autoconfig/example.test/mail/config-v1.1.xml?emailaddress=zoe@example.test"


@pytest.fixture
def https(ca: trustme.CA) -> Iterator[HttpsServer]:
    server = HttpsServer(server_context(ca, "localhost", "127.0.0.1"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def dnsmasq() -> Iterator[Dnsmasq]:
    server = Dnsmasq({"workspace.test": "alt1.aspmx.l.google.com"})
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def on_loopback(
    monkeypatch: pytest.MonkeyPatch, https: HttpsServer, dnsmasq: Dnsmasq, ca_file: Path
) -> None:
    monkeypatch.setattr(server_lookup, "LOOKUP", lookup_at(https.port, dnsmasq.port, ca_file))


def provider_page(
    qtbot: QtBot, afterword: Afterword, runner: Runner, address: str
) -> tuple[FirstRunAssistant, ProviderPage]:
    assistant = shown(qtbot, FirstRunAssistant(afterword, runner))
    assistant.about.name.setText("Zoe")
    qtbot.keyClicks(assistant.about.email, address)
    assistant.next()
    page = assistant.provider
    domain = address.rpartition("@")[2]
    assert page.lookup.status.text() == f"Looking up mail servers for {domain}…"
    qtbot.waitUntil(lambda: page.lookup.use_button.isVisible(), timeout=WAIT)
    return assistant, page


def test_servers_found_are_shown_and_fill_the_settings_only_when_used(
    qtbot: QtBot, afterword: Afterword, runner: Runner, https: HttpsServer
) -> None:
    https.pages[AUTOCONFIG] = ispdb_xml(
        "example.test", ("smtp.example.test", 465, "SSL"), ("imap.example.test", 993, "SSL")
    )
    assistant, page = provider_page(qtbot, afterword, runner, "zoe@example.test")
    shown_text = page.lookup.status.text()
    assert shown_text.startswith("Found by example.test's own settings:")
    assert "smtp.example.test, port 465, TLS" in shown_text
    assert "imap.example.test, port 993, TLS" in shown_text
    assert page.host.text() == "", "nothing filled before the user says so"

    page.lookup.use_button.click()
    assert (page.host.text(), page.port.value()) == ("smtp.example.test", 465)
    assert page.security.currentData() == "tls"
    assert page.username.text() == "zoe", "the provider's user name form"
    assert page.lookup.isHidden()
    assistant.next()
    qtbot.waitUntil(lambda: runner.busy == 0, timeout=WAIT)
    qtbot.keyClicks(assistant.password.password, "secret")
    assistant.next()

    account = afterword.outbox.account()
    assert account is not None and (account.host, account.port) == ("smtp.example.test", 465)
    mailbox = mailbox_settings(afterword.store)
    assert mailbox is not None and mailbox.account.host == "imap.example.test"
    assert chosen_provider(afterword.store) == OTHER


def test_google_workspace_by_mx_is_used_as_gmail(
    qtbot: QtBot, afterword: Afterword, runner: Runner
) -> None:
    _, page = provider_page(qtbot, afterword, runner, "zoe@workspace.test")
    assert "handled by Google Workspace" in page.lookup.status.text()
    page.lookup.use_button.click()
    assert page.provider.currentText() == "Gmail"
    assert page.servers.isHidden(), "Gmail's servers are known"
    assert (
        page.recognised.text()
        == "Your domain's mail is handled by Google Workspace: its servers are filled in."
    )


def test_enter_them_myself_fills_nothing(
    qtbot: QtBot, afterword: Afterword, runner: Runner
) -> None:
    assistant, page = provider_page(qtbot, afterword, runner, "zoe@workspace.test")
    page.lookup.myself_button.click()
    assert page.provider.currentData() == OTHER
    assert page.host.text() == "" and page.lookup.isHidden()
    assert not assistant.button(QWizard.WizardButton.NextButton).isEnabled(), "a server first"
