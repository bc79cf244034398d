"""Edit › Undo, Redo, Cut, Copy, Paste, Select All: on the text field that has the focus.

Each action calls the field's own slot and is enabled only when the field can do it, as
in any desktop editor; the field itself still handles the keys when it has the focus.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QMenuBar, QPlainTextEdit, QTextEdit

TextField = QLineEdit | QPlainTextEdit | QTextEdit
Key = QKeySequence.StandardKey

# (menu text, shortcut, the field's slot by name)
EDITS = (
    ("&Undo", Key.Undo, "undo"),
    ("&Redo", Key.Redo, "redo"),
    ("Cu&t", Key.Cut, "cut"),
    ("&Copy", Key.Copy, "copy"),
    ("&Paste", Key.Paste, "paste"),
    ("Select &All", Key.SelectAll, "selectAll"),
)


def _read_only(field: TextField) -> bool:
    return field.isReadOnly()


def _has_selection(field: TextField) -> bool:
    if isinstance(field, QLineEdit):
        return field.hasSelectedText()
    return field.textCursor().hasSelection()


def _has_text(field: TextField) -> bool:
    if isinstance(field, QLineEdit):
        return bool(field.text())
    return not field.document().isEmpty()


def _can_undo(field: TextField) -> bool:
    if isinstance(field, QLineEdit):
        return field.isUndoAvailable()
    return field.document().isUndoAvailable() and field.isUndoRedoEnabled()


def _can_redo(field: TextField) -> bool:
    if isinstance(field, QLineEdit):
        return field.isRedoAvailable()
    return field.document().isRedoAvailable() and field.isUndoRedoEnabled()


def _clipboard_has_text() -> bool:
    return bool(QApplication.clipboard().text())


def _password(field: TextField) -> bool:
    """A password is never copied out of its field (as Qt's own menu refuses)."""
    return isinstance(field, QLineEdit) and field.echoMode() != QLineEdit.EchoMode.Normal


CAN: dict[str, Callable[[TextField], bool]] = {
    "undo": lambda f: not _read_only(f) and _can_undo(f),
    "redo": lambda f: not _read_only(f) and _can_redo(f),
    "cut": lambda f: not _read_only(f) and _has_selection(f) and not _password(f),
    "copy": lambda f: _has_selection(f) and not _password(f),
    "paste": lambda f: not _read_only(f) and _clipboard_has_text(),
    "selectAll": _has_text,
}


class EditMenu(QObject):
    """Follows the focus: the last text field focused is the one the actions act on, so
    opening the menu with the mouse (which takes the focus for a moment) changes nothing."""

    def __init__(self, menu: QMenu) -> None:
        super().__init__(menu)
        self.field: TextField | None = None
        self.actions: dict[str, QAction] = {}
        for text, keys, slot in EDITS:
            action = QAction(text, menu)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _=False, slot=slot: self._do(slot))
            menu.addAction(action)
            self.actions[slot] = action
        menu.aboutToShow.connect(self.update)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)
        app.clipboard().dataChanged.connect(self.update)
        self._focus_changed(None, QApplication.focusWidget())

    def _focus_changed(self, _old: object, new: object) -> None:
        if isinstance(new, QMenu | QMenuBar):
            return  # the menu itself: keep acting on the field it was opened from
        self._follow(new if isinstance(new, TextField) else None)

    def _follow(self, field: TextField | None) -> None:
        if field is self.field:
            return
        old = self._live_field()
        if old is not None:
            self._signals(old, connect=False)
        self.field = field
        if field is not None:
            self._signals(field, connect=True)
        self.update()

    def _live_field(self) -> TextField | None:
        """The field, unless it was closed with its dialog since."""
        if self.field is not None and not shiboken6.isValid(self.field):
            self.field = None
        return self.field

    def _signals(self, field: TextField, *, connect: bool) -> None:
        """What changes what the field can do: its text and its selection."""
        signals = [field.selectionChanged, field.textChanged]
        if not isinstance(field, QLineEdit):
            signals += [field.undoAvailable, field.redoAvailable, field.copyAvailable]
        for signal in signals:
            if connect:
                signal.connect(self.update)
            else:
                with contextlib.suppress(RuntimeError, TypeError):  # the field is going
                    signal.disconnect(self.update)

    def update(self) -> None:
        field = self._live_field()
        for slot, action in self.actions.items():
            action.setEnabled(field is not None and CAN[slot](field))

    def _do(self, slot: str) -> None:
        field = self._live_field()
        if field is not None and CAN[slot](field):
            getattr(field, slot)()
            self.update()
