"""Compose's layout: compact addressing rows, so the message text gets most of the window
(at 1000x700 it had nine lines, five with one attachment). Kept apart from ui/compose.py,
which is about what the page does, not where things sit.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.undo_send import UndoBar
from ui.widgets import named

if TYPE_CHECKING:
    from ui.compose import ComposePage


class StatusLine(QLabel):
    """A status line that takes no room while it has nothing to say."""

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))


def status_line(name: str) -> StatusLine:
    label = named(StatusLine(), name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # it may quote a server or a name
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def _row(*widgets: QWidget, stretch: tuple[int, ...] = ()) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for n, widget in enumerate(widgets):
        row.addWidget(widget, stretch[n] if n < len(stretch) else 0)
    return row


def addressing(page: ComposePage) -> QGridLayout:
    """From, To, Cc and Bcc, interview and template, subject: one short row each."""
    grid = QGridLayout()
    grid.setVerticalSpacing(4)
    grid.setColumnStretch(1, 1)
    rows: list[tuple[QLabel | None, QHBoxLayout]] = [
        (QLabel("From:"), _row(page.from_line)),
        (_label("&To:", page.to), _row(page.to, page.together, stretch=(1,))),
        (
            _label("&Cc:", page.cc),
            _row(page.cc, _label("&Bcc:", page.bcc), page.bcc, stretch=(1, 0, 1)),
        ),
        (
            _label("&Interview:", page.interview),
            _row(
                page.interview,
                _label("Temp&late:", page.template),
                page.template,
                stretch=(2, 0, 1),
            ),
        ),
        (_label("S&ubject:", page.subject), _row(page.subject)),
    ]
    for n, (label, row) in enumerate(rows):
        if label is not None:
            grid.addWidget(label, n, 0)
        grid.addLayout(row, n, 1)
    return grid


def buttons(page: ComposePage) -> QHBoxLayout:
    """New and Attach on the left; Send last, so a new way to send goes just before it."""
    row = QHBoxLayout()
    row.addWidget(page.new_button)
    row.addWidget(page.attachments.add_button)
    row.addStretch(1)
    row.addWidget(page.fix_button)
    row.addWidget(page.save_button)
    row.addWidget(page.later_button)
    row.addWidget(page.send_button)
    return row


def tab_order(page: ComposePage) -> None:
    """As the eye reads the page: the people first, then what it is about, then the text."""
    chain: list[QWidget] = [
        page.to,
        page.together,
        page.cc,
        page.bcc,
        page.interview,
        page.template,
        page.subject,
        page.body,
    ]
    for first, second in itertools.pairwise(chain):
        QWidget.setTabOrder(first, second)


def lay_out(page: ComposePage) -> None:
    layout = QVBoxLayout(page)
    layout.setSpacing(4)
    layout.addLayout(addressing(page))
    notes = (page.to.trust_note, page.cc.trust_note, page.bcc.trust_note)  # look-alikes
    for widget in (
        *notes,
        page.to_error,
        page.problem,
        page.already,
        page.questions,
        page.attachments,
    ):
        layout.addWidget(widget)
    layout.addWidget(page.body, 1)
    layout.addWidget(page.status)
    layout.addWidget(UndoBar(page.undo_send))  # Sending in 9… Undo
    page.button_row = buttons(page)
    layout.addLayout(page.button_row)
    tab_order(page)
