"""Through the widgets: a template's question asked above Compose's text, answered there,
and the message sent with the answer."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.dates import choose_locale
from composer.records import Contact, Interview, InterviewStatus, Role
from tests.helpers.smtp_server import SmtpServer
from ui.main_window import MainWindow

INLINE_RUNNER = True  # flows through the widgets: no threads checked here


MET = datetime(2026, 11, 3, 14, 30).astimezone()  # 14:30 on the user's clock, a Tuesday
NOW = datetime(2026, 11, 4, 9, 0, tzinfo=UTC)
NEWS = "I have just finished a course in data modelling."


@pytest.fixture
def people(ready: Afterword) -> dict[str, int]:
    store = ready.store
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme", check_in_days=30))
    met = store.add_interview(Interview("Acme", "Data Engineer", MET, status=InterviewStatus.DONE))
    assert ana.id and met.id
    store.set_participants(met.id, [(ana.id, Role.INTERVIEWER)])
    choose_locale(store, "en_GB")
    return {"ana": ana.id, "met": met.id}


def test_keeping_in_touch_waits_for_the_news_typed_above_the_text(
    qtbot: QtBot, window: MainWindow, people: dict[str, int], smtp_server: SmtpServer
) -> None:
    window.write(None, "keeping_in_touch", [people["ana"]])
    compose = window.compose
    assert compose.questions.isVisible()
    assert "What you have been doing lately" in compose.problem.text()
    assert "Type it in the box above the text in Compose" in compose.problem.text()
    assert not compose.send_button.isEnabled() and compose.body.toPlainText() == ""

    qtbot.keyClicks(compose.questions.box("news"), NEWS)
    qtbot.waitUntil(lambda: NEWS in compose.body.toPlainText(), timeout=5000)

    assert compose.problem.text() == "" and compose.send_button.isEnabled()
    assert compose.body.toPlainText().startswith("Dear Ana,")
    with qtbot.waitSignal(compose.sent, timeout=20_000):
        qtbot.mouseClick(compose.send_button, Qt.MouseButton.LeftButton)
    [received] = smtp_server.received
    mail = message_from_bytes(received.data, policy=policy.default)
    assert NEWS in mail.get_content()


def test_a_template_that_asks_nothing_shows_no_question(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    window.write(people["met"], "thank_you")
    assert not window.compose.questions.isVisible()
    assert window.compose.send_button.isEnabled()
