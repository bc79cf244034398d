"""Where Afterword keeps its files, and that they are the user's alone."""

from __future__ import annotations

import os
from pathlib import Path

from composer.afterword import Afterword
from composer.paths import resolve


def test_an_existing_open_data_dir_becomes_the_users_alone(tmp_path: Path) -> None:
    """``--data-dir`` pointed at a folder made 0755 before: nobody else lists or reads it."""
    folder = tmp_path / "records"
    folder.mkdir(mode=0o755)
    old = os.umask(0o022)
    try:
        afterword = Afterword.open(resolve(folder), keyring_backend=object())
        afterword.close()
    finally:
        os.umask(old)
    paths = afterword.paths
    assert (folder.stat().st_mode & 0o777, paths.config_dir.stat().st_mode & 0o777) == (
        0o700,
        0o700,
    )
    assert paths.database.stat().st_mode & 0o777 == 0o600
