"""The tone note on screen: a reply to a rejection that pleads is listed before it goes,
with the phrase and a gentler wording, and "Send anyway" sends it to the real SMTP server."""

from __future__ import annotations

from datetime import datetime

import pytest
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.records import Contact, Interview, InterviewStatus, Role
from tests.helpers.smtp_server import SmtpServer
from tests.ui.conftest import Dialogs
from tests.ui.test_send_check import checked, compose_to_ana, text_received
from ui.send_check import BeforeItGoes

PLEA = (
    "Dear Ana,\n\nThank you for letting me know. Please reconsider your decision: I am "
    "sure I could grow into the role.\n\nBest wishes,\nZoë\n"
)


@pytest.fixture
def rejected(ready: Afterword) -> int:
    """A "no" from Acme, after an interview with Ana."""
    store = ready.store
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme"))
    when = datetime(2026, 11, 3, 14, 30).astimezone()
    added = store.add_interview(
        Interview("Acme", "Data Engineer", when, status=InterviewStatus.REJECTED)
    )
    assert added.id is not None and ana.id is not None
    store.set_participants(added.id, [(ana.id, Role.INTERVIEWER)])
    return added.id


def test_a_pleading_reply_is_noted_with_a_gentler_wording_and_send_anyway_sends_it(
    qtbot: QtBot,
    ready: Afterword,
    rejected: int,
    smtp_server: SmtpServer,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compose = compose_to_ana(qtbot, ready, rejected, PLEA)
    buttons: list[str] = []

    def send_anyway(dialog: BeforeItGoes) -> None:
        buttons.append(dialog.send_button.text())
        dialog.send_button.click()

    listed = checked(monkeypatch, send_anyway)
    with qtbot.waitSignal(compose.sent, timeout=20_000):
        compose.send()

    [[note]] = listed
    assert note.startswith("“Please reconsider” in the body pleads:")
    assert "Gentler: “I would be glad to be considered for future openings.”" in note
    assert buttons == ["&Send anyway"]
    assert "Please reconsider your decision" in text_received(smtp_server)
    assert smtp_server.received[0].recipients == ["ana@acme.example"]
