"""Starting the desktop app: open the records, show the window, or say clearly why not."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QApplication, QMessageBox

from composer import APP_NAME
from composer.app import Afterword
from composer.errors import AfterwordError
from composer.paths import Paths
from ui.main_window import MainWindow


def run(paths: Paths, argv: Sequence[str]) -> int:
    app = QApplication.instance() or QApplication(list(argv))
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
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
        afterword.close()
