"""The launcher: valid desktop files, an icon at every size, installed and removed for
the current user in ``$XDG_DATA_HOME``."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from composer import __version__
from composer.desktop_entry import APP_ID, ICON_SIZES, data_dir, icons_dir, install, remove
from main import main

DESKTOP = data_dir() / f"{APP_ID}.desktop"
METAINFO = data_dir() / f"{APP_ID}.metainfo.xml"


def validate(*command: str) -> subprocess.CompletedProcess[str]:
    if shutil.which(command[0]) is None:
        pytest.fail(f"{command[0]} is missing: apt-get install the package .ci/run names")
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_the_desktop_file_is_valid() -> None:
    result = validate("desktop-file-validate", str(DESKTOP))
    assert result.returncode == 0 and result.stdout == "", result.stdout


def test_the_appstream_metainfo_is_valid_and_has_this_version() -> None:
    result = validate("appstreamcli", "validate", "--no-net", str(METAINFO))
    assert result.returncode == 0, result.stdout
    root = ET.parse(METAINFO).getroot()  # noqa: S314 (our own file)
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    latest = root.find("releases/release")
    assert latest is not None and latest.get("version") == __version__


def test_the_icon_comes_at_every_size_a_desktop_asks_for() -> None:
    assert (icons_dir() / f"{APP_ID}.svg").read_text().lstrip().startswith("<?xml")
    for size in ICON_SIZES:
        assert png_size(icons_dir() / f"{size}x{size}" / f"{APP_ID}.png") == (size, size)


def test_installing_puts_the_launcher_icons_and_metainfo_where_desktops_look(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    assert main(["--install-desktop-entry"]) == 0
    assert "applications menu" in capsys.readouterr().out
    launcher = home / "applications" / f"{APP_ID}.desktop"
    [exec_line] = [x for x in launcher.read_text().splitlines() if x.startswith("Exec=")]
    script = Path(exec_line.removeprefix("Exec=").strip('"'))
    assert script == Path(sys.executable).parent / "afterword" and script.is_file()
    assert validate("desktop-file-validate", str(launcher)).returncode == 0
    assert (home / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (home / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg").is_file()
    assert png_size(home / "icons/hicolor/48x48/apps" / f"{APP_ID}.png") == (48, 48)

    assert main(["--remove-desktop-entry"]) == 0
    assert "Removed 9 files" in capsys.readouterr().out
    assert [p for p in home.rglob("*") if p.is_file()] == []


def test_removing_leaves_the_users_other_files(tmp_path: Path) -> None:
    mine = tmp_path / "applications" / "mine.desktop"
    install(tmp_path)
    mine.write_text("[Desktop Entry]\n")
    remove(tmp_path)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [mine]


def test_without_an_installed_command_it_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))
    assert main(["--install-desktop-entry"]) == 1
    assert "Install Afterword with pipx" in capsys.readouterr().err
    assert not (tmp_path / "applications").exists()


def test_a_path_with_spaces_is_quoted_for_the_exec_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "my apps" / "bin"
    folder.mkdir(parents=True)
    (folder / "afterword").write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "executable", str(folder / "python"))
    install(tmp_path / "share")
    launcher = tmp_path / "share" / "applications" / f"{APP_ID}.desktop"
    assert f'Exec="{folder}/afterword"' in launcher.read_text()
    assert validate("desktop-file-validate", str(launcher)).returncode == 0
