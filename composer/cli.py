"""The command line's records commands: for users who script their week.

``python main.py due``, ``send-due``, ``export --mbox FILE`` (or ``--eml DIR``, ``--csv FILE``),
``backup FILE`` and ``restore FILE``. No window, no Qt: each prints what it did, or a
clear message and a non-zero exit status.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from composer.clock import Clock
from composer.errors import AfterwordError, DatabaseDamaged, WouldReplace
from composer.paths import Paths

if TYPE_CHECKING:  # the records are opened only once a command runs: --help stays instant
    from composer.afterword import Afterword
    from composer.due import DueItem


def add_commands(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("due", help="print the follow-ups that are due today")
    send_due = commands.add_parser(
        "send-due",
        help="send the scheduled messages whose time has come (for a system timer)",
    )
    send_due.add_argument(  # also after the command, as a timer's unit file reads best
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    export = commands.add_parser("export", help="export sent messages")
    export.add_argument("--mbox", metavar="FILE", type=Path, help="as one mbox file")
    export.add_argument("--eml", metavar="DIR", type=Path, help="as .eml files in DIR")
    export.add_argument("--csv", metavar="FILE", type=Path, help="a summary as CSV")
    backup = commands.add_parser("backup", help="back up all records and templates to FILE")
    backup.add_argument("file", metavar="FILE", type=Path)
    restore = commands.add_parser("restore", help="restore a backup made with 'backup'")
    restore.add_argument("file", metavar="FILE", type=Path)
    restore.add_argument(
        "--replace",
        action="store_true",
        help="replace the records that are there (a safety copy is kept first)",
    )
    commands.add_parser(
        "tone-check-report",
        help="print the tone check's precision and recall on its labelled sentences",
    )


def run_command(
    args: argparse.Namespace, paths: Paths, out: TextIO, err: TextIO, clock: Clock
) -> int:
    try:
        if args.command == "due":
            return _due(paths, out, clock)
        if args.command == "send-due":
            from composer.send_due import send_due

            return send_due(paths, out, err, clock)
        if args.command == "export":
            return _export(args, paths, out, err)
        if args.command == "tone-check-report":
            from composer.tone_report import print_report

            return print_report(out)
        if args.command == "backup":
            return _with_afterword(paths, lambda a: _backup(a, args.file, out))
        return _with_afterword(
            paths, lambda a: _restore(a, args.file, args.replace, out), damaged=out
        )
    except WouldReplace as error:
        print(f"{error}\nRun again with --replace to go ahead.", file=err)
    except AfterwordError as error:
        print(error, file=err)
    return 1


def _due(paths: Paths, out: TextIO, clock: Clock) -> int:
    from composer.dates import chosen_locale
    from composer.due import due_items
    from composer.store import Store
    from composer.today import standing
    from composer.weekly_goal import week_progress

    paths.ensure()
    now = clock()
    with Store(paths.database, clock=clock) as store:
        items = due_items(store, now)
        date_locale = chosen_locale(store)
        quiet = standing(store).words()  # praise only when true, as on Today
        week = week_progress(store, now)  # as on Today, when a goal is set
    if not items:
        print(quiet, file=out)
    for item in items:
        print(_due_line(item, date_locale), file=out)
    if week is not None:
        print(f"\n{week.words()}", file=out)
    return 0


def _due_line(item: DueItem, date_locale: str) -> str:
    from composer.dates import medium_date

    when = medium_date(item.due_at, date_locale)  # as Settings › Dates shows it
    return f"{when}  {item.title}\n    {item.detail}"


def _export(args: argparse.Namespace, paths: Paths, out: TextIO, err: TextIO) -> int:
    from composer.sent_export import export_eml, export_mbox, export_sent_csv
    from composer.store import Store

    chosen = [(args.mbox, export_mbox), (args.eml, export_eml), (args.csv, export_sent_csv)]
    chosen = [(target, export) for target, export in chosen if target is not None]
    if not chosen:
        print("Say where to: --mbox FILE, --eml DIR or --csv FILE.", file=err)
        return 2
    paths.ensure()
    with Store(paths.database) as store:
        ids = store.message_list_ids()
        for target, export in chosen:
            print(export(store, ids, target).summary(), file=out)
    return 0


def _with_afterword(
    paths: Paths, work: Callable[[Afterword], int], *, damaged: TextIO | None = None
) -> int:
    """Backup and restore hold the data dir: not while Afterword is open on it. With
    ``damaged`` (a restore, the way out its message offers), a data file that cannot be
    read is moved aside first, nothing in it deleted, and where it went is said there."""
    from composer.afterword import Afterword

    try:
        afterword = Afterword.open(paths)
    except DatabaseDamaged:
        if damaged is None:
            raise
        kept = Afterword.set_aside_database(paths)
        print(f"The data file could not be read; it was kept as {kept}.", file=damaged)
        afterword = Afterword.open(paths)
    try:
        return work(afterword)
    finally:
        afterword.close()


def _backup(afterword: Afterword, target: Path, out: TextIO) -> int:
    from composer.backup import backup

    print(backup(afterword, target).describe(), file=out)
    return 0


def _restore(afterword: Afterword, source: Path, replace: bool, out: TextIO) -> int:
    from composer.restore import restore

    print(restore(afterword, source, replace=replace).describe(), file=out)
    return 0
