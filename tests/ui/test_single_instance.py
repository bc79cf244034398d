"""A second launch on the same data folder brings the running window forward."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from composer.paths import Paths
from ui.main_window import MainWindow
from ui.single_instance import WindowCaller, ask_running_to_show

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def people() -> dict[str, int]:
    return {}  # the window needs no records here


def test_a_second_launch_shows_the_minimised_window(
    window: MainWindow, qtbot: QtBot, paths: Paths
) -> None:
    caller = WindowCaller(window, paths.data_dir)
    assert caller.listening
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)

    assert ask_running_to_show(paths.data_dir)  # what the second launch does, then it exits

    qtbot.waitUntil(lambda: not window.isMinimized())
    assert window.isVisible()


def test_another_data_folder_is_another_app(
    window: MainWindow, qtbot: QtBot, paths: Paths, tmp_path: Path
) -> None:
    WindowCaller(window, paths.data_dir)
    assert not ask_running_to_show(tmp_path / "other data")


def test_a_second_process_asks_the_first_and_exits_quietly(
    window: MainWindow, qtbot: QtBot, paths: Paths
) -> None:
    WindowCaller(window, paths.data_dir)
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    second = subprocess.Popen(
        [sys.executable, "main.py", "--data-dir", str(paths.data_dir)],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    qtbot.waitUntil(lambda: second.poll() is not None, timeout=30_000)  # the first keeps serving
    qtbot.waitUntil(lambda: not window.isMinimized())
    out, err = second.communicate(timeout=10)
    assert second.returncode == 0
    assert "already running" not in out + err
