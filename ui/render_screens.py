"""Renders each main screen of the demo to PNG, offscreen: ``python -m ui.render_screens DIR``.

The README shows these pictures; run this after changing a screen.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication

from composer.send_check import check_context, check_message
from ui.app import DEMO_NOTE, application, open_demo
from ui.main_window import MainWindow
from ui.send_check import BeforeItGoes, Review

SIZE = (1100, 720)
CHECK_SIZE = (760, 360)  # a dialog over the window


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
            shots += _panel_and_check(window, folder, len(shots))
        finally:
            window.runner.wait()
            window.close()
            afterword.close()
            capture.stop()
    return shots


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
    check = BeforeItGoes([Review("", slipped, context, check_message(slipped, context))])
    check.resize(*CHECK_SIZE)
    check.show()
    QCoreApplication.processEvents()
    check.grab().save(str(shots[1]))
    check.close()
    panel.reject()
    return shots


if __name__ == "__main__":
    for shot in render(Path(sys.argv[1] if len(sys.argv) > 1 else "ui/screenshots")):
        print(shot)
