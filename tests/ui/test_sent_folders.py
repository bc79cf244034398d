"""Outbox & Sent by state: folders with counts, the search within the folder chosen, failed
and uncertain messages standing out in the palette's colours, drafts already sent another
way offered for removal, and a failed message that stays failed until the user acts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.records import Interview, Message, MessageState
from composer.sent_list import Group
from tests.helpers.smtp_server import SmtpServer
from tests.ui.conftest import Dialogs
from tests.ui.helpers import shown
from ui.runner import Runner
from ui.sent import SentPage

REFUSED = "550 5.1.1 No such user here"


def send(afterword: Afterword, to: str, **values: object) -> int:
    queued = afterword.outbox.queue(Message(subject="Thank you", body="Dear", to=[to], **values))  # type: ignore[arg-type]
    assert queued.id is not None
    afterword.send_messages([queued.id])
    return queued.id


@pytest.fixture
def records(ready: Afterword, smtp_server: SmtpServer) -> dict[str, int]:
    """Sent to the real server: two went, one was refused; a draft left over by Compose
    (to both, then the panel sent each their own), and a draft of another kind."""
    about = ready.store.add_interview(Interview("Acme", "Analyst")).id
    left = ready.outbox.save_draft(
        Message(
            "Thank you",
            "Dear both",
            ["ana@acme.example", "bo@acme.example"],
            template_id="thank_you",
            interview_id=about,
        )
    )
    other = ready.outbox.save_draft(Message("Notes", "Could you", ["cy@acme.example"]))
    thanks = {"interview_id": about, "template_id": "thank_you"}
    ana = send(ready, "ana@acme.example", **thanks)
    bo = send(ready, "bo@acme.example", **thanks)
    smtp_server.recorder.refuse["cy@acme.example"] = REFUSED
    failed = send(ready, "cy@acme.example")
    smtp_server.recorder.refuse.clear()
    assert ready.store.message(failed).state is MessageState.FAILED
    assert left.id is not None and other.id is not None
    return {"left": left.id, "other": other.id, "ana": ana, "bo": bo, "failed": failed}


@pytest.fixture
def page(qtbot: QtBot, ready: Afterword, records: dict[str, int]) -> Iterator[SentPage]:
    runner = Runner()
    yield shown(qtbot, SentPage(ready, runner))
    runner.wait()


def listed(page: SentPage) -> list[int | None]:
    return [page.model.id_at(row) for row in range(page.model.rowCount())]


def folder_texts(page: SentPage) -> list[str]:
    return [page.folders.item(row).text() for row in range(page.folders.count())]


def test_folders_show_their_counts_and_list_only_their_messages(
    qtbot: QtBot, page: SentPage, records: dict[str, int]
) -> None:
    assert folder_texts(page) == [
        "Drafts (2)",
        "Scheduled",
        "Outbox (1)",
        "Sent (2)",
        "All messages (5)",
    ]

    page.folders.choose(Group.OUTBOX)
    assert listed(page) == [records["failed"]]
    page.folders.choose(Group.SENT)
    assert listed(page) == [records["bo"], records["ana"]]
    page.folders.choose(Group.SCHEDULED)
    assert listed(page) == [] and page.no_match.text() == "Nothing in Scheduled now."
    assert page.list_stack.currentWidget() is page.no_match

    page.folders.choose(Group.DRAFTS)
    page.search_box.setText("notes")  # the search stays within the folder
    qtbot.waitUntil(lambda: not page.searching and listed(page) == [records["other"]])
    page.search_box.setText("thank")
    qtbot.waitUntil(lambda: not page.searching and listed(page) == [records["left"]])


def test_a_failed_message_stands_out_in_the_palettes_colour(
    qtbot: QtBot, page: SentPage, records: dict[str, int], qtmodeltester: ModelTester
) -> None:
    model = page.model
    failed, fine = model.row_of(records["failed"]), model.row_of(records["ana"])
    icon = model.data(model.index(failed, 0), Qt.ItemDataRole.DecorationRole)
    brush = model.data(model.index(failed, 3), Qt.ItemDataRole.ForegroundRole)

    assert isinstance(icon, QIcon) and not icon.isNull()
    assert isinstance(brush, QBrush)
    assert brush.color().red() > brush.color().green()  # the colour of trouble
    assert model.data(model.index(fine, 0), Qt.ItemDataRole.DecorationRole) is None
    assert model.data(model.index(fine, 3), Qt.ItemDataRole.ForegroundRole) is None
    outbox = page.folders.item(list(Group).index(Group.OUTBOX))
    assert outbox.foreground().color() == brush.color() and "1 failed" in outbox.toolTip()
    sent = page.folders.item(list(Group).index(Group.SENT))
    assert sent.data(Qt.ItemDataRole.ForegroundRole) is None and not sent.toolTip()
    qtmodeltester.check(model)

    light = brush.color().lightnessF()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    kept = QGuiApplication.palette()
    dark = QPalette(kept)
    dark.setColor(QPalette.ColorRole.Base, dark.color(QPalette.ColorRole.Text))
    dark.setColor(QPalette.ColorRole.Text, kept.color(QPalette.ColorRole.Base))
    app.setPalette(dark)
    try:
        on_dark = model.data(model.index(failed, 3), Qt.ItemDataRole.ForegroundRole).color()
    finally:
        app.setPalette(kept)
    assert (on_dark.lightnessF() > light) == (
        dark.color(QPalette.ColorRole.Text).lightnessF()
        > kept.color(QPalette.ColorRole.Text).lightnessF()
    ), "as light as the theme's text: readable on a dark background too"


def test_drafts_already_sent_another_way_are_offered_for_removal(
    qtbot: QtBot, page: SentPage, ready: Afterword, records: dict[str, int]
) -> None:
    qtbot.waitUntil(page.obsolete.isVisible, timeout=5000)  # found by a worker
    assert page.obsolete.label.text().startswith("1 draft was already sent another way")

    with qtbot.waitSignal(page.runner.changed):
        page.obsolete.remove_button.click()

    assert ready.store.message_ids(MessageState.DRAFT) == [records["other"]]
    qtbot.waitUntil(lambda: not page.obsolete.isVisible(), timeout=5000)
    assert folder_texts(page)[0] == "Drafts (1)"
    assert records["left"] not in listed(page)


def test_a_failed_message_opened_stays_failed_until_the_user_acts(
    qtbot: QtBot,
    page: SentPage,
    ready: Afterword,
    records: dict[str, int],
    answers: Dialogs,
    smtp_server: SmtpServer,
) -> None:
    failed = records["failed"]
    page.select(failed)

    assert "Not sent:" in page.explanation.text() and REFUSED in page.explanation.text()
    assert not page.open_button.isEnabled(), "not opened in Compose as a draft"
    assert page.edit_button.isEnabled() and page.send_again_button.isEnabled()
    page.refresh()
    assert ready.store.message(failed).state is MessageState.FAILED

    page.send_again_button.click()
    qtbot.waitUntil(lambda: not page.sending, timeout=10000)

    assert ready.store.message(failed).state is MessageState.SENT
    assert sum(r.recipients == ["cy@acme.example"] for r in smtp_server.recorder.received) == 1
    assert folder_texts(page)[2:4] == ["Outbox", "Sent (3)"]
