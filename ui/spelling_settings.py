"""Settings › Spelling: the dictionary text is checked with, by its readable name."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QWidget

from composer.app import Afterword
from composer.errors import AfterwordError
from composer.spelling import available_languages
from ui import spelling
from ui.runner import Runner
from ui.widgets import named, status_label

NOT_INSTALLED = "{code} (not installed)"


def language_label(code: str) -> str:
    """ "English (United States)" for en_US, from Qt's locale names; the code if unknown."""
    found = QLocale(code)
    if found.language() == QLocale.Language.C:
        return code
    name = QLocale.languageToString(found.language())
    if "_" not in code:
        return name
    return f"{name} ({QLocale.territoryToString(found.territory())})"


class SpellingGroup(QGroupBox):
    """The language combo and, when nothing can be checked, why."""

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__("Spelling", parent)
        self.afterword = afterword
        self.runner = runner
        self.spelling = spelling.service(afterword, runner)
        self.language = named(QComboBox(), "Spelling language")
        self.notice = status_label("Spelling notice", selectable=True)
        form = QFormLayout(self)
        form.addRow("Check spelling in:", self.language)  # no letter of it is free on the page
        form.addRow("", self.notice)
        self.language.activated.connect(self._chosen)
        self.spelling.changed.connect(self._show_state)
        self.spelling.start()
        runner.run(lambda: available_languages(language_label), self._fill, self._not_filled)
        self._show_state()

    def _fill(self, languages: list[tuple[str, str]]) -> None:
        self.language.clear()
        for code, label in languages:
            self.language.addItem(label, code)
        self._select()

    def _not_filled(self, error: BaseException) -> None:
        if not isinstance(error, AfterwordError):
            raise error
        self.language.setEnabled(False)
        self._say(str(error))

    def _select(self) -> None:
        """The language in use, or the one chosen whose dictionary is gone (named so)."""
        code = self.spelling.language
        if code is None or not self.language.count():
            return
        if self.language.findData(code) < 0:
            self.language.addItem(NOT_INSTALLED.format(code=code), code)
        self.language.setCurrentIndex(self.language.findData(code))

    def _chosen(self, index: int) -> None:
        code = self.language.itemData(index)
        if code:
            self.spelling.choose_language(str(code))

    def _show_state(self) -> None:
        self._select()
        self._say(self.spelling.notice)

    def _say(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
