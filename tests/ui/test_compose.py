"""Compose: filled from the records, edited freely, sent off the GUI thread."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QElapsedTimer, QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent, QTextCursor
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.afterword import Afterword
from composer.password_binding import Destination
from composer.records import Contact, Interview, InterviewStatus, Message, MessageState, Role
from tests.helpers.smtp_server import PASSWORD, SmtpServer
from tests.ui.conftest import Dialogs
from tests.ui.helpers import add_to, answer_the_check, choose_contact, shown, write_to_all, written
from ui.compose import ComposePage
from ui.runner import InlineRunner, Runner
from ui.sent import SentPage


def page(qtbot: QtBot, afterword: Afterword) -> ComposePage:
    """Compose on a runner that runs work at once: no waiting for the text."""
    return _shown(qtbot, ComposePage(afterword, InlineRunner()))


def threaded_page(qtbot: QtBot, afterword: Afterword) -> ComposePage:
    """Compose on the real runner, for what happens while a send is under way."""
    return _shown(qtbot, ComposePage(afterword, Runner()))


def _shown(qtbot: QtBot, compose: ComposePage) -> ComposePage:
    """Its autosave stops with the test: the page outlives it, its records do not."""
    qtbot.addWidget(compose, before_close_func=lambda _: compose._autosave.stop())
    compose.show()
    return compose


def interview_with(afterword: Afterword, *people: Contact, **fields: Any) -> int:
    store = afterword.store
    values = {"company": "Acme", "position": "Data Engineer", "status": InterviewStatus.DONE}
    values.update(fields)
    interview = store.add_interview(Interview(**values))  # type: ignore[arg-type]
    contacts = [store.add_contact(person) for person in people]
    assert interview.id is not None
    store.set_participants(interview.id, [(c.id, Role.INTERVIEWER) for c in contacts if c.id])
    return interview.id


def test_a_missing_field_disables_send_and_names_it(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    interview_id = interview_with(ready, Contact("Ana Lima", "ana@acme.example"))  # no date
    compose = page(qtbot, ready)

    compose.start_follow_up(interview_id, "thank_you")

    assert not compose.send_button.isEnabled()
    assert "the interview's date (interview.date)" in compose.problem.text()
    assert "set it in Interviews" in compose.problem.text()
    assert compose.problem.isVisible()


def test_filling_the_field_enables_send(qtbot: QtBot, ready: Afterword, answers: Dialogs) -> None:
    interview_id = interview_with(ready, Contact("Ana Lima", "ana@acme.example"))
    compose = page(qtbot, ready)
    compose.start_follow_up(interview_id, "thank_you")
    interview = ready.store.interview(interview_id)
    interview.scheduled_at = datetime(2026, 11, 3, 14, 30).astimezone()
    ready.store.update_interview(interview)

    compose.refresh()

    assert compose.problem.text() == ""
    assert compose.send_button.isEnabled()
    assert compose.body.toPlainText().startswith("Dear Ana,")


def test_a_bad_address_is_refused_at_the_recipients(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    interview_id = interview_with(ready, Contact("Bo Chen", "bo@@acme.example"), scheduled_at=None)
    compose = page(qtbot, ready)
    compose.start_follow_up(interview_id, "no_hard_feelings")

    assert "The To address “bo@@acme.example” is not valid" in compose.to_error.text()
    assert not compose.send_button.isEnabled()


def test_edits_are_kept_and_a_draft_survives_a_crash(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    interview_id = interview_with(
        ready, Contact("Ana Lima", "ana@acme.example"), status=InterviewStatus.REJECTED
    )
    compose = page(qtbot, ready)
    compose.start_follow_up(interview_id, "no_hard_feelings")
    compose.body.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(compose.body, "P.S. Thank you again.")

    qtbot.waitUntil(lambda: compose.message_id is not None, timeout=5000)  # autosaved

    saved = ready.store.message(compose.message_id or 0)
    assert saved.state is MessageState.DRAFT
    assert saved.body.endswith("P.S. Thank you again.")
    answers.answers.append(False)  # "Replace the text you edited?" No.
    compose.template.setCurrentIndex(compose.template.findData("feedback_request"))
    assert compose.body.toPlainText().endswith("P.S. Thank you again.")
    assert answers.asked == ["Replace the text you edited with the template's?"]


def test_the_window_stays_responsive_while_the_server_is_slow(
    qtbot: QtBot, ready: Afterword, smtp_server: SmtpServer, answers: Dialogs
) -> None:
    original = smtp_server.recorder.handle_DATA

    async def slow(server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(2)
        return await original(server, session, envelope)

    smtp_server.recorder.handle_DATA = slow  # type: ignore[method-assign]
    interview_id = interview_with(
        ready, Contact("Ana Lima", "ana@acme.example"), status=InterviewStatus.REJECTED
    )
    compose = threaded_page(qtbot, ready)
    compose.start_follow_up(interview_id, "no_hard_feelings")
    written(qtbot, compose)
    gaps: list[int] = []
    clock = QElapsedTimer()
    ticker = QTimer(interval=10)
    ticker.timeout.connect(lambda: gaps.append(clock.restart()))
    clock.start()
    ticker.start()
    started = time.monotonic()

    qtbot.mouseClick(compose.send_button, Qt.MouseButton.LeftButton)
    assert compose.status.text() == "Sending…"
    qtbot.waitUntil(lambda: not compose.sending, timeout=15000)
    ticker.stop()

    assert time.monotonic() - started >= 2, "the server really did delay"
    assert len(gaps) > 50, "the event loop kept running during the send"
    assert max(gaps[1:]) < 250, f"longest stall {max(gaps[1:])} ms"
    assert compose.status.text().startswith("Sent. The server said: 250")
    assert len(smtp_server.received) == 1


def test_wrong_password_then_retry_sends_exactly_once(
    qtbot: QtBot,
    ready: Afterword,
    smtp_server: SmtpServer,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ui.dialogs, "run_dialog", lambda dialog: False)  # the password: Cancel
    account = ready.outbox.account()
    assert account is not None
    ready.credentials.use_for_session(account.key, "not the password", [Destination.of(account)])
    interview_id = interview_with(
        ready, Contact("Ana Lima", "ana@acme.example"), status=InterviewStatus.REJECTED
    )
    compose = page(qtbot, ready)
    compose.start_follow_up(interview_id, "no_hard_feelings")

    compose.send()
    qtbot.waitUntil(lambda: not compose.sending, timeout=15000)

    assert "did not accept the user name or password" in compose.status.text()
    assert compose.fix_button.isVisible()
    message_id = compose.message_id
    assert message_id is not None
    assert ready.store.message(message_id).state is MessageState.FAILED
    assert smtp_server.received == []

    ready.credentials.use_for_session(
        account.key, PASSWORD, [Destination.of(account)]
    )  # re-entered in Settings
    assert compose.send_button.text() == "&Send again"
    compose.send()
    qtbot.waitUntil(lambda: not compose.sending, timeout=15000)
    compose.send()  # a second click after it went: nothing more
    qtbot.wait(200)

    assert ready.store.message(message_id).state is MessageState.SENT
    assert len(smtp_server.received) == 1


def test_cc_bcc_and_an_attachment_go_out_and_stay_in_the_record(
    qtbot: QtBot,
    ready: Afterword,
    smtp_server: SmtpServer,
    answers: Dialogs,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cv = tmp_path / "Zoë CV.pdf"
    data = b"%PDF-1.7 " + bytes(range(256)) * 100
    cv.write_bytes(data)
    monkeypatch.setattr(ui.dialogs, "choose_files", lambda *args: [str(cv)])
    interview_id = interview_with(
        ready, Contact("Ana Lima", "ana@acme.example"), status=InterviewStatus.REJECTED
    )
    compose = page(qtbot, ready)
    compose.start_follow_up(interview_id, "no_hard_feelings")
    qtbot.keyClicks(compose.cc, '"Novak, Kim" <kim@acme.example>')
    qtbot.keyClicks(compose.bcc, "me@example.org")
    qtbot.mouseClick(compose.attachments.add_button, Qt.MouseButton.LeftButton)
    assert compose.attachments.chips[0].text().startswith("Zoë CV.pdf (")
    answer_the_check(monkeypatch)  # "goes to Ana Lima and Novak, Kim together": Send to both

    compose.send()
    qtbot.waitUntil(lambda: not compose.sending, timeout=15000)
    cv.unlink()

    [got] = smtp_server.received
    assert sorted(got.recipients) == ["ana@acme.example", "kim@acme.example", "me@example.org"]
    assert b"me@example.org" not in got.data
    mail = message_from_bytes(got.data, policy=policy.default)
    assert mail["Cc"].addresses[0].display_name == "Novak, Kim"
    [part] = list(mail.iter_attachments())
    assert (part.get_filename(), part.get_content()) == ("Zoë CV.pdf", data)
    sent = SentPage(ready, Runner())
    qtbot.addWidget(sent)
    sent.table.selectRow(0)
    assert "[attached: Zoë CV.pdf]" in sent.reader.toPlainText()


def test_large_attachments_warn_and_ask_before_sending(
    qtbot: QtBot, ready: Afterword, smtp_server: SmtpServer, answers: Dialogs, tmp_path: Path
) -> None:
    big = tmp_path / "portfolio.zip"
    big.write_bytes(b"\0" * (11 * 1024 * 1024))
    interview_id = interview_with(
        ready, Contact("Ana Lima", "ana@acme.example"), status=InterviewStatus.REJECTED
    )
    compose = page(qtbot, ready)
    compose.start_follow_up(interview_id, "no_hard_feelings")
    compose.attachments.add_files([big])

    assert compose.attachments.warning.isVisible()
    assert "11.0 MB" in compose.attachments.warning.text()
    answers.answers.append(False)
    compose.send()
    assert "Send anyway?" in answers.asked[0]
    assert smtp_server.received == [] and not compose.sending


def test_a_file_dropped_on_compose_is_attached(
    qtbot: QtBot, ready: Afterword, answers: Dialogs, tmp_path: Path
) -> None:
    note = tmp_path / "notes.txt"
    note.write_text("hello", encoding="utf-8")
    compose = page(qtbot, ready)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(note))])
    box = compose.attachments
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    box.dropEvent(drop)
    assert [(a.filename, a.content_type, a.data) for a in box.attachments] == [
        ("notes.txt", "text/plain", b"hello")
    ]


def test_a_second_person_in_to_makes_send_write_one_message_each(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    interview_id = interview_with(
        ready,
        Contact("Ana Lima", "ana@acme.example"),
        Contact("Bo Chen", "bo@acme.example"),
        scheduled_at=datetime(2026, 11, 3, 14, 30).astimezone(),
    )
    compose = page(qtbot, ready)
    compose.start_follow_up(interview_id, "thank_you", contact_ids=[1])
    assert compose.send_button.text() == "&Send" and not compose.together.isVisibleTo(compose)

    add_to(compose, 2)

    assert compose.send_button.text() == "&Review one message each…"
    assert compose.send_button.isEnabled() and compose.together.isVisibleTo(compose)
    assert "2 people: each gets their own message" in compose.problem.text()
    compose.send()
    panel = compose.choice.panel
    assert panel is not None and panel.isVisible()
    assert [c.title() for c in panel.columns] == ["Ana Lima", "Bo Chen"]
    assert panel.columns[1].body.toPlainText().startswith("Dear Bo,")


def test_nothing_can_be_typed_over_a_message_being_sent(
    qtbot: QtBot, ready: Afterword, smtp_server: SmtpServer, answers: Dialogs
) -> None:
    interview_id = interview_with(
        ready, Contact("Ana Lima", "ana@acme.example"), status=InterviewStatus.REJECTED
    )
    compose = threaded_page(qtbot, ready)
    compose.start_follow_up(interview_id, "no_hard_feelings")
    written(qtbot, compose)
    compose.send()
    assert compose.subject.isReadOnly() and compose.body.isReadOnly()
    assert not compose.new_button.isEnabled() and not compose.interview.isEnabled()
    qtbot.waitUntil(lambda: not compose.sending, timeout=15000)
    assert not compose.body.isReadOnly() and compose.new_button.isEnabled()


def test_a_reopened_draft_keeps_all_its_recipients(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    interview_id = interview_with(
        ready,
        Contact("Ana Lima", "ana@acme.example"),
        Contact("Bo Chen", "bo@acme.example"),
        scheduled_at=datetime(2026, 11, 3, 14, 30).astimezone(),
    )
    compose = page(qtbot, ready)
    write_to_all(compose, interview_id, "thank_you", [1, 2])
    assert compose.checked_contact_ids() == [1, 2]
    assert compose.body.toPlainText().startswith("Dear Ana and Bo,")
    compose.save_draft()
    draft_id = compose.message_id
    assert draft_id is not None
    compose.new_message()

    compose.open_draft(draft_id)

    assert compose.checked_contact_ids() == [1, 2]
    assert compose.together.isChecked(), "written as one message to both, it stays one"
    compose.save_draft()
    assert ready.store.message(draft_id).to == [
        "Ana Lima <ana@acme.example>",
        "Bo Chen <bo@acme.example>",
    ]


def test_changing_the_interview_asks_before_touching_edited_text(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    first = interview_with(ready, Contact("Ana Lima", "ana@acme.example"))
    interview_with(ready, Contact("Bo Chen", "bo@acme.example"), company="Globex")
    compose = page(qtbot, ready)
    compose.start_follow_up(first, "thank_you")
    compose.body.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(compose.body, "P.S. mine")
    answers.answers.append(False)

    compose.interview.setCurrentIndex(
        compose.interview.findText("Globex", Qt.MatchFlag.MatchStartsWith)
    )

    assert compose.interview.currentData() == first
    assert compose.checked_contact_ids() == [1]
    assert compose.body.toPlainText().endswith("P.S. mine")


def test_keeping_edited_text_keeps_the_template_it_is_recorded_under(
    qtbot: QtBot, ready: Afterword, smtp_server: SmtpServer, answers: Dialogs
) -> None:
    interview_id = interview_with(
        ready,
        Contact("Ana Lima", "ana@acme.example"),
        scheduled_at=datetime(2026, 11, 3, 14, 30).astimezone(),
    )
    compose = page(qtbot, ready)
    compose.start_follow_up(interview_id, "thank_you")
    compose.body.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(compose.body, "P.S. mine")
    answers.answers.append(False)  # "Replace the text you edited?" No, keep it.

    compose.template.setCurrentIndex(compose.template.findData("feedback_request"))

    assert compose.template.currentData() == "thank_you"
    assert compose.body.toPlainText().endswith("P.S. mine")
    with qtbot.waitSignal(compose.sent, timeout=10000) as finished:
        compose.send()
    qtbot.waitUntil(lambda: not compose.sending, timeout=5000)
    assert ready.store.message(finished.args[0]).template_id == "thank_you"
    assert ready.store.already_sent_to(interview_id, "thank_you") == {1}


def test_edits_to_a_message_sent_meanwhile_are_kept_as_a_new_draft(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    compose = page(qtbot, ready)
    message = ready.outbox.save_draft(Message("Hello", "Hi Ana", ["ana@acme.example"]))
    assert message.id is not None
    compose.open_draft(message.id)
    ready.store.queue_message(message.id)  # sent from Outbox & Sent meanwhile
    ready.store.claim_for_sending(message.id)
    ready.store.mark_sent(message.id, "250 OK")
    compose.body.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(compose.body, " and more")

    compose.new_message()

    assert "kept as a new draft" in compose.status.text()
    drafts = ready.store.message_ids(MessageState.DRAFT)
    assert [ready.store.message(i).body for i in drafts] == ["Hi Ana and more"]


def draft_deleted_while_open(qtbot: QtBot, ready: Afterword, answers: Dialogs) -> ComposePage:
    """A draft open in Compose, deleted in Outbox & Sent meanwhile."""
    compose = page(qtbot, ready)
    message = ready.outbox.save_draft(Message("Hello", "Hi Ana", ["ana@acme.example"]))
    assert message.id is not None
    compose.open_draft(message.id)
    runner = Runner()
    sent = shown(qtbot, SentPage(ready, runner))
    sent.select(message.id)
    answers.answers.append(True)  # "Delete this draft?" Yes.
    with qtbot.waitSignal(runner.changed):  # deleted off the GUI thread
        sent.delete_button.click()
    return compose


def test_edits_to_a_draft_deleted_meanwhile_are_kept_as_a_new_draft(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    compose = draft_deleted_while_open(qtbot, ready, answers)
    compose.body.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(compose.body, " and more")

    compose.save_draft()  # as autosave, Ctrl+S and quitting do

    assert "deleted in Outbox & Sent meanwhile" in compose.status.text()
    assert "kept as a new draft" in compose.status.text()
    drafts = ready.store.message_ids(MessageState.DRAFT)
    assert [ready.store.message(i).body for i in drafts] == ["Hi Ana and more"]
    assert compose.message_id == drafts[0]


def test_send_after_the_open_draft_was_deleted_meanwhile_sends_the_text_once(
    qtbot: QtBot, ready: Afterword, answers: Dialogs, smtp_server: SmtpServer
) -> None:
    compose = draft_deleted_while_open(qtbot, ready, answers)

    compose.send()  # before any autosave made it a new draft

    qtbot.waitUntil(lambda: not compose.sending, timeout=15000)
    assert compose.status.text().startswith("Sent."), compose.status.text()
    assert [r.recipients for r in smtp_server.received] == [["ana@acme.example"]]


def test_a_draft_to_someone_not_in_contacts_keeps_them(
    qtbot: QtBot,
    ready: Afterword,
    answers: Dialogs,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ana = ready.store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    draft = ready.outbox.save_draft(
        Message(
            "Re: Thank you",
            "Following up.",
            ["Ana Lima <ana@acme.example>", "Lee Park <lee@partner.example>"],
            contact_id=ana.id,
        )
    )
    assert draft.id is not None
    compose = page(qtbot, ready)
    compose.open_draft(draft.id)
    assert compose.checked_contact_ids() == [ana.id]
    assert compose.typed_to() == ["Lee Park <lee@partner.example>"]
    assert compose.to.addresses() == [
        "Ana Lima <ana@acme.example>",
        "Lee Park <lee@partner.example>",
    ]
    seen = answer_the_check(monkeypatch)  # to Ana and Lee together: Send to both
    with qtbot.waitSignal(compose.sent, timeout=20_000):
        compose.send()
    assert "Ana Lima and Lee Park" in seen[0].rows[0].text.text()  # named before it went
    assert sorted(smtp_server.received[0].recipients) == [
        "ana@acme.example",
        "lee@partner.example",
    ]


def test_a_message_only_to_addresses_typed_in_to_is_sent(
    qtbot: QtBot, ready: Afterword, smtp_server: SmtpServer, answers: Dialogs
) -> None:
    compose = page(qtbot, ready)
    assert compose.problem.text() == "Choose at least one recipient."
    qtbot.keyClicks(compose.to, "Lee Park <lee@partner.example>")
    qtbot.keyClicks(compose.subject, "Hello")
    qtbot.keyClicks(compose.body, "Hi Lee")

    assert compose.problem.text() == ""
    with qtbot.waitSignal(compose.sent, timeout=20_000):
        compose.send()
    assert smtp_server.received[0].recipients == ["lee@partner.example"]


def test_own_text_kept_when_a_recipient_is_chosen_can_be_sent(
    qtbot: QtBot, ready: Afterword, smtp_server: SmtpServer, answers: Dialogs
) -> None:
    ready.store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    compose = page(qtbot, ready)
    compose.template.setCurrentIndex(compose.template.findData("no_hard_feelings"))
    qtbot.keyClicks(compose.subject, "Hello")
    qtbot.keyClicks(compose.body, "Hi Ana, my own words")
    answers.answers.append(False)  # "Replace the text you edited?" No, keep it.

    choose_contact(qtbot, compose.to, "ana", "Ana Lima <ana@acme.example>")

    assert answers.asked == ["Replace the text you edited with the template's?"]
    assert compose.problem.text() == "" and compose.send_button.isEnabled()
    with qtbot.waitSignal(compose.sent, timeout=20_000):
        compose.send()
    assert b"Hi Ana, my own words" in smtp_server.received[0].data


def test_the_templates_missing_field_no_longer_stops_the_users_own_text(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    interview_id = interview_with(ready, Contact("Ana Lima", "ana@acme.example"))  # no date
    compose = page(qtbot, ready)
    compose.start_follow_up(interview_id, "thank_you")
    qtbot.keyClicks(compose.cc, "kim@acme.example")
    assert "interview.date" in compose.problem.text(), "no text yet: still says why"

    qtbot.keyClicks(compose.subject, "Thank you")
    qtbot.keyClicks(compose.body, "Dear Ana, my own words.")
    interview = ready.store.interview(interview_id)
    interview.scheduled_at = datetime(2026, 11, 3, 14, 30).astimezone()
    ready.store.update_interview(interview)
    compose.refresh()  # as the window does when Interviews changes

    assert compose.problem.text() == "" and compose.send_button.isEnabled()
    assert compose.body.toPlainText() == "Dear Ana, my own words."
    compose.subject.selectAll()
    qtbot.keyClick(compose.subject, Qt.Key.Key_Backspace)
    assert not compose.send_button.isEnabled(), "a blank subject still stops it"


def test_files_the_user_attached_stay_when_the_text_is_replaced(
    qtbot: QtBot,
    ready: Afterword,
    smtp_server: SmtpServer,
    answers: Dialogs,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    portfolio, cv = tmp_path / "portfolio.pdf", tmp_path / "cv.pdf"
    portfolio.write_bytes(b"%PDF-1.7 portfolio")
    cv.write_bytes(b"%PDF-1.7 my cv")
    ready.templates.add_default_attachment("thank_you", portfolio)
    interview_id = interview_with(
        ready,
        Contact("Ana Lima", "ana@acme.example"),
        Contact("Bo Chen", "bo@acme.example"),
        scheduled_at=datetime(2026, 11, 3, 14, 30).astimezone(),
    )
    compose = page(qtbot, ready)
    compose.start_follow_up(interview_id, "thank_you", contact_ids=[1])
    compose.together.setChecked(True)
    compose.attachments.add_files([cv])
    answers.answers.append(True)  # "Replace the text you edited?" Yes: the text was not touched

    add_to(compose, 2)
    assert [a.filename for a in compose.attachments.attachments] == ["portfolio.pdf", "cv.pdf"]
    compose.template.setCurrentIndex(compose.template.findData("feedback_request"))
    assert [a.filename for a in compose.attachments.attachments] == ["cv.pdf"]
    answer_the_check(monkeypatch)  # to Ana and Bo together: Send to both

    with qtbot.waitSignal(compose.sent, timeout=20_000):
        compose.send()
    mail = message_from_bytes(smtp_server.received[0].data, policy=policy.default)
    [part] = list(mail.iter_attachments())
    assert (part.get_filename(), part.get_content()) == ("cv.pdf", b"%PDF-1.7 my cv")


def test_a_draft_opened_while_sending_waits_until_the_send_ends(
    qtbot: QtBot, ready: Afterword, smtp_server: SmtpServer, answers: Dialogs
) -> None:
    interview_id = interview_with(
        ready,
        Contact("Ana Lima", "ana@acme.example"),
        scheduled_at=datetime(2026, 11, 3, 14, 30).astimezone(),
    )
    draft = ready.outbox.save_draft(Message("Draft to Bo", "Hi Bo, long text", ["bo@x.example"]))
    assert draft.id is not None
    compose = threaded_page(qtbot, ready)
    compose.start_follow_up(interview_id, "thank_you")
    written(qtbot, compose)
    compose.send()
    sending = compose.message_id

    compose.open_draft(draft.id)  # Outbox & Sent › Open in Compose, while it is sending
    compose.new_message()  # File › New message
    compose.start_follow_up(interview_id, "feedback_request")  # from Today
    written(qtbot, compose)

    assert compose.status.text() == (
        "Sending… Wait until the message is sent, then start the follow-up again."
    )
    assert compose.message_id == sending and compose.subject.text().startswith("Thank you")
    qtbot.waitUntil(lambda: not compose.sending, timeout=15000)
    assert len(smtp_server.received) == 1
    compose.open_draft(draft.id)
    assert (compose.message_id, compose.subject.text()) == (draft.id, "Draft to Bo")
