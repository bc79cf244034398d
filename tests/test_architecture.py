"""The core stays free of Qt, and the GUI suite can never be skipped silently."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import PySide6.QtGui  # unconditional: a missing libEGL fails the run instead of skipping

ROOT = Path(__file__).resolve().parents[1]


def test_qt_gui_really_loads() -> None:
    assert PySide6.QtGui.QGuiApplication is not None


def test_composer_imports_no_qt() -> None:
    modules = sorted(
        p.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
        for p in (ROOT / "composer").glob("*.py")
    )
    script = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in modules)
        + "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
    assert "composer.outbox" in modules and "composer.store" in modules


def test_ui_has_no_sql_smtp_jinja_or_keyring() -> None:
    forbidden = {"sqlite3", "smtplib", "jinja2", "keyring", "imaplib"}
    for path in (ROOT / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not {n.split(".")[0] for n in names} & forbidden, f"{path} imports {names}"


def test_ui_hard_codes_no_colour_so_the_dark_theme_applies() -> None:
    """Colours come from the platform's palette (light or dark), never from the code."""
    pattern = re.compile(r"#[0-9a-fA-F]{3,8}\b|QColor\(|color\s*:|setStyleSheet|Qt\.GlobalColor")
    found = [
        f"{path.name}:{number}"
        for path in (ROOT / "ui").rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line) and "palette" not in line and not line.lstrip().startswith("#")
    ]
    assert found == []
