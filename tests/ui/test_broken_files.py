"""In the window: damaged data, an unreadable settings file, a second instance."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.paths import Paths
from tests.ui.conftest import Dialogs
from ui import app as ui_app
from ui.main_window import MainWindow


def test_damaged_data_can_be_set_aside_from_the_window(paths: Paths, answers: Dialogs) -> None:
    paths.database.write_bytes(b"not a database at all" * 100)
    answers.answers.append(False)
    assert ui_app.open_records(paths) is None
    assert "is damaged" in answers.asked[0]
    assert paths.database.read_bytes().startswith(b"not a database")

    answers.answers.append(True)
    opened = ui_app.open_records(paths)
    assert opened is not None
    opened.close()
    [kept] = list(paths.data_dir.glob("afterword.sqlite3.broken-*"))
    assert kept.read_bytes().startswith(b"not a database")
    assert f"kept as {kept}" in answers.told[0]


def test_a_second_instance_says_so(
    qtbot: QtBot, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Afterword.open(paths)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    try:
        assert ui_app.run(paths, ["afterword"]) == 1
    finally:
        first.close()
    assert "already running with the data folder" in shown[0]


def test_an_unreadable_settings_file_is_set_aside(
    qtbot: QtBot, afterword: Afterword, answers: Dialogs
) -> None:
    ini: Path = afterword.paths.config_dir / "window.ini"
    ini.write_bytes(b"[General]\narea=\xff\xfenot a number\ngeometry=@Junk(\x00\x01)\n")
    window = MainWindow(afterword)
    qtbot.addWidget(window)
    [kept] = list(ini.parent.glob("window.ini.broken-*"))
    assert kept.read_bytes().startswith(b"[General]\narea=\xff")
    assert "could not be read; it was kept as window.ini.broken-" in window.banner.text()
    assert window.current_area() is window.today
