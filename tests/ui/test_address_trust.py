"""Addresses people can trust on the compose screen: a look-alike domain (IDN homograph)
is shown under its field beside its real (punycode) form, in bold; a domain wholly in
another script gets a plain note; ordinary domains show nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.records import Profile
from tests.ui.helpers import shown
from ui.compose import ComposePage
from ui.runner import InlineRunner


def compose(qtbot: QtBot, afterword: Afterword) -> ComposePage:
    return shown(qtbot, ComposePage(afterword, InlineRunner()))


def typed(widget: QWidget, text: str) -> None:
    """Typed key by key, as a keyboard layout or input method gives letters beyond
    Latin-1 (``qtbot.keyClicks`` knows only those)."""
    for letter in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click,
            widget,
            Qt.Key.Key_unknown,
            letter,
            Qt.KeyboardModifier.NoModifier,
        )


def test_a_look_alike_recipient_is_shown_with_its_real_form_in_bold(
    qtbot: QtBot, afterword: Afterword
) -> None:
    page = compose(qtbot, afterword)
    typed(page.to, "Lena <lena@exаmple.com>")  # a Cyrillic "а"
    note = page.to.trust_note
    assert note.isVisible()
    assert note.text().startswith("lena@exаmple.com (xn--exmple-4nf.com) — ")
    assert "mixes Latin and Cyrillic letters" in note.text()
    assert note.font().bold()
    assert "xn--exmple-4nf.com" in page.to.toolTip()


def test_a_look_alike_put_in_cc_from_a_saved_message_is_shown_too(
    qtbot: QtBot, afterword: Afterword
) -> None:
    page = compose(qtbot, afterword)
    page.cc.set_addresses(["pay@ραypal.com", "ana@example.org"])  # Greek rho and alpha
    assert page.cc.trust_note.isVisible()
    assert page.cc.trust_note.text().startswith("pay@ραypal.com (xn--ypal-zld9g.com) — ")
    page.cc.set_addresses(["ana@example.org"])
    assert not page.cc.trust_note.isVisible()


def test_ordinary_domains_show_nothing(qtbot: QtBot, afterword: Afterword) -> None:
    page = compose(qtbot, afterword)
    typed(page.to, "hans@müller.de, ana@example.org")
    assert not page.to.trust_note.isVisible()
    assert page.to.toolTip() == ""


def test_another_script_is_a_plain_note_unless_it_is_the_users_own(
    qtbot: QtBot, afterword: Afterword
) -> None:
    page = compose(qtbot, afterword)
    typed(page.to, "info@пример.рф")
    note = page.to.trust_note
    assert note.text() == (
        "info@пример.рф (xn--e1afmkfd.xn--p1ai) — пример.рф is written in Cyrillic letters, "
        "not in your own: check it is the address you meant."
    )
    assert not note.font().bold()

    afterword.store.save_profile(Profile("Иван Петров", "ivan@example.org"))
    page.hide()
    page.show()  # back on the page after Settings: the user's script is read again
    assert not note.isVisible()
