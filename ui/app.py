"""Starting the desktop app: open the records, show the window, or say clearly why not."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from composer import APP_NAME
from composer.app import Afterword
from composer.demo import CaptureServer, seed
from composer.errors import AfterwordError
from composer.paths import Paths, resolve
from ui.main_window import MainWindow

DEMO_NOTE = (
    "Demo: sample records in a temporary folder. Messages go to a capture server on this "
    "computer and reach nobody. Everything is deleted when you quit."
)


def application(argv: Sequence[str]) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv))
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    return app


def run(paths: Paths, argv: Sequence[str]) -> int:
    app = application(argv)
    try:
        afterword = Afterword.open(paths)
    except AfterwordError as error:
        QMessageBox.critical(None, APP_NAME, str(error))
        return 1
    window = MainWindow(afterword)
    window.show()
    try:
        return int(app.exec())
    finally:
        window.runner.wait()
        afterword.close()


def open_demo(folder: Path) -> tuple[Afterword, CaptureServer]:
    """Sample records in ``folder`` and a capture server they send to."""
    capture = CaptureServer().start()
    afterword = Afterword.open(resolve(folder))
    seed(afterword.store, capture)
    return afterword, capture


def run_demo(argv: Sequence[str]) -> int:
    app = application(argv)
    with tempfile.TemporaryDirectory(prefix="afterword-demo-") as folder:
        afterword, capture = open_demo(Path(folder))
        window = MainWindow(afterword, demo=DEMO_NOTE)
        window.show()
        try:
            return int(app.exec())
        finally:
            window.runner.wait()
            afterword.close()
            capture.stop()
