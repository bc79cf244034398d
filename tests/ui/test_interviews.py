"""The interviews page and dialog: who took part, when, and what to follow up with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QComboBox, QDialog
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer.afterword import Afterword
from composer.records import Contact, Interview, InterviewStatus, Participant, Role
from tests.helpers.clock import NOW, clock
from tests.ui.helpers import (
    answer,
    answer_questions,
    mnemonics,
    reachable_controls,
    record_tells,
    shown,
    tab_order,
)
from ui.contacts import ContactDialog
from ui.interviews import InterviewDialog, InterviewsPage, PeopleBox
from ui.runner import Runner
from ui.widgets import to_local

PAST = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)


def open_page(qtbot: QtBot, afterword: Afterword, runner: Runner) -> InterviewsPage:
    return shown(qtbot, InterviewsPage(afterword, runner))


def add(
    afterword: Afterword,
    company: str,
    when: datetime | None = PAST,
    status: InterviewStatus = InterviewStatus.DONE,
) -> int:
    interview = afterword.store.add_interview(Interview(company, scheduled_at=when, status=status))
    assert interview.id is not None
    return interview.id


def add_contact(afterword: Afterword, name: str, company: str = "Acme") -> Contact:
    contact = afterword.store.add_contact(Contact(name, company=company))
    assert contact.id is not None
    return contact


def shown_companies(page: InterviewsPage) -> list[str]:
    model = page.table.model()
    return [model.index(row, 1).data() for row in range(model.rowCount())]


def listed(box: PeopleBox) -> list[str]:
    """What the contact picker lists under the field."""
    matches = box.contact_edit.matches
    return [matches.item(row).text() for row in range(matches.rowCount())]


def choose(box: QComboBox, text: str) -> None:
    index = box.findText(text)
    assert index >= 0, text
    box.setCurrentIndex(index)


# --- the page ---------------------------------------------------------------------------


def test_the_model_behind_the_table_is_sound(
    afterword: Afterword, runner: Runner, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    add(afterword, "Acme GmbH")
    add(afterword, "Globex", None)
    add(afterword, "Initech", NOW + timedelta(days=2), InterviewStatus.SCHEDULED)
    page = open_page(qtbot, afterword, runner)
    qtmodeltester.check(page.model)
    assert shown_companies(page) == ["Initech", "Acme GmbH", "Globex"]  # upcoming first


def test_add_an_interview_with_someone_met_there(
    afterword: Afterword, runner: Runner, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_page(qtbot, afterword, runner)

    def fill(dialog: QDialog) -> None:
        if isinstance(dialog, ContactDialog):  # "New contact…", opened from the interview
            qtbot.keyClicks(dialog.name_edit, "Ana Lima")
            qtbot.keyClicks(dialog.email_edit, "ana@acme.example")
            return
        assert isinstance(dialog, InterviewDialog)
        qtbot.keyClicks(dialog.company_edit, "Acme GmbH")
        qtbot.keyClicks(dialog.position_edit, "Data Engineer")
        dialog.when_edit.setDateTime(QDateTime(QDate(2026, 11, 3), QTime(14, 30)))
        qtbot.keyClicks(dialog.stage_edit, "final round")
        choose(dialog.status_combo, "Done")
        qtbot.keyClicks(dialog.topic_edit, "streaming pipelines")
        qtbot.keyClicks(dialog.notes_edit, "Whiteboard, then pairing")
        qtbot.keyClicks(dialog.feedback_edit, "Strong on design")
        dialog.applied_edit.setDate(QDate(2026, 10, 20))
        choose(dialog.people_box.role_combo, "Interviewer")
        qtbot.mouseClick(dialog.people_box.new_button, Qt.MouseButton.LeftButton)
        table = dialog.people_box.table
        assert [table.model().index(0, column).data() for column in (0, 1)] == [
            "Ana Lima",
            "Interviewer",
        ]

    answer(monkeypatch, fill, QDialog)
    with qtbot.waitSignal(page.runner.changed):
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)

    [ana] = afterword.store.contacts()
    assert (ana.name, ana.email) == ("Ana Lima", "ana@acme.example")
    [saved] = afterword.store.interviews()
    assert saved == Interview(
        company="Acme GmbH",
        position="Data Engineer",
        scheduled_at=datetime(2026, 11, 3, 14, 30).astimezone(),  # the local time typed
        stage="final round",
        status=InterviewStatus.DONE,
        notes="Whiteboard, then pairing",
        feedback="Strong on design",
        topic="streaming pipelines",
        id=saved.id,
        applied_at=datetime(2026, 10, 20, 12).astimezone(),  # the day chosen, at noon
    )
    assert saved.id is not None
    assert afterword.store.participants(saved.id) == [Participant(ana, Role.INTERVIEWER)]
    assert shown_companies(page) == ["Acme GmbH"]
    assert page.selected_interview_id() == saved.id


def test_a_contact_made_on_the_spot_stays_when_the_interview_is_cancelled(
    afterword: Afterword, runner: Runner, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_page(qtbot, afterword, runner)

    def run(dialog: QDialog) -> bool:
        if isinstance(dialog, ContactDialog):
            qtbot.keyClicks(dialog.name_edit, "Ana Lima")
            dialog.accept()
            return True
        assert isinstance(dialog, InterviewDialog)
        dialog.people_box.new_contact()
        return False  # then Cancel

    monkeypatch.setattr(ui.dialogs, "run_dialog", run)
    with qtbot.waitSignal(page.runner.changed):  # the contacts page must learn of Ana
        page.new_interview()
    assert [c.name for c in afterword.store.contacts()] == ["Ana Lima"]
    assert afterword.store.interviews() == []


def test_edit_the_selected_interview_and_who_took_part(
    afterword: Afterword, runner: Runner, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = afterword.store
    ana, hr = add_contact(afterword, "Ana Lima"), add_contact(afterword, "Harriet Ross")
    interview_id = add(afterword, "Acme GmbH", status=InterviewStatus.SCHEDULED)
    assert ana.id is not None and hr.id is not None
    store.set_participants(interview_id, [(ana.id, Role.INTERVIEWER), (hr.id, Role.HR)])
    page = open_page(qtbot, afterword, runner)
    assert not page.edit_button.isEnabled() and not page.follow_up_button.isEnabled()
    page.table.selectRow(0)
    assert page.edit_button.isEnabled() and page.follow_up_button.isEnabled()

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, InterviewDialog)
        assert dialog.company_edit.text() == "Acme GmbH"
        assert dialog.status_combo.currentText() == "Scheduled"
        assert dialog.participants() == [(ana.id, Role.INTERVIEWER), (hr.id, Role.HR)]
        choose(dialog.status_combo, "Rejected")
        dialog.people_box.table.selectRow(1)
        qtbot.mouseClick(dialog.people_box.remove_button, Qt.MouseButton.LeftButton)

    answer(monkeypatch, fill, QDialog)
    with qtbot.waitSignal(page.runner.changed):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter edits
    edited = store.interview(interview_id)
    assert edited.status is InterviewStatus.REJECTED and edited.scheduled_at == PAST
    assert store.participants(interview_id) == [Participant(ana, Role.INTERVIEWER)]
    assert len(store.interviews()) == 1


def test_delete_asks_first(
    afterword: Afterword, runner: Runner, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(afterword, "Acme GmbH")
    page = open_page(qtbot, afterword, runner)
    page.table.selectRow(0)
    questions = answer_questions(monkeypatch, False)
    with qtbot.assertNotEmitted(page.runner.changed):
        qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert questions == [
        "Delete the interview at Acme GmbH? Messages already sent about it are kept in Sent."
    ]
    assert len(afterword.store.interviews()) == 1

    answer_questions(monkeypatch, True)
    with qtbot.waitSignal(page.runner.changed):
        qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert afterword.store.interviews() == []
    assert page.stack.currentWidget() is page.empty


def test_the_delete_key_deletes_the_selected_interview_after_asking(
    afterword: Afterword, runner: Runner, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(afterword, "Acme GmbH")
    add(afterword, "Globex", PAST - timedelta(days=1))
    page = open_page(qtbot, afterword, runner)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.table.setFocus()
    page.table.selectRow(0)
    questions = answer_questions(monkeypatch, True)
    with qtbot.waitSignal(page.runner.changed):
        qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert len(questions) == 1
    assert shown_companies(page) == ["Globex"]
    assert page.table.hasFocus() and page.selected_interview_id() is not None


def test_follow_up_on_a_rejection_starts_with_the_one_gracious_reply(
    afterword: Afterword, runner: Runner, qtbot: QtBot
) -> None:
    rejected = add(afterword, "Acme GmbH", status=InterviewStatus.REJECTED)
    page = open_page(qtbot, afterword, runner)
    page.table.selectRow(0)
    with qtbot.waitSignal(page.follow_up_requested) as emitted:
        qtbot.mouseClick(page.follow_up_button, Qt.MouseButton.LeftButton)
    assert emitted.args == [rejected, "after_rejection"]


def test_follow_up_before_the_interview_says_there_is_nothing_yet(
    afterword: Afterword, runner: Runner, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    soon = NOW + timedelta(days=3)
    add(afterword, "Acme GmbH", soon, InterviewStatus.SCHEDULED)
    page = open_page(qtbot, afterword, runner)
    page.table.selectRow(0)
    told = record_tells(monkeypatch)
    with qtbot.assertNotEmitted(page.follow_up_requested):
        qtbot.mouseClick(page.follow_up_button, Qt.MouseButton.LeftButton)
    assert told == [
        ("This interview hasn't taken place yet: there is nothing to follow up.", False)
    ]


def test_no_interviews_shows_a_friendly_start(
    afterword: Afterword, runner: Runner, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_page(qtbot, afterword, runner)
    assert page.stack.currentWidget() is page.empty and page.empty.isVisible()
    assert page.empty.label.text() == (
        "No interviews yet. Add the interview you just had, and Afterword will help you follow up."
    )
    assert page.empty.button.text() == "&Add an interview"

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, InterviewDialog)
        qtbot.keyClicks(dialog.company_edit, "Acme GmbH")

    answer(monkeypatch, fill, QDialog)
    with qtbot.waitSignal(page.runner.changed):
        qtbot.mouseClick(page.empty.button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.list_view
    assert shown_companies(page) == ["Acme GmbH"]


def test_every_control_on_the_page_has_a_name_and_takes_tab_focus(
    afterword: Afterword, runner: Runner, qtbot: QtBot
) -> None:
    page = open_page(qtbot, afterword, runner)
    controls = reachable_controls(page)
    assert {c.accessibleName() for c in controls} == {
        "Search interviews",
        "Interviews",
        "Add interview",
        "Edit interview",
        "Delete interview",
        "Follow up",
        "Timeline",
        "I called them",
        "Add an interview",
    }
    for control in controls:
        assert control.focusPolicy() & Qt.FocusPolicy.TabFocus, control.accessibleName()


# --- the dialog -------------------------------------------------------------------------


def open_dialog(
    qtbot: QtBot,
    afterword: Afterword,
    interview: Interview | None = None,
    people: list[Participant] | None = None,
) -> InterviewDialog:
    return shown(qtbot, InterviewDialog(afterword, interview, people))


def test_a_company_is_required(afterword: Afterword, qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, afterword)
    qtbot.keyClicks(dialog.position_edit, "Data Engineer")
    qtbot.keyClick(dialog.position_edit, Qt.Key.Key_Return)  # Enter saves
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.company_error.isVisible() and dialog.company_error.text()
    assert dialog.position_edit.text() == "Data Engineer"
    qtbot.keyClicks(dialog.company_edit, "Acme GmbH")
    qtbot.keyClick(dialog.company_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_the_date_starts_at_the_nearest_hour_and_can_be_left_open(
    afterword: Afterword, qtbot: QtBot
) -> None:
    dialog = open_dialog(qtbot, afterword)
    shown = dialog.when_edit.dateTime()
    assert shown.time().minute() == 0 and shown.time().second() == 0
    assert abs(shown.secsTo(to_local(clock()))) <= 30 * 60
    assert dialog.when_edit.calendarPopup()
    assert dialog.when_edit.displayFormat() == "ddd d MMM yyyy HH:mm"
    when = dialog.interview().scheduled_at
    assert when is not None and when.tzinfo is not None  # aware, in local time

    qtbot.mouseClick(dialog.no_date_check, Qt.MouseButton.LeftButton)
    assert not dialog.when_edit.isEnabled()
    assert dialog.interview().scheduled_at is None


def test_an_undated_interview_opens_with_no_date(afterword: Afterword, qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, afterword, Interview("Acme GmbH", id=4))
    assert dialog.no_date_check.isChecked() and not dialog.when_edit.isEnabled()
    assert dialog.interview() == Interview("Acme GmbH", id=4, applied_at=dialog._applied())


def test_a_stored_time_shows_as_local_time(afterword: Afterword, qtbot: QtBot) -> None:
    stored = datetime(2026, 11, 3, 14, 30, tzinfo=UTC)
    dialog = open_dialog(qtbot, afterword, Interview("Acme GmbH", scheduled_at=stored))
    local = stored.astimezone()
    shown = dialog.when_edit.dateTime()
    assert (shown.time().hour(), shown.time().minute()) == (local.hour, local.minute)
    assert dialog.interview().scheduled_at == stored


def test_people_are_added_once_per_role_and_removed(afterword: Afterword, qtbot: QtBot) -> None:
    ana, bo = add_contact(afterword, "Ana Lima"), add_contact(afterword, "Bo Chen", "")
    dialog = open_dialog(qtbot, afterword)
    box = dialog.people_box
    qtbot.keyClicks(box.contact_edit, "n")  # in both names: both are listed
    assert listed(box) == ["Ana Lima (Acme)", "Bo Chen"]
    assert [box.role_combo.itemText(i) for i in range(box.role_combo.count())] == [
        "Interviewer",
        "Recruiter",
        "HR",
    ]
    assert not box.remove_button.isEnabled()
    box.contact_edit.clear()
    qtbot.keyClicks(box.contact_edit, "ana")
    choose(box.role_combo, "Interviewer")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    assert box.contact_edit.text() == ""  # added: the field is ready for the next one
    qtbot.keyClicks(box.contact_edit, "ana")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)  # twice: still once
    choose(box.role_combo, "Recruiter")
    qtbot.keyClicks(box.contact_edit, "ana")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(box.contact_edit, "bo ch")
    choose(box.role_combo, "HR")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    assert dialog.participants() == [
        (ana.id, Role.INTERVIEWER),
        (ana.id, Role.RECRUITER),
        (bo.id, Role.HR),
    ]
    box.table.selectRow(1)
    qtbot.mouseClick(box.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.participants() == [(ana.id, Role.INTERVIEWER), (bo.id, Role.HR)]
    assert box.table.rowCount() == 2


def test_with_no_contacts_only_a_new_one_can_be_added(afterword: Afterword, qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, afterword)
    box = dialog.people_box
    assert not box.add_button.isEnabled() and box.new_button.isEnabled()


def test_every_control_in_the_dialog_has_a_name_and_takes_tab_focus(
    afterword: Afterword, qtbot: QtBot
) -> None:
    add_contact(afterword, "Ana Lima")
    dialog = open_dialog(qtbot, afterword)
    controls = reachable_controls(dialog)
    for control in controls:
        assert control.accessibleName(), control
        assert control.focusPolicy() & Qt.FocusPolicy.TabFocus, control.accessibleName()
    order = tab_order(dialog.company_edit, controls)
    assert order == [  # the order Tab goes through, top to bottom, left to right
        "Company",
        "Position",
        "Applied on",
        "When",
        "No date yet",
        "Stage",
        "Status",
        "Something we discussed",
        "Notes",
        "Feedback received",
        "People who took part",
        "Contact to add",
        "Role",
        "Add person",
        "New contact",
        "Remove person",
        "Save",
        "Cancel",
    ]


def test_alt_keys_are_unambiguous(afterword: Afterword, runner: Runner, qtbot: QtBot) -> None:
    add(afterword, "Acme GmbH")
    page = open_page(qtbot, afterword, runner)
    dialog = open_dialog(qtbot, afterword)
    for root, count in ((page, 6), (dialog, 17)):
        keys = mnemonics(root)
        assert len(keys) == count and len(set(keys)) == count, keys
