"""The window's look: every area fits at 1024x700 and 1920x1080 (and at 150% scale) with no
button cut off or squeezed and no sideways scrolling, and a dark palette is followed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.records import Contact, Interview, Role
from tests.helpers.clock import NOW
from tests.ui.conftest import Dialogs
from ui import render_screens
from ui.areas import AREAS
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def badly_placed(window: QWidget) -> list[str]:
    """Buttons and drop-downs outside their parent (cut off) or narrower than their text
    needs, and scroll areas that scroll sideways, among what is on screen."""
    found = []
    controls: list[QWidget] = [
        *window.findChildren(QAbstractButton),
        *window.findChildren(QComboBox),
    ]
    for control in controls:
        parent = control.parentWidget()
        if not control.isVisibleTo(window) or parent is None:
            continue
        name = control.accessibleName() or control.objectName() or type(control).__name__
        if not parent.rect().contains(control.geometry()):
            found.append(f"{name} is cut off")
        if control.width() < control.minimumSizeHint().width():
            found.append(f"{name} is squeezed")
    for area in window.findChildren(QScrollArea):
        if area.isVisibleTo(window) and area.horizontalScrollBar().isVisible():
            found.append(f"{area.accessibleName() or 'a page'} scrolls sideways")
    return found


def each_area(window: MainWindow) -> Iterator[str]:
    for index, (name, _) in enumerate(AREAS):
        window.show_area_at(index)
        QCoreApplication.processEvents()
        window.runner.wait()
        QCoreApplication.processEvents()
        yield name


def with_records(afterword: Afterword) -> None:
    """An interview with a person, so the pages show rows, a reminder and a thank-you."""
    store = afterword.store
    ana = store.add_contact(Contact("Ana Lima-Fernández", "ana.lima@acme.example", "Acme"))
    met = store.add_interview(Interview("Acme", "Senior Data Engineer", NOW))
    assert ana.id and met.id
    store.set_participants(met.id, [(ana.id, Role.INTERVIEWER)])


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)], ids=["1024x700", "1920x1080"])
def test_every_area_fits_the_window_with_nothing_cut_off(
    qtbot: QtBot, ready: Afterword, answers: Dialogs, size: tuple[int, int]
) -> None:
    with_records(ready)
    window = MainWindow(ready, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    hint = window.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1]
    assert (window.width(), window.height()) == size
    problems = {name: badly_placed(window) for name in each_area(window)}
    assert problems == {name: [] for name, _ in AREAS}
    window.runner.wait()


def test_at_150_percent_scale_every_area_still_fits(tmp_path: Path) -> None:
    """QT_SCALE_FACTOR is read when Qt starts: another process, as a user's would be."""
    environment = dict(os.environ, QT_SCALE_FACTOR="1.5", QT_QPA_PLATFORM="offscreen")
    script = f"from tests.ui.test_window_look import at_scale; at_scale({str(tmp_path)!r})"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "ratio 1.5; nothing cut off"


def at_scale(folder: str) -> None:
    """Run by the test above in a process of its own."""
    from composer.paths import resolve
    from tests.helpers.clock import clock
    from ui.app import application

    app = application(sys.argv[:1])
    afterword = Afterword.open(resolve(Path(folder)), keyring_backend=object(), clock=clock)
    with_records(afterword)
    window = MainWindow(afterword, clock=lambda: NOW)
    window.resize(1024, 700)  # in the scaled pixels the user sees: 1536x1050 on screen
    window.show()
    try:
        problems = {name: badly_placed(window) for name in each_area(window)}
        assert problems == {name: [] for name, _ in AREAS}, problems
        hint = window.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 700, hint
        print(f"ratio {window.devicePixelRatio()}; nothing cut off")
    finally:
        window.runner.wait()
        window.close()
        afterword.close()
        app.processEvents()


@pytest.fixture
def dark_application() -> Iterator[QApplication]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    with render_screens.dark(app):
        yield app


def lightness(image: QImage, x: int, y: int) -> float:
    return QColor(image.pixel(x, y)).lightnessF()


def test_a_dark_palette_gives_light_text_on_a_dark_sidebar(
    qtbot: QtBot, dark_application: QApplication, afterword: Afterword, answers: Dialogs
) -> None:
    window = MainWindow(afterword, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    window.show_area(window.contacts)  # the row for Today is not the chosen one
    QCoreApplication.processEvents()
    sidebar = window.sidebar
    picture = sidebar.grab().toImage()
    ratio = picture.devicePixelRatio()
    row = sidebar.visualItemRect(sidebar.item(0))  # Today: its icon and its name
    pixels = [
        lightness(picture, round(x * ratio), round(y * ratio))
        for x in range(row.left(), row.right())
        for y in range(row.top(), row.bottom())
    ]
    assert sorted(pixels)[len(pixels) // 2] < 0.25, "the background is dark"
    assert max(pixels) > 0.75, "the text and the icon are light"
    icon_area = [
        lightness(picture, round(x * ratio), round(y * ratio))
        for x in range(row.left(), row.left() + 30)
        for y in range(row.top(), row.bottom())
    ]
    assert max(icon_area) > 0.6, "the icon was drawn again in the dark palette's text colour"
    window.runner.wait()


def test_each_area_is_titled_except_compose_whose_room_goes_to_the_text(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    window = MainWindow(ready, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.show()
    shown = {}
    for name in each_area(window):
        frame = window.frames[window.stack.currentIndex()]
        title = frame.heading.findChild(QLabel, "Page title")
        assert title is not None
        shown[name] = title.text() if frame.heading.isVisible() else None
        assert frame.page is window.current_area()
    assert shown == {
        "today": "Today",
        "interviews": "Interviews",
        "contacts": "Contacts",
        "compose": None,
        "sent": "Outbox & Sent",
        "feedback": "Feedback",
        "templates": "Templates",
        "settings_page": "Settings",
    }
    window.runner.wait()
