"""Addressing as in a mail client: To, Cc and Bcc complete over contacts, From shows the
account, New message is blank, and old status lines go with the situation they were about."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.afterword import Afterword
from composer.password_binding import Destination
from composer.records import Contact, Interview, InterviewStatus, Role
from tests.helpers.smtp_server import PASSWORD, SmtpServer
from tests.ui.conftest import Dialogs
from tests.ui.helpers import choose_contact, shown, tab_order, written
from ui.address_fields import MATCHES_SHOWN
from ui.compose import ComposePage
from ui.main_window import MainWindow
from ui.runner import InlineRunner

ZOE = "Zoë Quintero <zq@globex.example>"


def page(qtbot: QtBot, afterword: Afterword) -> ComposePage:
    return shown(qtbot, ComposePage(afterword, InlineRunner()))


@pytest.fixture
def window(qtbot: QtBot, ready: Afterword, answers: Dialogs) -> Iterator[MainWindow]:
    main = MainWindow(ready)
    qtbot.addWidget(main)
    main.resize(1000, 700)
    main.show()
    yield main
    main.runner.wait()


def ten_thousand(afterword: Afterword) -> int:
    """10,000 contacts, one of them Zoë at Globex; returns her id."""
    afterword.store.add_contacts(
        [Contact(f"Person {n:05}", f"p{n}@example.org", "Initech") for n in range(9_999)]
    )
    zoe = afterword.store.add_contact(Contact("Zoë Quintero", "zq@globex.example", "Globex"))
    assert zoe.id is not None
    return zoe.id


def interview_with(afterword: Afterword, *people: Contact) -> int:
    store = afterword.store
    interview = store.add_interview(
        Interview(
            "Acme",
            "Data Engineer",
            scheduled_at=datetime(2026, 11, 3, 14, 30).astimezone(),
            status=InterviewStatus.DONE,
        )
    )
    contacts = [store.add_contact(person) for person in people]
    assert interview.id is not None
    store.set_participants(interview.id, [(c.id, Role.INTERVIEWER) for c in contacts if c.id])
    return interview.id


def popup_rows(compose: ComposePage) -> list[str]:
    model = compose.to.popup.model()
    return [model.index(n, 0).data() for n in range(model.rowCount())]


def test_completion_picks_a_contact_from_ten_thousand_and_fills_to(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    zoe = ten_thousand(ready)
    compose = page(qtbot, ready)

    choose_contact(qtbot, compose.to, "quint", f"{ZOE}  —  Globex")

    assert compose.to.addresses() == [ZOE]
    assert compose.checked_contact_ids() == [zoe]
    assert not compose.to.popup.isVisible()
    assert compose.template.currentData() is None, "a blank message stays blank"


def test_the_popup_shows_a_few_matches_of_many_and_enter_takes_the_first(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    ten_thousand(ready)
    compose = page(qtbot, ready)
    compose.to.setFocus()

    qtbot.keyClicks(compose.to, "person 0001")  # Person 00001, then 00010 … 00019

    qtbot.waitUntil(compose.to.popup.isVisible)
    assert len(popup_rows(compose)) == MATCHES_SHOWN, "a few rows, never all 10,000"
    assert popup_rows(compose)[0].startswith("Person 00001 <p1@example.org>")
    qtbot.keyClick(compose.to.popup, Qt.Key.Key_Return)
    assert compose.to.addresses() == ["Person 00001 <p1@example.org>"]
    assert len(compose.checked_contact_ids()) == 1


def test_a_second_contact_is_added_after_the_first(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    ana = ready.store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme"))
    bo = ready.store.add_contact(Contact("Bo Chen", "bo@acme.example", "Acme"))
    compose = page(qtbot, ready)

    choose_contact(qtbot, compose.to, "lima", "Ana Lima <ana@acme.example>  —  Acme")
    choose_contact(qtbot, compose.to, "chen", "Bo Chen <bo@acme.example>  —  Acme")

    assert compose.to.addresses() == ["Ana Lima <ana@acme.example>", "Bo Chen <bo@acme.example>"]
    assert compose.checked_contact_ids() == [ana.id, bo.id]
    assert compose.choice.one_each() and not compose.together.isChecked(), "one each: default"
    assert compose.together.isVisible()


def test_cc_completes_over_contacts_too(qtbot: QtBot, ready: Afterword, answers: Dialogs) -> None:
    ready.store.add_contact(Contact("Kim Novak", "kim@acme.example", "Acme", title="Recruiter"))
    compose = page(qtbot, ready)

    choose_contact(
        qtbot, compose.cc, "recruiter", "Kim Novak <kim@acme.example>  —  Acme · Recruiter"
    )

    assert compose.cc.addresses() == ["Kim Novak <kim@acme.example>"]
    assert compose.current_message().cc == ["Kim Novak <kim@acme.example>"]


def test_a_typed_address_that_is_no_contact_is_kept_and_sent(
    qtbot: QtBot, ready: Afterword, smtp_server: SmtpServer, answers: Dialogs
) -> None:
    ready.store.add_contact(Contact("Leela Chen", "leela@acme.example"))
    compose = page(qtbot, ready)
    compose.to.setFocus()

    qtbot.keyClicks(compose.to, "Lee")
    qtbot.waitUntil(compose.to.popup.isVisible)  # Leela is offered; the user types on
    qtbot.keyClicks(compose.to, " Park <lee@partner.example>")
    qtbot.keyClicks(compose.subject, "Hello")
    qtbot.keyClicks(compose.body, "Hi Lee")

    assert compose.to.addresses() == ["Lee Park <lee@partner.example>"]
    assert compose.checked_contact_ids() == [] and compose.typed_to() == compose.to.addresses()
    with qtbot.waitSignal(compose.sent, timeout=20_000):
        compose.send()
    assert smtp_server.received[0].recipients == ["lee@partner.example"]


def test_an_address_typed_in_full_is_the_contact_who_has_it(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    ana = ready.store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    compose = page(qtbot, ready)

    qtbot.keyClicks(compose.to, "ana@acme.example")

    assert compose.checked_contact_ids() == [ana.id] and compose.typed_to() == []


def test_new_message_is_blank(qtbot: QtBot, window: MainWindow) -> None:
    interview_id = interview_with(window.afterword, Contact("Ana Lima", "ana@acme.example"))
    window.write(interview_id, "thank_you")
    compose = window.compose
    written(qtbot, compose)
    assert compose.checked_contact_ids() and compose.subject.text()

    window.new_message()  # File › New message, Ctrl+N

    assert compose.interview.currentData() is None
    assert compose.template.currentData() is None
    assert (compose.to.text(), compose.cc.text(), compose.bcc.text()) == ("", "", "")
    assert (compose.subject.text(), compose.body.toPlainText()) == ("", "")
    assert compose.problem.text() == "Choose at least one recipient."
    qtbot.waitUntil(compose.to.hasFocus)  # whom it is for comes first
    fields = [compose.cc, compose.bcc, compose.interview, compose.template, compose.subject]
    assert tab_order(compose.to, [*fields, compose.body]) == [
        "To",
        "Cc",
        "Bcc",
        "Interview",
        "Template",
        "Subject",
        "Message text",
    ]


def test_ctrl_n_is_the_new_message_action(window: MainWindow) -> None:
    [action] = [
        a
        for a in window.findChildren(type(window.menuBar().actions()[0]))
        if a.shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    ]
    interview_id = interview_with(window.afterword, Contact("Ana Lima", "ana@acme.example"))
    window.write(interview_id, "thank_you")

    action.trigger()

    assert window.compose.interview.currentData() is None
    assert window.compose.to.addresses() == []


def sent_to_ana(qtbot: QtBot, ready: Afterword) -> ComposePage:
    """Compose after a thank-you to Ana went: it says what the server said."""
    interview_id = interview_with(ready, Contact("Ana Lima", "ana@acme.example"))
    compose = page(qtbot, ready)
    compose.start_follow_up(interview_id, "thank_you")
    with qtbot.waitSignal(compose.sent, timeout=20_000):
        compose.send()
    qtbot.waitUntil(lambda: not compose.sending)
    assert compose.status.text().startswith("Sent. The server said: 250")
    return compose


def test_the_sent_line_goes_once_new_recipients_are_typed(
    qtbot: QtBot, ready: Afterword, smtp_server: SmtpServer, answers: Dialogs
) -> None:
    compose = sent_to_ana(qtbot, ready)

    qtbot.keyClicks(compose.to, "b")

    assert compose.status.text() == ""


def test_the_sent_line_goes_once_another_template_is_chosen(
    qtbot: QtBot, ready: Afterword, smtp_server: SmtpServer, answers: Dialogs
) -> None:
    compose = sent_to_ana(qtbot, ready)

    compose.template.setCurrentIndex(compose.template.findData("feedback_request"))

    assert compose.status.text() == ""


def test_the_sent_line_goes_with_a_new_message(
    qtbot: QtBot, ready: Afterword, smtp_server: SmtpServer, answers: Dialogs
) -> None:
    compose = sent_to_ana(qtbot, ready)

    compose.new_message()

    assert compose.status.text() == ""


def test_an_error_and_its_settings_button_go_once_the_text_is_edited(
    qtbot: QtBot,
    ready: Afterword,
    smtp_server: SmtpServer,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    account = ready.outbox.account()
    assert account is not None
    ready.credentials.use_for_session(account.key, "not the password", [Destination.of(account)])
    interview_id = interview_with(ready, Contact("Ana Lima", "ana@acme.example"))
    compose = page(qtbot, ready)
    compose.start_follow_up(interview_id, "thank_you")
    monkeypatch.setattr(ui.dialogs, "run_dialog", lambda dialog: False)  # the prompt: Cancel
    compose.send()
    qtbot.waitUntil(lambda: not compose.sending, timeout=15_000)
    assert "did not accept the user name or password" in compose.status.text()
    assert compose.fix_button.isVisible()

    compose.body.moveCursor(compose.body.textCursor().MoveOperation.End)
    qtbot.keyClicks(compose.body, " P.S.")

    assert compose.status.text() == "" and not compose.fix_button.isVisible()
    ready.credentials.use_for_session(account.key, PASSWORD, [Destination.of(account)])
    assert compose.send_button.text() == "&Send again", "the message is still the failed one"
    compose.save_draft()  # as the autosave would, before this test's records are closed


def test_from_shows_the_sending_account(qtbot: QtBot, window: MainWindow) -> None:
    window.show_area(window.compose)
    from_line = window.compose.from_line

    assert from_line.address.text() == "Zoë Müller <zoe@example.org>"
    assert from_line.change_button.text() == "Change in Settings"
    qtbot.mouseClick(from_line.change_button, Qt.MouseButton.LeftButton)
    assert window.current_area() is window.settings_page


def test_from_says_when_there_is_no_account(
    qtbot: QtBot, afterword: Afterword, answers: Dialogs
) -> None:
    compose = page(qtbot, afterword)

    assert compose.from_line.address.text() == "No sending account yet"
    assert compose.from_line.change_button.text() == "Set up in Settings"


def test_the_text_gets_most_of_the_window_with_a_file_attached(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(b"%PDF-1.7 my cv")
    compose = window.compose
    window.show_area(compose)
    assert not compose.attachments.isVisible(), "no files: no strip"

    compose.attachments.add_files([cv])
    qtbot.wait(50)

    assert compose.attachments.isVisible()
    assert compose.body.height() >= 0.5 * window.height(), (compose.body.height(), window.height())
    qtbot.mouseClick(compose.attachments.chips[0].remove_button, Qt.MouseButton.LeftButton)
    assert compose.attachments.attachments == [] and not compose.attachments.isVisible()


def test_a_name_with_a_comma_stays_one_recipient(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    dana = ready.store.add_contact(Contact("Whitfield, Dana", "dana@acme.example"))
    compose = page(qtbot, ready)

    choose_contact(qtbot, compose.to, "dana", '"Whitfield, Dana" <dana@acme.example>')

    assert compose.to.addresses() == ['"Whitfield, Dana" <dana@acme.example>']
    assert compose.checked_contact_ids() == [dana.id] and compose.typed_to() == []
    assert not compose.choice.one_each(), "one person, not two"


def test_a_click_on_a_match_picks_it(qtbot: QtBot, ready: Afterword, answers: Dialogs) -> None:
    bo = ready.store.add_contact(Contact("Bo Chen", "bo@acme.example", "Acme"))
    ready.store.add_contact(Contact("Bea Chen", "bea@globex.example", "Globex"))
    compose = page(qtbot, ready)
    compose.to.setFocus()
    qtbot.keyClicks(compose.to, "chen")
    popup = compose.to.popup
    qtbot.waitUntil(popup.isVisible)
    row = popup_rows(compose).index("Bo Chen <bo@acme.example>  —  Acme")

    where = popup.visualRect(popup.model().index(row, 0)).center()
    qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton, pos=where)

    assert compose.to.addresses() == ["Bo Chen <bo@acme.example>"]
    assert compose.checked_contact_ids() == [bo.id]
