"""A mail account a hand edit or another version damaged: Compose opens and Send says what
is wrong and where to set it again, never a crash dialog; nothing is sent or lost."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from composer.app import Afterword
from composer.records import Contact, InterviewStatus, MessageState
from composer.store import ACCOUNT_SETTING
from tests.smtp_server import SmtpServer
from tests.ui.conftest import Dialogs
from tests.ui.helpers import write_to_all
from tests.ui.test_compose import interview_with, page

DAMAGED = (
    "Your mail account settings are damaged (port is not a number). "
    "Set them again in Settings › Account."
)


def test_send_with_a_damaged_account_says_so_and_keeps_the_message(
    qtbot: QtBot, ready: Afterword, smtp_server: SmtpServer, answers: Dialogs
) -> None:
    stored = ready.store.get_setting(ACCOUNT_SETTING)
    ready.store.set_setting(ACCOUNT_SETTING, {**stored, "port": str(stored["port"])})
    interview_id = interview_with(
        ready, Contact("Ana Lima", "ana@acme.example"), status=InterviewStatus.REJECTED
    )
    compose = page(qtbot, ready)
    ids = [p.contact.id for p in ready.store.participants(interview_id) if p.contact.id]
    write_to_all(compose, interview_id, "no_hard_feelings", ids)

    compose.send()
    qtbot.waitUntil(lambda: not compose.sending, timeout=10000)

    assert compose.status.text().startswith(DAMAGED)
    assert compose.fix_button.isVisible(), "a way to Settings, where it is set again"
    [failed] = ready.store.message_ids(MessageState.FAILED)
    assert ready.store.message(failed).error == DAMAGED
    assert smtp_server.recorder.received == []
