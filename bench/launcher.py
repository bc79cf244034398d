"""Started as a process of its own by the start-up and memory figures.

``python -m bench.launcher app DIR`` starts Afterword through ``main.main`` on the data
dir DIR (the window restores the Contacts area, as a user who left it there would see);
``python -m bench.launcher bare`` shows a bare ``QMainWindow`` with one label;
``python -m bench.launcher table FILE`` is the yardstick: the least a PySide window can
do to show these records, a ``QTableView`` over a plain Python model of the first contacts
read from the database FILE with ``sqlite3``. Each prints ``painted <epoch seconds>`` once
its first rows (or the label) have been painted, then ``maxrss <KiB>``: for the app, after
every area has been opened and every table scrolled to its end. Then it quits.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTableView

from bench import guard

GIVE_UP_MS = 120_000
none_at_start = guard.none_references()


class FirstPaint(QObject):
    """Calls ``then`` once, after the first paint of a widget ``shown`` accepts."""

    def __init__(self, shown: Callable[[QObject], bool], then: Callable[[], None]) -> None:
        super().__init__()
        self.shown = shown
        self.then = then
        self.done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.done and event.type() == QEvent.Type.Paint and self.shown(watched):
            QTimer.singleShot(0, self._painted)  # runs once this paint has finished
        return False

    def _painted(self) -> None:
        if not self.done:
            self.done = True
            self.then()


def rows_painted(table: QTableView) -> Callable[[QObject], bool]:
    """The table's viewport, once rows were read from the store to paint it."""
    return lambda watched: getattr(table.model(), "cached", 0) > 0


def say(line: str) -> None:
    print(line, flush=True)


def peak_kib() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux


def settle(seconds: float) -> None:
    """Lets queued work (layouts, paints, background results) run for a while."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.005)


def main_window() -> QMainWindow:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow))


def open_every_area(window: QMainWindow) -> None:
    from ui.areas import AREAS
    from ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    first = window.stack.currentIndex()
    for index in range(len(AREAS)):
        window.show_area_at(index)
        settle(0.15)
        for table in window.current_area().findChildren(QTableView):
            table.scrollToBottom()
            settle(0.05)
    window.show_area_at(first)
    settle(0.15)


def app_painted() -> None:
    say(f"painted {time.time():.6f}")
    say(f"none-dropped {none_at_start - guard.none_references()}")
    window = main_window()
    open_every_area(window)
    say(f"maxrss {peak_kib()}")
    window.close()


def bare_painted() -> None:
    say(f"painted {time.time():.6f}")
    say(f"none-dropped {none_at_start - guard.none_references()}")
    say(f"maxrss {peak_kib()}")
    QApplication.quit()


def run_app(data_dir: str) -> int:
    QApplication(sys.argv[:1])  # ui.app.application() takes this one
    QTimer.singleShot(GIVE_UP_MS, lambda: os._exit(3))
    watch_contacts_table()
    import main  # the real entry point, argument parsing and lazy imports included

    return main.main(["--data-dir", data_dir])


def watch_contacts_table() -> None:
    """Hooks ``MainWindow.show`` to watch the Contacts table's viewport: a filter on the
    whole application would cost the app a Python call for every one of its events."""
    from ui.main_window import MainWindow

    show = MainWindow.show

    def show_watched(window: MainWindow) -> None:
        window.show_area(window.contacts)  # whatever the order of the areas
        table = window.contacts.table
        window.first_paint = FirstPaint(rows_painted(table), app_painted)  # type: ignore[attr-defined]
        table.viewport().installEventFilter(window.first_paint)  # type: ignore[attr-defined]
        show(window)

    setattr(MainWindow, "show", show_watched)  # noqa: B010 (mypy refuses assigning a method)


def run_bare() -> int:
    app = QApplication(sys.argv[:1])
    QTimer.singleShot(GIVE_UP_MS, lambda: os._exit(3))
    window = QMainWindow()
    label = QLabel("Hello")
    window.setCentralWidget(label)
    watcher = FirstPaint(lambda watched: True, bare_painted)
    label.installEventFilter(watcher)
    window.resize(1000, 700)
    window.show()
    return int(app.exec())


YARDSTICK_ROWS = 200
YARDSTICK_COLUMNS = ("Name", "Email", "Company", "Title")


def run_table(database: str) -> int:
    """Nothing of Afterword: one query, one model, one view, as a tutorial would write them."""
    import sqlite3

    from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

    class Rows(QAbstractTableModel):
        def __init__(self, rows: list[tuple[str, ...]]) -> None:
            super().__init__()
            self.rows = rows

        def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else len(self.rows)

        def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else len(YARDSTICK_COLUMNS)

        def data(
            self,
            index: QModelIndex | QPersistentModelIndex,
            role: int = Qt.ItemDataRole.DisplayRole,
        ) -> str | None:
            if role != Qt.ItemDataRole.DisplayRole:
                return None
            return self.rows[index.row()][index.column()]

        def headerData(
            self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
        ) -> str | None:
            if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
                return YARDSTICK_COLUMNS[section]
            return None

    app = QApplication(sys.argv[:1])
    QTimer.singleShot(GIVE_UP_MS, lambda: os._exit(3))
    db = sqlite3.connect(f"{Path(database).as_uri()}?mode=ro", uri=True)
    rows = db.execute(
        "SELECT name, email, company, title FROM contacts ORDER BY name COLLATE NOCASE, id "
        f"LIMIT {YARDSTICK_ROWS}"
    ).fetchall()
    db.close()
    window = QMainWindow()
    table = QTableView()
    model = Rows(rows)
    table.setModel(model)
    window.setCentralWidget(table)
    watcher = FirstPaint(lambda watched: True, bare_painted)
    table.viewport().installEventFilter(watcher)
    window.resize(1000, 700)
    window.show()
    return int(app.exec())


def main(argv: list[str]) -> int:
    global none_at_start
    if os.environ.get(guard.ENV):  # before any Qt call: see bench/guard.py
        guard.keep_none_alive()
    none_at_start = guard.none_references()
    if argv[1] == "bare":
        return run_bare()
    if argv[1] == "table":
        return run_table(argv[2])
    return run_app(argv[2])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
