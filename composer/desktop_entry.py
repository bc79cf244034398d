"""The launcher for the current user: ``afterword --install-desktop-entry`` and
``--remove-desktop-entry``.

A wheel cannot put files in the desktop's folders, so the app copies its .desktop file,
icons and AppStream metainfo into ``$XDG_DATA_HOME`` (freedesktop.org desktops: Linux,
BSD) itself, with ``Exec`` pointing at the script that was installed with it.
"""

from __future__ import annotations

import os
import shutil
import sys
from importlib.resources import files
from pathlib import Path

from composer.errors import LauncherProblem

APP_ID = "io.github.afterword.Afterword"
ICON_SIZES = (16, 32, 48, 64, 128, 256)


def data_dir() -> Path:
    """The package's desktop files (.desktop, metainfo, icons)."""
    return Path(str(files("composer"))) / "desktop"


def icons_dir() -> Path:
    return data_dir() / "icons"


def user_data_home() -> Path:
    configured = os.environ.get("XDG_DATA_HOME", "")
    return Path(configured) if os.path.isabs(configured) else Path.home() / ".local" / "share"


def installed_files(home: Path) -> list[Path]:
    """Every file the launcher puts in ``home``, so removing it leaves nothing behind."""
    icons = home / "icons" / "hicolor"
    return [
        home / "applications" / f"{APP_ID}.desktop",
        home / "metainfo" / f"{APP_ID}.metainfo.xml",
        icons / "scalable" / "apps" / f"{APP_ID}.svg",
        *(icons / f"{n}x{n}" / "apps" / f"{APP_ID}.png" for n in ICON_SIZES),
    ]


def launcher_command() -> str:
    """The installed ``afterword`` script, quoted for a .desktop ``Exec`` line."""
    beside = Path(sys.executable).parent / ("afterword.exe" if os.name == "nt" else "afterword")
    found = str(beside) if beside.is_file() else shutil.which("afterword")
    if not found:
        raise LauncherProblem(
            "The afterword command was not found beside Python or on your PATH. Install "
            "Afterword with pipx, uv tool or pip first, then run this again."
        )
    return '"' + found.replace("\\", "\\\\").replace('"', '\\"') + '"'


def desktop_text(command: str) -> str:
    text = (data_dir() / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    return text.replace("\nExec=afterword\n", f"\nExec={command}\n")


def install(home: Path | None = None) -> list[Path]:
    """Writes the launcher, icons and metainfo; returns what was written."""
    home = home or user_data_home()
    command = launcher_command()  # first: nothing is written when there is nothing to launch
    desktop, metainfo, svg, *pngs = installed_files(home)
    for target in installed_files(home):
        target.parent.mkdir(parents=True, exist_ok=True)
    desktop.write_text(desktop_text(command), encoding="utf-8")
    shutil.copyfile(data_dir() / f"{APP_ID}.metainfo.xml", metainfo)
    shutil.copyfile(icons_dir() / f"{APP_ID}.svg", svg)
    for size, png in zip(ICON_SIZES, pngs, strict=True):
        shutil.copyfile(icons_dir() / f"{size}x{size}" / f"{APP_ID}.png", png)
    return installed_files(home)


def remove(home: Path | None = None) -> list[Path]:
    """Deletes what ``install`` wrote (and nothing else); returns what was removed."""
    removed = []
    for path in installed_files(home or user_data_home()):
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed
