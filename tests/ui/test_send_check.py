"""Before it goes, on screen: Compose and the panel list what the check found, each fix
changes what the real SMTP server receives, and going back sends nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.afterword import Afterword
from composer.records import Contact, Interview, InterviewStatus, Message, MessageState, Role
from composer.send_check import CheckContext, check_before_it_goes
from tests.helpers.smtp_server import SmtpServer
from tests.ui.conftest import Dialogs
from tests.ui.helpers import shown
from ui.checked_send import NOT_SENT
from ui.compose import ComposePage
from ui.one_each_panel import PanelDialog
from ui.runner import InlineRunner
from ui.send_check import BeforeItGoes, Choice, Review

Act = Callable[[BeforeItGoes], None]


@pytest.fixture
def interview(ready: Afterword) -> int:
    """At Acme with Ana and Bo; Lena, of another application at Globex, is in the records."""
    store = ready.store
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme"))
    bo = store.add_contact(Contact("Bo Chen", "bo@acme.example", "Acme"))
    store.add_contact(Contact("Lena Park", "lena@globex.example", "Globex"))
    when = datetime(2026, 11, 3, 14, 30).astimezone()
    store.add_interview(Interview("Globex", "Product Manager", when))
    added = store.add_interview(
        Interview("Acme", "Data Engineer", when, status=InterviewStatus.REJECTED)
    )
    assert added.id is not None and ana.id is not None and bo.id is not None
    store.set_participants(added.id, [(ana.id, Role.INTERVIEWER), (bo.id, Role.INTERVIEWER)])
    return added.id


def checked(monkeypatch: pytest.MonkeyPatch, act: Act) -> list[list[str]]:
    """Answers "Before it goes" by ``act``; returns what each dialog listed when shown."""
    listed: list[list[str]] = []

    def run(dialog: QDialog) -> bool:
        assert isinstance(dialog, BeforeItGoes), f"unexpected dialog {type(dialog).__name__}"
        listed.append([row.text.text() for row in dialog.rows])
        dialog.show()
        act(dialog)
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(ui.dialogs, "run_dialog", run)
    return listed


def compose_to_ana(qtbot: QtBot, afterword: Afterword, interview_id: int, body: str) -> ComposePage:
    """Compose with a message to Ana alone, its text replaced by ``body``."""
    compose = shown(qtbot, ComposePage(afterword, InlineRunner()))
    ana = afterword.store.participants(interview_id)[0].contact
    compose.start_follow_up(interview_id, "no_hard_feelings", contact_ids=[ana.id or 0])
    compose.body.setPlainText(body)
    return compose


def text_received(server: SmtpServer) -> Any:
    [got] = server.received
    mail = message_from_bytes(got.data, policy=policy.default)
    return mail.get_content().replace("\r\n", "\n")


def fix(dialog: BeforeItGoes, label: str) -> None:
    [button] = [b for row in dialog.rows for b in row.buttons if b.text() == label]
    button.click()


WRONG_GREETING = "Dear Lena,\n\nThank you for letting me know.\n\nBest wishes,\nZoë\n"


def test_the_wrong_greeting_is_listed_fixed_in_one_click_and_sent_fixed(
    qtbot: QtBot,
    ready: Afterword,
    interview: int,
    smtp_server: SmtpServer,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compose = compose_to_ana(qtbot, ready, interview, WRONG_GREETING)
    after_fix: list[str] = []

    def greet_ana_then_send(dialog: BeforeItGoes) -> None:
        fix(dialog, "Greet Ana")
        after_fix.extend([*[r.text.text() for r in dialog.rows], dialog.send_button.text()])
        dialog.send_button.click()

    listed = checked(monkeypatch, greet_ana_then_send)
    with qtbot.waitSignal(compose.sent, timeout=20_000):
        qtbot.mouseClick(compose.send_button, Qt.MouseButton.LeftButton)

    assert listed == [["The greeting says “Dear Lena,” but Lena Park is not a recipient."]]
    assert after_fix == ["&Send"], "the fixed finding's row is gone; nothing left to excuse"
    assert text_received(smtp_server).startswith("Dear Ana,\n\nThank you for letting me know.")
    assert smtp_server.received[0].recipients == ["ana@acme.example"]


def test_send_anyway_sends_it_as_written(
    qtbot: QtBot,
    ready: Afterword,
    interview: int,
    smtp_server: SmtpServer,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compose = compose_to_ana(qtbot, ready, interview, WRONG_GREETING)
    buttons: list[str] = []

    def send_anyway(dialog: BeforeItGoes) -> None:
        buttons.append(dialog.send_button.text())
        dialog.send_button.click()

    checked(monkeypatch, send_anyway)
    with qtbot.waitSignal(compose.sent, timeout=20_000):
        compose.send()

    assert buttons == ["&Send anyway"]
    assert text_received(smtp_server).startswith("Dear Lena,")


@pytest.mark.parametrize("how", ["Back to editing", "Escape"])
def test_going_back_to_editing_sends_nothing_and_keeps_the_text(
    how: str,
    qtbot: QtBot,
    ready: Afterword,
    interview: int,
    smtp_server: SmtpServer,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compose = compose_to_ana(qtbot, ready, interview, WRONG_GREETING)

    def back(dialog: BeforeItGoes) -> None:
        if how == "Escape":
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        else:
            dialog.back_button.click()

    listed = checked(monkeypatch, back)
    compose.send()
    qtbot.waitUntil(lambda: bool(listed) and not compose.sending, timeout=10_000)
    qtbot.wait(100)

    assert compose.body.toPlainText() == WRONG_GREETING
    assert compose.status.text() == NOT_SENT
    assert not compose.body.isReadOnly() and compose.send_button.isEnabled()
    assert ready.store.message_ids(MessageState.QUEUED, MessageState.SENT) == []
    assert smtp_server.received == []


def test_one_message_to_two_people_asks_first_naming_both_and_no_sends_nothing(
    qtbot: QtBot,
    ready: Afterword,
    interview: int,
    smtp_server: SmtpServer,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compose = shown(qtbot, ComposePage(ready, InlineRunner()))
    compose.start_follow_up(interview, "no_hard_feelings")  # both ticked
    compose.together.setChecked(True)  # "One message to all of them", as the user asks
    compose.body.setPlainText("Dear Ana and Bo,\n\nThank you both.\n\nZoë\n")
    buttons: list[str] = []

    def answer_no(dialog: BeforeItGoes) -> None:
        buttons.append(dialog.send_button.text())
        dialog.back_button.click()

    listed = checked(monkeypatch, answer_no)
    compose.send()
    qtbot.waitUntil(lambda: bool(listed) and not compose.sending, timeout=10_000)
    qtbot.wait(100)

    assert listed == [
        ["This one message goes to Ana Lima and Bo Chen together; each sees the other's address."]
    ]
    assert buttons == ["&Send to both"]
    assert smtp_server.received == []
    assert ready.store.message_ids(MessageState.QUEUED) == []


def test_send_to_both_sends_one_message_to_both(
    qtbot: QtBot,
    ready: Afterword,
    interview: int,
    smtp_server: SmtpServer,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compose = shown(qtbot, ComposePage(ready, InlineRunner()))
    compose.start_follow_up(interview, "no_hard_feelings")
    compose.together.setChecked(True)
    compose.body.setPlainText("Dear Ana and Bo,\n\nThank you both.\n\nZoë\n")
    checked(monkeypatch, lambda dialog: dialog.send_button.click())

    with qtbot.waitSignal(compose.sent, timeout=20_000):
        compose.send()

    assert sorted(smtp_server.received[0].recipients) == ["ana@acme.example", "bo@acme.example"]


def test_write_one_each_opens_the_per_person_panel_and_sends_nothing(
    qtbot: QtBot,
    ready: Afterword,
    interview: int,
    smtp_server: SmtpServer,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compose = shown(qtbot, ComposePage(ready, InlineRunner()))
    compose.start_follow_up(interview, "no_hard_feelings")
    compose.together.setChecked(True)
    checked(monkeypatch, lambda dialog: fix(dialog, "Write one each"))

    compose.send()
    qtbot.waitUntil(lambda: compose.choice.panel is not None, timeout=10_000)

    panel = compose.choice.panel
    assert panel is not None and [c.title() for c in panel.columns] == ["Ana Lima", "Bo Chen"]
    assert smtp_server.received == []
    panel.reject()


def test_attach_a_file_from_the_check_and_it_goes_with_the_message(
    qtbot: QtBot,
    ready: Afterword,
    interview: int,
    smtp_server: SmtpServer,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(b"%PDF-1.7 my cv")
    monkeypatch.setattr(ui.dialogs, "choose_files", lambda *args: [str(cv)])
    compose = compose_to_ana(qtbot, ready, interview, "Dear Ana,\n\nMy CV is attached.\n")
    left: list[int] = []

    def attach_then_send(dialog: BeforeItGoes) -> None:
        fix(dialog, "Attach a file…")
        left.append(len(dialog.rows))
        dialog.send_button.click()

    listed = checked(monkeypatch, attach_then_send)
    with qtbot.waitSignal(compose.sent, timeout=20_000):
        compose.send()

    assert listed == [["The body mentions “CV” but no file is attached."]]
    assert left == [0]
    mail = message_from_bytes(smtp_server.received[0].data, policy=policy.default)
    [part] = list(mail.iter_attachments())
    assert (part.get_filename(), part.get_content()) == ("cv.pdf", b"%PDF-1.7 my cv")


def test_show_me_selects_the_placeholder_in_the_editor(
    qtbot: QtBot,
    ready: Afterword,
    interview: int,
    smtp_server: SmtpServer,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = "Dear Ana,\n\nI enjoyed meeting 🙂 you and [Name] at the office.\n"
    compose = compose_to_ana(qtbot, ready, interview, body)
    listed = checked(monkeypatch, lambda dialog: fix(dialog, "Show me"))

    compose.send()
    qtbot.waitUntil(lambda: bool(listed) and not compose.sending, timeout=10_000)

    assert compose.body.textCursor().selectedText() == "[Name]"
    assert compose.status.text() == NOT_SENT
    assert smtp_server.received == []


def test_the_same_address_twice_is_kept_once_on_the_page_and_sent_once(
    qtbot: QtBot,
    ready: Afterword,
    interview: int,
    smtp_server: SmtpServer,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compose = compose_to_ana(qtbot, ready, interview, "Dear Ana,\n\nThank you.\n")
    compose.to.end(False)
    qtbot.keyClicks(compose.to, ", ANA@acme.example")

    def keep_one_then_send(dialog: BeforeItGoes) -> None:
        fix(dialog, "Keep one")
        dialog.send_button.click()

    listed = checked(monkeypatch, keep_one_then_send)
    on_the_page: list[list[str]] = []  # as it went: the page is cleared once it is sent
    compose.sent.connect(lambda _: on_the_page.append(compose.to.addresses()))
    with qtbot.waitSignal(compose.sent, timeout=20_000):
        compose.send()

    assert listed == [
        [
            "ana@acme.example is among the recipients more than once: they would get the message "
            "twice."
        ]
    ]
    assert on_the_page == [["Ana Lima <ana@acme.example>"]]
    assert smtp_server.received[0].recipients == ["ana@acme.example"]
    assert message_from_bytes(smtp_server.received[0].data)["To"] == "Ana Lima <ana@acme.example>"


def test_the_panel_catches_a_leftover_placeholder_before_anything_goes(
    qtbot: QtBot,
    ready: Afterword,
    interview: int,
    smtp_server: SmtpServer,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    panel = PanelDialog(ready, InlineRunner(), interview, "no_hard_feelings")
    qtbot.addWidget(panel)
    panel.show()
    bo = panel.columns[1]
    bo.body.setPlainText(bo.body.toPlainText().replace("Dear Bo,", "Dear Bo,\n\nTODO: thank him."))
    headings: list[list[str]] = []

    def show_me(dialog: BeforeItGoes) -> None:
        headings.append([label.text() for label in dialog.findChildren(type(dialog.intro))])
        fix(dialog, "Show me")

    listed = checked(monkeypatch, show_me)
    panel.send()
    qtbot.waitUntil(lambda: bool(listed) and not panel.sending, timeout=10_000)
    qtbot.wait(100)

    assert listed == [["“TODO” in the body looks like a placeholder left to fill in."]]
    assert "Bo Chen" in headings[0], "each finding says whose message it is in"
    assert bo.body.textCursor().selectedText() == "TODO"
    assert ready.store.message_ids(MessageState.QUEUED, MessageState.SENT) == []
    assert smtp_server.received == []
    assert [c.status.text() for c in panel.columns] == ["", ""]
    answers.answers.append(True)  # closing at the end: "lose the changes?" Yes.


def test_the_panel_sends_the_fixed_text_after_the_check(
    qtbot: QtBot,
    ready: Afterword,
    interview: int,
    smtp_server: SmtpServer,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    panel = PanelDialog(ready, InlineRunner(), interview, "no_hard_feelings")
    qtbot.addWidget(panel)
    panel.show()
    bo = panel.columns[1]
    bo.body.setPlainText(bo.body.toPlainText().replace("Dear Bo,", "Dear Lena,"))

    def greet_bo_then_send(dialog: BeforeItGoes) -> None:
        fix(dialog, "Greet Bo")
        dialog.send_button.click()

    checked(monkeypatch, greet_bo_then_send)
    panel.send()
    qtbot.waitUntil(lambda: len(smtp_server.received) == 2 and not panel.sending, timeout=20_000)

    texts = {
        r.recipients[0]: message_from_bytes(r.data, policy=policy.default)
        for r in smtp_server.received
    }
    assert texts["bo@acme.example"].get_content().startswith("Dear Bo,")
    assert bo.body.toPlainText().startswith("Dear Bo,")
    answers.answers.append(True)  # closing at the end: "lose the changes?" Yes.


def test_the_dialog_names_everyone_and_enter_like_escape_sends_nothing(qtbot: QtBot) -> None:
    people = [Contact(n, f"{n.lower()}@acme.example", "Acme", id=i) for i, n in enumerate("ABC")]
    text = Message("Hi", "Dear all,\n\nThanks.\n", [f"{p.name} <{p.email}>" for p in people])
    context = CheckContext(people=tuple(people))
    dialog = BeforeItGoes([Review("", text, context, check_before_it_goes(text, context))])
    qtbot.addWidget(dialog)
    dialog.show()

    assert [row.text.text() for row in dialog.rows] == [
        "This one message goes to A, B and C together; each sees all the others' addresses."
    ]
    assert dialog.send_button.text() == "&Send to all"
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible(), "Enter closed it, by its default button: Back to editing"
    assert dialog.choice is Choice.BACK and dialog.result() != QDialog.DialogCode.Accepted


def test_a_look_alike_in_bcc_is_listed_with_its_real_form_and_send_anyway_sends_it(
    qtbot: QtBot,
    ready: Afterword,
    interview: int,
    smtp_server: SmtpServer,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compose = compose_to_ana(qtbot, ready, interview, "Dear Ana,\n\nThank you.\n\nZoë\n")
    compose.bcc.setText("lena@globеx.example")  # a Cyrillic "е"
    buttons: list[str] = []

    def send_anyway(dialog: BeforeItGoes) -> None:
        buttons.append(dialog.send_button.text())
        dialog.send_button.click()

    listed = checked(monkeypatch, send_anyway)
    with qtbot.waitSignal(compose.sent, timeout=20_000):
        compose.send()

    assert listed == [
        [
            "lena@globеx.example: globеx.example mixes Latin and Cyrillic letters: it may be a "
            "look-alike of another address. Its real form is xn--globx-2we.example."
        ]
    ]
    assert buttons == ["&Send anyway"]  # the user decides: a warning, not a wall
    assert smtp_server.received[0].recipients == ["ana@acme.example", "lena@xn--globx-2we.example"]
