"""Figures with their targets: the printed table and the JSON file."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    key: str
    label: str
    unit: str
    value: float | None  # the median of the runs; None if it could not be measured
    target: str = ""  # "" for a figure shown only to explain another
    passed: bool | None = None  # None: no target
    runs: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return ""
        return "pass" if self.passed else "falls short"

    def shown(self) -> str:
        if self.value is None:
            return "n/a"
        if self.unit == "x":
            return f"{self.value:.2f}x"
        if self.unit in ("rows", "reads", "yes/no"):
            return f"{self.value:,.0f}" if self.unit != "yes/no" else _yes_no(self.value)
        digits = 0 if abs(self.value) >= 100 else 1 if abs(self.value) >= 10 else 2
        return f"{self.value:,.{digits}f} {self.unit}"


def _yes_no(value: float) -> str:
    return "yes" if value else "no"


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def measured(key: str, label: str, unit: str, runs: Sequence[float], note: str = "") -> Figure:
    """A figure without a target of its own (it explains a ratio or a limit)."""
    return Figure(key, label, unit, median(runs), runs=list(runs), note=note)


def at_most(figure: Figure, limit: float, target: str) -> Figure:
    figure.target = target
    figure.passed = figure.value is not None and figure.value <= limit
    return figure


def at_least(figure: Figure, limit: float, target: str) -> Figure:
    figure.target = target
    figure.passed = figure.value is not None and figure.value >= limit
    return figure


def ratio(key: str, label: str, top: Figure, bottom: Figure) -> Figure:
    value = None
    if top.value is not None and bottom.value:
        value = top.value / bottom.value
    return Figure(key, label, "x", value)


def table(figures: Sequence[Figure]) -> str:
    rows = [("Figure", "Measured", "Target", "Result")]
    rows += [(f.label, f.shown(), f.target, f.verdict) for f in figures]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown(figures: Sequence[Figure]) -> str:
    lines = ["| Figure | Measured | Target | Result |", "|---|---|---|---|"]
    lines += [f"| {f.label} | {f.shown()} | {f.target} | {f.verdict} |" for f in figures]
    return "\n".join(lines)


def write_json(path: Path, figures: Sequence[Figure], meta: dict[str, Any]) -> None:
    data = {
        "meta": meta,
        "figures": {f.key: {**asdict(f), "result": f.verdict} for f in figures},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
