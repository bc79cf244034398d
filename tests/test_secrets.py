"""After every other test: the password is in no file, log or message they left behind.

Every test ran with its data and config dirs under pytest's base temp dir; this scans all
of it (database, write-ahead log, settings, templates), and every log record of the run.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.conftest import LogRecords
from tests.helpers.smtp_server import PASSWORD, USER

NEEDLES = [
    PASSWORD.encode(),
    PASSWORD.encode("utf-16-le"),
    base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()),  # AUTH PLAIN
    base64.b64encode(PASSWORD.encode()),  # AUTH LOGIN
]


def written_by_the_app(root: Path) -> list[Path]:
    """Files the app wrote; not the keyring daemon's own store, nor test scripts."""
    return [
        path
        for path in root.rglob("*")
        if path.is_file()
        and "keyring" not in path.parts[-4:-1]
        and path.suffix != ".py"
        and not any(part.startswith("keyring") for part in path.relative_to(root).parts)
    ]


@pytest.mark.after_all
def test_no_file_left_by_the_suite_holds_the_password(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    root = tmp_path_factory.getbasetemp()
    files = written_by_the_app(root)
    databases = [p for p in files if p.name.startswith("afterword.sqlite3")]
    assert databases, "the scan must see the suite's data files"
    hits = [str(p) for p in files if any(n in p.read_bytes() for n in NEEDLES)]
    assert hits == []


@pytest.mark.after_all
def test_no_log_record_holds_the_password_or_an_auth_line() -> None:
    app_records = [r for r in LogRecords.records if not r.startswith("mail.log")]
    assert not [r for r in app_records if PASSWORD in r or "AUTH " in r.upper()]
    assert not [r for r in LogRecords.records if any(n.decode("latin-1") in r for n in NEEDLES[2:])]
