"""The long fuzz run: ``python -m tests.fuzz --minutes 20``.

Runs each parser's harness (tests/fuzz/test_*.py) with the "long" hypothesis profile, round
after round with a fresh seed, until its share of the time is spent; then prints, per
parser, the cases run, the time and the failures, with the log of every failed round.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARSERS = {
    "csv": "test_csv_import.py",
    "vcard": "test_vcard_import.py",
    "backup": "test_backup_restore.py",
    "template": "test_template_text.py",
    "imap": "test_imap_message.py",
}


_TIMING_NOISE = "Unreliable test timings! On an initial run"


def only_timing_noise(log: str) -> bool:
    """Every failure of the round was a case slow once and fast when hypothesis ran it again
    (a busy machine, a slow fsync of the real SQLite file): no crash, no parser too slow."""
    failed = log.count("\nFAILED ")
    return failed > 0 and log.count(_TIMING_NOISE) >= failed and "Falsifying" not in log


def one_round(test_file: str, stats: Path, examples: int, seed: int, logs: Path) -> Path | None:
    """One pytest run of a parser's harness; the log's path if anything failed."""
    env = {
        **os.environ,
        "AFTERWORD_FUZZ": "long",
        "AFTERWORD_FUZZ_STATS": str(stats),
        "AFTERWORD_FUZZ_EXAMPLES": str(examples),
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--hypothesis-seed={seed}",
        str(HERE / test_file),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return None
    log = logs / f"{test_file.removesuffix('.py')}-seed{seed}.log"
    log.write_text(done.stdout + done.stderr)
    return log


def run(parsers: list[str], minutes: float, examples: int) -> int:
    logs = Path(tempfile.mkdtemp(prefix="afterword-fuzz-"))
    stats, failed_logs = logs / "stats.json", []
    share = minutes * 60 / len(parsers)
    for parser in parsers:
        started = time.monotonic()
        while time.monotonic() - started < share:
            log = one_round(PARSERS[parser], stats, examples, random.randrange(2**32), logs)
            if log is not None and only_timing_noise(log.read_text()):
                print(f"{parser}: only timing noise (slow once, not again), see {log}", flush=True)
            elif log is not None:
                failed_logs.append(log)
                print(f"{parser}: a round failed, see {log}", flush=True)
        print(f"{parser}: done in {time.monotonic() - started:.0f} s", flush=True)
    figures = json.loads(stats.read_text()) if stats.exists() else {}
    print(f"\n{'parser':<10}{'cases':>10}{'seconds':>10}{'failed tests':>14}")
    for parser in parsers:
        entry = figures.get(parser, {"cases": 0, "seconds": 0.0, "failures": 0})
        print(f"{parser:<10}{entry['cases']:>10}{entry['seconds']:>10.0f}{entry['failures']:>14}")
    for log in failed_logs:
        print(f"failed: {log}")
    return 1 if failed_logs else 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--minutes", type=float, default=20, help="in all, shared by parsers")
    parser.add_argument(
        "--parser",
        action="append",
        choices=sorted(PARSERS),
        help="only these (repeatable); all by default",
    )
    parser.add_argument("--examples", type=int, default=2000, help="cases per test per round")
    args = parser.parse_args()
    return run(args.parser or list(PARSERS), args.minutes, args.examples)


if __name__ == "__main__":
    sys.exit(main())
