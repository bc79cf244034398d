"""Outbox & Sent's actions on the message chosen: only what can be done with it shows, so
the row stays short (seven buttons made the page too wide at 150% scale)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QPushButton

from composer.records import Message, MessageState

if TYPE_CHECKING:
    from ui.sent import SentPage


def action_row(page: SentPage) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in (page.open_button, page.edit_button, page.delete_button, page.follow_up_button):
        row.addWidget(button)
    row.addWidget(page.scheduled.cancel_button)
    row.addStretch(1)
    for button in (page.mark_sent_button, page.send_again_button):
        row.addWidget(button)
    return row


def show_actions_for(page: SentPage, message: Message | None) -> None:
    state = message.state if message else None
    allowed: dict[QPushButton, bool] = {
        page.send_again_button: state in (MessageState.FAILED, MessageState.UNCERTAIN),
        page.mark_sent_button: state is MessageState.UNCERTAIN,
        # a failed one stays failed: Edit as new draft is the user's choice
        page.open_button: state in (MessageState.DRAFT, MessageState.SCHEDULED),
        page.edit_button: state is MessageState.FAILED,
        page.delete_button: state is MessageState.DRAFT,
        page.follow_up_button: (
            message is not None and state is MessageState.SENT and bool(message.header_id)
        ),
    }
    for button, can in allowed.items():
        button.setEnabled(can)
        button.setVisible(can)
