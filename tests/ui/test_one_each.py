"""One person, one message: every path that starts a follow-up for several people writes
one message each, delivered separately; one message to several only when asked; what
Compose shows is what the server receives."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.records import (
    Contact,
    FeedbackNote,
    Interview,
    InterviewStatus,
    Message,
    Profile,
    Role,
)
from composer.templates import TemplateLibrary
from tests.helpers.smtp_server import SmtpServer
from tests.ui.conftest import Dialogs
from tests.ui.helpers import answer_the_check, write_to_all
from ui.main_window import MainWindow
from ui.one_each_panel import EDITED_DETAIL, PanelDialog
from ui.send_check import Choice

INLINE_RUNNER = True  # flows through the widgets: no threads checked here


NOW = datetime(2026, 11, 3, 18, 0, tzinfo=UTC)  # the afternoon of the interview
SIGNATURE = "Zoë Müller\n+44 20 7946 0000"
FIRST_NAMES = {"ana@acme.example": "Ana", "bo@acme.example": "Bo", "cy@acme.example": "Cy"}


@pytest.fixture
def people(ready: Afterword) -> dict[str, int]:
    """An interview with three interviewers and someone from HR."""
    store = ready.store
    store.save_profile(Profile("Zoë Müller", "zoe@example.org", "+44 20 7946 0000", SIGNATURE))
    interview = store.add_interview(
        Interview(
            "Acme",
            "Data Engineer",
            datetime(2026, 11, 3, 14, 30, tzinfo=UTC),
            "final round",
            InterviewStatus.DONE,
            topic="streaming pipelines",
            feedback="Strong on design; wanted more SQL depth.",
        )
    )
    found = {
        key: store.add_contact(Contact(name, email, "Acme", title))
        for key, name, email, title in [
            ("ana", "Ana Lima", "ana@acme.example", "Engineering Lead"),
            ("bo", "Bo Chen", "bo@acme.example", "Staff Engineer"),
            ("cy", "Cy Diaz", "cy@acme.example", "Data Lead"),
            ("hr", "Harriet Ross", "people@acme.example", "People team"),
        ]
    }
    assert interview.id is not None
    roles = {"hr": Role.HR}
    store.set_participants(
        interview.id,
        [(c.id, roles.get(k, Role.INTERVIEWER)) for k, c in found.items() if c.id is not None],
    )
    ids = {key: contact.id for key, contact in found.items() if contact.id is not None}
    return {**ids, "interview": interview.id}


def text_of(data: bytes) -> tuple[str, str]:
    """Subject and decoded text part, as the recipient's mail program shows them."""
    mail = message_from_bytes(data, policy=policy.default)
    assert isinstance(mail, EmailMessage)
    part = mail.get_body(preferencelist=("plain",))
    assert isinstance(part, EmailMessage)
    return str(mail["Subject"]), part.get_content().replace("\r\n", "\n")


def one_each_received(server: SmtpServer) -> dict[str, str]:
    """Each envelope's one recipient and the text they got; fails on a shared envelope."""
    got = {}
    for received in server.received:
        assert len(received.recipients) == 1, f"one message to {received.recipients}"
        got[received.recipients[0]] = text_of(received.data)[1]
    return got


def assert_each_greets_its_own(server: SmtpServer, addresses: list[str]) -> None:
    got = one_each_received(server)
    assert sorted(got) == sorted(addresses)
    for address, text in got.items():
        assert text.startswith(f"Dear {FIRST_NAMES[address]},\n"), text
        others = [name for a, name in FIRST_NAMES.items() if a != address]
        assert not any(f"Dear {name}" in text for name in others)
        assert text.endswith(f"\n{SIGNATURE}\n") and text.count("Zoë Müller") == 1


def send_panel(qtbot: QtBot, panel: PanelDialog | None) -> PanelDialog:
    assert panel is not None and panel.isVisible()
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.sending, timeout=20_000)
    return panel


def follow_up_from_interviews(qtbot: QtBot, window: MainWindow) -> PanelDialog | None:
    window.show_area(window.interviews)
    window.interviews.table.selectRow(0)
    qtbot.mouseClick(window.interviews.follow_up_button, Qt.MouseButton.LeftButton)
    return window.compose.choice.panel


# --- every path: one message each ----------------------------------------------------------


def test_follow_up_from_interviews_sends_three_personal_messages(
    qtbot: QtBot, window: MainWindow, smtp_server: SmtpServer
) -> None:
    panel = follow_up_from_interviews(qtbot, window)

    assert panel is not None
    assert panel.windowTitle() == "One message each: Acme"
    assert [c.title() for c in panel.columns] == ["Ana Lima", "Bo Chen", "Cy Diaz"]
    assert panel.send_button.text() == "&Send 3 messages"
    send_panel(qtbot, panel)

    assert_each_greets_its_own(smtp_server, list(FIRST_NAMES))
    assert panel.summary.text() == "Sent 3 messages."
    assert [c.status.text() for c in panel.columns] == ["Sent."] * 3


def test_write_it_from_today_sends_three_personal_messages(
    qtbot: QtBot, window: MainWindow, smtp_server: SmtpServer
) -> None:
    window.show_area(window.today)
    window.today.refresh()
    window.runner.wait()
    qtbot.waitUntil(lambda: window.runner.busy == 0)
    due = window.today.due_list
    titles = [due.item(row).text().split("\n")[0] for row in range(due.count())]
    due.setCurrentRow(titles.index("Thank your interviewers: Data Engineer at Acme"))

    qtbot.mouseClick(window.today.act_button, Qt.MouseButton.LeftButton)
    panel = send_panel(qtbot, window.compose.choice.panel)

    assert [c.title() for c in panel.columns] == ["Ana Lima", "Bo Chen", "Cy Diaz"]
    assert_each_greets_its_own(smtp_server, list(FIRST_NAMES))


def test_thank_them_from_feedback_writes_only_to_those_who_gave_it(
    qtbot: QtBot,
    window: MainWindow,
    people: dict[str, int],
    smtp_server: SmtpServer,
) -> None:
    store = window.afterword.store
    for key, said in [("ana", "Great design answers."), ("cy", "More SQL depth next time.")]:
        store.save_feedback(FeedbackNote(people["interview"], said, NOW, contact_id=people[key]))
    page = window.feedback
    window.show_area(page)
    page.refresh()
    page.notes.selectAll()  # both notes: each person who gave feedback, and only them

    qtbot.mouseClick(page.thank_button, Qt.MouseButton.LeftButton)
    panel = send_panel(qtbot, window.compose.choice.panel)

    assert [c.title() for c in panel.columns] == ["Ana Lima", "Cy Diaz"]
    assert_each_greets_its_own(smtp_server, ["ana@acme.example", "cy@acme.example"])
    for text in one_each_received(smtp_server).values():
        assert "Thank you for taking the time to share your feedback" in text


def test_thank_them_for_one_note_goes_to_its_giver_alone(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    window.afterword.store.save_feedback(
        FeedbackNote(people["interview"], "A close call.", NOW, contact_id=people["bo"])
    )
    window.show_area(window.feedback)
    window.feedback.refresh()

    qtbot.mouseClick(window.feedback.thank_button, Qt.MouseButton.LeftButton)

    compose = window.compose
    assert compose.choice.panel is None
    assert compose.checked_contact_ids() == [people["bo"]]
    assert compose.body.toPlainText().startswith("Dear Bo,\n")


def test_follow_up_on_a_message_sent_to_several_writes_one_each_in_its_thread(
    qtbot: QtBot, window: MainWindow, people: dict[str, int], smtp_server: SmtpServer
) -> None:
    outbox = window.afterword.outbox
    together = outbox.queue(
        Message(
            "Thank you",
            f"Dear Ana and Bo,\n\nThank you.\n\nZoë Müller\n{SIGNATURE.split(chr(10))[1]}\n",
            ["Ana Lima <ana@acme.example>", "Bo Chen <bo@acme.example>"],
            interview_id=people["interview"],
            contact_id=people["ana"],
        )
    )
    assert together.id is not None
    outbox.send([together.id])
    original = window.afterword.store.message(together.id)
    smtp_server.received.clear()
    window.show_area(window.sent)
    window.sent.refresh()
    qtbot.waitUntil(lambda: not window.sent.loading, timeout=5000)
    window.sent.select(together.id)

    qtbot.mouseClick(window.sent.follow_up_button, Qt.MouseButton.LeftButton)
    [panel] = window.sent.findChildren(PanelDialog)
    for column in panel.columns:
        column.body.setPlainText(
            column.body.toPlainText().replace("\n\n\n", "\n\nOne more thing.\n")
        )
    send_panel(qtbot, panel)

    got = one_each_received(smtp_server)
    assert sorted(got) == ["ana@acme.example", "bo@acme.example"]
    assert got["ana@acme.example"].startswith("Dear Ana,\n\nOne more thing.\n")
    assert got["bo@acme.example"].startswith("Dear Bo,\n\nOne more thing.\n")
    for received in smtp_server.received:
        assert f"In-Reply-To: {original.header_id}".encode() in received.data


# --- one message to several, only when asked ----------------------------------------------


def test_one_message_to_two_greets_both_after_a_question_naming_them(
    qtbot: QtBot,
    window: MainWindow,
    people: dict[str, int],
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compose = window.compose
    write_to_all(compose, people["interview"], "thank_you", [people["ana"], people["bo"]])
    assert compose.body.toPlainText().startswith("Dear Ana and Bo,\n")
    assert compose.send_button.text() == "&Send"

    back = answer_the_check(monkeypatch, Choice.BACK)  # not now: nothing goes
    compose.send()
    qtbot.waitUntil(lambda: bool(back) and not compose.sending)
    assert smtp_server.received == []
    assert "Ana Lima and Bo Chen" in back[0].rows[0].text.text()  # named before it goes
    answer_the_check(monkeypatch)  # Send to both
    with qtbot.waitSignal(compose.sent, timeout=20_000):
        compose.send()

    [got] = smtp_server.received
    assert sorted(got.recipients) == ["ana@acme.example", "bo@acme.example"]
    assert text_of(got.data)[1].startswith("Dear Ana and Bo,\n")


# --- what you see is what is sent ---------------------------------------------------------


@pytest.mark.parametrize("template_id", [t.id for t in TemplateLibrary().templates()])
def test_what_compose_shows_is_what_the_server_receives(
    template_id: str,
    qtbot: QtBot,
    window: MainWindow,
    people: dict[str, int],
    answers: Dialogs,
    smtp_server: SmtpServer,
) -> None:
    to = people["hr"] if "notes" in template_id else people["ana"]
    compose = window.compose
    window.show_area(compose)
    compose.start_follow_up(people["interview"], template_id, [to])
    if template_id == "keeping_in_touch":  # it asks for the news, typed above the text
        qtbot.keyClicks(compose.questions.box("news"), "I have just finished a Kafka course")
        qtbot.waitUntil(lambda: "Kafka course" in compose.body.toPlainText(), timeout=5000)
    assert compose.problem.text() == "", compose.problem.text()
    shown = (compose.subject.text(), compose.body.toPlainText())
    assert SIGNATURE.split("\n")[1] in shown[1], "the signature is in the text shown"

    with qtbot.waitSignal(compose.sent, timeout=20_000):
        compose.send()

    [got] = smtp_server.received
    assert text_of(got.data) == (shown[0], shown[1].rstrip("\n") + "\n")
    assert shown[1].count("+44 20 7946 0000") == 1, "the phone once, whatever the sign-off"


def test_outbox_and_sent_shows_a_draft_as_it_will_go(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    compose = window.compose
    compose.start_follow_up(people["interview"], "thank_you", [people["ana"]])
    compose.save_draft()
    assert compose.message_id is not None
    window.show_area(window.sent)
    window.sent.refresh()
    qtbot.waitUntil(lambda: not window.sent.loading, timeout=5000)

    window.sent.select(compose.message_id)

    shown = window.sent.reader.toPlainText()
    assert "To: Ana Lima <ana@acme.example>" in shown
    assert shown.endswith(compose.body.toPlainText()), "the whole text, signature included"
    assert shown.rstrip().endswith("With thanks and best wishes,\n" + SIGNATURE)


# --- the panel -----------------------------------------------------------------------------


def test_a_detail_typed_after_editing_the_text_is_plainly_refused(
    qtbot: QtBot, window: MainWindow, smtp_server: SmtpServer
) -> None:
    panel = follow_up_from_interviews(qtbot, window)
    assert panel is not None
    ana, bo = panel.columns[0], panel.columns[1]
    qtbot.keyClicks(bo.detail, "data contracts")
    qtbot.waitUntil(lambda: "about data contracts" in bo.body.toPlainText(), timeout=3000)

    ana.body.appendPlainText("P.S. Thank you for the coffee.")

    assert not ana.detail.isEnabled()
    assert ana.detail_note.isVisibleTo(panel) and ana.detail_note.text() == EDITED_DETAIL
    assert bo.detail.isEnabled() and not bo.detail_note.isVisibleTo(panel)
    send_panel(qtbot, panel)
    got = one_each_received(smtp_server)
    assert "P.S. Thank you for the coffee." in got["ana@acme.example"]
    assert "our conversation about data contracts" in got["bo@acme.example"]


def test_someone_already_sent_the_follow_up_is_not_offered_it_again_by_any_path(
    qtbot: QtBot,
    window: MainWindow,
    people: dict[str, int],
    answers: Dialogs,
    smtp_server: SmtpServer,
) -> None:
    first = send_panel(qtbot, follow_up_from_interviews(qtbot, window))
    first.close()
    assert len(smtp_server.received) == 3

    again = follow_up_from_interviews(qtbot, window)  # Interviews' Follow up…
    assert again is not None
    assert not again.send_button.isEnabled()
    for column in again.columns:
        assert column.status.text().startswith("Already sent this follow-up on ")
        assert column.again.isVisibleTo(again) and not column.again.isChecked()
    again.close()

    window.show_area(window.today)  # Today: no reminder to thank them
    window.today.refresh()
    window.runner.wait()
    qtbot.waitUntil(lambda: window.runner.busy == 0)
    due = window.today.due_list
    assert not any(due.item(r).text().startswith("Thank your") for r in range(due.count()))

    compose = window.compose  # Compose, to one of them: told, and asked before sending
    compose.start_follow_up(people["interview"], "thank_you", [people["bo"]])
    assert compose.already.text().startswith(
        "You already sent Bo Chen “Thank you after an interview” for this interview on "
    )
    qtbot.keyClicks(compose.body, "Again: ")
    compose.save_draft()  # now a draft of its own: still the same follow-up
    assert compose.already.isVisibleTo(compose)
    answers.answers.append(False)
    compose.send()
    assert answers.asked[-1].endswith("Send it again?")
    assert len(smtp_server.received) == 3
    answers.answers.append(True)
    with qtbot.waitSignal(compose.sent, timeout=20_000):
        compose.send()
    assert [r.recipients for r in smtp_server.received[3:]] == [["bo@acme.example"]]


def test_a_panel_that_sent_everything_says_so_and_frees_compose(
    qtbot: QtBot, window: MainWindow, smtp_server: SmtpServer
) -> None:
    panel = send_panel(qtbot, follow_up_from_interviews(qtbot, window))
    assert "Nothing to send" not in panel.summary.text()

    panel.done(QDialog.DialogCode.Rejected)

    compose = window.compose
    assert compose.choice.panel is None
    assert compose.status.text() == "Sent 3 messages."
    assert compose.checked_contact_ids() == [] and compose.body.toPlainText() == ""


def test_thanks_for_feedback_is_offered_only_to_who_gave_some(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    store = window.afterword.store
    store.save_feedback(
        FeedbackNote(people["interview"], "A close call.", NOW, contact_id=people["bo"])
    )
    compose = window.compose

    compose.start_follow_up(people["interview"], "thanks_for_feedback")  # as Today or Compose do

    assert compose.choice.panel is None
    assert compose.checked_contact_ids() == [people["bo"]]
    assert compose.body.toPlainText().startswith("Dear Bo,\n")
