"""Outbox & Sent as records: search as you type, read, export, follow up in the thread."""

from __future__ import annotations

import mailbox
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

import ui.dialogs
import ui.export_dialog
from composer.afterword import Afterword
from composer.records import Contact, Interview, Message, MessageState
from tests.helpers.smtp_server import SmtpServer
from tests.ui.helpers import answer, reachable_controls, record_tells, shown
from ui.compose import ComposePage
from ui.export_dialog import ExportDialog
from ui.runner import InlineRunner, Runner
from ui.sent import SentPage


def send(afterword: Afterword, **values: object) -> Message:
    fields: dict[str, object] = {"to": ["Ana Lima <ana@acme.example>"]}
    fields.update(values)
    queued = afterword.outbox.queue(Message(**fields))  # type: ignore[arg-type]
    assert queued.id is not None
    [result] = afterword.outbox.send([queued.id])
    assert result.state is MessageState.SENT, result.detail
    return afterword.store.message(queued.id)


@pytest.fixture
def messages(ready: Afterword, smtp_server: SmtpServer) -> dict[str, Message]:
    """Three sent for real, oldest first, and a draft written last."""
    acme = ready.store.add_interview(Interview(company="Acme", position="Data Engineer"))
    ana = ready.store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme"))
    sent = {
        "quokka": send(
            ready,
            subject="Thank you for today",
            body="I loved the story about the quokka in the office.\nFrom me, thanks.\n",
            contact_id=ana.id,
            interview_id=acme.id,
        ),
        "portfolio": send(
            ready, subject="My portfolio, Grüße", body="Attached, as promised. Zoë\n"
        ),
        "bo": send(ready, subject="Thank you", body="Thank you.\n", to=["bo@beta.example"]),
    }
    draft = ready.outbox.save_draft(Message(subject="Half", body="Dear", to=["x@y.example"]))
    return {**sent, "draft": draft}


@pytest.fixture
def page(qtbot: QtBot, ready: Afterword, messages: dict[str, Message]) -> SentPage:
    return shown(qtbot, SentPage(ready, Runner()))


def listed(page: SentPage) -> list[int | None]:
    return [page.model.id_at(row) for row in range(page.model.rowCount())]


def search(qtbot: QtBot, page: SentPage, words: str) -> None:
    page.search_box.clear()
    qtbot.keyClicks(page.search_box, words)
    qtbot.waitUntil(lambda: not page.searching, timeout=5000)


def select(page: SentPage, *records: Message) -> None:
    page.table.clearSelection()
    for record in records:
        assert record.id is not None
        index = page.model.index(page.model.row_of(record.id), 0)
        page.table.selectionModel().select(
            index,
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


# --- search ------------------------------------------------------------------------------


def test_typing_a_word_lists_only_the_messages_that_have_it(
    qtbot: QtBot, page: SentPage, messages: dict[str, Message]
) -> None:
    assert len(listed(page)) == 4

    search(qtbot, page, "quok")

    assert listed(page) == [messages["quokka"].id]
    assert page.list_stack.currentWidget() is page.table

    search(qtbot, page, "bo@beta")  # a recipient
    assert listed(page) == [messages["bo"].id]
    search(qtbot, page, "zoe")  # typed without the accent
    assert listed(page) == [messages["portfolio"].id]
    search(qtbot, page, "")
    assert len(listed(page)) == 4


def test_the_search_waits_for_typing_to_pause(
    qtbot: QtBot, page: SentPage, messages: dict[str, Message]
) -> None:
    qtbot.keyClicks(page.search_box, "quokka")

    assert len(listed(page)) == 4  # no search per keystroke
    qtbot.waitUntil(lambda: listed(page) == [messages["quokka"].id], timeout=5000)


def test_a_search_with_no_match_says_so(qtbot: QtBot, page: SentPage) -> None:
    search(qtbot, page, "zebra")

    assert listed(page) == []
    assert page.list_stack.currentWidget() is page.no_match
    assert page.no_match.text() == "No message matches “zebra”."
    assert page.no_match.isVisible()


@pytest.mark.parametrize("typed", ["quokka\x00", "\x00quokka", "quo\x00", "\x00", "\x1b\x7f"])
def test_a_nul_or_control_character_in_the_search_is_no_damaged_file(
    qtbot: QtBot, page: SentPage, messages: dict[str, Message], typed: str
) -> None:
    """Letters typed, control characters pasted (a key press of one inserts nothing): read
    as a space between words, never reported as a damaged data file."""
    page.search_box.clear()
    for character in typed:
        if character.isprintable():
            qtbot.keyClicks(page.search_box, character)
        else:
            page.search_box.insert(character)
    assert page.search_box.text() == typed
    qtbot.waitUntil(lambda: not page.searching, timeout=5000)

    assert "could not" not in page.no_match.text()
    assert "data file" not in page.no_match.text()
    if "quo" in typed:
        assert listed(page) == [messages["quokka"].id]
    else:
        assert len(listed(page)) == 4, "nothing to look for: everything is listed"
        assert page.list_stack.currentWidget() is not page.no_match


def test_the_search_is_combined_with_the_filters(
    qtbot: QtBot, page: SentPage, messages: dict[str, Message]
) -> None:
    search(qtbot, page, "thank")
    assert set(listed(page)) == {messages["quokka"].id, messages["bo"].id}

    interview = page.interview_filter.findData(messages["quokka"].interview_id)
    page.interview_filter.setCurrentIndex(interview)
    qtbot.waitUntil(lambda: not page.searching, timeout=5000)

    assert listed(page) == [messages["quokka"].id]
    search(qtbot, page, "thank bo")
    assert "Only the messages of the contact and interview" in page.no_match.text()


def test_the_selection_stays_while_it_is_still_listed(
    qtbot: QtBot, page: SentPage, messages: dict[str, Message]
) -> None:
    page.select(messages["quokka"].id)
    assert "quokka in the office" in page.reader.toPlainText()

    search(qtbot, page, "office")
    assert page.selected_id() == messages["quokka"].id
    assert "quokka in the office" in page.reader.toPlainText()

    search(qtbot, page, "portfolio")
    assert page.selected_ids() == []
    assert page.reader.toPlainText() == ""


# --- the reader --------------------------------------------------------------------------


def test_the_reader_shows_the_headers_and_the_text_as_sent(
    page: SentPage, messages: dict[str, Message]
) -> None:
    original = messages["portfolio"]

    page.select(original.id)

    lines = page.reader.toPlainText().split("\n")
    assert lines[0] == "From: Zoë Müller <zoe@example.org>"
    assert lines[1] == "To: Ana Lima <ana@acme.example>"
    assert lines[2].startswith("Date: ")
    assert lines[3:6] == [
        "Subject: My portfolio, Grüße",
        f"Message-ID: {original.header_id}",
        "",
    ]
    assert lines[6:] == ["Attached, as promised. Zoë", ""], "its text as sent: nothing added"


# --- export ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "written"), [("records", "records.mbox"), ("j.doe", "j.doe.mbox")]
)
def test_exporting_the_selection_as_mbox_gives_back_the_bytes_sent(
    qtbot: QtBot,
    page: SentPage,
    messages: dict[str, Message],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    typed: str,
    written: str,
) -> None:
    chosen = [messages["bo"], messages["quokka"]]  # newest first, as listed
    select(page, *chosen)
    assert "2 messages selected" in page.explanation.text()

    def as_mbox(dialog: ExportDialog) -> None:
        assert dialog.selected_choice.isChecked()
        assert dialog.selected_choice.text() == "The &selected messages (2)"
        dialog.format_choices[0].click()

    shown_dialogs = answer(monkeypatch, as_mbox, ExportDialog)
    monkeypatch.setattr(ui.dialogs, "choose_save_file", lambda *_: str(tmp_path / typed))
    told = record_tells(monkeypatch)

    page.export_button.click()
    qtbot.waitUntil(lambda: bool(told), timeout=10000)

    assert len(shown_dialogs) == 1
    target = tmp_path / written  # Qt's own dialog adds no suffix, nor takes ".doe" for one
    assert told == [(f"Exported 2 messages to {target}.", False)]
    box = mailbox.mbox(target, create=False)
    try:
        assert [box.get_bytes(key) for key in box.iterkeys()] == [m.raw for m in chosen]
    finally:
        box.close()
    assert page.export_button.isEnabled()


def test_exporting_everything_as_eml_files_leaves_the_draft_out(
    qtbot: QtBot,
    page: SentPage,
    messages: dict[str, Message],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    page.select(messages["bo"].id)

    def everything_as_eml(dialog: ExportDialog) -> None:
        assert dialog.selected_choice.isChecked()  # one selected: offered first
        dialog.listed_choice.click()
        dialog.format_choices[1].click()

    answer(monkeypatch, everything_as_eml, ExportDialog)
    monkeypatch.setattr(ui.export_dialog, "choose_folder", lambda *_: str(tmp_path))
    told = record_tells(monkeypatch)

    page.export_button.click()
    qtbot.waitUntil(lambda: bool(told), timeout=10000)

    assert told == [
        (
            f"Exported 3 messages to {tmp_path}; 1 draft left out: only what went out is exported.",
            False,
        )
    ]
    files = sorted(tmp_path.glob("*.eml"))
    assert sorted(path.read_bytes() for path in files) == sorted(
        m.raw or b"" for key, m in messages.items() if key != "draft"
    )


def test_an_export_that_cannot_be_written_says_why(
    qtbot: QtBot,
    page: SentPage,
    messages: dict[str, Message],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    answer(monkeypatch, lambda dialog: dialog.format_choices[2].click(), ExportDialog)
    blocked = tmp_path / "a file"
    blocked.write_text("")
    monkeypatch.setattr(ui.dialogs, "choose_save_file", lambda *_: str(blocked / "x.csv"))
    told = record_tells(monkeypatch)

    page.export_button.click()
    qtbot.waitUntil(lambda: bool(told), timeout=10000)

    [(message, error)] = told
    assert error
    assert message.startswith(f"Afterword could not write {blocked / 'x.csv'}: part of that")


def test_cancelling_the_file_choice_exports_nothing(
    page: SentPage, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    answer(monkeypatch, lambda dialog: None, ExportDialog)
    monkeypatch.setattr(ui.dialogs, "choose_save_file", lambda *_: None)
    told = record_tells(monkeypatch)

    page.export_button.click()

    assert not page.exporting and told == []
    assert list(tmp_path.glob("*.mbox")) == []


# --- follow up ---------------------------------------------------------------------------


def test_follow_up_opens_a_draft_in_the_same_thread(
    qtbot: QtBot, page: SentPage, messages: dict[str, Message]
) -> None:
    original = messages["quokka"]
    page.select(original.id)
    assert page.follow_up_button.isEnabled()

    with qtbot.waitSignal(page.open_draft_requested, timeout=2000) as opened:
        page.follow_up_button.click()

    draft = page.afterword.store.message(opened.args[0])
    assert draft.state is MessageState.DRAFT
    assert draft.in_reply_to == original.header_id
    assert draft.references == [original.header_id]
    assert draft.subject == "Re: Thank you for today"
    assert draft.to == original.to
    assert listed(page)[0] == draft.id  # the new draft heads the list
    assert page.selected_id() == original.id


@pytest.mark.parametrize("kind", ["draft", None])
def test_only_a_sent_message_can_be_followed_up(
    page: SentPage, messages: dict[str, Message], kind: str | None
) -> None:
    page.select(messages[kind].id if kind else None)

    assert not page.follow_up_button.isEnabled()


def test_the_follow_up_goes_out_from_compose_in_the_thread(
    qtbot: QtBot,
    ready: Afterword,
    page: SentPage,
    messages: dict[str, Message],
    smtp_server: SmtpServer,
) -> None:
    compose = shown(qtbot, ComposePage(ready, InlineRunner()))
    page.open_draft_requested.connect(compose.open_draft)
    original = messages["quokka"]
    page.select(original.id)

    page.follow_up_button.click()
    compose.body.setPlainText("Here is the link I promised.\n" + compose.body.toPlainText())
    compose.send()
    qtbot.waitUntil(lambda: not compose.sending, timeout=15000)

    received = smtp_server.received[-1].data
    mail = message_from_bytes(received, policy=policy.default)
    assert mail["In-Reply-To"] == original.header_id
    assert str(mail["References"]).split()[-1] == original.header_id
    assert mail["Subject"] == "Re: Thank you for today"
    assert f"\r\nIn-Reply-To: {original.header_id}\r\n".encode() in received


# --- reaching everything -----------------------------------------------------------------


def test_every_control_has_a_name_a_screen_reader_says(qtbot: QtBot, page: SentPage) -> None:
    dialog = ExportDialog(selected=0, listed=4, filtered=False)
    qtbot.addWidget(dialog)
    roots: list[QWidget] = [page, dialog]
    for root in roots:
        for control in reachable_controls(root):
            assert control.accessibleName(), control
    assert not dialog.selected_choice.isEnabled()
    assert dialog.listed_choice.isChecked()
