"""Compose's part in "one person, one message": one message each unless the user asks
for one to all, the question that names everyone before that, and the notice that a
person was already sent this follow-up.

Kept apart from ui/compose.py so that page stays a page: these are the decisions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QCheckBox, QWidget

from composer.afterword import Afterword
from composer.compose import Unwritten, follow_ups_each, unwritten_from_template, unwritten_together
from composer.dates import chosen_locale, medium_date
from composer.mail import parse_address_or_none
from composer.records import Message
from composer.sent_before import sent_before
from ui import dialogs
from ui.one_each_panel import PanelDialog, outcome
from ui.runner import Runner
from ui.widgets import named, status_label

if TYPE_CHECKING:
    from ui.compose import ComposePage

TOGETHER = "One message to &all of them"
REVIEW_EACH = "&Review one message each…"


def together_box() -> QCheckBox:
    box = named(QCheckBox(TOGETHER), "One message to all of them")
    box.setToolTip(
        "Off (the usual): each person gets their own message, greeting them.\n"
        "On: one message, with everyone in To, greeting them all."
    )
    box.hide()
    return box


def each_notice(names: Sequence[str], *, others: bool) -> str:
    """What Compose says while several people are ticked and no choice was made."""
    if others:
        return (
            "Addresses in To that are not among your contacts can only share one message "
            "with the others: tick One message to all, or add them as contacts so each gets "
            "their own."
        )
    return (
        f"{len(names)} people: each gets their own message, greeting them (this text is "
        f"{names[0]}'s). Send shows them side by side to review. For one message to "
        "all of them, tick One message to all."
    )


def follow_up_each(
    parent: QWidget, afterword: Afterword, runner: Runner, original: Message, done: SignalInstance
) -> PanelDialog:
    """A sent message that went to several people, followed up with one message each in
    its thread (Outbox & Sent's Follow up on this); ``done`` is emitted once it closes."""
    written = follow_ups_each(afterword.store, original)
    dialog = PanelDialog(afterword, runner, original.interview_id, "", parent, written=written)
    dialog.finished.connect(lambda _: done.emit())
    dialog.open()
    return dialog


def already_sent_notice(
    afterword: Afterword, interview_id: int | None, template_id: str | None, contact_id: int
) -> str:
    """ "You already sent Lena this thank-you on …", or "" if they were not sent it."""
    if interview_id is None or template_id is None:
        return ""
    store = afterword.store
    contact = store.contacts_by_id([contact_id]).get(contact_id)
    if contact is None:
        return ""
    found = sent_before(store, interview_id, template_id, [contact])
    if contact_id not in found:
        return ""
    when = found[contact_id]
    on = f" on {medium_date(when, chosen_locale(store))}" if when else ""
    title = afterword.templates.get(template_id).title
    return f"You already sent {contact.name} “{title}” for this interview{on}."


def confirm_again(parent: QWidget, notice: str) -> bool:
    return dialogs.ask(parent, f"{notice} Send it again?", yes="Send again")


class RecipientChoice:
    """Compose's recipients seen as people: one (Compose as ever, told if they were sent
    this already), or several (one message each, unless the user ticks one to all)."""

    def __init__(self, page: ComposePage) -> None:
        self.page = page
        self.together_box = together_box()
        self.already = status_label("Already sent", selectable=True)
        self.already.hide()
        self.panel: PanelDialog | None = None  # one message each, while it is open
        self._notices: dict[tuple[int | None, str | None, int], str] = {}

    def reset(self, *, together: bool = False) -> None:
        """A new message: what was sent meanwhile is looked up afresh."""
        self._notices.clear()
        self.together_box.blockSignals(True)
        self.together_box.setChecked(together)
        self.together_box.blockSignals(False)

    def count(self) -> int:
        """The people it goes to: an address typed again for someone ticked is one person
        (the check before it goes offers to keep it once)."""
        page = self.page
        checked = page.checked_contact_ids()
        known = {c.email.lower() for c in page.afterword.store.contacts_by_id(checked).values()}
        typed = {parse_address_or_none(a) or a for a in page.typed_to()}
        return len(checked) + len(typed - known)

    def together(self) -> bool:
        """One message to all: only when the user asked for it."""
        return self.together_box.isChecked() and self.count() > 1

    def one_each(self) -> bool:
        return self.count() > 1 and not self.together_box.isChecked()

    def unwritten(
        self, template_id: str, checked: list[int], answers: Mapping[str, str]
    ) -> Unwritten:
        """Compose's text, read from the records, to be rendered off the GUI thread: for all
        of them when asked, else for the first one ticked."""
        afterword, interview_id = self.page.afterword, self.page.interview.currentData()
        store, library = afterword.store, afterword.templates
        if self.together():
            return unwritten_together(
                store,
                library,
                template_id,
                contact_ids=checked,
                interview_id=interview_id,
                answers=answers,
            )
        return unwritten_from_template(
            store,
            library,
            template_id,
            contact_id=checked[0],
            interview_id=interview_id,
            answers=answers,
        )

    def names(self) -> list[str]:
        checked = self.page.checked_contact_ids()
        contacts = self.page.afterword.store.contacts_by_id(checked)
        named_ = [contacts[i].name or contacts[i].email for i in checked if i in contacts]
        return named_ + self.page.typed_to()

    def update(self) -> tuple[str, bool]:
        """Shows the choice where it applies; returns what Compose should say of the
        people ticked, and whether that stops Send."""
        page, several = self.page, self.count() > 1
        self.together_box.setVisible(several)
        if self.one_each():
            page.send_button.setText(REVIEW_EACH)
        elif page.send_button.text() == REVIEW_EACH:
            page.send_button.setText("&Send")  # keeps "Send again" after a failure
        already = self._already_sent() if not several else ""
        self.already.setText(already)
        self.already.setVisible(bool(already))
        if not self.one_each():
            return "", False
        others = bool(page.typed_to())
        return each_notice(self.names(), others=others), others

    def _already_sent(self) -> str:
        """Worked out when the person, template or interview changes, not at each key."""
        checked = self.page.checked_contact_ids()
        if len(checked) != 1:
            return ""
        key = (self.page.interview.currentData(), self.page.template.currentData(), checked[0])
        if key not in self._notices:
            self._notices[key] = already_sent_notice(self.page.afterword, *key)
        return self._notices[key]

    def may_send(self) -> bool:
        """A follow-up sent before goes again only when asked. (One message to several
        people is asked about, naming them, by the check before it goes.)"""
        if self.count() > 1:
            return True
        already = self.already.text()
        return not already or confirm_again(self.page, already)

    def write_one_each(self) -> None:
        """The ticked people, one personal message each, side by side to review and send."""
        page = self.page
        if page.edited and not dialogs.ask(
            page,
            "Each person's message is written afresh from the template: the changes you made "
            "here are not carried over. Go on?",
            yes="Write one each",
        ):
            return
        dialog = PanelDialog(
            page.afterword,
            page.runner,
            page.interview.currentData(),
            page.template.currentData(),
            page,
            contact_ids=page.checked_contact_ids(),
        )
        self.panel = dialog
        dialog.finished.connect(lambda _: self._closed(dialog))
        dialog.open()  # over the window, without blocking it: a follow-up path returns at once

    def _closed(self, dialog: PanelDialog) -> None:
        self.panel = None
        self.page.sent.emit(0)
        if dialog.results:  # what was in Compose went, one message each (or is in Outbox)
            self.page.clear_after_send(outcome(list(dialog.results.values()), closed=True))
        dialog.deleteLater()
