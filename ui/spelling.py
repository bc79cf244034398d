"""Spelling checked as you type: red wavy underlines, suggestions on a right click.

One ``Spelling`` per open Afterword holds the checker, loaded off the GUI thread (enchant
and a dictionary take ~60 ms); each text field gets a highlighter and a context menu with
``attach(edit, afterword)``. With no dictionary, nothing is underlined and the
reason is said once, quietly, in the status bar (and always in Settings).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QMetaObject, QObject, QPoint, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QMainWindow, QMenu, QPlainTextEdit, QTextEdit, QWidget

from composer.afterword import Afterword
from composer.errors import AfterwordError, SpellingUnavailable
from composer.spelling import LANGUAGE_SETTING, SpellChecker, installed_languages, known_names
from ui import dialogs
from ui.runner import Runner

SpellCheckedField = QPlainTextEdit | QTextEdit
ADD = "Add to dictionary"
IGNORE = "Ignore"
NO_SUGGESTIONS = "(no suggestions)"
_PENDING = "_q_delayedRehighlight"  # QSyntaxHighlighter's slot for its first pass


class Spelling(QObject):
    """The checker for one open Afterword, shared by every text field that checks."""

    changed = Signal()  # loaded, another language, or a word accepted: underline afresh
    unavailable = Signal(str)  # why nothing is checked

    def __init__(self, afterword: Afterword) -> None:
        super().__init__()
        self.afterword = afterword
        # Its own runner, living as long as the application: a load may end after the window
        # that asked for it is gone, and one thread keeps loads in the order asked.
        self.runner = Runner(QCoreApplication.instance(), max_threads=1)
        self.checker: SpellChecker | None = None
        self.language: str | None = None  # in use, or asked for and missing
        self.languages: list[str] = []  # the installed dictionaries' codes
        self.notice = ""  # why nothing is checked, once that is known
        self.told = False  # the notice was shown in a status bar: once is enough
        self._request = 0  # a later load wins over an earlier one still running
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            self.load()

    def reload(self) -> None:
        """The dictionary file was replaced (a restore): read again, if it was in use."""
        if self._started:
            self.load()

    def load(self) -> None:
        """The dictionary of the language in Settings, and the installed ones, off the GUI
        thread. An error a user can fix comes back as the result: it is a notice."""
        self._request += 1
        request, afterword = self._request, self.afterword

        def work() -> tuple[list[str], SpellChecker | AfterwordError]:
            try:
                languages = installed_languages()
            except SpellingUnavailable as error:
                return [], error
            try:
                with afterword.reading() as store:
                    return languages, SpellChecker.load(store, afterword.paths)
            except AfterwordError as error:
                return languages, error

        self.runner.run(work, lambda result: self._loaded(request, *result))

    def _loaded(
        self, request: int, languages: list[str], result: SpellChecker | AfterwordError
    ) -> None:
        if request != self._request:
            return
        self.languages = languages
        if isinstance(result, SpellChecker):
            self.checker, self.notice, self.language = result, "", result.language
            self.changed.emit()
            return
        self.checker, self.notice = None, str(result)
        self.language = getattr(result, "language", None)
        self.changed.emit()
        self.unavailable.emit(self.notice)

    def choose_language(self, code: str) -> None:
        """From Settings: kept, and every field is checked again in that language."""
        self.afterword.store.set_setting(LANGUAGE_SETTING, code)
        self.language, self._started = code, True
        self.load()

    def refresh_names(self) -> None:
        """Contacts added since the load are names too (off the GUI thread: a big query);
        asked for each time a checked field gets the focus."""
        if self.checker is None:
            return
        afterword, checker = self.afterword, self.checker

        def work() -> set[str]:
            with afterword.reading() as store:
                return known_names(store)

        def done(names: set[str]) -> None:
            if checker.accept_names(names) and checker is self.checker:
                self.changed.emit()

        self.runner.run(work, done, self._names_failed)

    def _names_failed(self, error: BaseException) -> None:
        if not isinstance(error, AfterwordError):
            raise error  # the names stay as they were: only an underline too many

    def add(self, word: str, asked_from: QWidget | None = None) -> None:
        """Kept in the user's dictionary; if the file cannot be written, they are told."""
        if self.checker is None:
            return
        try:
            self.checker.add_to_dictionary(word)
        except AfterwordError as error:
            dialogs.tell(asked_from, str(error), error=True)
            return
        self.changed.emit()

    def ignore(self, word: str) -> None:
        if self.checker is not None:
            self.checker.ignore(word)
            self.changed.emit()


# Lives as long as a field or Settings uses it (it holds its Afterword, so the id is its own).
_shared: weakref.WeakValueDictionary[int, Spelling] = weakref.WeakValueDictionary()


def service(afterword: Afterword) -> Spelling:
    """The one Spelling of this Afterword (created, not loaded, on first use)."""
    found = _shared.get(id(afterword))
    if found is not None and found.afterword is afterword:
        return found
    spelling = Spelling(afterword)
    _shared[id(afterword)] = spelling
    return spelling


class SpellingHighlighter(QSyntaxHighlighter):
    """Underlines in red what the dictionary does not know; owned by the field's document,
    so its connections end with the field."""

    def __init__(self, edit: SpellCheckedField, spelling: Spelling) -> None:
        super().__init__(edit.document())
        self.edit = edit
        self.spelling = spelling
        self.look = QTextCharFormat()
        self.look.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        self.look.setUnderlineColor(_red_for(edit.palette()))
        spelling.changed.connect(self.refresh)
        spelling.unavailable.connect(self.tell)
        edit.installEventFilter(self)
        self._settle()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Names added to the records meanwhile are taken in when the field is entered."""
        if event.type() == QEvent.Type.FocusIn:
            self.spelling.refresh_names()
        return False

    def _settle(self) -> None:
        """Qt underlines a field's text at the next turn of the event loop, which counts as
        typing (textChanged) and skips what is set before then: done now, quietly instead."""
        blocked = self.edit.blockSignals(True)
        try:
            if self.metaObject().indexOfMethod(f"{_PENDING}()") >= 0:
                QMetaObject.invokeMethod(self, _PENDING, Qt.ConnectionType.DirectConnection)
            else:  # a Qt without it: underlined now; the later pass then changes nothing
                self.rehighlight()
        finally:
            self.edit.blockSignals(blocked)

    def highlightBlock(self, text: str) -> None:
        checker = self.spelling.checker
        if checker is not None:
            for start, length, _ in checker.misspelt(text):
                self.setFormat(start, length, self.look)

    def refresh(self) -> None:
        """Underlines afresh without it counting as typing (no textChanged: no autosave,
        no "you edited this")."""
        blocked = self.edit.blockSignals(True)
        try:
            self.rehighlight()
        finally:
            self.edit.blockSignals(blocked)

    def tell(self, notice: str) -> None:
        """Once, in the window's status bar, if the field is in the main window."""
        window = self.edit.window()
        if not self.spelling.told and isinstance(window, QMainWindow):
            self.spelling.told = True
            window.statusBar().showMessage(notice)


def _red_for(palette: QPalette) -> QColor:
    """The red of spelling marks, as bright as the theme's text (light or dark palette)."""
    text = palette.color(QPalette.ColorRole.Text)
    return QColor.fromHsvF(0.0, 0.85, max(0.8, text.valueF()))


def attach(edit: SpellCheckedField, afterword: Afterword) -> SpellingHighlighter:
    """Spelling checked in ``edit`` as the user types, with suggestions on a right click."""
    spelling = service(afterword)
    highlighter = SpellingHighlighter(edit, spelling)
    edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    edit.customContextMenuRequested.connect(
        lambda pos: spelling_menu(edit, spelling, pos).exec(edit.viewport().mapToGlobal(pos))
    )
    if spelling.checker is not None:
        spelling.refresh_names()
    elif spelling.notice:
        highlighter.tell(spelling.notice)
    spelling.start()
    return highlighter


def misspelt_at(edit: SpellCheckedField, spelling: Spelling, pos: QPoint) -> QTextCursor | None:
    """The misspelt word under ``pos`` (viewport coordinates), selected; None if none."""
    checker = spelling.checker
    if checker is None:
        return None
    cursor = edit.cursorForPosition(pos)
    block, column = cursor.block(), cursor.positionInBlock()
    for start, length, _ in checker.misspelt(block.text()):
        if start <= column <= start + length:
            cursor.setPosition(block.position() + start)
            cursor.setPosition(block.position() + start + length, QTextCursor.MoveMode.KeepAnchor)
            return cursor
    return None


def spelling_menu(edit: SpellCheckedField, spelling: Spelling, pos: QPoint) -> QMenu:
    """The field's own menu, with suggestions, Add to dictionary and Ignore on top when
    ``pos`` is on a misspelt word."""
    menu = edit.createStandardContextMenu()
    word = misspelt_at(edit, spelling, pos)
    if word is None or spelling.checker is None:
        return menu
    actions = [] if edit.isReadOnly() else _suggestion_actions(menu, word, spelling.checker)
    text = word.selectedText()
    actions.append(_action(menu, ADD, lambda: spelling.add(text, edit)))
    actions.append(_action(menu, IGNORE, lambda: spelling.ignore(text)))
    first = menu.actions()[0] if menu.actions() else None
    menu.insertActions(first, actions)  # type: ignore[arg-type]  # None: at the end
    menu.insertSeparator(first)  # type: ignore[arg-type]
    return menu


def _suggestion_actions(menu: QMenu, word: QTextCursor, checker: SpellChecker) -> list[QAction]:
    """One action a suggestion; choosing it replaces the word (one step to undo)."""
    found = checker.suggestions(word.selectedText())
    if not found:
        action = QAction(NO_SUGGESTIONS, menu)
        action.setEnabled(False)
        return [action]
    return [_action(menu, text.replace("&", "&&"), _replacing(word, text)) for text in found]


def _replacing(word: QTextCursor, text: str) -> Callable[[], None]:
    return lambda: word.insertText(text)


def _action(menu: QMenu, text: str, on_trigger: Callable[[], object]) -> QAction:
    action = QAction(text, menu)
    action.triggered.connect(on_trigger)
    return action
