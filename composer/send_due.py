"""``python main.py send-due``: the scheduled messages whose time has come, sent without a
window, for a system timer that runs every few minutes (README: a systemd user timer).

It opens the records on a connection of its own, without the window's instance lock: it
may run while Afterword is open, or twice at once, and each message still goes once (it
is released to one sender alone). A message more than ``OVERDUE_AFTER`` late is left for
the user (Afterword offers it at start-up) and named here; that is not a failure.
"""

from __future__ import annotations

from typing import TextIO

from composer.clock import Clock
from composer.dates import chosen_locale, medium_date
from composer.outbox import DueSends, Outbox
from composer.paths import Paths
from composer.records import MessageState
from composer.schedule import OVERDUE_AFTER
from composer.store import Store


def send_due(paths: Paths, out: TextIO, err: TextIO, clock: Clock) -> int:
    """Prints what went and what did not; 1 when a message due now failed to go."""
    from composer.credentials import Credentials

    paths.ensure()
    with Store(paths.database, clock=clock) as store:
        done = Outbox(store, Credentials(), clock=clock).send_due(clock())
        _report(store, done, out, err)
    failed = [r for r in done.results if r.state is not MessageState.SENT]
    return 1 if failed else 0


def _report(store: Store, done: DueSends, out: TextIO, err: TextIO) -> None:
    for result in done.results:
        subject = store.message(result.message_id).subject
        if result.state is MessageState.SENT:
            print(f"Sent: {subject} (the server said: {result.detail})", file=out)
        else:
            print(f"Not sent: {subject}: {result.detail}", file=err)
    date_locale = chosen_locale(store)
    hours = int(OVERDUE_AFTER.total_seconds() // 3600)
    for late in done.overdue:
        when = medium_date(late.scheduled_at, date_locale)
        print(
            f"Left for you: {late.subject} (to {late.to}) was to go on {when}, more than "
            f"{hours} hours ago. Open Afterword to send it now, reschedule it or keep it "
            "as a draft.",
            file=out,
        )
    if not done.results and not done.overdue:
        print("Nothing is due to be sent.", file=out)
