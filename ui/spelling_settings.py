"""Settings › Spelling: the dictionary text is checked with, by its readable name."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QWidget

from composer.afterword import Afterword
from ui import spelling
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

    def __init__(self, afterword: Afterword, parent: QWidget | None = None) -> None:
        super().__init__("Spelling", parent)
        self.spelling = spelling.service(afterword)
        self.language = named(QComboBox(), "Spelling language")
        self.notice = status_label("Spelling notice", selectable=True)
        form = QFormLayout(self)
        form.addRow("Check spelling in:", self.language)  # no letter of it is free on the page
        form.addRow("", self.notice)
        self.language.activated.connect(self._chosen)
        self.spelling.changed.connect(self._show_state)
        self.spelling.start()
        self._show_state()

    def _fill(self) -> None:
        """The installed dictionaries, as the last load found them."""
        codes = self.spelling.languages
        self.language.setEnabled(bool(codes))
        if [self.language.itemData(i) for i in range(self.language.count())] == codes:
            return
        self.language.clear()
        for code in codes:
            self.language.addItem(language_label(code), code)

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
        self._fill()
        self._select()
        self._say(self.spelling.notice)

    def _say(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
