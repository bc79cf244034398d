"""The Qt binding itself: a long session must not run it out of references to None.

PySide6-Essentials 6.12.0 on Python 3.11 dropped a reference to None on most calls that
return nothing; a window filling 10,000 rows aborted with "deallocating None". The
version is pinned below 6.12 in pyproject.toml; this keeps any version that regresses out.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel, QListWidget
from pytestqt.qtbot import QtBot


def test_many_calls_keep_none_true_and_false_alive(qtbot: QtBot) -> None:
    label, items = QLabel(), QListWidget()
    qtbot.addWidget(label)
    qtbot.addWidget(items)
    before = [sys.getrefcount(x) for x in (None, True, False)]
    for number in range(5000):
        label.setText(str(number))
        label.setEnabled(number % 2 == 0)
    items.addItems([str(n) for n in range(5000)])
    after = [sys.getrefcount(x) for x in (None, True, False)]
    lost = [b - a for b, a in zip(before, after, strict=True)]
    assert all(count < 100 for count in lost), f"references lost (None, True, False): {lost}"
