"""Start-up loads only what the first window needs: templates, mail, TLS and the keyring
load when first used (a send, a preview, a password), so the window opens sooner.

The app is started through ``main.main`` in a fresh process (a clean ``sys.modules``),
offscreen, on records that are set up (no first-run assistant); once the main window is
shown and the event loop runs, it prints which of the heavy modules were imported. (The
email package may load meanwhile on a worker, where Today reads what is due: off the GUI
thread, so it does not delay the window.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from composer.paths import Paths
from composer.records import Profile
from composer.store import Store
from tests.helpers.clock import clock

ROOT = Path(__file__).resolve().parents[2]
NOT_AT_START_UP = (
    "jinja2",
    "smtplib",
    "imaplib",
    "ssl",
    "keyring",
    "enchant",
    "composer.smtp",
    "composer.imap",
    "composer.templates.library",
    "composer.templates.rendering",
)
STARTED = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui.main_window import MainWindow

watched = json.loads(sys.argv[2])
show = MainWindow.show

def shown(window):
    show(window)

    def report():
        print(json.dumps([name for name in watched if name in sys.modules]), flush=True)
        window.close()
        QApplication.quit()

    QTimer.singleShot(0, report)

MainWindow.show = shown
import main
sys.exit(main.main(["--data-dir", sys.argv[1]]))
"""


def started_window_imports(data_dir: Path, home: Path) -> list[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    env.pop("AFTERWORD_DATA_DIR", None)
    done = subprocess.run(
        [sys.executable, "-c", STARTED, str(data_dir), json.dumps(NOT_AT_START_UP)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_the_window_opens_without_templates_mail_tls_or_keyring(
    paths: Paths, tmp_path: Path
) -> None:
    with Store(paths.database, clock=clock) as store:  # set up: no first-run assistant
        store.save_profile(Profile("Zoë Müller", "zoe@example.org", signature="Zoë"))
    assert started_window_imports(paths.data_dir, tmp_path / "home") == []
