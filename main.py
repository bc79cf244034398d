"""Afterword: follow up graciously after interviews.

``python main.py`` opens the app; ``--data-dir DIR`` keeps everything in DIR.
``python main.py due``, ``export --mbox FILE``, ``backup FILE`` and ``restore FILE`` work
on the same records without a window.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from composer import APP_NAME, __version__
from composer.paths import DATA_DIR_ENV


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="afterword",
        description=f"{APP_NAME}: thank, follow up and keep records after job interviews.",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"keep the database and settings in DIR (default: ${DATA_DIR_ENV}, "
        "else your user data folder)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="try Afterword on sample records; messages go to a local capture server",
    )
    parser.add_argument(
        "--render-templates-and-quit",
        action="store_true",
        help="with --demo: open the demo's window, render every template, print their "
        "subjects and quit (checks an install)",
    )
    launcher = parser.add_mutually_exclusive_group()
    launcher.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add Afterword to your desktop's applications menu (for you only)",
    )
    launcher.add_argument(
        "--remove-desktop-entry",
        action="store_true",
        help="take Afterword out of your applications menu again",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    from composer.cli import add_commands

    add_commands(parser)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.install_desktop_entry or args.remove_desktop_entry:
        return desktop_entry(install=args.install_desktop_entry)
    from composer.paths import resolve  # after argparse: --help and --version stay instant

    if args.command:
        from composer.cli import run_command
        from composer.clock import utc_now

        return run_command(args, resolve(args.data_dir), sys.stdout, sys.stderr, utc_now)
    from ui.app import run, run_demo

    if args.demo and args.render_templates_and_quit:
        from ui.app import render_templates_and_quit

        return render_templates_and_quit(sys.argv[:1], sys.stdout)
    if args.demo:
        return run_demo(sys.argv[:1])
    return run(resolve(args.data_dir), sys.argv[:1])


def desktop_entry(*, install: bool) -> int:
    """Adds or removes the launcher, saying what was done or what to do."""
    from composer import desktop_entry as launcher
    from composer.errors import LauncherProblem

    if not install:
        removed = launcher.remove()
        print(
            f"Removed {len(removed)} files of the launcher."
            if removed
            else "No launcher was installed."
        )
        return 0
    try:
        written = launcher.install()
    except LauncherProblem as problem:
        print(problem, file=sys.stderr)
        return 1
    print(f"Afterword is in your applications menu ({written[0]}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
