"""The command line: --version, --help, --data-dir and the environment override."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from composer import __version__
from composer.paths import DATA_DIR_ENV, resolve

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"Afterword {__version__}"


def test_help_mentions_the_data_dir() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "--data-dir DIR" in result.stdout


def test_the_app_keeps_its_records_in_the_chosen_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "my data"
    child = subprocess.Popen(
        [sys.executable, "main.py", "--data-dir", str(data)],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    try:
        deadline = time.monotonic() + 30
        while not (data / "afterword.sqlite3").exists() and time.monotonic() < deadline:
            assert child.poll() is None, "the app exited instead of opening its window"
            time.sleep(0.1)
        assert (data / "afterword.sqlite3").exists()
    finally:
        child.terminate()
        child.wait(timeout=10)


def test_the_environment_variable_chooses_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "from env"))
    assert resolve().data_dir == tmp_path / "from env"
    assert resolve(tmp_path / "flag").data_dir == tmp_path / "flag", "the flag wins"
    monkeypatch.delenv(DATA_DIR_ENV)
    assert "Afterword" in str(resolve().data_dir)
