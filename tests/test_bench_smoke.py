"""The benchmark still works: ``python -m bench.run --quick`` on tiny data writes every
figure with its verdict. Not a performance test: on tiny data the figures mean nothing, so
no target is checked here (the full run, ``python -m bench.run``, is in the README)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
TARGETED = {
    "generate_s",
    "startup_unguarded",
    "startup_app_table_ratio",
    "memory_over_bare_mb",
    "search_keystroke_ms",
    "search_ratio",
    "completion_keystroke_ms",
    "sent_first_rows_ms",
    "sent_rows_read",
    "sent_bodies_read",
    "send_ratio",
    "stall_sending_ms",
    "stall_batch_end_ms",
}
EXPLAINING = {
    "startup_ratio",
    "send_sending_per_s",
    "send_whole_ratio",
    "startup_app_s",
    "startup_bare_s",
    "startup_table_s",
    "startup_table_ratio",
    "memory_app_mb",
    "memory_bare_mb",
    "search_bare_ms",
    "search_index_ms",
    "completion_worst_ms",
    "sent_scroll_end_ms",
    "send_app_per_s",
    "send_app_writing_s",
    "send_app_sending_s",
    "send_raw_per_s",
}


def test_quick_run_writes_every_figure_with_its_verdict(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--out", str(out)],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    figures = results["figures"]
    assert set(figures) == TARGETED | EXPLAINING
    for key, figure in figures.items():
        assert figure["value"] is not None, key
        assert figure["label"] in done.stdout, f"{key} is missing from the printed table"
    for key in TARGETED:
        assert figures[key]["target"], key
        assert figures[key]["result"] in ("pass", "falls short"), key
    assert results["meta"]["scale"] == "quick"
    assert_the_targets_of_issue_18(figures)
    assert figures["stall_sending_ms"]["note"] == "20 of 20 sent", "the batch really went out"


def assert_the_targets_of_issue_18(figures: dict[str, dict[str, Any]]) -> None:
    """Start-up judged against the yardstick window, sending against raw smtplib; the
    ratios to the bare window and of the whole path stay printed, with no target."""
    startup = figures["startup_app_table_ratio"]
    assert startup["target"] == "≤ 1.25x"
    assert startup["value"] == pytest.approx(
        figures["startup_app_s"]["value"] / figures["startup_table_s"]["value"]
    )
    sending = figures["send_ratio"]
    assert sending["target"] == "≥ 0.8x"
    assert sending["value"] == pytest.approx(
        figures["send_sending_per_s"]["value"] / figures["send_raw_per_s"]["value"]
    )
    assert figures["send_whole_ratio"]["value"] == pytest.approx(
        figures["send_app_per_s"]["value"] / figures["send_raw_per_s"]["value"]
    )
    for shown in ("startup_ratio", "send_whole_ratio"):
        assert figures[shown]["target"] == "" and figures[shown]["result"] == "", shown


def test_the_readme_shows_the_latest_full_run_and_how_to_run_it() -> None:
    """The figures table is bench/results.json as the benchmark writes it, from a full run;
    the command above it is the one that makes it."""
    from bench.report import Figure, markdown

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    results = json.loads((ROOT / "bench" / "results.json").read_text(encoding="utf-8"))
    assert results["meta"]["scale"] == "full"
    figures = [
        Figure(**{name: value for name, value in figure.items() if name != "result"})
        for figure in results["figures"].values()
    ]
    assert markdown(figures) in readme
    command = readme.split("<!-- bench-command -->", 1)[1].split("```", 2)[1]
    assert "python -m bench.run" in command
