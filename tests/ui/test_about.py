"""Help › About says the version, the licence and where everything of this session lives;
Help › How to use Afterword shows the README's Using section."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QApplication, QDialog, QMenu
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer import __version__
from composer.afterword import Afterword
from composer.help_text import SUMMARY, using_section
from composer.log import log_file, start_log, stop_log
from tests.ui.conftest import Dialogs
from ui.about import AboutDialog, HowToDialog
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, afterword: Afterword, answers: Dialogs) -> Iterator[MainWindow]:
    main = MainWindow(afterword)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.runner.wait()


def opened_urls(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    """What the file manager was asked to open (it opens each, as a desktop's would)."""
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    return opened


def help_action(window: MainWindow, text: str) -> QAction:
    [menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"]
    assert isinstance(menu, QMenu)
    [action] = [a for a in menu.actions() if a.text().replace("&", "") == text]
    return action


def shown_by(monkeypatch: pytest.MonkeyPatch, action: QAction) -> QDialog:
    seen: list[QDialog] = []

    def run(dialog: QDialog) -> bool:
        seen.append(dialog)
        return False

    monkeypatch.setattr(ui.dialogs, "run_dialog", run)
    action.trigger()
    [dialog] = seen
    return dialog


def test_about_lists_the_version_licence_and_this_sessions_real_paths(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    dialog = shown_by(monkeypatch, help_action(window, "About Afterword"))
    assert isinstance(dialog, AboutDialog)
    paths = window.afterword.paths
    shown = {name: field.text() for name, field in dialog.fields.items()}
    assert shown["Data folder"] == str(paths.data_dir)
    assert shown["Records"] == str(paths.database) and paths.database.is_file()
    assert shown["Settings"] == str(paths.config_dir)
    assert shown["Your templates"] == str(paths.config_dir / "templates")
    assert shown["Log"] == str(log_file())
    assert __version__ in dialog.title.text() and "MIT" in dialog.summary.text()
    field = dialog.fields["Data folder"]
    assert field.isReadOnly()
    field.selectAll()
    field.copy()
    assert QApplication.clipboard().text() == str(paths.data_dir)


def test_about_opens_the_data_folder_in_the_file_manager(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, answers: Dialogs
) -> None:
    opened = opened_urls(monkeypatch)
    dialog = shown_by(monkeypatch, help_action(window, "About Afterword"))
    assert isinstance(dialog, AboutDialog)
    dialog.open_button.click()
    assert [url.toLocalFile() for url in opened] == [str(window.afterword.paths.data_dir)]
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)  # no file manager
    dialog.open_button.click()
    assert answers.told and "Copy its path" in answers.told[0]


def test_about_shows_this_sessions_log_and_opens_its_folder(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, answers: Dialogs, tmp_path: Path
) -> None:
    log = start_log(tmp_path / "logs")
    try:
        opened = opened_urls(monkeypatch)
        dialog = shown_by(monkeypatch, help_action(window, "About Afterword"))
        assert isinstance(dialog, AboutDialog)
        assert dialog.fields["Log"].text() == str(tmp_path / "logs" / "afterword.log")
        dialog.open_log_button.click()
        assert [url.toLocalFile() for url in opened] == [str(tmp_path / "logs")]
    finally:
        stop_log(log)


def test_how_to_use_shows_the_readmes_using_section(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = shown_by(monkeypatch, help_action(window, "How to use Afterword"))
    assert isinstance(dialog, HowToDialog)
    text = dialog.text.toPlainText()
    assert text.startswith("Using it")
    assert "Follow up… on an interview writes the right follow-up" in text
    assert "Performance" not in text  # the next section is not part of it
    assert help_action(window, "How to use Afterword").shortcut().toString() == "F1"


def test_without_a_readme_the_built_in_summary_is_shown(tmp_path: Path) -> None:
    assert using_section(tmp_path / "README.md") == SUMMARY
    readme = tmp_path / "README.md"
    readme.write_text("# Another project\n\n## Using it\n\nNot ours\n")
    assert using_section(readme) == SUMMARY
    readme.write_text(
        "# Afterword\n\n## Using it\n\nText\n```\n## not a heading\n```\n## Next\nno\n"
    )
    assert using_section(readme) == "## Using it\n\nText\n```\n## not a heading\n```\n"
