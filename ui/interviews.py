"""Interviews: upcoming first, then recent, each with the people who took part."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, QTime, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from composer.afterword import Afterword
from composer.contacts import merge_into
from composer.errors import AfterwordError
from composer.followups import suggested_templates
from composer.phone_call import whom_to_call
from composer.records import Contact, Interview, InterviewStatus, Participant, Role
from ui import dialogs, operations
from ui.contact_picker import ContactPicker
from ui.contacts import ContactDialog, RecordsPage
from ui.duplicates import SameAddressChoice, ask_same_address
from ui.models import InterviewsModel
from ui.phone_call import CALLED_TEXT, note_call
from ui.runner import Runner
from ui.widgets import (
    EmptyState,
    combo,
    error_label,
    named,
    plain_text_edit,
    push_button,
    save_cancel_buttons,
    show_error,
    to_local,
    with_error,
)

ROLE_LABELS = {Role.INTERVIEWER: "Interviewer", Role.RECRUITER: "Recruiter", Role.HR: "HR"}
DATE_FORMAT = "ddd d MMM yyyy HH:mm"
APPLIED_FORMAT = "ddd d MMM yyyy"
NOTHING_TO_FOLLOW_UP = "This interview hasn't taken place yet: there is nothing to follow up."


def rounded_to_hour(moment: QDateTime) -> QDateTime:
    hour = QDateTime(moment.date(), QTime(moment.time().hour(), 0))
    return hour.addSecs(3600) if moment.time().minute() >= 30 else hour


def to_aware(moment: QDateTime) -> datetime:
    """The local time shown in the editor, as an aware datetime."""
    return datetime.fromtimestamp(moment.toSecsSinceEpoch()).astimezone()


# --- who took part ----------------------------------------------------------------------


class PeopleBox(QGroupBox):
    """Who took part, and how: a known contact, or one created on the spot."""

    def __init__(
        self, afterword: Afterword, people: list[Participant], parent: QWidget | None = None
    ) -> None:
        super().__init__("People who too&k part", parent)
        self.afterword = afterword
        # contacts made (or merged into) here: kept even if the interview is not
        self.created: list[int] = []
        self._people: list[tuple[Contact, Role]] = []
        self._build()
        for person in people:
            self._add(person.contact, person.role)
        self._update_buttons()

    def _build(self) -> None:
        self.table = named(QTableWidget(0, 2), "People who took part")
        self.table.setHorizontalHeaderLabels(["Name", "Role"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.contact_edit = named(ContactPicker(self.afterword.store), "Contact to add")
        self.contact_edit.picked.connect(self._picked)
        self.contact_edit.entered.connect(self.add_person)
        self.contact_edit.textChanged.connect(self._update_buttons)
        self.role_combo = combo(
            "Role", [(label, role.value) for role, label in ROLE_LABELS.items()]
        )
        self.add_button = push_button("Add &person", "Add person", self.add_person)
        self.new_button = push_button("&New contact…", "New contact", self.new_contact)
        self.remove_button = push_button("Remo&ve", "Remove person", self.remove_selected)
        self._lay_out()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Cont&act:", self.contact_edit)
        form.addRow("&Role:", self.role_combo)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.new_button, self.remove_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.setFocusProxy(self.table)  # the box's mnemonic leads to the list of people

    def people(self) -> list[tuple[int, Role]]:
        return [(contact.id, role) for contact, role in self._people if contact.id is not None]

    def role(self) -> Role:
        return Role(self.role_combo.currentData())

    def add_person(self) -> None:
        """The contact typed, if the text says which; else the matches, to choose from."""
        contact_id = self.contact_edit.chosen()
        if contact_id is None:
            self.contact_edit.show_matches()
            self.contact_edit.setFocus()
            return
        self._picked(contact_id)

    def _picked(self, contact_id: int) -> None:
        try:
            contact = self.afterword.store.contact(contact_id)
        except AfterwordError as error:
            dialogs.tell(self, str(error), error=True)
            return
        self._add(contact, self.role())
        self.contact_edit.clear()

    def new_contact(self) -> None:
        dialog = ContactDialog(parent=self)
        while dialogs.run_dialog(dialog) and not self._create(dialog.contact()):
            pass  # back to the editor, with what was typed, to change the address
        dialog.deleteLater()

    def _create(self, contact: Contact) -> bool:
        """Adds the contact, or merges it into the one with its address; False when the
        user goes back to change the address."""
        store = self.afterword.store
        try:
            same = store.contact_id_by_email(contact.email)
            if same is None:
                contact = store.add_contact(contact)
                assert contact.id is not None
                self.created.append(contact.id)
            else:
                choice = ask_same_address(self, store.contact(same), contact, can_open=False)
                if choice is SameAddressChoice.BACK:
                    return False
                contact = merge_into(store, same, contact)
                self.created.append(same)  # changed here: kept, as a new one would be
        except AfterwordError as error:
            dialogs.tell(self, str(error), error=True)
            return True
        self._add(contact, self.role())
        return True

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            del self._people[rows[0].row()]
            self.table.removeRow(rows[0].row())

    def _add(self, contact: Contact, role: Role) -> None:
        """Adds a row, unless this person already has this role here."""
        row = next(
            (n for n, (c, r) in enumerate(self._people) if (c.id, r) == (contact.id, role)),
            None,
        )
        if row is None:
            row = len(self._people)
            self._people.append((contact, role))
            self.table.insertRow(row)
            self.table.setItem(row, 0, QTableWidgetItem(contact.name))
            self.table.setItem(row, 1, QTableWidgetItem(ROLE_LABELS[role]))
        self.table.selectRow(row)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(bool(self.contact_edit.text().strip()))
        self.remove_button.setEnabled(bool(self.table.selectionModel().selectedRows()))


# --- the interview dialog ---------------------------------------------------------------


class InterviewDialog(QDialog):
    """Adds or edits one interview and who took part; refuses to close without a company."""

    def __init__(
        self,
        afterword: Afterword,
        interview: Interview | None = None,
        participants: list[Participant] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._id = interview.id if interview else None
        self.clock = afterword.clock
        self.setWindowTitle("Edit interview" if self._id else "New interview")
        self.people_box = PeopleBox(afterword, participants or [])
        self._build()
        if interview is not None:
            self._fill(interview)

    def _build(self) -> None:
        self.company_edit = named(QLineEdit(), "Company")
        self.company_error = error_label("company_error")
        self.position_edit = named(QLineEdit(), "Position")
        self.applied_edit = named(QDateEdit(to_local(self.clock()).date()), "Applied on")
        self.applied_edit.setCalendarPopup(True)
        self.applied_edit.setDisplayFormat(APPLIED_FORMAT)
        self.when_edit = named(QDateTimeEdit(rounded_to_hour(to_local(self.clock()))), "When")
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat(DATE_FORMAT)
        self.no_date_check = named(QCheckBox("No date &yet"), "No date yet")
        self.no_date_check.toggled.connect(self.when_edit.setDisabled)
        self.stage_edit = named(QLineEdit(), "Stage")
        self.stage_edit.setPlaceholderText("e.g. final round")
        self.status_combo = combo("Status", [(s.capitalize(), s.value) for s in InterviewStatus])
        self.topic_edit = named(QLineEdit(), "Something we discussed")
        self.topic_edit.setPlaceholderText("e.g. streaming pipelines, for a specific thank-you")
        self.notes_edit = plain_text_edit("Notes")
        self.feedback_edit = plain_text_edit("Feedback received")
        self._lay_out()

    def _lay_out(self) -> None:
        when = QWidget()
        when_row = QHBoxLayout(when)
        when_row.setContentsMargins(0, 0, 0, 0)
        when_row.addWidget(self.when_edit, 1)
        when_row.addWidget(self.no_date_check)
        when.setFocusProxy(self.when_edit)
        form = QFormLayout()
        form.addRow("&Company:", with_error(self.company_edit, self.company_error))
        form.addRow("P&osition:", self.position_edit)
        form.addRow("Appl&ied on:", self.applied_edit)
        form.addRow("&When:", when)
        form.addRow("Sta&ge:", self.stage_edit)
        form.addRow("Stat&us:", self.status_combo)
        form.addRow("Something we &discussed:", self.topic_edit)
        form.addRow("No&tes:", self.notes_edit)
        form.addRow("&Feedback received:", self.feedback_edit)
        columns = QHBoxLayout()
        columns.addLayout(form, 3)
        columns.addWidget(self.people_box, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(save_cancel_buttons(self))

    def _fill(self, interview: Interview) -> None:
        self.company_edit.setText(interview.company)
        self.position_edit.setText(interview.position)
        if interview.applied_at is not None:
            self.applied_edit.setDate(to_local(interview.applied_at).date())
        if interview.scheduled_at is not None:
            self.when_edit.setDateTime(to_local(interview.scheduled_at))
        self.no_date_check.setChecked(interview.scheduled_at is None)
        self.stage_edit.setText(interview.stage)
        self.status_combo.setCurrentIndex(self.status_combo.findData(interview.status.value))
        self.topic_edit.setText(interview.topic)
        self.notes_edit.setPlainText(interview.notes)
        self.feedback_edit.setPlainText(interview.feedback)

    def interview(self) -> Interview:
        return Interview(
            company=self.company_edit.text().strip(),
            position=self.position_edit.text().strip(),
            scheduled_at=None if self.no_date_check.isChecked() else self._when(),
            stage=self.stage_edit.text().strip(),
            status=InterviewStatus(self.status_combo.currentData()),
            notes=self.notes_edit.toPlainText(),
            feedback=self.feedback_edit.toPlainText(),
            topic=self.topic_edit.text().strip(),
            id=self._id,
            applied_at=self._applied(),
        )

    def _applied(self) -> datetime:
        """Noon on the chosen day, local time: the same calendar day wherever it is read."""
        day = self.applied_edit.date()
        return datetime(day.year(), day.month(), day.day(), 12).astimezone()

    def _when(self) -> datetime:
        return to_aware(self.when_edit.dateTime())

    def participants(self) -> list[tuple[int, Role]]:
        return self.people_box.people()

    @property
    def created_contacts(self) -> list[int]:
        return self.people_box.created

    def accept(self) -> None:
        problem = "" if self.company_edit.text().strip() else "Type the company's name."
        show_error(self.company_edit, self.company_error, problem)
        if problem:
            self.company_edit.setFocus()
            return
        super().accept()


# --- the interviews page ----------------------------------------------------------------


class InterviewsPage(RecordsPage):
    """Interviews, upcoming first: add, edit, delete, and start a follow-up."""

    follow_up_requested = Signal(int, str)  # interview id, template id
    shown = operations.Changes.INTERVIEWS | operations.Changes.CONTACTS  # names of who took part

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        self.model: InterviewsModel
        super().__init__(afterword, runner, InterviewsModel(afterword.store), parent)
        self.search = named(QLineEdit(), "Search interviews")
        self.search.setPlaceholderText(
            "Search interviews: company, position, people, stage, status"
        )
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        named(self.table, "Interviews")
        self.table.activated.connect(self.edit_selected)
        self._on_keys(QKeySequence.StandardKey.Delete, self.delete_selected)
        self.add_button = push_button("&Add…", "Add interview", self.new_interview)
        self.edit_button = push_button("E&dit…", "Edit interview", self.edit_selected)
        self.delete_button = push_button("De&lete", "Delete interview", self.delete_selected)
        self.follow_up_button = push_button("Follo&w up…", "Follow up", self.follow_up_selected)
        self.timeline_button = push_button("Timelin&e…", "Timeline", self.timeline_selected)
        self.called_button = push_button(CALLED_TEXT, "I called them", self.note_call_selected)
        empty = EmptyState(
            "No interviews yet. Add the interview you just had, "
            "and Afterword will help you follow up.",
            "&Add an interview",
            self.new_interview,
        )
        buttons = [
            self.add_button,
            self.edit_button,
            self.delete_button,
            self.follow_up_button,
            self.timeline_button,
            self.called_button,
        ]
        self._lay_out([self.search], buttons, empty)
        self.refresh()

    def _is_empty(self) -> bool:
        return super()._is_empty() and not self.search.text()

    def _search_changed(self, text: str) -> None:
        selected = self.selected_interview_id()
        self.model.set_search(text)
        self._after_reload(selected)

    def new_interview(self) -> None:
        self._run(InterviewDialog(self.afterword, parent=self))

    def edit_selected(self) -> None:
        interview_id = self.selected_interview_id()
        if interview_id is not None:
            self.edit_interview(interview_id)

    def edit_interview(self, interview_id: int) -> None:
        found = self._read(lambda: self._with_people(interview_id))
        if found is not None:
            self._run(InterviewDialog(self.afterword, *found, parent=self))

    def delete_selected(self) -> None:
        row = self._selected_row()
        interview = self.model.row_at(row) if row is not None else None
        if interview is None or interview.id is None:
            return
        interview_id, neighbour = interview.id, self._neighbour_id()
        question = (
            f"Delete the interview at {interview.company}? "
            "Messages already sent about it are kept in Sent."
        )
        if dialogs.ask(self, question, yes="Delete"):
            operations.delete_interview(
                self.afterword,
                self.runner,
                interview_id,
                lambda _: self._select(neighbour),
                self._failed,
            )

    def follow_up_selected(self) -> None:
        interview_id = self.selected_interview_id()
        if interview_id is None:
            return
        interview = self._read(lambda: self.afterword.store.interview(interview_id))
        if interview is None:
            return
        templates = suggested_templates(interview, self.afterword.clock())
        if not templates:
            dialogs.tell(self, NOTHING_TO_FOLLOW_UP)
            return
        self.follow_up_requested.emit(interview_id, templates[0])

    def timeline_selected(self) -> None:
        interview_id = self.selected_interview_id()
        if interview_id is not None:
            self._show_timeline(interview_id=interview_id)

    def note_call_selected(self) -> None:
        """They were called about it: the feedback log gets the call, marked as one."""
        interview_id = self.selected_interview_id()
        if interview_id is None:
            return
        people = self._read(lambda: self.afterword.store.participants(interview_id))
        if people is None:
            return  # could not be read: said so
        offer = whom_to_call(people)
        note_call(
            self, self.afterword, self.runner, interview_id, offer.contact_id if offer else None
        )

    def selected_interview_id(self) -> int | None:
        return self._selected_id()

    def _with_people(self, interview_id: int) -> tuple[Interview, list[Participant]]:
        store = self.afterword.store
        return store.interview(interview_id), store.participants(interview_id)

    def _run(self, dialog: InterviewDialog) -> None:
        if dialogs.run_dialog(dialog):
            operations.save_interview(
                self.afterword,
                self.runner,
                dialog.interview(),
                dialog.participants(),
                lambda saved: self._select(saved.id),
                self._failed,
            )
        elif dialog.created_contacts:  # the contacts made on the spot are kept
            self.runner.changed.emit(operations.Changes.CONTACTS)
        dialog.deleteLater()
