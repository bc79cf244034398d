"""The sidebar: every area by name (for screen readers too), chosen by click, arrows and
Ctrl+1…8, and its counts (due today, failed, drafts) kept true as the user works."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import trustme
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.afterword import Afterword
from composer.password_binding import Destination
from composer.records import Contact, Interview, MessageState, Profile, Role
from tests.helpers.clock import NOW
from tests.helpers.fault_server import FaultFactory, fault_servers
from tests.helpers.smtp_server import PASSWORD, SmtpServer, account_for
from tests.ui.conftest import Dialogs
from tests.ui.helpers import answer_the_check, written
from ui.main_window import MainWindow
from ui.password_prompt import PasswordDialog

AREA_NAMES = [
    "Today",
    "Interviews",
    "Contacts",
    "Compose",
    "Outbox & Sent",
    "Feedback",
    "Templates",
    "Settings",
]


def opened(qtbot: QtBot, afterword: Afterword) -> MainWindow:
    main = MainWindow(afterword, clock=lambda: NOW)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.runner.busy == 0)
    return main


@pytest.fixture
def window(qtbot: QtBot, afterword: Afterword, answers: Dialogs) -> Iterator[MainWindow]:
    main = opened(qtbot, afterword)
    yield main
    main.runner.wait()


def said(window: MainWindow, row: int) -> str:
    item = window.sidebar.item(row)
    assert item is not None
    return str(item.data(Qt.ItemDataRole.AccessibleTextRole))


def counts(window: MainWindow, area: str) -> list[tuple[int, str]]:
    return [(badge.count, badge.words) for badge in window.sidebar.badges(area)]


def test_the_sidebar_lists_every_area_by_name_with_an_icon(window: MainWindow) -> None:
    sidebar = window.sidebar
    assert sidebar.accessibleName() == "Areas"
    assert [sidebar.item(row).text() for row in range(sidebar.count())] == AREA_NAMES
    assert [said(window, row) for row in range(sidebar.count())] == AREA_NAMES  # nothing due
    assert all(not sidebar.item(row).icon().isNull() for row in range(sidebar.count()))
    assert sidebar.focusPolicy() & Qt.FocusPolicy.TabFocus, "the keyboard reaches it"
    assert sidebar in focus_chain(window), "Tab stops at it"
    assert sidebar.currentRow() == 0 and window.current_area() is window.today


def focus_chain(window: MainWindow) -> list[QWidget]:
    chain, widget = [], window.nextInFocusChain()
    while widget is not None and widget is not window:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


def test_a_click_on_an_area_shows_it(qtbot: QtBot, window: MainWindow) -> None:
    sidebar = window.sidebar
    row = AREA_NAMES.index("Contacts")
    place = sidebar.visualItemRect(sidebar.item(row)).center()
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton, pos=place)
    assert window.current_area() is window.contacts
    window.show_area(window.templates)  # and the other way: the sidebar follows
    assert sidebar.currentRow() == AREA_NAMES.index("Templates")


def test_ctrl_number_keys_and_arrows_switch_areas(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    for number, name in enumerate(AREA_NAMES, start=1):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier)
        assert window.sidebar.currentItem().text() == name
    assert window.current_area() is window.settings_page
    window.sidebar.setFocus()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Up)
    assert window.current_area() is window.templates
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Home)
    assert window.current_area() is window.today


def test_the_drafts_count_follows_a_saved_draft(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    window = opened(qtbot, ready)
    assert counts(window, "sent") == []
    window.new_message()
    window.compose.subject.setText("Coffee next week?")
    window.compose.save_draft()
    qtbot.waitUntil(lambda: counts(window, "sent") == [(1, "draft")])
    assert said(window, AREA_NAMES.index("Outbox & Sent")) == "Outbox & Sent: 1 draft"
    window.runner.wait()


@pytest.fixture
def faulty(ca: trustme.CA) -> Iterator[FaultFactory]:
    with fault_servers(ca) as start:
        yield start


def test_a_failed_send_is_counted_at_outbox_and_sent(
    qtbot: QtBot,
    afterword: Afterword,
    faulty: FaultFactory,
    ca_file: Path,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer_the_check(monkeypatch)
    check = ui.dialogs.run_dialog
    monkeypatch.setattr(  # the password the server refused is asked for again: Cancel
        ui.dialogs, "run_dialog", lambda d: False if isinstance(d, PasswordDialog) else check(d)
    )
    server = faulty(users={})  # every login refused with 535: the message fails
    afterword.store.save_profile(Profile("Zoë Müller", "zoe@example.org", signature="Zoë"))
    account = account_for(server, ca_file)
    afterword.outbox.save_account(account)
    afterword.credentials.use_for_session(account.key, PASSWORD, [Destination.of(account)])
    interview_id, ana = interview_with_ana(afterword)
    window = opened(qtbot, afterword)
    window.write(interview_id, "thank_you", [ana])
    written(qtbot, window.compose)
    with qtbot.waitSignal(window.compose.sent, timeout=10000) as finished:
        qtbot.mouseClick(window.compose.send_button, Qt.MouseButton.LeftButton)
    assert afterword.store.message(finished.args[0]).state is MessageState.FAILED
    qtbot.waitUntil(lambda: (1, "failed") in counts(window, "sent"))
    assert window.sidebar.badges("sent")[0].urgent, "a failure stands out; a draft does not"
    assert "1 failed" in said(window, AREA_NAMES.index("Outbox & Sent"))
    window.runner.wait()


def interview_with_ana(afterword: Afterword) -> tuple[int, int]:
    store = afterword.store
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme"))
    met = store.add_interview(Interview("Acme", "Data Engineer", NOW - timedelta(hours=3)))
    assert ana.id and met.id
    store.set_participants(met.id, [(ana.id, Role.INTERVIEWER)])
    return met.id, ana.id


def test_the_due_count_is_todays_and_drops_when_the_thank_you_is_sent(
    qtbot: QtBot,
    ready: Afterword,
    smtp_server: SmtpServer,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer_the_check(monkeypatch)
    interview_id, ana = interview_with_ana(ready)
    window = opened(qtbot, ready)
    qtbot.waitUntil(lambda: counts(window, "today") == [(len(window.today.items), "due")])
    before = len(window.today.items)
    assert before >= 1 and said(window, 0) == f"Today: {before} due"
    window.write(interview_id, "thank_you", [ana])  # Today is not shown from here on
    written(qtbot, window.compose)
    with qtbot.waitSignal(window.compose.sent, timeout=10000):
        qtbot.mouseClick(window.compose.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sum(c for c, _ in counts(window, "today")) == before - 1)
    assert window.current_area() is window.compose
    window.runner.wait()


def test_opened_on_another_area_the_due_count_still_comes(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    interview_with_ana(ready)
    (ready.paths.config_dir / "window.ini").write_text("[General]\narea=2\n")
    window = opened(qtbot, ready)
    assert window.current_area() is window.contacts
    qtbot.waitUntil(lambda: counts(window, "today") == [(1, "due")], timeout=5000)
    assert window.current_area() is window.contacts, "counted behind the scenes"
    assert window.today.items[0].title.startswith("Thank your interviewers")
    window.runner.wait()
