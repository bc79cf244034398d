"""The window's menus and keys: File, Edit, View, Help, and Alt+letter for each area."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QMenu

from ui import dialogs
from ui.areas import AREAS
from ui.edit_menu import EditMenu

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def add_menus(window: MainWindow) -> EditMenu:
    """Returns the Edit menu's actions, which follow the focused field."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    _action(file_menu, "&New message", QKeySequence.StandardKey.New, window.new_message)
    _action(file_menu, "New &contact…", "Ctrl+Shift+C", window.new_contact)
    _action(file_menu, "New &interview…", "Ctrl+Shift+I", window.new_interview)
    _action(file_menu, "&Save", QKeySequence.StandardKey.Save, window.save)
    _action(file_menu, "Sen&d", "Ctrl+Return", window.send)
    _action(file_menu, "Check for &replies", "Ctrl+Shift+R", window.check_mailbox)
    file_menu.addSeparator()
    _action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, window.close)
    edit_menu = bar.addMenu("&Edit")
    edit = EditMenu(edit_menu)
    edit_menu.addSeparator()
    _action(edit_menu, "&Find contact", QKeySequence.StandardKey.Find, window.find_contact)
    view_menu = bar.addMenu("&View")
    for number, (_, title) in enumerate(AREAS, start=1):
        label = title.replace("&&", "\0").replace("&", "").replace("\0", "&&")
        _action(view_menu, label, f"Ctrl+{number}", partial(window.show_area_at, number - 1))
    help_menu = bar.addMenu("&Help")
    how_to = QKeySequence.StandardKey.HelpContents
    _action(help_menu, "&How to use Afterword", how_to, partial(_how_to, window))
    _action(help_menu, "&About Afterword", "", partial(_about, window))
    return edit


def add_area_keys(window: MainWindow) -> None:
    """The Alt+letter of each area (Alt+Y for Today…), as the tabs had them."""
    for index, (_, title) in enumerate(AREAS):
        keys = QKeySequence.mnemonic(title)
        if not keys.isEmpty():
            QShortcut(keys, window, partial(window.show_area_at, index))


def _how_to(window: MainWindow) -> None:
    from ui.about import HowToDialog

    _show_dialog(HowToDialog(window))


def _about(window: MainWindow) -> None:
    from ui.about import AboutDialog

    _show_dialog(AboutDialog(window.afterword.paths, window))


def _show_dialog(dialog: QDialog) -> None:
    dialogs.run_dialog(dialog)
    dialog.deleteLater()


def _action(menu: QMenu, text: str, keys: QKeySequence.StandardKey | str, slot: object) -> QAction:
    action = QAction(text, menu.parent())
    action.setShortcut(QKeySequence(keys))
    action.triggered.connect(slot)
    menu.addAction(action)
    return action
