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


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(tree: ast.AST, known: set[str], package: str) -> set[str]:
    """The project modules a module imports when it runs, at its top or in a function;
    ``if TYPE_CHECKING:`` imports are for annotations only and never run."""
    found: set[str] = set()
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            found |= _imported(ast.Module(body=node.orelse, type_ignores=[]), known, package)
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found |= {base, *(f"{base}.{alias.name}" for alias in node.names)}
        else:
            found |= _imported(node, known, package)
    return found & known


def _import_graph() -> dict[str, set[str]]:
    found = [path for top in ("composer", "ui") for path in (ROOT / top).rglob("*.py")]
    paths = {_module_name(path): path for path in found}
    graph = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        graph[name] = _imported(ast.parse(path.read_text()), set(paths), package) - {name}
    return graph


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    """A path of imports leading from ``start`` back to it, if there is one."""
    trail, seen = [start], {start}
    pending = [iter(sorted(graph[start]))]
    while pending:
        following = next(pending[-1], None)
        if following is None:
            pending.pop()
            trail.pop()
        elif following == start:
            return [*trail, start]
        elif following not in seen:
            seen.add(following)
            trail.append(following)
            pending.append(iter(sorted(graph[following])))
    return None


def test_no_import_cycle_among_composer_and_ui_modules() -> None:
    """Two modules that need each other cannot be read, tested or moved apart (Settings and
    its Mailbox group once did): each module's imports lead away, never back to it."""
    graph = _import_graph()
    assert "ui.mailbox_settings" in graph["ui.settings"]  # the graph sees the imports
    cycles = [cycle for name in sorted(graph) if (cycle := _cycle_from(name, graph))]
    assert cycles == []


def test_every_public_error_class_of_composer_is_in_errors_py() -> None:
    """One place to find what a user can be told (the IMAP errors once lived apart, in
    pairs mirroring the SMTP ones); private ones that never leave their module may stay."""
    errors_py = ROOT / "composer" / "errors.py"
    ours = {
        node.name
        for node in ast.walk(ast.parse(errors_py.read_text()))
        if isinstance(node, ast.ClassDef)
    } | {"Exception", "BaseException"}
    elsewhere = [
        f"{path.name}: {node.name}"
        for path in (ROOT / "composer").rglob("*.py")
        if path != errors_py
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef)
        and not node.name.startswith("_")
        and any(isinstance(base, ast.Name) and base.id in ours for base in node.bases)
    ]
    assert "ImapLoginFailed" in ours and elsewhere == []
