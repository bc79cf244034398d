"""Compose: To, Cc and Bcc as in a mail client, an interview and a template; review,
edit, save, send. The people in To are who the message is for.

The text is filled in from the records whenever the choice changes; after that the user
edits freely. A field the records lack is named, with where to fill it in, and Send stays
disabled until it is. Drafts are saved as the user types, so nothing is lost on a crash.
Several people get one message each (ui/one_each.py), unless the user asks for one to all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from composer.afterword import Afterword
from composer.compose import people_for
from composer.errors import (
    AfterwordError,
    AlreadySent,
    InvalidField,
    RecordNotFound,
)
from composer.mail_threads import thread_references
from composer.outbox import SendResult
from composer.records import Attachment, Message, MessageState
from ui import compose_layout, dialogs, one_each, password_prompt, spelling
from ui.address_fields import AddressField
from ui.attachments import AttachmentsBox
from ui.checked_send import ComposeCheck, write_one_each
from ui.compose_render import WRITING, TemplateRender, not_written
from ui.from_line import FromLine
from ui.models import INTERVIEWS_LISTED, interview_label
from ui.one_each_panel import one_outcome
from ui.runner import Runner
from ui.send_later import SendLaterButton, in_outbox, put_in_outbox, reopened_note, send_later
from ui.template_questions import TemplateQuestions
from ui.undo_send import UndoSend
from ui.widgets import named, narrow, plain_text_edit, push_button, status_label

AUTOSAVE_MS = 800
NO_INTERVIEW = "No interview"
NO_TEMPLATE = "No template"


class ComposePage(QWidget):
    sent = Signal(int)  # a message finished sending (sent, failed or uncertain)
    saved = Signal(int)  # a draft was saved
    fix_account_requested = Signal()
    button_row: QHBoxLayout  # New, Attach … Save draft, Send: a new way to send goes here

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self.message_id: int | None = None
        self.in_reply_to: str | None = None  # a follow-up in a thread keeps its place in it
        self.references: list[str] = []
        self.sending = False
        self._interview_index = 0
        self._template_index = 0
        self._filling = False  # text set by a render, not typed by the user
        self.text_writer = TemplateRender(self)  # the text, written off the GUI thread
        self.edited = False
        self._template_problem = ""  # why the template's text could not be filled in
        self._template_files: list[Attachment] = []  # attached by the template, not the user
        self._recipients_seen: list[int] = []  # the people the text was last written for
        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_draft)
        self.check = ComposeCheck(self)  # before it goes
        self.undo_send = UndoSend(afterword.store, self)  # a few seconds with Undo in view
        self.send_at: datetime | None = None  # Send later: when, while it is checked
        self._build()
        self.refresh()

    # --- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        store = self.afterword.store
        self.from_line = FromLine(self.afterword)
        self.interview = narrow(named(QComboBox(), "Interview"))
        self.template = narrow(named(QComboBox(), "Template"))
        self.to = AddressField(store, "To", "Type a name, company or address")
        self.to_error = compose_layout.status_line("Recipient problem")
        self.cc = AddressField(store, "Cc", "Copy to, e.g. the recruiter")
        self.bcc = AddressField(store, "Bcc", "Blind copy: not shown to the others")
        self.attachments = AttachmentsBox()
        self.choice = one_each.RecipientChoice(self)
        self.together, self.already = self.choice.together_box, self.choice.already
        self.subject = named(QLineEdit(), "Subject")
        self.body = plain_text_edit("Message text")
        spelling.attach(self.body, self.afterword)
        self.questions = TemplateQuestions()  # what the template asks, above the text
        self.problem = status_label("What is missing", selectable=True)
        self.status = compose_layout.status_line("Sending status")
        self.save_button = push_button("Save &draft", "Save draft", self.save_draft)
        self.send_button = push_button("&Send", "Send", lambda: self.send())
        self.later_button = SendLaterButton(self.afterword.clock, lambda at: send_later(self, at))
        self.send_button.setToolTip("Send (Ctrl+Return)")
        self.new_button = push_button("&New message", "New message", self.new_message)
        self.fix_button = named(QPushButton("Open &Settings"), "Open Settings")
        self.fix_button.hide()
        self.setAcceptDrops(True)  # a file dropped anywhere on the page is attached
        compose_layout.lay_out(self)
        self._connect()

    def _connect(self) -> None:
        self.interview.currentIndexChanged.connect(self._interview_chosen)
        self.template.currentIndexChanged.connect(self._template_chosen)
        self.to.recipients_changed.connect(self._recipients_changed)
        self.together.toggled.connect(lambda _: self.fill_from_template())
        self.subject.textEdited.connect(self._typed)
        for field in (self.cc, self.bcc):
            field.recipients_changed.connect(self._addressed)
        self.attachments.changed.connect(self._typed)
        self.body.textChanged.connect(self._typed)
        self.questions.changed.connect(self.fill_from_template)
        self.fix_button.clicked.connect(self.fix_account_requested)
        self.from_line.change_requested.connect(self.fix_account_requested)

    def showEvent(self, event: QShowEvent) -> None:
        """The account may have changed in Settings since: From says what goes now."""
        self.from_line.show_account()
        for field in (self.to, self.cc, self.bcc):
            field.popup.ensurePolished()  # the first key typed need not style the popup
        super().showEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.attachments.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.attachments.dropEvent(event)

    # --- choices ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reloads interviews, templates and contacts, keeping the current choices."""
        self._filling = True
        try:
            self._fill_interviews()
            self._fill_templates()
            for field in (self.to, self.cc, self.bcc):
                field.forget_lookups()
        finally:
            self._filling = False
        self.from_line.show_account()
        if not self.edited:
            self.fill_from_template()
        self._update_send()

    def _fill_interviews(self) -> None:
        """The interviews that matter now (upcoming, then recent), and the chosen one."""
        chosen = self.interview.currentData()
        self.interview.clear()
        self.interview.addItem(NO_INTERVIEW, None)
        for item in self.afterword.store.interview_choices(INTERVIEWS_LISTED, chosen):
            self.interview.addItem(interview_label(item), item.id)
        self._select_interview(chosen)

    def _select_interview(self, interview_id: int | None) -> None:
        """Chooses it, adding it if it is an old one the list left out."""
        if interview_id is not None and self.interview.findData(interview_id) < 0:
            found = self.afterword.store.interviews_by_id([interview_id])
            if interview_id in found:
                self.interview.addItem(interview_label(found[interview_id]), interview_id)
        self.interview.setCurrentIndex(max(0, self.interview.findData(interview_id)))

    def _fill_templates(self) -> None:
        chosen = self.template.currentData()
        self.template.clear()
        self.template.addItem(NO_TEMPLATE, None)
        for template in self.afterword.templates.templates():
            self.template.addItem(template.title, template.id)
            self.template.setItemData(
                self.template.count() - 1, template.when, Qt.ItemDataRole.ToolTipRole
            )
        self.template.setCurrentIndex(max(0, self.template.findData(chosen)))

    def checked_contact_ids(self) -> list[int]:
        """The contacts in To: who the message is for."""
        return self.to.contact_ids()

    def typed_to(self) -> list[str]:
        """The addresses in To that are none of the contacts."""
        return self.to.typed()

    def _address_to(self, contact_ids: Sequence[int]) -> None:
        """These people in To; addresses typed there that are no contact stay."""
        self.to.set_recipients(self._in_interview_order(contact_ids), self.to.typed())
        self._recipients_seen = self.checked_contact_ids()

    def _in_interview_order(self, contact_ids: Sequence[int]) -> list[int]:
        """The interview's people as Interviews lists them, then anyone else."""
        interview_id = self.interview.currentData()
        people = self.afterword.store.participants(interview_id) if interview_id else []
        order = [p.contact.id for p in people]
        return sorted(contact_ids, key=lambda i: order.index(i) if i in order else len(order))

    def _recipients_changed(self) -> None:
        """Typed in To or a contact chosen: the text is written again once the people
        change, not at every key of an address being typed."""
        self._situation_changed()
        self._autosave.start()
        now = self.checked_contact_ids()
        if now != self._recipients_seen:
            self._recipients_seen = now
            self.fill_from_template()
        else:
            self._update_send()

    def _addressed(self) -> None:
        self._situation_changed()
        self._autosave.start()
        self._update_send()

    def _situation_changed(self) -> None:
        """What the last send or error said was about what was here then: it goes."""
        self.status.setText("")
        self.fix_button.hide()
        self.to_error.setText("")

    def _interview_chosen(self, index: int) -> None:
        previous, self._interview_index = self._interview_index, index
        if self._filling:
            return
        if self.edited and not self._may_replace_text():
            self._filling = True  # keep the text, and the interview it was written for
            self.interview.setCurrentIndex(previous)
            self._filling = False
            return
        self._situation_changed()
        template_id, interview_id = self.template.currentData(), self.interview.currentData()
        self._address_to(people_for(self.afterword.store, template_id or "", interview_id))
        self.fill_from_template()

    def _template_chosen(self, index: int) -> None:
        previous, self._template_index = self._template_index, index
        if self._filling:
            return
        if self.edited and not self._may_replace_text():
            self._filling = True  # keep the text, and the template it is recorded under
            self.template.setCurrentIndex(previous)
            self._filling = False
            return
        self._situation_changed()
        self.fill_from_template()

    def start_follow_up(
        self,
        interview_id: int | None,
        template_id: str,
        contact_ids: Sequence[int] | None = None,
        reply_to: int | None = None,
    ) -> None:
        """From an interview or a reminder: the right template and people, already chosen;
        with ``reply_to``, in the thread of that sent message."""
        if self._wait_for_send("start the follow-up again") or (
            self.edited and not self._may_replace_text()
        ):
            return
        self.new_message()
        store = self.afterword.store
        self._filling = True
        self.template.setCurrentIndex(max(0, self.template.findData(template_id)))
        self._select_interview(interview_id)
        self._filling = False
        if contact_ids is None:
            contact_ids = people_for(store, template_id, interview_id)
        self._address_to(list(contact_ids))
        if reply_to is not None:
            original = store.message(reply_to)
            if original.header_id:
                self.in_reply_to = original.header_id
                self.references = thread_references(original.references, original.header_id)
        self.fill_from_template()
        if len(self.checked_contact_ids()) > 1:
            self.choice.write_one_each()  # several people: one message each, side by side

    # --- rendering ----------------------------------------------------------------------

    def fill_from_template(self) -> None:
        """Fills subject and body from the template: for the one person ticked, for all of
        them when the user chose one message to all, else for the first (one each)."""
        if self._filling or self.sending:
            return
        if self.edited and not self._may_replace_text():
            self._update_send()  # their own text goes: the template's problem no longer applies
            return
        self.text_writer.stop()  # what was being written was for the choices before these
        checked = self.checked_contact_ids()
        template_id = self.template.currentData()
        self.to_error.setText("")
        self._template_problem = ""
        self.questions.ask_for(self.afterword.templates, template_id)
        if not checked or template_id is None:
            self._update_send()
            return
        try:
            unwritten = self.choice.unwritten(template_id, checked, self.questions.answers())
        except AfterwordError as error:
            not_written(self, error)
            return
        self.text_writer.start(unwritten)

    def show_draft(self, draft: Message) -> None:
        """The template's text, written off the GUI thread."""
        self._set_text(draft.subject, draft.body)
        self.attachments.set_attachments(self._with_files_added(draft.attachments))
        self._update_send()

    def _with_files_added(self, template_files: list[Attachment]) -> list[Attachment]:
        """The template's files and the user's: replacing the text never drops a file they
        attached, and theirs wins over a template's file of the same name."""
        added = [a for a in self.attachments.attachments if a not in self._template_files]
        names = {a.filename for a in added}
        self._template_files = [a for a in template_files if a.filename not in names]
        return self._template_files + added

    def _cannot_fill(self, problem: str) -> None:
        """No text stays from another template or person: once the user writes their own,
        what they see is what goes, under the template chosen."""
        self._template_problem = problem
        self._set_text("", "")
        self._update_send()

    def _may_replace_text(self) -> bool:
        if dialogs.ask(self, "Replace the text you edited with the template's?", yes="Replace"):
            self.edited = False
            return True
        return False

    def _set_text(self, subject: str, body: str) -> None:
        self._filling = True
        self.subject.setText(subject)
        self.body.setPlainText(body)
        self._filling = False
        self.edited = False

    def _typed(self) -> None:
        if self._filling:
            return
        self._situation_changed()
        self.edited = True
        self.text_writer.stop()  # their own text: a render still running must not replace it
        self._autosave.start()
        self._update_send()

    def write_separately(self, contact_ids: Sequence[int]) -> None:
        """One personal message each, in place of one message to them all."""
        write_one_each(self, contact_ids)

    def _update_send(self) -> None:
        """What still stops Send, worked out afresh: once the user has written their own
        text, that is what goes, and the template's problem no longer applies."""
        notice, notice_blocks = self.choice.update()
        nobody = not self.to.addresses()
        text = self.subject.text().strip() or self.body.toPlainText().strip()
        own_text = self.edited and bool(text)
        problem = "Choose at least one recipient." if nobody else ""
        problem = problem or ("" if own_text else self._template_problem) or notice
        problem = WRITING if self.text_writer.writing and not nobody else problem
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        blocked = (bool(problem) and (problem != notice or notice_blocks)) or self.sending
        blocked = blocked or self.text_writer.writing
        self.send_button.setEnabled(not blocked and bool(self.subject.text().strip()))
        self.later_button.setEnabled(self.send_button.isEnabled())

    # --- draft and send -----------------------------------------------------------------

    def current_message(self) -> Message:
        checked = self.checked_contact_ids()
        return Message(
            subject=self.subject.text(),
            body=self.body.toPlainText(),
            to=self.to.addresses(),
            cc=self.cc.addresses(),
            bcc=self.bcc.addresses(),
            attachments=self.attachments.attachments,
            template_id=self.template.currentData(),
            contact_id=checked[0] if checked else None,
            interview_id=self.interview.currentData(),
            id=self.message_id,
            in_reply_to=self.in_reply_to,
            references=list(self.references),
        )

    def save_draft(self) -> bool:
        """Keeps what was typed, valid or not; True if it had to become a new draft."""
        self._autosave.stop()
        if self.sending or not (self.subject.text() or self.body.toPlainText()):
            return False
        current, kept_apart = self.current_message(), False
        try:
            message = self.afterword.outbox.save_draft(current)
        except (AlreadySent, RecordNotFound) as error:  # from Outbox & Sent: keep them apart
            why = "sent" if isinstance(error, AlreadySent) else "deleted in Outbox & Sent"
            current.id, kept_apart = None, True
            message = self.afterword.outbox.save_draft(current)
            self.status.setText(
                f"That message was {why} meanwhile, so your changes were kept as a new draft."
            )
        self.message_id = message.id
        if message.id is not None:
            self.saved.emit(message.id)
        return kept_apart

    def send(self, *, at: datetime | None = None) -> None:
        """Now (after the Undo delay), or ``at`` a time chosen with Send later."""
        self.send_at = at
        if not self.send_button.isEnabled():
            return
        if self.choice.one_each():
            self.choice.write_one_each()
            return
        self._autosave.stop()
        self.to_error.setText("")
        if not self.choice.may_send():
            return
        if self.attachments.too_large and not dialogs.ask(
            self, f"{self.attachments.warning.text()} Send anyway?", yes="Send anyway"
        ):
            return
        self.check.start()  # then send_checked(), unless the user goes back to editing

    def send_checked(self) -> None:
        try:
            message = self._queue()
        except InvalidField as error:
            label = self.to_error if error.field in ("To", "Cc", "Bcc") else self.status
            label.setText(str(error))
            self.save_draft()
            return
        except AfterwordError as error:
            self.status.setText(str(error))
            return
        assert message.id is not None
        self.message_id = message.id
        in_outbox(self, message)  # sends after the Undo delay, unless scheduled

    def _queue(self) -> Message:
        """What is on the page, to the outbox; a draft deleted in Outbox & Sent meanwhile
        goes as a new message: the user chose to send this text."""
        current = self.current_message()
        try:
            return put_in_outbox(self, current)
        except RecordNotFound:
            current.id = None
            return put_in_outbox(self, current)

    def _editing_locked(self, locked: bool) -> None:
        """While a message is being sent, what it says cannot change under it, and nothing
        new can be started in its place (it would be cleared when the send ends)."""
        for widget in (self.subject, self.to, self.cc, self.bcc):
            widget.setReadOnly(locked)
        self.body.setReadOnly(locked)
        controls: list[QWidget] = [
            self.interview,
            self.template,
            self.attachments,
            self.new_button,
            self.save_button,
        ]
        for control in controls:
            control.setEnabled(not locked)

    def _start_sending(self, message_id: int) -> None:
        self.sending = True
        self._editing_locked(True)
        self.fix_button.hide()
        self.status.setText("Sending…")
        self._update_send()
        self.runner.run(
            lambda: self.afterword.send_messages([message_id]),
            self._sent,
            self._send_crashed,
            sending=True,
        )

    def _sent(self, results: list[SendResult]) -> None:
        if password_prompt.asked_then_resent(self, results, self._resend, self._sent):
            return  # the password is asked for; the send goes on, or says why not
        self.sending = False
        self._editing_locked(False)
        [result] = results
        self.sent.emit(result.message_id)
        if result.state is MessageState.FAILED:
            self.status.setText(result.detail)
            self.fix_button.setVisible("Settings" in result.detail)
            self.send_button.setText("&Send again")
        else:  # it went, or may have: nothing here may copy it or send it again
            self.status.setText(one_outcome(result))
            self._clear(keep_status=True)
        self._update_send()

    def _resend(self, message_ids: list[int]) -> None:
        """The password is there now: the failed message goes again, as itself."""
        [message_id] = message_ids
        try:
            self.afterword.outbox.retry(message_id)
        except AfterwordError as error:  # no longer failed (a restore, say): it says why
            self._send_crashed(error)
            return
        self._start_sending(message_id)

    def _wait_for_send(self, then: str) -> bool:
        """Nothing takes the place of a message being sent: the end of the send would clear
        it, and a failure would offer to send it again in place of the failed one."""
        if self.sending:
            self.status.setText(f"Sending… Wait until the message is sent, then {then}.")
        return self.sending

    def _send_crashed(self, error: BaseException) -> None:
        self.sending = False
        self._editing_locked(False)
        self._update_send()
        if not isinstance(error, AfterwordError):
            raise error
        self.status.setText(str(error))

    def open_draft(self, message_id: int) -> None:
        """From Outbox & Sent: continue a draft or a failed message."""
        if self._wait_for_send("open it again"):
            return
        self.new_message()  # saves what was here first, which may be this very message
        message = self.afterword.store.message(message_id)
        self._filling = True
        self._select_interview(message.interview_id)
        self.template.setCurrentIndex(max(0, self.template.findData(message.template_id)))
        self._filling = False
        self.show_addresses(message)
        self.choice.reset(together=len(message.to) > 1)  # it was written as one message
        self._set_text(message.subject, message.body)
        self.attachments.set_attachments(message.attachments)
        self.message_id = message.id
        self.in_reply_to, self.references = message.in_reply_to, list(message.references)
        self.edited = True
        self.status.setText(message.error or reopened_note(self.afterword, message))
        self._update_send()

    def show_addresses(self, message: Message) -> None:
        """A saved or checked message's To, Cc and Bcc, as they are in it."""
        self.to.set_addresses(message.to, message.contact_id)
        self.cc.set_addresses(message.cc)
        self.bcc.set_addresses(message.bcc)
        self._recipients_seen = self.checked_contact_ids()

    def forget(self) -> None:
        """The records were replaced (a restore): start afresh, saving nothing over them.
        What was typed here was autosaved before, into the safety copy the restore kept."""
        self._autosave.stop()
        self._clear(keep_status=False)
        self.refresh()

    def new_message(self) -> None:
        if self._wait_for_send("start a new one"):
            return
        kept_apart = self.save_draft()
        self._clear(keep_status=kept_apart)
        self.to.setFocus()  # a new message starts with whom it is for

    def clear_after_send(self, outcome: str) -> None:
        """What was here went (one message each): the page is free, and says how it went."""
        self._clear(keep_status=True)
        self.status.setText(outcome)

    def _clear(self, *, keep_status: bool) -> None:
        self.text_writer.stop()
        self.message_id = None
        self.in_reply_to, self.references = None, []
        self.send_button.setText("&Send")
        self._set_text("", "")
        self._filling = True  # a new message is blank: no interview, template or people
        self.interview.setCurrentIndex(0)
        self.template.setCurrentIndex(0)
        self._interview_index = self._template_index = 0
        self._filling = False
        for field in (self.to, self.cc, self.bcc):
            field.set_recipients([])
        self._recipients_seen = []
        self.attachments.set_attachments([])
        self._template_files = []
        self.questions.ask_for(self.afterword.templates, None)
        self.choice.reset()
        self._template_problem = ""
        self._update_send()
        if not keep_status:
            self._situation_changed()
