"""Renders each main screen of the demo to PNG, offscreen: ``python -m ui.render_screens DIR``.

The README shows these pictures; run this after changing a screen.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication

from ui.app import DEMO_NOTE, application, open_demo
from ui.main_window import MainWindow

SIZE = (1100, 720)


def render(folder: Path) -> list[Path]:
    application(sys.argv[:1])
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="afterword-screens-") as data:
        afterword, capture = open_demo(Path(data))
        window = MainWindow(afterword, demo=DEMO_NOTE)
        window.resize(*SIZE)
        window.show()
        shots = []
        try:
            done = next(i for i in afterword.store.interviews() if i.status == "done")
            assert done.id is not None
            window.follow_up(done.id, "thank_you")  # a thank-you, filled in from the records
            for index in range(window.tabs.count()):
                window.tabs.setCurrentIndex(index)
                QCoreApplication.processEvents()
                window.runner.wait()  # previews and checks that run in the background
                QCoreApplication.processEvents()
                name = window.tabs.tabText(index).replace("&&", "and").replace("&", "")
                path = folder / f"{index + 1}-{name.lower().replace(' ', '-')}.png"
                window.grab().save(str(path))
                shots.append(path)
        finally:
            window.runner.wait()
            window.close()
            afterword.close()
            capture.stop()
    return shots


if __name__ == "__main__":
    for shot in render(Path(sys.argv[1] if len(sys.argv) > 1 else "ui/screenshots")):
        print(shot)
