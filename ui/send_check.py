"""Before it goes: what the check found in a message (or in each of a panel's), each with a
one-click fix, then "Send anyway" or "Back to editing" (Escape: the safe way out).

The records are read and the text checked off the GUI thread; only the findings come back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from composer.afterword import Afterword
from composer.mail import parse_address_or_none
from composer.records import Attachment, Message
from composer.send_check import (
    TEXT_FIXES,
    Action,
    CheckContext,
    Finding,
    Fix,
    Kind,
    Misspelt,
    Span,
    apply_fix,
    check_before_it_goes,
    check_context,
)
from ui import dialogs
from ui.runner import Failed, Runner
from ui.widgets import named, push_button, status_label

Attach = Callable[[int], list[Attachment]]  # files chosen for the n-th message; [] if none


@dataclass
class Review:
    """One message under review: ``who`` labels it when there are several (the panel)."""

    who: str
    message: Message
    context: CheckContext
    findings: list[Finding] = field(default_factory=list)


class Choice(Enum):
    BACK = "back to editing"
    SEND = "send"
    SHOW = "show me"  # select ``BeforeItGoes.shown`` in the editor
    SEPARATE = "write one each"  # to ``BeforeItGoes.separate_ids``


def check_off_the_gui_thread(
    runner: Runner,
    afterword: Afterword,
    messages: Sequence[tuple[str, Message]],
    misspelt: Misspelt | None,
    on_done: Callable[[list[Review]], None],
    on_error: Failed,
) -> None:
    """Reads what the check needs and checks each (who, message); ``on_done`` gets them."""

    def work() -> list[Review]:
        with afterword.reading() as store:
            reviews = []
            for who, message in messages:
                context = check_context(store, message, misspelt)
                reviews.append(
                    Review(who, message, context, check_before_it_goes(message, context))
                )
            return reviews

    runner.run(work, on_done, on_error)


def review(parent: QWidget | None, reviews: list[Review], attach: Attach | None) -> BeforeItGoes:
    """Asks only when something was found; else the answer is Send, with nothing changed."""
    dialog = BeforeItGoes(reviews, attach, parent)
    if dialog.rows:
        dialogs.run_dialog(dialog)
    else:
        dialog.choice = Choice.SEND
    return dialog


class FindingRow(QWidget):
    """One finding: what it is and why it matters, and its fix buttons."""

    def __init__(self, index: int, finding: Finding, on_fix: Callable[[FindingRow, Fix], None]):
        super().__init__()
        self.index = index  # which message of the reviews
        self.finding = finding
        self.text = status_label(finding.kind.value, selectable=True)
        self.text.setText(finding.message)
        self.buttons: list[QPushButton] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        for fix in finding.fixes:
            button = named(QPushButton(fix.label), f"{fix.label} ({finding.kind.value})")
            button.clicked.connect(lambda _=False, f=fix: on_fix(self, f))
            button.setAutoDefault(False)
            self.buttons.append(button)
            layout.addWidget(button)


class BeforeItGoes(QDialog):
    def __init__(
        self, reviews: list[Review], attach: Attach | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Before it goes")
        self.reviews = reviews
        self.attach = attach
        self.choice = Choice.BACK
        self.shown: tuple[int, Span] | None = None  # Show me: which message, and where
        self.separate_ids: tuple[int, ...] = ()
        self.rows: list[FindingRow] = []
        self.intro = QLabel("Worth a second look before it goes:")
        self._scroll = named(QScrollArea(), "What the check found")
        self._scroll.setWidgetResizable(True)
        self.send_button = push_button("&Send anyway", "Send anyway", self._send)
        self.send_button.setAutoDefault(False)
        self.back_button = push_button("&Back to editing", "Back to editing", self.reject)
        self.back_button.setDefault(True)  # Enter, like Escape, goes back: nothing is sent
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self._scroll, 1)
        layout.addLayout(buttons)
        self.resize(640, 360)
        self._show_rows()

    def _show_rows(self) -> None:
        listed = QWidget()
        rows = QVBoxLayout(listed)
        self.rows = []
        for index, reviewed in enumerate(self.reviews):
            if reviewed.findings and reviewed.who:
                rows.addWidget(_heading(reviewed.who))
            for finding in reviewed.findings:
                row = FindingRow(index, finding, self._fix)
                self.rows.append(row)
                rows.addWidget(row)
        rows.addStretch(1)
        old = self._scroll.takeWidget()
        if old is not None:
            old.deleteLater()  # later: the button clicked is still on it
        self._scroll.setWidget(listed)
        self.send_button.setText(self._send_text())
        self.intro.setText(
            "Worth a second look before it goes:" if self.rows else "Nothing more to check."
        )

    def _send_text(self) -> str:
        kinds = {row.finding.kind for row in self.rows}
        if Kind.TOGETHER in kinds:
            together = next(
                r for r in self.reviews if any(f.kind is Kind.TOGETHER for f in r.findings)
            )
            everyone = "both" if _people(together.message) == 2 else "all"
            return f"&Send to {everyone}" + (" anyway" if kinds - {Kind.TOGETHER} else "")
        return "&Send anyway" if kinds else "&Send"

    def _fix(self, row: FindingRow, fix: Fix) -> None:
        reviewed = self.reviews[row.index]
        if fix.action in TEXT_FIXES:
            reviewed.message = apply_fix(reviewed.message, fix)
        elif fix.action is Action.ATTACH:
            files = self.attach(row.index) if self.attach is not None else []
            if not files:
                return
            attached = [*reviewed.message.attachments, *files]
            reviewed.message = replace(reviewed.message, attachments=attached)
        elif fix.action is Action.SHOW:
            self.shown = (row.index, row.finding.span) if row.finding.span else None
            self._close(Choice.SHOW)
            return
        elif fix.action is Action.SEPARATE:
            self.separate_ids = fix.contact_ids
            self._close(Choice.SEPARATE)
            return
        reviewed.findings = check_before_it_goes(reviewed.message, reviewed.context)
        self._show_rows()

    def _send(self) -> None:
        self.choice = Choice.SEND
        self.accept()

    def _close(self, choice: Choice) -> None:
        self.choice = choice
        super().reject()

    def reject(self) -> None:
        """Escape, the window's close button, Back to editing: nothing is sent."""
        self._close(Choice.BACK)


def _people(message: Message) -> int:
    return len({a for a in map(parse_address_or_none, [*message.to, *message.cc]) if a})


def _heading(who: str) -> QLabel:
    """The person a panel's findings are about (plain text: a name is not markup)."""
    label = status_label(f"Found in the message to {who}")
    label.setText(who)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label
