"""Figures taken inside the app's own window (offscreen): search as you type, opening
Outbox & Sent, and the event loop while a batch is sent through the window's runner."""

from __future__ import annotations

import itertools
import re
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication

from composer.afterword import Afterword
from composer.outbox import SendResult
from composer.records import MessageState
from ui.address_fields import MATCHES_SHOWN
from ui.main_window import MainWindow

# A statement that reads a message's text, bytes or files (the list must never need one).
_READS_BODY = re.compile(
    r"SELECT\s+(?P<columns>.*?)\s+FROM\s+(?P<table>message_attachments|messages)\b",
    re.IGNORECASE | re.DOTALL,
)


def settle(seconds: float = 0.05) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.002)


class Paints(QObject):
    """Counts the paints a widget receives."""

    def __init__(self, widget: QObject) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def repainted(view: QAbstractItemView, paints: Paints) -> None:
    """What the event loop does next (layout, paint); a paint is forced if none came."""
    before = paints.count
    QApplication.processEvents()
    if paints.count == before:
        view.viewport().repaint()


# --- search as you type -----------------------------------------------------------------


@dataclass
class Search:
    keystroke_ms: list[float] = field(default_factory=list)
    bare_ms: list[float] = field(default_factory=list)  # the SQL statement, sqlite3 alone
    index_ms: list[float] = field(default_factory=list)  # the app's own search, alone


def bare_contact_ids(db: sqlite3.Connection, text: str) -> list[int]:
    """The search in SQL on the bare stack: the contacts with every word somewhere in their
    name, address, company or title, in the order the list shows them. As the app's for
    the words the benchmark types (ASCII letters): LIKE ignores the case of ASCII only,
    and takes % and _ as wildcards."""
    words = text.split()
    each = "(name LIKE ? OR email LIKE ? OR company LIKE ? OR title LIKE ?)"
    where = " AND ".join([each] * len(words)) or "1"
    params = [f"%{word}%" for word in words for _ in range(4)]
    sql = f"SELECT id FROM contacts WHERE {where} ORDER BY name COLLATE NOCASE, id"
    return [row[0] for row in db.execute(sql, params)]


def search(window: MainWindow, afterword: Afterword, words: Sequence[str], runs: int) -> Search:
    """Each letter typed into the search field, until the table has repainted; then, on
    the same text, the SQL query the search needs run by sqlite3 alone (the bare stack),
    and the app's own search alone (``Store.contact_ids``, an index kept in memory)."""
    page = window.contacts
    view = page.table
    paints = Paints(view.viewport())
    window.show_area(page)
    settle()
    result = Search()
    bare = sqlite3.connect(f"{afterword.paths.database.as_uri()}?mode=ro", uri=True)
    try:
        for _ in range(runs):
            for word in words:
                page.search.clear()
                settle()
                for letter in word:
                    started = time.perf_counter()
                    QTest.keyClicks(page.search, letter)
                    repainted(view, paints)
                    result.keystroke_ms.append((time.perf_counter() - started) * 1000)
                    text = page.search.text()
                    started = time.perf_counter()
                    found = bare_contact_ids(bare, text)
                    result.bare_ms.append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    ids = afterword.store.contact_ids(text)
                    result.index_ms.append((time.perf_counter() - started) * 1000)
                    assert ids == found, "the app's search finds what the SQL query finds"
                    assert page.model.rowCount() == len(ids), "the table shows what it finds"
    finally:
        bare.close()
    page.search.clear()
    settle()
    return result


# --- completion in Compose's To ---------------------------------------------------------


def completion(window: MainWindow, words: Sequence[str], runs: int) -> list[float]:
    """Each letter typed into Compose's To until the popup of matching contacts has
    repainted (or gone, when nothing matches): what a user waits for at every key."""
    page = window.compose
    field = page.to
    paints = Paints(field.popup.viewport())
    window.show_area(page)
    settle(0.3)  # Compose is built on first show: no one types in its first moments
    keystrokes: list[float] = []
    for _ in range(runs):
        for word in words:
            field.clear()
            field.setFocus()
            settle()
            for letter in word:
                started = time.perf_counter()
                QTest.keyClicks(field, letter)
                repainted(field.popup, paints)
                keystrokes.append((time.perf_counter() - started) * 1000)
                found = window.afterword.store.contact_ids(field.text())
                assert field.matches.rowCount() == min(len(found), MATCHES_SHOWN), "as found"
    field.clear()
    field.popup.hide()
    settle()
    return keystrokes


# --- opening Outbox & Sent --------------------------------------------------------------


@dataclass
class Sent:
    first_rows_ms: list[float] = field(default_factory=list)
    scroll_ms: list[float] = field(default_factory=list)
    rows_read: list[float] = field(default_factory=list)  # summaries read, first rows to end
    rows: int = 0
    message_reads: int = 0  # Store.message() calls: each reads a body, raw bytes, files
    body_statements: list[str] = field(default_factory=list)


class Counted:
    """Wraps a method and counts its calls."""

    def __init__(self, method: Callable[..., Any]) -> None:
        self.method = method
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.method(*args, **kwargs)


def reads_body(statement: str) -> bool:
    match = _READS_BODY.search(statement)
    if match is None:
        return False
    columns = match["columns"].lower()
    return match["table"].lower() == "message_attachments" or bool(
        re.search(r"\*|\bbody\b|\braw\b", columns)
    )


SCROLL_STEPS = 20


def sent(window: MainWindow, afterword: Afterword, runs: int, steps: int = SCROLL_STEPS) -> Sent:
    """From another area: Outbox & Sent reloaded and its first rows painted; then the scroll
    bar dragged to the end in ``steps`` moves, each painted. Every statement the store runs
    meanwhile is watched for one that reads a message's body, bytes or files."""
    page = window.sent
    view = page.table
    paints = Paints(view.viewport())
    store = afterword.store
    reads = Counted(store.message)
    statements: list[str] = []
    store.message = reads  # type: ignore[method-assign]
    store._db.set_trace_callback(statements.append)  # the benchmark's view of every query
    result = Sent()
    try:
        for _ in range(runs):
            window.show_area(window.contacts)
            settle()
            started = time.perf_counter()
            page.refresh()
            window.show_area(page)
            repainted(view, paints)
            result.first_rows_ms.append((time.perf_counter() - started) * 1000)
            assert page.model.cached > 0, "the first rows were read to be painted"
            bar = view.verticalScrollBar()
            started = time.perf_counter()
            for step in range(1, steps + 1):
                bar.setValue(bar.maximum() * step // steps)
                repainted(view, paints)
            result.scroll_ms.append((time.perf_counter() - started) * 1000)
            assert bar.value() == bar.maximum()
            result.rows_read.append(page.model.cached)
    finally:
        store._db.set_trace_callback(None)
        del store.message
    result.rows = page.model.rowCount()
    result.message_reads = reads.calls
    result.body_statements = sorted({s for s in statements if reads_body(s)})
    return result


# --- the event loop while a batch is sent ------------------------------------------------


@dataclass
class Stall:
    during_ms: list[float] = field(default_factory=list)  # longest gap while sending
    after_ms: list[float] = field(default_factory=list)  # longest gap as the batch ends
    sent: int = 0


def stall(
    window: MainWindow,
    afterword: Afterword,
    queue_batch: Callable[[], list[int]],
    runs: int,
    tick_ms: int = 5,
) -> Stall:
    """A timer ticks every ``tick_ms`` on the GUI thread while the window's runner sends a
    queued batch, as "Thank each interviewer" does: progress shown per message, and the
    Outbox & Sent list refreshed at the end. The longest gap between ticks is the stall."""
    result = Stall()
    for _ in range(runs):
        ids = queue_batch()  # written and queued first: only the sending is watched
        during, after, results = _watch(window, afterword, ids, tick_ms)
        result.during_ms.append(during)
        result.after_ms.append(after)
        result.sent += sum(r.state is MessageState.SENT for r in results)
    return result


def _watch(
    window: MainWindow, afterword: Afterword, ids: list[int], tick_ms: int
) -> tuple[float, float, list[SendResult]]:
    ticks: list[float] = []
    moments: dict[str, float] = {}
    results: list[SendResult] = []
    errors: list[BaseException] = []
    loop = QEventLoop()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(tick_ms)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    status = window.compose.status

    def progress(result: SendResult) -> None:
        results.append(result)
        status.setText(f"{len(results)} of {len(ids)} sent")

    def done(finished: list[SendResult]) -> None:
        moments["done"] = time.perf_counter()
        window.sent.refresh()  # what a finished send does in the window
        QTimer.singleShot(100, loop.quit)

    def failed(error: BaseException) -> None:
        errors.append(error)
        loop.quit()

    def send() -> None:
        moments["start"] = time.perf_counter()
        window.runner.run(
            lambda report: afterword.send_messages(ids, report),
            done,
            failed,
            on_progress=progress,
        )

    timer.start()
    QTimer.singleShot(50, send)
    QTimer.singleShot(300_000, loop.quit)
    loop.exec()
    timer.stop()
    if errors:
        raise errors[0]
    if "done" not in moments:
        raise TimeoutError("the batch did not finish in 5 minutes")
    start, end = moments["start"], moments["done"]
    during = [t for t in ticks if t <= start][-1:] + [t for t in ticks if start < t < end]
    after = [t for t in ticks if t > end]
    return _longest_gap([*during, end]), _longest_gap([end, *after]), results


def _longest_gap(moments: list[float]) -> float:
    return max((b - a for a, b in itertools.pairwise(moments)), default=0.0) * 1000
