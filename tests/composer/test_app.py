"""Opening Afterword's data dir: one instance at a time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from composer.app import Afterword
from composer.errors import AlreadyRunning
from composer.paths import Paths

ROOT = Path(__file__).resolve().parents[2]


def test_a_second_instance_on_the_same_data_dir_is_refused(paths: Paths) -> None:
    first = Afterword.open(paths)
    try:
        with pytest.raises(AlreadyRunning, match="already running with the data folder"):
            Afterword.open(paths)
    finally:
        first.close()
    Afterword.open(paths).close()  # free again once the first one closed


def test_a_second_process_is_refused_and_a_dead_one_frees_the_dir(paths: Paths) -> None:
    script = (
        "import sys\n"
        "from composer.app import Afterword\n"
        "from composer.paths import resolve\n"
        "from composer.errors import AlreadyRunning\n"
        f"try:\n    Afterword.open(resolve({str(paths.data_dir)!r}))\n"
        "except AlreadyRunning as error:\n    print(error); sys.exit(3)\n"
    )
    first = Afterword.open(paths)
    try:
        other = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert other.returncode == 3, other.stderr
        assert "already running" in other.stdout
    finally:
        first.close()
    after = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert after.returncode == 0, after.stdout + after.stderr
