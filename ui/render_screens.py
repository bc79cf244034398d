"""Renders each main screen of the demo to PNG, offscreen:
``python -m ui.render_screens DIR [--dark]``.

The README shows these pictures; run this after changing a screen, once as it is and once
with ``--dark`` (a dark palette on the Fusion style, as a desktop in dark mode gives).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QScrollArea

from composer.send_check import check_before_it_goes, check_context
from composer.templates import BuiltIn
from ui.app import DEMO_NOTE, application, open_demo
from ui.areas import AREAS
from ui.main_window import MainWindow
from ui.runner import wait_for_every_runner
from ui.send_check import BeforeItGoes, Review
from ui.sidebar import plain

SIZE = (1100, 720)
CHECK_SIZE = (760, 360)  # a dialog over the window
SETTINGS = "settings_page"  # shown whole: as tall as its sections need

# A dark palette as desktops in dark mode give one (the roles Fusion draws with), as RGB.
# Fields are lighter than the window, so Fusion's outlines (the window's colour, darker)
# show around check boxes and fields.
DARK_PALETTE = {
    QPalette.ColorRole.Window: (32, 32, 34),
    QPalette.ColorRole.WindowText: (232, 232, 234),
    QPalette.ColorRole.Base: (46, 46, 50),
    QPalette.ColorRole.AlternateBase: (52, 52, 56),
    QPalette.ColorRole.ToolTipBase: (58, 58, 62),
    QPalette.ColorRole.ToolTipText: (232, 232, 234),
    QPalette.ColorRole.PlaceholderText: (154, 154, 160),
    QPalette.ColorRole.Text: (232, 232, 234),
    QPalette.ColorRole.Button: (56, 56, 61),
    QPalette.ColorRole.ButtonText: (232, 232, 234),
    QPalette.ColorRole.BrightText: (255, 107, 107),
    QPalette.ColorRole.Light: (78, 78, 84),
    QPalette.ColorRole.Midlight: (62, 62, 68),
    QPalette.ColorRole.Mid: (42, 42, 45),
    QPalette.ColorRole.Dark: (20, 20, 22),
    QPalette.ColorRole.Shadow: (10, 10, 11),
    QPalette.ColorRole.Highlight: (61, 123, 217),
    QPalette.ColorRole.HighlightedText: (255, 255, 255),
    QPalette.ColorRole.Link: (127, 176, 255),
}
DISABLED_TEXT = (122, 122, 128)


def dark_palette() -> QPalette:
    """The dark palette, with disabled text dimmed as a real theme does."""
    palette = QPalette()
    for role, value in DARK_PALETTE.items():
        palette.setColor(role, QColor(*value))
    roles = (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText)
    for role in roles:
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(*DISABLED_TEXT))
    return palette


@contextmanager
def dark(app: QApplication) -> Iterator[None]:
    """The dark palette on Fusion for what is rendered inside; the style and palette as
    they were afterwards (tests render in the same application)."""
    style, palette = app.style().name(), app.palette()
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    try:
        yield
    finally:
        app.setStyle(style)
        app.setPalette(palette)


def render_demo_screens(folder: Path, *, dark_theme: bool = False) -> list[Path]:
    app = application(sys.argv[:1])
    folder.mkdir(parents=True, exist_ok=True)
    if dark_theme:
        with dark(app):
            return _render(folder)
    return _render(folder)


def _render(folder: Path) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="afterword-screens-") as data:
        afterword, capture = open_demo(Path(data))
        window = MainWindow(afterword, demo=DEMO_NOTE)
        window.resize(*SIZE)
        window.show()
        shots = []
        try:
            done = next(i for i in afterword.store.interviews() if i.status == "done")
            assert done.id is not None
            window.follow_up(done.id, BuiltIn.THANK_YOU)  # a thank-you, filled in from the records
            for index, (name, title) in enumerate(AREAS):
                file_name = plain(title).replace("&", "and").lower().replace(" ", "-")
                path = folder / f"{index + 1}-{file_name}.png"
                _shoot(window, index, name == SETTINGS).save(str(path))
                shots.append(path)
            shots += _panel_and_check(window, folder, len(shots))
        finally:
            window.runner.wait()
            window.close()
            wait_for_every_runner()  # every page's work (spelling, Today…) before the folder goes
            afterword.close()
            capture.stop()
    return shots


def _settle(window: MainWindow) -> None:
    QCoreApplication.processEvents()
    window.runner.wait()  # previews, counts and checks that run in the background
    QCoreApplication.processEvents()


def _shoot(window: MainWindow, index: int, whole: bool) -> QPixmap:
    """The window with area ``index`` shown; ``whole``: made as tall as the page needs, so
    the picture shows every section instead of what fits above a scroll bar."""
    window.show_area_at(index)
    _settle(window)
    if whole:
        scroll = window.current_area().findChild(QScrollArea)
        content = scroll.widget() if scroll is not None else None
        if scroll is not None and content is not None:
            more = content.sizeHint().height() - scroll.viewport().height()
            window.resize(SIZE[0], SIZE[1] + max(0, more) + 2)
            _settle(window)
    picture = window.grab()
    window.resize(*SIZE)
    return picture


def _panel_and_check(window: MainWindow, folder: Path, taken: int) -> list[Path]:
    """The thank-you to both interviewers, one message each (the follow-up opened it), and
    what the check says of one of them gone wrong: a pasted greeting, a CV said attached."""
    panel = window.compose.choice.panel
    assert panel is not None, "the demo's interview has two interviewers: one message each"
    panel.resize(*SIZE)
    QCoreApplication.processEvents()
    shots = [folder / f"{taken + 1}-one-message-each.png", folder / f"{taken + 2}-the-check.png"]
    panel.grab().save(str(shots[0]))
    first = panel.columns[0].edited().message
    assert first is not None
    with window.afterword.reading() as store:
        other = next(c for c in store.contacts() if c.id != first.contact_id)
        rest = first.body.split("\n", 1)[1]
        pasted = f"Dear {other.name.split()[0]},\n{rest}\nMy CV is attached.\n"
        slipped = replace(first, body=pasted)
        context = check_context(store, slipped, None)
    check = BeforeItGoes([Review("", slipped, context, check_before_it_goes(slipped, context))])
    check.resize(*CHECK_SIZE)
    check.show()
    QCoreApplication.processEvents()
    check.grab().save(str(shots[1]))
    check.close()
    panel.reject()
    return shots


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--dark"]
    where = Path(arguments[0] if arguments else "ui/screenshots")
    for shot in render_demo_screens(where, dark_theme="--dark" in sys.argv[1:]):
        print(shot)
