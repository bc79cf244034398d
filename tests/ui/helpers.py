"""Helpers for the UI tests: what a user can reach, and stand-ins for the modal dialogs."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

import ui.dialogs
from ui.send_check import BeforeItGoes, Choice

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QPlainTextEdit,
    QAbstractItemView,
    QDateTimeEdit,
    QCheckBox,
)

W = TypeVar("W", bound=QWidget)
D = TypeVar("D", bound=QDialog)


def shown(qtbot: QtBot, widget: W) -> W:
    """Shows ``widget``; qtbot closes it after the test."""
    qtbot.addWidget(widget)
    widget.show()
    return widget


def reachable_controls(root: QWidget) -> list[QWidget]:
    """What a user tabs to; not the inner parts Qt builds into a combo or a date editor."""

    def inner_part(widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None and parent is not root:
            if isinstance(parent, QComboBox | QAbstractSpinBox):
                return True
            parent = parent.parentWidget()
        return False

    return [
        widget
        for widget in root.findChildren(QWidget)
        if isinstance(widget, INTERACTIVE)
        and widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        and not inner_part(widget)
    ]


def mnemonics(root: QWidget) -> list[str]:
    """The Alt+letter keys of what is on screen, in the order they appear."""
    texts = [b.text() for b in root.findChildren(QAbstractButton) if b.isVisibleTo(root)]
    texts += [label.text() for label in root.findChildren(QLabel) if label.buddy()]
    texts += [box.title() for box in root.findChildren(QGroupBox)]
    return [match.lower() for text in texts for match in re.findall(r"(?<!&)&(\w)", text)]


def tab_order(first: QWidget, controls: list[QWidget]) -> list[str]:
    """The controls' names in the order Tab visits them, starting at ``first``."""
    order = [first.accessibleName()]
    widget = first.nextInFocusChain()
    while widget is not None and widget is not first:
        if widget in controls:
            order.append(widget.accessibleName())
        widget = widget.nextInFocusChain()
    return order


def answer_questions(monkeypatch: pytest.MonkeyPatch, answer: bool) -> list[str]:
    """Answers every ``ask`` with ``answer``; returns the questions asked."""
    questions: list[str] = []

    def ask(parent: QWidget | None, question: str, **options: str) -> bool:
        questions.append(question)
        return answer

    monkeypatch.setattr(ui.dialogs, "ask", ask)
    return questions


def answer(monkeypatch: pytest.MonkeyPatch, fill: Callable[[D], None], kind: type[D]) -> list[D]:
    """Replaces the modal loop: fills the dialog, which must be a ``kind``, presses Save;
    returns the dialogs it was shown."""
    seen: list[D] = []

    def run(dialog: QDialog) -> bool:
        assert isinstance(dialog, kind)
        seen.append(dialog)
        fill(dialog)
        dialog.accept()
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(ui.dialogs, "run_dialog", run)
    return seen


def record_tells(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Stands in for ``tell``; returns each message with whether it was an error."""
    told: list[tuple[str, bool]] = []
    monkeypatch.setattr(ui.dialogs, "tell", lambda parent, m, error=False: told.append((m, error)))
    return told


def answer_the_check(
    monkeypatch: pytest.MonkeyPatch, choice: Choice = Choice.SEND
) -> list[BeforeItGoes]:
    """Answers "Before it goes" (one message to several people, say) with Send to both/all
    or anyway, or ``Choice.BACK``; returns the dialogs it was shown."""
    seen: list[BeforeItGoes] = []

    def run(dialog: QDialog) -> bool:
        assert isinstance(dialog, BeforeItGoes), f"unexpected dialog {type(dialog).__name__}"
        seen.append(dialog)
        (dialog.send_button if choice is Choice.SEND else dialog.back_button).click()
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(ui.dialogs, "run_dialog", run)
    return seen


def write_to_all(compose: Any, interview_id: int, template_id: str, people: list[int]) -> None:
    """Compose with one message to all of ``people``, as a user asks for it: the first
    person from the follow-up, the others added to To, then "One message to all"."""
    compose.start_follow_up(interview_id, template_id, contact_ids=people[:1])
    compose.together.setChecked(True)
    add_to(compose, *people[1:])


def add_to(compose: Any, *contact_ids: int) -> None:
    """These contacts added to To, as choosing each from the completion does (the choosing
    itself is tested in tests/ui/test_address_fields.py)."""
    field = compose.to
    field.set_recipients([*field.contact_ids(), *contact_ids], field.typed())
    field.recipients_changed.emit()


def choose_contact(qtbot: QtBot, field: Any, typed: str, shown: str) -> None:
    """Types ``typed`` at the end of the address field and takes the match ``shown``
    from the popup with the arrow keys and Enter, as a user does."""
    field.setFocus()
    field.end(False)
    qtbot.keyClicks(field, typed)
    popup = field.popup
    qtbot.waitUntil(popup.isVisible)
    rows = [popup.model().index(n, 0).data() for n in range(popup.model().rowCount())]
    assert shown in rows, f"{shown!r} not among {rows}"
    popup.setCurrentIndex(popup.model().index(rows.index(shown), 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def written(qtbot: QtBot, page: Any) -> None:
    """Waits until Compose (or a one-message-each panel) shows the template's text: it is
    written off the GUI thread by a real runner."""
    writing = getattr(page, "text_writer", page)
    qtbot.waitUntil(lambda: not writing.writing, timeout=15000)
