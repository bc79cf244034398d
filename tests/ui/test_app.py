"""The window opens on a data dir, and says clearly when it cannot."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.paths import Paths
from composer.records import Message
from tests.ui.conftest import Dialogs
from ui import app as ui_app
from ui.main_window import MainWindow


def test_first_run_says_what_to_do_next(qtbot: QtBot, paths: Paths, answers: Dialogs) -> None:
    afterword = Afterword.open(paths)
    window = MainWindow(afterword)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle() == "Afterword"
    assert "first set up your mail account" in window.banner.text()
    window.banner_button.click()
    assert window.current_area() is window.settings_page
    assert window.assistant is not None and window.assistant.isVisible(), "the assistant"
    window.assistant.reject()  # Set up later
    window.show_area(window.interviews)
    assert window.interviews.empty.isVisible()
    assert "Add the interview you just had" in window.interviews.empty.label.text()
    window.close()
    afterword.close()


def test_window_tells_about_messages_interrupted_mid_send(
    qtbot: QtBot, paths: Paths, answers: Dialogs
) -> None:
    first = Afterword.open(paths)
    message = first.store.save_message(Message("Thanks", "Thank you", ["ana@acme.example"]))
    assert message.id is not None
    first.store.queue_message(message.id)
    first.store.claim_for_sending(message.id)
    first.close()  # as if the app died here

    afterword = Afterword.open(paths)
    window = MainWindow(afterword)
    qtbot.addWidget(window)
    assert "1 message(s) were being sent" in window.banner.text()
    window.banner_button.click()
    assert window.current_area() is window.sent
    window.close()
    afterword.close()


def test_a_newer_database_is_refused_with_a_message(
    qtbot: QtBot, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite3.connect(paths.database) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    assert ui_app.run(paths, ["afterword"]) == 1
    assert len(shown) == 1 and "newer version of Afterword" in shown[0]


def test_an_area_is_built_when_first_shown_with_the_records_as_they_are_then(
    qtbot: QtBot, afterword: Afterword, answers: Dialogs
) -> None:
    """Opening the window costs the area shown, not all eight: the others are built (and
    read the records) the first time they are shown, by a click or a shortcut."""
    from composer.records import Contact

    window = MainWindow(afterword)
    qtbot.addWidget(window)
    window.show()
    assert [window.built(name) is not None for name in ("today", "contacts", "compose")] == [
        True,
        False,
        False,
    ]
    afterword.store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    [go] = [a for a in window.findChildren(QAction) if a.shortcut().toString() == "Ctrl+3"]
    go.trigger()  # View › Contacts
    assert window.sidebar.currentRow() == 2 and window.built("contacts") is not None
    assert window.current_area() is window.contacts
    assert window.contacts.model.rowCount() == 1, "it shows the contact added before"
    window.runner.wait()
    window.close()
