"""The fault matrix through the compose window: each fault's words under the Send button and
the message's state in the records, sent off the GUI thread to a real loopback server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.afterword import Afterword
from composer.password_binding import Destination
from composer.records import Contact, InterviewStatus, MessageState, Profile
from tests.helpers.fault_server import ROWS, TRIES, FaultFactory, fault_servers
from tests.helpers.smtp_server import PASSWORD, account_for
from tests.ui.conftest import Dialogs
from tests.ui.helpers import answer_the_check, write_to_all, written
from tests.ui.test_compose import interview_with, threaded_page
from ui.one_each_panel import CHECK_IN_OUTBOX
from ui.password_prompt import KEPT, PasswordDialog

FAST = (0.05, 0.1)
assert len(FAST) + 1 == TRIES


@pytest.fixture
def faulty(ca: trustme.CA) -> Iterator[FaultFactory]:
    with fault_servers(ca) as start:
        yield start


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's outbox waits RETRY_DELAYS between tries: the same count here, only short."""
    monkeypatch.setattr("composer.outbox.RETRY_DELAYS", FAST)


@pytest.mark.parametrize("name", ROWS)
def test_each_fault_is_told_under_send_and_kept_in_the_records(
    name: str,
    qtbot: QtBot,
    afterword: Afterword,
    faulty: FaultFactory,
    ca_file: Path,
    answers: Dialogs,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    row = ROWS[name]
    answer_the_check(monkeypatch)  # one message to three people: Send to all
    check = ui.dialogs.run_dialog
    asked: list[QDialog] = []

    def run(dialog: QDialog) -> bool:
        """A refused password is asked for again: Cancel."""
        if not isinstance(dialog, PasswordDialog):
            return check(dialog)
        asked.append(dialog)
        return False

    monkeypatch.setattr(ui.dialogs, "run_dialog", run)
    server = faulty(**row.server)
    afterword.store.save_profile(Profile("Zoë Müller", "zoe@example.org", signature="Zoë"))
    account = account_for(server, ca_file, **row.account)
    afterword.outbox.save_account(account)
    afterword.credentials.use_for_session(account.key, PASSWORD, [Destination.of(account)])
    people = [Contact(address.split("@")[0].title(), address) for address in row.to]
    interview_id = interview_with(afterword, *people, status=InterviewStatus.REJECTED)
    compose = threaded_page(qtbot, afterword)  # the real runner: "Sending…" is seen
    ids = [p.contact.id for p in afterword.store.participants(interview_id) if p.contact.id]
    write_to_all(compose, interview_id, "no_hard_feelings", ids)
    written(qtbot, compose)
    if row.big:
        portfolio = tmp_path / "portfolio.pdf"
        portfolio.write_bytes(b"%PDF-1.7 " + bytes(range(256)) * 20)
        compose.attachments.add_files([portfolio])

    with qtbot.waitSignal(compose.sent, timeout=10000) as finished:
        qtbot.mouseClick(compose.send_button, Qt.MouseButton.LeftButton)
        assert compose.status.text() == "Sending…"
    qtbot.waitUntil(lambda: not compose.sending, timeout=5000)

    shown = compose.status.text()
    for words in row.shows:
        assert words in shown
    stored = afterword.store.message(finished.args[0])
    assert stored.state is row.state
    assert sorted(stored.to) == sorted(f"{p.name} <{p.email}>" for p in people)
    if row.state is MessageState.SENT:
        assert shown == f"Sent. The server said: {stored.server_reply}"
        assert compose.send_button.text() == "&Send"
    elif row.state is MessageState.UNCERTAIN:
        assert shown == f"{stored.error} {CHECK_IN_OUTBOX}"
        assert compose.subject.text() == "" and not compose.send_button.isEnabled()
    else:
        kept = f" {KEPT}" if asked else ""  # and that it is kept, unsent
        assert shown == f"{stored.error}{kept}", "the window says what Outbox & Sent will say"
        assert compose.send_button.text() == "&Send again"
        assert compose.fix_button.isVisible() == ("Settings" in shown)
    assert len(server.received) == row.delivered
    assert len(server.recorder.arrived) == row.arrived
    assert server.recorder.sessions == row.sessions


def test_an_uncertain_message_is_neither_copied_nor_sent_again_from_compose(
    qtbot: QtBot, afterword: Afterword, faulty: FaultFactory, ca_file: Path, answers: Dialogs
) -> None:
    server = faulty(after_data="hang up")  # the message arrives, its "250" never does
    afterword.store.save_profile(Profile("Zoë Müller", "zoe@example.org", signature="Zoë"))
    account = account_for(server, ca_file)
    afterword.outbox.save_account(account)
    afterword.credentials.use_for_session(account.key, PASSWORD, [Destination.of(account)])
    interview_id = interview_with(
        afterword, Contact("Ana Lima", "ana@acme.example"), status=InterviewStatus.REJECTED
    )
    compose = threaded_page(qtbot, afterword)  # the real runner: "Sending…" is seen
    ids = [p.contact.id for p in afterword.store.participants(interview_id) if p.contact.id]
    write_to_all(compose, interview_id, "no_hard_feelings", ids)
    written(qtbot, compose)
    if len(ids) > 1:
        answers.answers.append(True)  # "Send one message to … together?"
    compose.send()
    qtbot.waitUntil(lambda: not compose.sending, timeout=15000)
    server.recorder.faults.after_data = ""  # the server answers again

    compose.save_draft()  # as autosave, Ctrl+S, New message and quitting do
    compose.send()

    assert "In Outbox & Sent, choose Mark as sent" in compose.status.text()
    assert afterword.store.message_ids(MessageState.DRAFT) == []
    assert afterword.store.message_ids(MessageState.QUEUED) == []
    assert len(afterword.store.message_ids(MessageState.UNCERTAIN)) == 1
    assert not compose.sending and len(server.received) == 1
