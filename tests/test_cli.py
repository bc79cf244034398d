"""The records from the command line: due, export, backup and restore, run as a user runs
them (``python main.py ...`` in a child process) on a real data dir."""

from __future__ import annotations

import mailbox
from datetime import timedelta
from pathlib import Path

from composer.outbox import Outbox
from composer.paths import Paths
from composer.records import Contact, Interview, Message, Role
from composer.store import Store
from tests.helpers.clock import NOW, server_environment
from tests.test_main import run


def data_dir(paths: Paths) -> str:
    return str(paths.data_dir)


def test_due_prints_what_is_due(paths: Paths, store: Store) -> None:
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    met = store.add_interview(Interview("Acme", "Data Engineer", NOW - timedelta(hours=2)))
    assert ana.id is not None and met.id is not None
    store.set_participants(met.id, [(ana.id, Role.INTERVIEWER)])
    on_the_tests_day = server_environment()  # the command reads its clock: libfaketime sets it
    result = run("--data-dir", data_dir(paths), "due", **on_the_tests_day)
    assert result.returncode == 0, result.stderr
    assert "Thank your interviewers: Data Engineer at Acme" in result.stdout
    assert "within a day" in result.stdout


def test_due_with_nothing_due_says_what_to_do_first_and_no_praise(paths: Paths) -> None:
    result = run("--data-dir", data_dir(paths), "due")
    assert result.returncode == 0 and "setting up the email account" in result.stdout
    assert "Well done" not in result.stdout, "a first run with nothing done earns no praise"


def send_two(outbox: Outbox, records: dict[str, object]) -> list[int]:
    ids = []
    for subject in ("Thank you, Ana", "From the interview: a link"):
        queued = outbox.queue(
            Message(subject, "From our talk:\nthe link I promised.\nZoë", ["ana@acme.example"])
        )
        assert queued.id is not None
        ids.append(queued.id)
    outbox.send(ids)
    return ids


def test_export_mbox_gives_back_the_bytes_sent(
    paths: Paths, store: Store, outbox: Outbox, records: dict[str, object], tmp_path: Path
) -> None:
    ids = send_two(outbox, records)
    target = tmp_path / "sent.mbox"
    result = run("--data-dir", data_dir(paths), "export", "--mbox", str(target))
    assert result.returncode == 0, result.stderr
    assert "2" in result.stdout
    box = mailbox.mbox(target)
    assert sorted(box.get_bytes(key) for key in box.iterkeys()) == sorted(
        store.message(i).raw or b"" for i in ids
    )


def test_export_without_a_target_says_how(paths: Paths) -> None:
    result = run("--data-dir", data_dir(paths), "export")
    assert result.returncode == 2 and "--mbox FILE" in result.stderr


def test_backup_then_restore_into_an_empty_data_dir(
    paths: Paths, store: Store, outbox: Outbox, records: dict[str, object], tmp_path: Path
) -> None:
    ids = send_two(outbox, records)
    archive = tmp_path / "week.zip"
    result = run("--data-dir", data_dir(paths), "backup", str(archive))
    assert result.returncode == 0, result.stderr
    elsewhere = tmp_path / "new machine"
    result = run("--data-dir", str(elsewhere), "restore", str(archive))
    assert result.returncode == 0, result.stderr
    with Store(elsewhere / "afterword.sqlite3") as restored:
        assert [c.name for c in restored.contacts()] == [c.name for c in store.contacts()]
        assert [restored.message(i).raw for i in ids] == [store.message(i).raw for i in ids]

    again = run("--data-dir", str(elsewhere), "restore", str(archive))
    assert again.returncode == 1 and "--replace" in again.stderr, "never over records unasked"


def test_a_truncated_backup_is_refused_from_the_command_line(
    paths: Paths, store: Store, tmp_path: Path
) -> None:
    store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    archive = tmp_path / "week.zip"
    assert run("--data-dir", data_dir(paths), "backup", str(archive)).returncode == 0
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    elsewhere = tmp_path / "new machine"
    result = run("--data-dir", str(elsewhere), "restore", str(archive))
    assert result.returncode == 1 and result.stderr.strip()
    assert "Traceback" not in result.stderr


def test_a_data_dir_that_is_a_file_is_told_without_a_traceback(tmp_path: Path) -> None:
    in_the_way = tmp_path / "records"
    in_the_way.write_text("not a folder")
    result = run("--data-dir", str(in_the_way), "due")
    assert result.returncode == 1 and "Choose another folder with --data-dir" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_damaged_data_file_is_kept_aside_and_the_backup_restored(
    paths: Paths, store: Store, tmp_path: Path
) -> None:
    """The message about a damaged file says "restore it from a backup": that must work."""
    store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    archive = tmp_path / "week.zip"
    assert run("--data-dir", data_dir(paths), "backup", str(archive)).returncode == 0
    store.close()
    for sibling in ("-wal", "-shm"):
        Path(f"{paths.database}{sibling}").unlink(missing_ok=True)
    paths.database.write_bytes(b"not a database at all " * 200)

    result = run("--data-dir", data_dir(paths), "restore", str(archive))

    assert result.returncode == 0, result.stderr
    assert "could not be read; it was kept as" in result.stdout
    with Store(paths.database) as restored:
        assert [c.name for c in restored.contacts()] == ["Ana Lima"]
    kept = [p for p in paths.data_dir.iterdir() if p.name.startswith("afterword.sqlite3.")]
    assert [p.read_bytes() for p in kept if p.stat().st_size] == [b"not a database at all " * 200]
