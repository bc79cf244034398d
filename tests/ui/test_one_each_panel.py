""" "Thank each interviewer": personal messages side by side, sent once over one connection."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
import trustme
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.compose import queue_panel
from composer.password_binding import Destination
from composer.records import Contact, Interview, InterviewStatus, MessageState, Role
from composer.store import Store
from tests.helpers.fault_server import FaultFactory, FaultServer, fault_servers
from tests.helpers.smtp_server import PASSWORD, SmtpServer, account_for
from tests.ui.conftest import Dialogs
from ui.one_each_panel import PanelDialog
from ui.runner import InlineRunner


@pytest.fixture
def panel_interview(ready: Afterword) -> int:
    store: Store = ready.store

    interview = store.add_interview(
        Interview(
            "Acme",
            "Data Engineer",
            datetime(2026, 11, 3, 14, 30).astimezone(),
            status=InterviewStatus.DONE,
        )
    )
    people = [
        store.add_contact(Contact(name, f"{name.split()[0].lower()}@acme.example"))
        for name in ("Ana Lima", "Bo Chen", "Cy Diaz")
    ]
    assert interview.id is not None
    store.set_participants(interview.id, [(p.id, Role.INTERVIEWER) for p in people if p.id])
    return interview.id


@pytest.fixture
def faulty(ca: trustme.CA) -> Iterator[FaultFactory]:
    with fault_servers(ca) as start:
        yield start


def send_through(afterword: Afterword, server: FaultServer, ca_file: Path) -> None:
    """From now on the account is on ``server``, which answers as it was told to."""
    account = account_for(server, ca_file)
    afterword.outbox.save_account(account)
    afterword.credentials.use_for_session(account.key, PASSWORD, [Destination.of(account)])


def sent_through(
    qtbot: QtBot, afterword: Afterword, interview_id: int, server: FaultServer, ca_file: Path
) -> PanelDialog:
    """The panel, sent over ``server`` until every message has its result."""
    send_through(afterword, server, ca_file)
    dialog = open_panel(qtbot, afterword, interview_id)
    dialog.send()
    qtbot.waitUntil(lambda: not dialog.sending, timeout=15000)
    return dialog


def open_panel(qtbot: QtBot, afterword: Afterword, interview_id: int) -> PanelDialog:
    dialog = PanelDialog(afterword, InlineRunner(), interview_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def body_of(data: bytes) -> Any:
    return message_from_bytes(data, policy=policy.default).get_content()


def test_three_personal_messages_sent_over_one_connection(
    qtbot: QtBot,
    ready: Afterword,
    panel_interview: int,
    smtp_server: SmtpServer,
    answers: Dialogs,
) -> None:
    dialog = open_panel(qtbot, ready, panel_interview)
    assert [c.title() for c in dialog.columns] == ["Ana Lima", "Bo Chen", "Cy Diaz"]
    bo = dialog.columns[1]
    qtbot.keyClicks(bo.detail, "data contracts")
    qtbot.waitUntil(lambda: "data contracts" in bo.body.toPlainText(), timeout=3000)
    dialog.columns[2].body.appendPlainText("P.S. Loved the office dog.")
    assert dialog.send_button.text() == "&Send 3 messages"

    dialog.send()
    qtbot.waitUntil(lambda: not dialog.sending, timeout=15000)

    assert [c.status.text() for c in dialog.columns] == ["Sent."] * 3
    assert smtp_server.recorder.connections == 1
    got = {r.recipients[0]: body_of(r.data) for r in smtp_server.received}
    assert [r.recipients for r in smtp_server.received] == [[a] for a in got]
    assert got["ana@acme.example"].startswith("Dear Ana,")
    assert "our conversation about data contracts" in got["bo@acme.example"]
    assert "P.S. Loved the office dog." in got["cy@acme.example"]


def test_running_it_again_sends_nothing_unless_confirmed(
    qtbot: QtBot,
    ready: Afterword,
    panel_interview: int,
    smtp_server: SmtpServer,
    answers: Dialogs,
) -> None:
    first = open_panel(qtbot, ready, panel_interview)
    first.send()
    qtbot.waitUntil(lambda: not first.sending, timeout=15000)

    again = open_panel(qtbot, ready, panel_interview)
    assert all(c.again.isVisibleTo(again) and not c.again.isChecked() for c in again.columns)
    assert not again.send_button.isEnabled()
    assert "Nothing to send" in again.summary.text()
    again.columns[0].again.setChecked(True)  # the explicit confirmation, for Ana only
    assert again.send_button.text() == "&Send 1 message"
    again.send()
    qtbot.waitUntil(lambda: not again.sending, timeout=15000)

    assert len(smtp_server.received) == 4
    assert smtp_server.received[-1].recipients == ["ana@acme.example"]


def test_the_panel_cannot_close_mid_send_and_queued_messages_count_as_sent(
    qtbot: QtBot, ready: Afterword, panel_interview: int, answers: Dialogs
) -> None:
    dialog = open_panel(qtbot, ready, panel_interview)
    dialog.sending = True
    dialog.reject()
    assert dialog.isVisible() and "Wait until the messages are sent" in dialog.summary.text()
    dialog.sending = False
    queue_panel(ready.outbox, [c.item for c in dialog.columns[:1]])  # Ana: queued, not sent yet
    again = open_panel(qtbot, ready, panel_interview)
    assert [c.item.already_sent for c in again.columns] == [True, False, False]


def test_a_detail_does_not_overwrite_an_edited_message(
    qtbot: QtBot, ready: Afterword, panel_interview: int, answers: Dialogs
) -> None:
    dialog = open_panel(qtbot, ready, panel_interview)
    ana = dialog.columns[0]
    ana.body.appendPlainText("MY CAREFUL EDIT")
    qtbot.keyClicks(ana.detail, "data contracts")
    dialog.refill()
    assert ana.body.toPlainText().endswith("MY CAREFUL EDIT")
    answers.answers.append(False)
    dialog.reject()
    assert dialog.isVisible(), "closing over edits asks first"
    answers.answers.append(True)
    dialog.reject()


def test_a_panel_with_one_bad_message_queues_none(
    qtbot: QtBot, ready: Afterword, panel_interview: int, answers: Dialogs
) -> None:
    dialog = open_panel(qtbot, ready, panel_interview)
    dialog.columns[1].subject.setText("   ")
    dialog.send()
    assert "subject is empty" in dialog.summary.text()
    assert ready.store.message_ids(MessageState.QUEUED) == []
    answers.answers.append(True)


def test_after_an_uncertain_result_nothing_is_sent_again_from_the_panel(
    qtbot: QtBot,
    ready: Afterword,
    panel_interview: int,
    faulty: FaultFactory,
    ca_file: Path,
    answers: Dialogs,
) -> None:
    server = faulty(after_data="hang up")  # each message arrives, its "250" never does
    dialog = sent_through(qtbot, ready, panel_interview, server, ca_file)

    assert len(ready.store.message_ids(MessageState.UNCERTAIN)) == 3
    assert not dialog.send_button.isEnabled()
    assert dialog.summary.text() == "3 messages may not have gone: see under each."
    for column in dialog.columns:
        assert "In Outbox & Sent, choose Mark as sent" in column.status.text()
        assert not column.again.isVisibleTo(dialog)
    assert len(server.received) == 3


def test_sending_again_after_a_failure_retries_the_same_message(
    qtbot: QtBot,
    ready: Afterword,
    panel_interview: int,
    faulty: FaultFactory,
    ca_file: Path,
    answers: Dialogs,
) -> None:
    server = faulty(data_replies=["552 5.3.4 Message too big for system"])  # Ana's, once
    dialog = sent_through(qtbot, ready, panel_interview, server, ca_file)
    [failed] = ready.store.message_ids(MessageState.FAILED)
    assert dialog.send_button.text() == "&Send 1 message"
    assert dialog.summary.text() == (
        "Sent 2 messages. 1 message not sent: see why under each, then send again."
    )

    dialog.columns[0].body.appendPlainText("P.S. A shorter one this time.")
    dialog.send()
    qtbot.waitUntil(lambda: not dialog.sending, timeout=15000)

    assert [c.status.text() for c in dialog.columns] == ["Sent."] * 3
    assert dialog.summary.text() == "Sent 3 messages.", "counted over both sends"
    assert ready.store.message(failed).state is MessageState.SENT
    assert ready.store.message_ids(MessageState.FAILED) == []
    assert len(ready.store.message_ids(MessageState.SENT)) == 3
    assert [r.recipients for r in server.received][-1] == ["ana@acme.example"]
    assert "P.S. A shorter one this time." in body_of(server.received[-1].data)


def test_a_detail_of_spaces_leaves_no_blank_and_spaces_around_one_are_dropped(
    qtbot: QtBot, ready: Afterword, panel_interview: int, answers: Dialogs
) -> None:
    dialog = open_panel(qtbot, ready, panel_interview)
    ana, bo = dialog.columns[:2]
    qtbot.keyClicks(ana.detail, "  ")
    qtbot.keyClicks(bo.detail, " data contracts ")
    qtbot.waitUntil(lambda: "data contracts" in bo.body.toPlainText(), timeout=3000)

    assert "conversation about" not in ana.body.toPlainText()
    assert "our conversation about data contracts." in bo.body.toPlainText()
