"""Compose's and the panel's Send go through the check before it goes.

What is on screen is checked off the GUI thread; if anything was found, the user sees it
("Before it goes"), and the fixes they chose come back onto the screen before it goes, or
they go back to editing with nothing sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from composer.errors import AfterwordError
from composer.mail import check_message
from composer.records import Attachment, Message
from composer.send_check import Misspelt, Part, Span
from composer.templates import attachment_from_file
from ui import dialogs, spelling
from ui.send_check import BeforeItGoes, Choice, Review, check_off_the_gui_thread, review

if TYPE_CHECKING:
    from composer.afterword import Afterword
    from ui.compose import ComposePage
    from ui.one_each_panel import PanelDialog, PersonColumn

NOT_SENT = "Not sent. Change what you like, then press Send."


def misspelt_now(afterword: Afterword, messages: Sequence[Message]) -> Misspelt | None:
    """The spell checker's words for these texts, found here on the GUI thread (its
    dictionary is not shared with the check's thread; a message takes microseconds); a text
    changed by a fix is looked at afresh. None while no dictionary is loaded."""
    checker = spelling.service(afterword).checker
    if checker is None:
        return None

    def misspelt(text: str) -> list[str]:
        return [word for _, _, word in checker.misspelt(text)]

    found = {text: misspelt(text) for m in messages for text in (m.subject, m.body)}
    return lambda text: found[text] if text in found else misspelt(text)


class ComposeCheck:
    """Compose's message, checked before it is queued."""

    def __init__(self, page: ComposePage) -> None:
        self.page = page
        self._before: Message | None = None

    def start(self) -> None:
        """Nothing can change on the page while it is checked: what is checked is what goes."""
        page = self.page
        self._before = page.current_message()
        if not _well_formed(self._before):
            page.send_checked()  # the outbox refuses it, and the page says why, as before
            return
        page.sending = True
        page._editing_locked(True)
        page.status.setText("Sending…")
        page._update_send()
        check_off_the_gui_thread(
            page.runner,
            page.afterword,
            [("", self._before)],
            misspelt_now(page.afterword, [self._before]),
            self._checked,
            page._send_crashed,
        )

    def _checked(self, reviews: list[Review]) -> None:
        page = self.page
        page.sending = False
        page._editing_locked(False)
        page._update_send()
        dialog = review(page, reviews, self._attach)
        assert self._before is not None
        show_on_page(page, self._before, dialog.reviews[0].message)
        if dialog.choice is Choice.SEND:
            page.send_checked()
            return
        page.status.setText(NOT_SENT)
        if dialog.choice is Choice.SHOW and dialog.shown is not None:
            _, span = dialog.shown
            select(page.subject if span.part is Part.SUBJECT else page.body, span)
        elif dialog.choice is Choice.SEPARATE:
            page.write_separately(dialog.separate_ids)

    def _attach(self, _index: int) -> list[Attachment]:
        box = self.page.attachments
        had = len(box.attachments)
        box.choose()
        return box.attachments[had:]


def show_on_page(page: ComposePage, before: Message, after: Message) -> None:
    """The fixes the user chose, on the page: they are the user's own edits from now on."""
    changed = False
    if after.subject != before.subject:
        page.subject.setText(after.subject)
        changed = True
    if after.body != before.body:
        page.body.setPlainText(after.body)
        changed = True
    if after.attachments != page.attachments.attachments:
        page.attachments.set_attachments(after.attachments)
    if (after.to, after.cc, after.bcc) != (before.to, before.cc, before.bcc):
        page.show_addresses(after)
        changed = True
    if changed:
        page._typed()


def write_one_each(page: ComposePage, contact_ids: Sequence[int]) -> None:
    """The people the check names, one personal message each (the panel), in place of one
    message to them all; an address in To that is no contact's is no one to write to."""
    if page.typed_to():
        dialogs.tell(
            page,
            "One message each goes to people in your contacts. Add the addresses in To that "
            "are not among them to Contacts (or remove them), then choose them here.",
        )
        return
    page.choice.reset(together=False)  # the people ticked, who are those in To
    page.choice.write_one_each()


class PanelCheck:
    """The panel's messages, each checked before any of them is queued."""

    def __init__(self, panel: PanelDialog) -> None:
        self.panel = panel
        self._wanted: list[PersonColumn] = []
        self._before: list[Message] = []

    def start(self, wanted: list[PersonColumn]) -> None:
        panel = self.panel
        self._wanted = wanted
        self._before = [m for m in (c.edited().message for c in wanted) if m is not None]
        if not all(map(_well_formed, self._before)):
            panel.send_checked(wanted)  # none is queued, and the panel says why, as before
            return
        panel.sending = True
        panel._update_send()
        panel.summary.setText("Checking the messages before they go…")
        messages = [(c.item.contact.name, m) for c, m in zip(wanted, self._before, strict=True)]
        check_off_the_gui_thread(
            panel.runner,
            panel.afterword,
            messages,
            misspelt_now(panel.afterword, self._before),
            self._checked,
            panel._crashed,
        )

    def _checked(self, reviews: list[Review]) -> None:
        panel = self.panel
        panel.sending = False
        panel._update_send()
        dialog = review(panel, reviews, self._attach)
        for column, before, reviewed in zip(
            self._wanted, self._before, dialog.reviews, strict=True
        ):
            show_in_column(column, before, reviewed.message)
        if dialog.choice is Choice.SEND:
            panel.send_checked(self._wanted)
            return
        panel.summary.setText("Nothing was sent. Change what you like, then press Send.")
        self._show(dialog)

    def _show(self, dialog: BeforeItGoes) -> None:
        if dialog.choice is Choice.SHOW and dialog.shown is not None:
            index, span = dialog.shown
            column = self._wanted[index]
            select(column.subject if span.part is Part.SUBJECT else column.body, span)

    def _attach(self, index: int) -> list[Attachment]:
        files = []
        for path in dialogs.choose_files(self.panel, "Attach files"):
            try:
                files.append(attachment_from_file(Path(path)))
            except AfterwordError as error:
                dialogs.tell(self.panel, str(error), error=True)
        return files


def show_in_column(column: PersonColumn, before: Message, after: Message) -> None:
    if after.subject != before.subject:
        column.subject.setText(after.subject)
        column.touched = True
    if after.body != before.body:
        column.body.setPlainText(after.body)  # marks it touched: the detail no longer refills it
    if after.attachments != before.attachments and column.item.message is not None:
        message = replace(column.item.message, attachments=after.attachments)
        column.item = replace(column.item, message=message)


def _well_formed(message: Message) -> bool:
    """A message the outbox would refuse (no recipient, no subject) is told at once."""
    try:
        check_message(message.to, message.cc, message.bcc, message.subject, message.body)
    except AfterwordError:
        return False
    return True


def select(editor: QLineEdit | QPlainTextEdit, span: Span) -> None:
    """Shows the place in the editor, selected (Qt counts UTF-16 units, Python characters)."""
    text = editor.text() if isinstance(editor, QLineEdit) else editor.toPlainText()
    start, end = _utf16(text, span.start), _utf16(text, span.end)
    if isinstance(editor, QLineEdit):
        editor.setSelection(start, end - start)
    else:
        cursor = editor.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        editor.setTextCursor(cursor)
        editor.ensureCursorVisible()
    editor.setFocus()


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2
