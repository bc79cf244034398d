"""Starting the desktop app: open the records, show the window, or say clearly why not."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from composer import APP_NAME
from composer.afterword import Afterword
from composer.desktop_entry import APP_ID, ICON_SIZES, icons_dir
from composer.errors import AfterwordError, DatabaseDamaged
from composer.log import start_log
from composer.paths import Paths, resolve
from ui import dialogs
from ui.main_window import MainWindow
from ui.runner import wait_for_every_runner
from ui.single_instance import WindowCaller, ask_running_to_show

if TYPE_CHECKING:
    from composer.demo import CaptureServer

DEMO_NOTE = (
    "Demo: sample records in a temporary folder. Messages go to a capture server on this "
    "computer and reach nobody. Everything is deleted when you quit."
)


def application(argv: Sequence[str]) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv))
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_ID)  # Wayland and taskbars group the window with the launcher
    app.setWindowIcon(app_icon())
    return app


def app_icon() -> QIcon:
    folder = icons_dir()  # looked up once: each look-up asks importlib.resources again
    icon = QIcon(str(folder / f"{APP_ID}.svg"))
    for size in ICON_SIZES:
        icon.addFile(str(folder / f"{size}x{size}" / f"{APP_ID}.png"))
    return icon


def toolkit() -> str:
    return f"PySide6 {PySide6.__version__} (Qt {qVersion()})"


def run(paths: Paths, argv: Sequence[str]) -> int:
    app = application(argv)
    if ask_running_to_show(paths.data_dir):  # already open on this folder: it comes forward
        return 0
    start_log(toolkit=toolkit())
    afterword = open_records(paths)
    if afterword is None:
        return 1
    window = MainWindow(afterword)
    WindowCaller(window, paths.data_dir)
    window.show()
    if afterword.is_first_start():  # a first start: the assistant, which can be left for later
        window.set_up_account()
    try:
        return int(app.exec())
    finally:
        wait_for_every_runner()  # the window's, and the spell checker's
        afterword.close()


def open_records(paths: Paths) -> Afterword | None:
    """Opens the data dir, or says why not; a damaged file can be set aside, never lost."""
    try:
        return Afterword.open(paths)
    except DatabaseDamaged as damaged:
        if not dialogs.ask(None, str(damaged), yes="Move it aside and start afresh", no="Quit"):
            return None
        kept = Afterword.set_aside_database(paths)
        dialogs.tell(None, f"The damaged file was kept as {kept}. Afterword starts afresh.")
        return open_records(paths)
    except AfterwordError as error:
        QMessageBox.critical(None, APP_NAME, str(error))
        return None


def open_demo(folder: Path) -> tuple[Afterword, CaptureServer]:
    """Sample records in ``folder`` and a capture server they send to."""
    from composer.demo import CaptureServer, seed

    capture = CaptureServer().start()
    afterword = Afterword.open(resolve(folder))
    seed(afterword.store, capture, afterword.clock())
    return afterword, capture


def run_demo(argv: Sequence[str]) -> int:
    app = application(argv)
    start_log(toolkit=toolkit())
    with tempfile.TemporaryDirectory(prefix="afterword-demo-") as folder:
        afterword, capture = open_demo(Path(folder))
        window = MainWindow(afterword, demo=DEMO_NOTE)
        window.show()
        try:
            return int(app.exec())
        finally:
            wait_for_every_runner()
            afterword.close()
            capture.stop()


def render_templates_and_quit(argv: Sequence[str], out: TextIO) -> int:
    """The demo's window opened, every template rendered as Templates previews it, then
    quit: proof that an install has its templates and its screen."""
    from composer.templates import sample_fields

    app = application(argv)
    with tempfile.TemporaryDirectory(prefix="afterword-demo-") as folder:
        afterword, capture = open_demo(Path(folder))
        window = MainWindow(afterword, demo=DEMO_NOTE)
        try:
            window.show()
            app.processEvents()
            templates = afterword.templates.templates()
            for template in templates:
                rendered = template.render(sample_fields(now=afterword.clock()))
                print(f"{template.id}: {rendered.subject}", file=out)
            print(f"{len(templates)} templates rendered", file=out)
        finally:
            window.close()
            wait_for_every_runner()
            afterword.close()
            capture.stop()
    return 0
