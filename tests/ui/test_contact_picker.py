"""The interview dialog's contact picker: a field that finds one contact among 10,000 as
you type, listing a few matches, never all of them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.records import Contact, Role
from tests.ui.helpers import shown
from ui.contact_picker import SHOWN
from ui.interviews import InterviewDialog

MANY = 10_000


def add_many(afterword: Afterword) -> int:
    """10,000 contacts, among them one Zora Quintero at Vandelay."""
    people = [Contact(f"Person {n:05}", f"p{n}@example.org", company="Acme") for n in range(MANY)]
    people.insert(6_123, Contact("Zora Quintero", "zora@vandelay.example", company="Vandelay"))
    afterword.store.add_contacts(people)
    [zora] = afterword.store.contact_ids_by_email(["zora@vandelay.example"])
    return zora


def test_the_picker_finds_a_contact_among_10000_by_typing_and_adds_them(
    afterword: Afterword, qtbot: QtBot
) -> None:
    zora = add_many(afterword)
    dialog = shown(qtbot, InterviewDialog(afterword))
    box = dialog.people_box
    box.role_combo.setCurrentIndex(box.role_combo.findText("Recruiter"))
    qtbot.keyClicks(box.contact_edit, "person")
    assert box.contact_edit.matches.rowCount() == SHOWN  # a few, not 10,000
    box.contact_edit.clear()
    qtbot.keyClicks(box.contact_edit, "vandel")
    popup = box.contact_edit.completions.popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible)
    assert popup.model().rowCount() == 1
    assert popup.model().index(0, 0).data() == "Zora Quintero (Vandelay) <zora@vandelay.example>"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.participants() == [(zora, Role.RECRUITER)]
    first = box.table.item(0, 0)
    assert first is not None and first.text() == "Zora Quintero"
    assert box.contact_edit.text() == "" and not popup.isVisible()


def test_add_person_takes_the_only_match_or_lists_the_matches_to_choose_from(
    afterword: Afterword, qtbot: QtBot
) -> None:
    zora = add_many(afterword)
    dialog = shown(qtbot, InterviewDialog(afterword))
    box = dialog.people_box
    assert not box.add_button.isEnabled()  # nothing typed yet
    qtbot.keyClicks(box.contact_edit, "person 0004")
    box.add_button.click()  # ten people match: nobody is added, the list shows them
    assert dialog.participants() == []
    popup = box.contact_edit.completions.popup()
    assert popup is not None and popup.isVisible()
    box.contact_edit.clear()
    qtbot.keyClicks(box.contact_edit, "zora quint")
    box.add_button.click()
    assert dialog.participants() == [(zora, Role.INTERVIEWER)]


def test_enter_in_the_field_adds_the_person_and_does_not_save_the_interview(
    afterword: Afterword, qtbot: QtBot
) -> None:
    zora = add_many(afterword)
    dialog = shown(qtbot, InterviewDialog(afterword))
    box = dialog.people_box
    qtbot.keyClicks(box.contact_edit, "zora")
    box.contact_edit.hide_matches()  # the list closed (Esc): Enter goes to the field
    qtbot.keyClick(box.contact_edit, Qt.Key.Key_Return)
    assert dialog.participants() == [(zora, Role.INTERVIEWER)]
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
