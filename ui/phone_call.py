"""I called them: a call's feedback goes into the feedback log, marked as a call; and the
call itself starts from the desktop's ``tel:`` handler (a softphone, a paired phone)."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QWidget

from composer.afterword import Afterword
from composer.due import DueItem
from composer.phone_call import CallOffer
from composer.records import FeedbackChannel
from ui import dialogs, operations
from ui.feedback import FeedbackDialog
from ui.runner import Runner
from ui.widgets import push_button

CALLED_TEXT = "I called t&hem…"


def call_dialog(
    afterword: Afterword, interview_id: int | None, contact_id: int | None, parent: QWidget
) -> FeedbackDialog:
    """The feedback dialog, set for a call: by phone, now (from the clock), with whom."""
    dialog = FeedbackDialog(
        afterword, interview_id=interview_id, parent=parent, channel=FeedbackChannel.PHONE
    )
    dialog.setWindowTitle("I called them")
    dialog.text_edit.setPlaceholderText("What they said on the phone, in their words")
    found = dialog.from_combo.findData(contact_id)
    if contact_id is not None and found >= 0:
        dialog.from_combo.setCurrentIndex(found)
    return dialog


def note_call(
    parent: QWidget,
    afterword: Afterword,
    runner: Runner,
    interview_id: int | None,
    contact_id: int | None,
) -> None:
    """The call goes in the feedback log; a failed save shows the dialog again."""
    dialog = call_dialog(afterword, interview_id, contact_id, parent)
    operations.until_saved(dialog, operations.save_feedback(afterword, runner, dialog.note))


def dial(parent: QWidget, offer: CallOffer) -> None:
    """Hands the number to the desktop; without a program for calls, says what to do."""
    if not QDesktopServices.openUrl(QUrl(offer.url)):
        dialogs.tell(
            parent,
            f"No program on this computer makes calls. Call {offer.name} on {offer.phone} "
            "from your phone, then note what they said with “I called them…”.",
        )


class CallButtons(QWidget):
    """Today's alternative to asking by email: call, then note the call."""

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self.item: DueItem | None = None
        self.call_button = push_button("", "Call", self.call)
        self.called_button = push_button(CALLED_TEXT, "I called them", self.note)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.call_button)
        layout.addWidget(self.called_button)
        self.show_for(None)

    def show_for(self, item: DueItem | None) -> None:
        self.item = item
        offer = item.call if item else None
        self.call_button.setText("&" + offer.label.replace("&", "&&") if offer else "")
        self.call_button.setToolTip(f"Opens {offer.url} on this computer" if offer else "")
        for button in (self.call_button, self.called_button):
            button.setVisible(offer is not None)

    def call(self) -> None:
        if self.item is not None and self.item.call is not None:
            dial(self, self.item.call)

    def note(self) -> None:
        item = self.item
        if item is None or item.call is None:
            return
        note_call(self, self.afterword, self.runner, item.interview_id, item.call.contact_id)
