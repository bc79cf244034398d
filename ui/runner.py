"""Blocking work (SMTP, keyring, big queries) off the GUI thread, results back on it.

``runner.run(work, on_done, on_error)`` runs ``work`` on a thread pool; ``on_done(result)``
or ``on_error(error)`` is called later on the GUI thread. ``work`` may take a
``report`` argument (``progress=True``) to send progress to ``on_progress``, also on the
GUI thread.

The runner owns the error policy: an error a user can cause or fix (``AfterwordError``,
whose message is written for them) goes to ``on_error``; anything else is a bug and is
raised again on the GUI thread, loud, after the caller's clean-up: ``on_end``, which runs
whatever the ending, so a page never stays "busy". A caller that gives no ``on_end`` (not
moved to it yet) gets the bug in ``on_error`` first, to clean up as it always did.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot
from shiboken6 import isValid

from composer.errors import AfterwordError

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[AfterwordError], None]
Ended = Callable[[], None]


class _Relay(QObject):
    """Lives on the GUI thread; signals emitted from the worker arrive there queued."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(object)


class _Task(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.work = work
        self.relay = relay

    @Slot()
    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as error:  # delivered to on_error; a bug there stays loud
            result, signal = error, "failed"
        else:
            signal = "done"
        if isValid(self.relay):  # else its runner was deleted meanwhile: nobody waits
            getattr(self.relay, signal).emit(result)


class Runner(QObject):
    busy_changed = Signal(int)
    sending_done = Signal()  # a task that sends mail ended (its callback has run)
    changed = Signal(object)  # ui.operations.Changes: what a gesture wrote; pages refresh

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._relays: set[_Relay] = set()
        self.sends = 0  # running tasks that send mail: quitting must not cut them short
        _EVERY.add(self)

    @property
    def busy(self) -> int:
        return len(self._relays)

    def run(
        self,
        work: Callable[..., Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        *,
        on_progress: Done | None = None,
        on_end: Ended | None = None,
        sending: bool = False,
    ) -> None:
        relay = _Relay()
        self._relays.add(relay)
        self.sends += sending

        def finish(callback: Callable[[Any], None] | None, value: Any) -> None:
            relay.deleteLater()
            if not isValid(self):  # closed with its page before the work ended: nobody waits
                if isinstance(value, BaseException):
                    log.error("Work ended after its window closed", exc_info=value)
                return
            self._relays.discard(relay)
            self.sends -= sending
            self.busy_changed.emit(self.busy)
            try:
                if on_end is not None:
                    on_end()
                if callback is not None:
                    callback(value)
            finally:
                if sending:
                    self.sending_done.emit()

        relay.done.connect(lambda value: finish(on_done, value))
        relay.failed.connect(lambda error: finish(_policy(on_error, on_end), error))
        if on_progress is not None:
            relay.progress.connect(on_progress)
            task = _Task(lambda: work(relay.progress.emit), relay)
        else:
            task = _Task(work, relay)
        self.busy_changed.emit(self.busy)
        self.pool.start(task)

    def wait(self, msecs: int = -1) -> bool:
        """Waits for running work and delivers its callbacks (for quitting and scripts)."""
        finished = bool(self.pool.waitForDone(msecs))
        QCoreApplication.processEvents()
        return finished and not self._relays


_EVERY: weakref.WeakSet[Runner] = weakref.WeakSet()  # so the records can close last


def wait_for_every_runner() -> None:
    """Every runner's work ended and delivered: then the records it uses may close."""
    for runner in list(_EVERY):
        if isValid(runner):
            runner.wait()


def _policy(on_error: Failed | None, on_end: Ended | None) -> Callable[[BaseException], None]:
    """A user's error to its handler; a bug (or a user's error nobody handles) stays loud."""

    def handle(error: BaseException) -> None:
        if isinstance(error, AfterwordError) and on_error is not None:
            on_error(error)
            return
        if on_end is None and on_error is not None:
            cast("Callable[[BaseException], None]", on_error)(error)  # its clean-up
        raise error

    return handle


class InlineRunner(Runner):
    """Runs work at once, on the calling thread, callbacks included: for unit tests of
    widgets that need no threads (Picard's tests swap in such a pool). Tests that check
    threading keep the real Runner. The same error policy as the real one."""

    def run(
        self,
        work: Callable[..., Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        *,
        on_progress: Done | None = None,
        on_end: Ended | None = None,
        sending: bool = False,
    ) -> None:
        try:
            try:
                result = work(on_progress) if on_progress is not None else work()
            except BaseException as error:
                if on_end is not None:
                    on_end()
                _policy(on_error, on_end)(error)
                return
            if on_end is not None:
                on_end()
            if on_done is not None:
                on_done(result)
        finally:
            if sending:
                self.sending_done.emit()
