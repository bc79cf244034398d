"""Send later: chosen beside Send, kept in the outbox across a quit, sent when due while
Afterword runs, and offered (never sent silently) when overdue at start-up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.password_binding import Destination
from composer.paths import Paths
from composer.records import Contact, Message, MessageState
from tests.helpers.clock import clock
from tests.helpers.smtp_server import PASSWORD, SmtpServer
from tests.ui.conftest import Dialogs
from tests.ui.helpers import add_to
from ui import dialogs
from ui.main_window import MainWindow
from ui.send_later import Overdue, OverdueDialog, TimeDialog
from ui.widgets import to_local


def open_window(qtbot: QtBot, afterword: Afterword, at: Callable[[], datetime]) -> MainWindow:
    main = MainWindow(afterword, clock=at)
    qtbot.addWidget(main)
    main.show()
    return main


@pytest.fixture
def window(qtbot: QtBot, ready: Afterword, answers: Dialogs) -> Iterator[MainWindow]:
    main = open_window(qtbot, ready, clock)
    yield main
    main.runner.wait()


def write(qtbot: QtBot, window: MainWindow, subject: str = "Thank you") -> None:
    compose = window.compose
    window.show_area(compose)
    qtbot.keyClicks(compose.to, "Lee Park <lee@partner.example>")
    qtbot.keyClicks(compose.subject, subject)
    qtbot.keyClicks(compose.body, "Thank you for today, Lee.")


def send_later(qtbot: QtBot, window: MainWindow, choice: str) -> int:
    """Picks ``choice`` from the Send later menu; returns the scheduled message's id."""
    compose = window.compose
    button = compose.later_button
    button.fill()  # as the menu does when it opens
    menu = button.menu()
    assert menu is not None
    [action] = [a for a in menu.actions() if a.text().startswith(choice)]
    action.trigger()
    qtbot.waitUntil(lambda: "Scheduled" in compose.status.text(), timeout=10_000)
    [message_id] = window.afterword.store.message_ids(MessageState.SCHEDULED)
    return message_id


def choosing(monkeypatch: pytest.MonkeyPatch, choice: Overdue) -> list[OverdueDialog]:
    shown: list[OverdueDialog] = []

    def run(dialog: QDialog) -> bool:
        assert isinstance(dialog, OverdueDialog)
        shown.append(dialog)
        dialog.buttons[choice].click()
        return True

    monkeypatch.setattr(dialogs, "run_dialog", run)
    return shown


def test_send_later_keeps_it_in_the_outbox_with_its_time(
    qtbot: QtBot, window: MainWindow, smtp_server: SmtpServer
) -> None:
    write(qtbot, window)
    before = clock()
    message_id = send_later(qtbot, window, "In 1 hour")

    message = window.afterword.store.message(message_id)
    assert message.scheduled_at is not None
    assert timedelta(minutes=58) < message.scheduled_at - before <= timedelta(hours=1)
    assert message.body.startswith("Thank you for today, Lee.")
    assert window.compose.subject.text() == ""  # free for the next one
    window.scheduled.look()  # not due yet: nothing goes
    window.runner.wait()
    assert smtp_server.received == []


def test_while_afterword_runs_a_due_message_goes_once(
    qtbot: QtBot, ready: Afterword, answers: Dialogs, smtp_server: SmtpServer
) -> None:
    moved = [timedelta(0)]
    window = open_window(qtbot, ready, lambda: clock() + moved[0])
    write(qtbot, window)
    send_later(qtbot, window, "In 1 hour")

    moved[0] = timedelta(hours=1, minutes=1)  # an hour later, the window still open
    window.scheduled.look()
    qtbot.waitUntil(lambda: len(smtp_server.received) == 1, timeout=10_000)
    window.runner.wait()
    window.scheduled.look()
    window.runner.wait()
    assert len(smtp_server.received) == 1
    assert ready.store.message_ids(MessageState.SENT) == [1]
    assert "Sent 1 message" in window.statusBar().currentMessage()


def test_scheduled_then_quit_is_offered_when_overdue_and_sent_once(
    qtbot: QtBot,
    ready: Afterword,
    paths: Paths,
    answers: Dialogs,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = open_window(qtbot, ready, clock)
    write(qtbot, first, "Thank you, scheduled")
    message_id = send_later(qtbot, first, "Tomorrow morning")
    due = ready.store.message(message_id).scheduled_at
    assert due is not None
    account = ready.outbox.account()
    assert account is not None
    assert first.close()
    ready.close()

    later = due - clock() + timedelta(hours=5)  # Afterword opened again, hours after
    again = Afterword.open(paths, keyring_backend=object(), clock=lambda: clock() + later)
    again.credentials.use_for_session(account.key, PASSWORD, [Destination.of(account)])
    offered = choosing(monkeypatch, Overdue.SEND_NOW)
    try:
        window = open_window(qtbot, again, again.clock)
        qtbot.waitUntil(lambda: len(offered) == 1, timeout=5000)
        assert offered[0].list.count() == 1
        assert "Thank you, scheduled" in offered[0].list.item(0).text()
        qtbot.waitUntil(lambda: len(smtp_server.received) == 1, timeout=10_000)
        window.runner.wait()
        window.scheduled.look()  # the regular look after: nothing more goes
        window.runner.wait()
        assert len(smtp_server.received) == 1
        assert again.store.message(message_id).state is MessageState.SENT
        window.close()
    finally:
        again.close()


def test_not_sent_silently_before_the_user_answers(
    qtbot: QtBot, ready: Afterword, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    late = ready.outbox.schedule(
        Message("Late", "b", ["ana@acme.example"]), clock() - timedelta(minutes=20)
    )
    offered = choosing(monkeypatch, Overdue.KEEP_AS_DRAFT)
    window = open_window(qtbot, ready, clock)
    qtbot.waitUntil(lambda: len(offered) == 1, timeout=5000)
    window.scheduled.look()
    window.runner.wait()
    assert smtp_server.received == []
    assert ready.store.message(late.id or 0).state is MessageState.DRAFT
    assert "Kept as a draft" in window.statusBar().currentMessage()


def test_an_overdue_message_can_be_rescheduled(
    qtbot: QtBot, ready: Afterword, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    late = ready.outbox.schedule(
        Message("Late", "b", ["ana@acme.example"]), clock() - timedelta(days=2)
    )
    chosen = clock() + timedelta(days=1)

    def run(dialog: QDialog) -> bool:
        if isinstance(dialog, OverdueDialog):
            dialog.buttons[Overdue.RESCHEDULE].click()
        else:
            assert isinstance(dialog, TimeDialog)
            dialog.when.setDateTime(dialog.when.dateTime().addSecs(23 * 3600))
        return True

    monkeypatch.setattr(dialogs, "run_dialog", run)
    window = open_window(qtbot, ready, clock)
    qtbot.waitUntil(lambda: window.scheduled.timer.isActive(), timeout=5000)
    message = ready.store.message(late.id or 0)
    assert message.state is MessageState.SCHEDULED
    assert message.scheduled_at is not None
    assert abs(message.scheduled_at - chosen) < timedelta(hours=1)
    assert smtp_server.received == []


def test_from_outbox_and_sent_it_can_be_cancelled_or_opened_and_changed(
    qtbot: QtBot, window: MainWindow, smtp_server: SmtpServer
) -> None:
    outbox = window.afterword.outbox
    when = clock() + timedelta(days=1)
    first = outbox.schedule(Message("First", "Text one", ["ana@acme.example"]), when)
    second = outbox.schedule(Message("Second", "Text two", ["ana@acme.example"]), when)
    sent = window.sent
    window.show_area(sent)
    qtbot.waitUntil(lambda: sent.model.rowCount() == 2, timeout=5000)

    sent.select(first.id)
    assert "Scheduled to go on" in sent.explanation.text()
    assert sent.scheduled.cancel_button.isEnabled()
    sent.scheduled.cancel_button.click()
    assert window.afterword.store.message(first.id or 0).state is MessageState.DRAFT

    sent.select(second.id)
    assert sent.open_button.isEnabled()
    sent.open_button.click()
    compose = window.compose
    assert compose.subject.text() == "Second"
    assert "was to go on" in compose.status.text()
    assert window.afterword.store.message(second.id or 0).state is MessageState.DRAFT
    window.scheduled.look()  # it is being changed: it does not go meanwhile
    window.runner.wait()
    assert smtp_server.received == []


def test_a_time_of_ones_own_choosing(
    qtbot: QtBot, window: MainWindow, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    wanted = (clock() + timedelta(days=3)).replace(hour=14, minute=0, second=0, microsecond=0)

    def run(dialog: QDialog) -> bool:
        assert isinstance(dialog, TimeDialog)
        dialog.when.setDateTime(to_local(wanted))
        return True

    monkeypatch.setattr(dialogs, "run_dialog", run)
    write(qtbot, window)
    message_id = send_later(qtbot, window, "Choose a time")
    assert window.afterword.store.message(message_id).scheduled_at == wanted
    assert smtp_server.received == []


def test_send_later_with_several_people_ticked_says_what_to_do(
    qtbot: QtBot, window: MainWindow, smtp_server: SmtpServer
) -> None:
    store = window.afterword.store
    ids = [
        store.add_contact(Contact(name, f"{name.split()[0].lower()}@acme.example")).id
        for name in ("Ana Lima", "Bo Chen")
    ]
    compose = window.compose
    window.show_area(compose)
    add_to(compose, *[i for i in ids if i is not None])
    qtbot.keyClicks(compose.subject, "Thank you")
    qtbot.keyClicks(compose.body, "Thank you for today.")
    compose.later_button.fill()
    menu = compose.later_button.menu()
    assert menu is not None
    menu.actions()[0].trigger()  # In 1 hour
    assert "Send later sends one message" in compose.status.text()
    assert store.message_ids(MessageState.SCHEDULED) == []
    assert smtp_server.received == []


def test_nothing_scheduled_goes_while_a_backup_is_restored(
    qtbot: QtBot, window: MainWindow, smtp_server: SmtpServer
) -> None:
    qtbot.waitUntil(window.scheduled.timer.isActive)  # the start-up look is done
    due = window.afterword.outbox.schedule(
        Message("Due", "b", ["ana@acme.example"]), clock() - timedelta(minutes=1)
    )
    window._restoring(True)
    window.scheduled.look()
    window.runner.wait()
    assert smtp_server.received == []
    window._restoring(False)
    window.scheduled.look()
    qtbot.waitUntil(lambda: len(smtp_server.received) == 1, timeout=10_000)
    window.runner.wait()
    assert window.afterword.store.message(due.id or 0).state is MessageState.SENT
