"""Where Afterword keeps its files: one place to look, one place to override."""

from __future__ import annotations

import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from composer import APP_NAME
from composer.broken_files import keep_private
from composer.errors import FileProblem

DATA_DIR_ENV = "AFTERWORD_DATA_DIR"
DATABASE_NAME = "afterword.sqlite3"
DICTIONARY_NAME = "dictionary.txt"  # the user's own words for spelling, one a line


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    config_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / DATABASE_NAME

    @property
    def dictionary(self) -> Path:
        return self.data_dir / DICTIONARY_NAME

    def ensure(self) -> None:
        for folder in (self.data_dir, self.config_dir):
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as error:  # a file in the way, no permission, a full disk
                raise FileProblem(
                    f"Afterword cannot use the folder {folder} for your records: "
                    f"{error.strerror or error}. Choose another folder with --data-dir."
                ) from None
            with suppress(OSError):  # another owner's folder: SQLite says so when it opens
                keep_private(folder)  # one that existed (0755, say) becomes the user's alone


def resolve(data_dir: str | os.PathLike[str] | None = None) -> Paths:
    """``--data-dir`` wins, then ``$AFTERWORD_DATA_DIR``, then the platform's user dirs.

    An explicit data dir holds the config too, so a test or a demo touches nothing else.
    """
    chosen = data_dir or os.environ.get(DATA_DIR_ENV)
    if chosen:
        root = Path(chosen).expanduser().resolve()
        return Paths(data_dir=root, config_dir=root / "config")
    return Paths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
    )
