"""Start-up and peak memory: each launch a fresh process, the app and the bare window
started the same way (``python -m bench.launcher``), timed from just before the process
is spawned to the paint it reports."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import guard
from composer.paths import DATABASE_NAME

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 180.0


@dataclass(frozen=True)
class Launch:
    seconds: float  # process spawned to first rows painted
    peak_mib: float  # ru_maxrss once every area was opened (the app) or when shown (bare)
    none_dropped: int  # references None lost during start-up (see bench/guard.py)


class LaunchFailed(Exception):
    def __init__(self, kind: str, code: int, stderr: str) -> None:
        super().__init__(f"{kind} exited with {code} before painting: {_cause(stderr)}")
        self.code = code
        self.stderr = stderr


def _cause(stderr: str) -> str:
    """Python's fatal error and the innermost frame it names, else the last lines."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    fatal = [i for i, line in enumerate(lines) if line.startswith("Fatal Python error")]
    if not fatal:
        return " | ".join(lines[-4:])
    frames = [line for line in lines[fatal[0] :] if line.startswith("File ")]
    return " | ".join([lines[fatal[0]], *frames[:1]])


def environment(home: Path, *, guarded: bool) -> dict[str, str]:
    """Offscreen, and a home of its own: nothing of the user's is read or written. Python
    keeps compiled bytecode there, as it does for a user, even where the shell says not to
    (PYTHONDONTWRITEBYTECODE): otherwise every module of the app would be compiled again at
    every start, while the bare window's (PySide's, compiled at install) would not."""
    unwanted = ("AFTERWORD_DATA_DIR", "PYTHONDONTWRITEBYTECODE")
    env = {key: value for key, value in os.environ.items() if key not in unwanted}
    env.update(
        QT_QPA_PLATFORM=env.get("QT_QPA_PLATFORM", "offscreen"),
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        PYTHONPYCACHEPREFIX=str(home / "bytecode"),
    )
    env.pop(guard.ENV, None)
    if guarded:
        env[guard.ENV] = "1"
    return env


def open_on_contacts(data_dir: Path) -> None:
    """The window restores the area it was closed on: the Contacts table, shown at once."""
    settings = data_dir / "config" / "window.ini"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("[General]\narea=2\n", encoding="utf-8")


def launch(kind: str, data_dir: Path, home: Path, *, guarded: bool = True) -> Launch:
    """``kind`` is "app", "bare" or "table" (the yardstick, on the app's database)."""
    if kind == "app":
        open_on_contacts(data_dir)
    target = data_dir / DATABASE_NAME if kind == "table" else data_dir
    command = [sys.executable, "-m", "bench.launcher", kind, str(target)]
    started = time.time()
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=environment(home, guarded=guarded),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    said = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    if "painted" not in said or "maxrss" not in said or done.returncode != 0:
        raise LaunchFailed(kind, done.returncode, done.stderr)
    return Launch(
        seconds=float(said["painted"]) - started,
        peak_mib=int(said["maxrss"]) / 1024,
        none_dropped=int(said.get("none-dropped", "0")),
    )


@dataclass
class Startup:
    app: list[Launch]
    bare: list[Launch]
    table: list[Launch]  # the yardstick: a bare table window over the same records
    unguarded_error: str  # "" if the app also started without the guard


def measure(data_dir: Path, home: Path, runs: int) -> Startup:
    """A launch of each first, uncounted (file caches, bytecode), then side by side."""
    result = Startup([], [], [], "")
    try:
        launch("app", data_dir, home, guarded=False)
    except LaunchFailed as failed:
        result.unguarded_error = str(failed)
    launch("bare", data_dir, home)
    launch("table", data_dir, home)
    for _ in range(runs):
        result.bare.append(launch("bare", data_dir, home))
        result.app.append(launch("app", data_dir, home))
        result.table.append(launch("table", data_dir, home))
    return result
