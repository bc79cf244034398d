"""What a user installs: the wheel and the sdist, each in a fresh venv outside the
repository, run from another folder.

The venvs see the test venv's packages (PySide6 and the rest) through a ``.pth`` line,
so nothing is downloaded, and install Afterword itself from the built file only.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from composer import __version__

ROOT = Path(__file__).resolve().parents[1]
BUILTIN_TEMPLATES = sorted(p.stem for p in (ROOT / "templates").glob("*.j2"))


def run(*command: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist, and the wheel built from it (as ``python -m build`` and pip do), from a
    copy of the tracked files: a build writes into its source folder (egg-info, a staging
    folder), which two test runs at once on one checkout (CI's date runs) must not share."""
    source = tmp_path_factory.mktemp("source") / "afterword"
    for name in run("git", "ls-files", cwd=ROOT).stdout.split():
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, source, cwd=dist)
    [sdist] = dist.glob("afterword-*.tar.gz")
    [wheel] = dist.glob("afterword-*.whl")
    return {"sdist": sdist, "wheel": wheel}


def fresh_venv(folder: Path) -> Path:
    """A venv without Afterword that borrows the test venv's other packages."""
    run(sys.executable, "-m", "venv", "--without-pip", folder, cwd=folder.parent)
    python = folder / "bin" / "python"
    found = run(python, "-c", "import site; print(site.getsitepackages()[0])", cwd=folder)
    borrowed = "\n".join(site.getsitepackages())  # added as plain paths: no editable hooks
    (Path(found.stdout.strip()) / "borrowed.pth").write_text(borrowed + "\n")
    return python


def test_the_sdist_carries_every_tracked_file(built: dict[str, Path]) -> None:
    tracked = run("git", "ls-files", cwd=ROOT).stdout.split()
    with tarfile.open(built["sdist"]) as sdist:
        carried = {name.partition("/")[2] for name in sdist.getnames()}
    assert [name for name in tracked if name not in carried] == []
    assert "LICENSE" in carried


@pytest.mark.parametrize("artifact", ["wheel", "sdist"])
def test_an_install_runs_from_anywhere_with_its_templates(
    artifact: str, built: dict[str, Path], tmp_path: Path
) -> None:
    python = fresh_venv(tmp_path / "venv")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
        "--no-index", "--no-build-isolation", "--quiet", built[artifact], cwd=tmp_path)  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    afterword = tmp_path / "venv" / "bin" / "afterword"

    where = run(python, "-c", "import composer, ui; print(composer.__file__)", cwd=elsewhere)
    assert where.stdout.startswith(str(tmp_path / "venv")), "Afterword from the install"
    assert run(afterword, "--version", cwd=elsewhere).stdout.strip() == f"Afterword {__version__}"
    due = run(afterword, "--data-dir", tmp_path / "empty", "due", cwd=elsewhere)
    assert "Welcome to Afterword" in due.stdout
    tone = run(afterword, "tone-check-report", cwd=elsewhere)  # its phrases and corpus travel
    assert "Gracious sentences flagged: 0" in tone.stdout
    demo = run(
        afterword,
        "--demo",
        "--render-templates-and-quit",
        cwd=elsewhere,
        QT_QPA_PLATFORM="offscreen",
    )
    rendered = sorted(line.partition(":")[0] for line in demo.stdout.splitlines()[:-1])
    assert rendered == BUILTIN_TEMPLATES and len(rendered) == 9
    assert demo.stdout.splitlines()[-1] == "9 templates rendered"
