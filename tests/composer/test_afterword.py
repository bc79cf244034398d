"""Opening Afterword's data dir: one instance at a time."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from composer.afterword import Afterword
from composer.errors import AlreadyRunning, DatabaseDamaged, FileProblem
from composer.paths import Paths
from composer.records import Message
from composer.store import Store

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
        "from composer.afterword import Afterword\n"
        "from composer.paths import resolve\n"
        "from composer.errors import AlreadyRunning, DatabaseDamaged, FileProblem\n"
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


def test_damage_found_while_opening_is_told_and_the_file_can_be_set_aside(paths: Paths) -> None:
    """Header and schema read fine, an index of the messages does not: the user is offered
    to move the file aside (not a crash), and the data folder is free to start afresh."""
    paths.ensure()
    with Store(paths.database) as store:
        for number in range(300):
            store.save_message(Message(f"Thank you {number}", "body " * 200, ["a@acme.example"]))
    db = sqlite3.connect(paths.database)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    [(root,)] = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'messages_by_state'")
    db.close()
    with open(paths.database, "r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xff" * page_size)

    with pytest.raises(DatabaseDamaged, match="damaged"):
        Afterword.open(paths, keyring_backend=object())

    Afterword.set_aside_database(paths)
    afterword = Afterword.open(paths, keyring_backend=object())  # not "already running"
    assert afterword.store.message_ids() == []
    afterword.close()


def test_a_lock_file_afterword_cannot_open_is_told(paths: Paths) -> None:
    """Left by a run as another user, say (here: a folder in its place)."""
    paths.ensure()
    (paths.data_dir / "afterword.lock").mkdir()
    with pytest.raises(FileProblem, match="choose another folder with --data-dir"):
        Afterword.open(paths, keyring_backend=object())
