"""Backup and restore: one zip with everything, and back; nothing replaced unasked, and a
damaged or foreign file refused with nothing changed."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from composer.account import Security, SmtpAccount
from composer.afterword import Afterword
from composer.backup import MANIFEST, backup, default_backup_name, safety_folder
from composer.errors import AfterwordError, BackupRefused, FileProblem, WouldReplace
from composer.paths import DATABASE_NAME, Paths, resolve
from composer.records import (
    Attachment,
    Contact,
    Interview,
    InterviewStatus,
    Message,
    MessageState,
    Profile,
    Role,
)
from composer.restore import restore
from composer.store import MIGRATIONS, SCHEMA_VERSION
from tests.helpers.files import mode

OpenAfterword = Callable[[str], Afterword]
CV = b"%PDF-1.4\n% not really a CV\n\x00\x01\x02\xff"
RAW = b"From: zoe@example.org\r\nTo: ana@acme.example\r\nSubject: Thanks\r\n\r\nThank you!\r\n"


# --- fixtures and helpers -----------------------------------------------------------------


@pytest.fixture
def open_afterword(tmp_path: Path) -> Iterator[OpenAfterword]:
    """Afterwords on data dirs of their own, closed at the end."""
    opened: list[Afterword] = []

    def open_(name: str) -> Afterword:
        afterword = Afterword.open(resolve(tmp_path / name), keyring_backend=object())
        opened.append(afterword)
        return afterword

    yield open_
    for afterword in opened:
        afterword.close()


@pytest.fixture
def afterword(paths: Paths) -> Iterator[Afterword]:
    opened = Afterword.open(paths, keyring_backend=object())
    yield opened
    opened.close()


@pytest.fixture
def filled(open_afterword: OpenAfterword, tmp_path: Path) -> Afterword:
    """Someone's whole Afterword: profile, account, people, an interview, a message sent
    with an attachment, a draft, a template of their own with a default attachment."""
    afterword = open_afterword("filled")
    store = afterword.store
    store.save_profile(Profile("Zoë Müller", "zoe@example.org", signature="Zoë"))
    afterword.outbox.save_account(
        SmtpAccount("smtp.example.org", 587, Security.STARTTLS, "zoe", "zoe@example.org")
    )
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme", "Engineering Lead"))
    hr = store.add_contact(Contact("Harriet Ross", "hr@acme.example", "Acme", check_in_days=30))
    interview = store.add_interview(
        Interview(
            "Acme GmbH",
            "Data Engineer",
            scheduled_at=datetime(2026, 11, 3, 14, 30, tzinfo=UTC),
            status=InterviewStatus.DONE,
        )
    )
    assert ana.id and hr.id and interview.id
    store.set_participants(interview.id, [(ana.id, Role.INTERVIEWER), (hr.id, Role.HR)])
    sent_message(afterword, ana.id, interview.id)
    store.save_message(Message("Draft", "Not yet", ["hr@acme.example"], contact_id=hr.id))
    template = afterword.templates.new_template("My thanks")
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(CV)
    afterword.templates.add_default_attachment(template.id, cv)
    return afterword


def sent_message(afterword: Afterword, contact_id: int, interview_id: int) -> int:
    store = afterword.store
    message = store.save_message(
        Message(
            "Thanks",
            "Thank you!",
            ["ana@acme.example"],
            contact_id=contact_id,
            interview_id=interview_id,
            template_id="thank_you",
            state=MessageState.QUEUED,
            attachments=[Attachment("notes.txt", "text/plain", b"my notes \x00\xff")],
        )
    )
    assert message.id is not None
    assert store.claim_for_sending(message.id)
    store.record_outgoing(message.id, "<1@example.org>", RAW)
    store.mark_sent(message.id, "250 OK")
    return message.id


def everything(afterword: Afterword) -> dict[str, Any]:
    """All a user could look at, attachments' bytes included."""
    store, library = afterword.store, afterword.templates
    mine = [t for t in library.templates() if not t.builtin]
    return {
        "profile": store.profile(),
        "account": afterword.outbox.account(),
        "contacts": store.contacts(),
        "interviews": [(i, store.participants(i.id or 0)) for i in store.interviews()],
        "messages": [store.message(i) for i in store.message_ids()],
        "templates": [(t.id, t.title, t.source) for t in mine],
        "defaults": {t.id: library.default_attachments(t.id) for t in mine},
    }


def files_in(folder: Path) -> dict[str, bytes | None]:
    """Every file's bytes (and every folder) under ``folder``."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() if path.is_file() else None
        for path in sorted(folder.rglob("*"))
    }


def repack(
    source: Path,
    target: Path,
    *,
    members: dict[str, bytes] | None = None,
    manifest: dict[str, Any] | None = None,
    rehash: bool = True,
) -> Path:
    """A copy of a backup with some members changed; ``rehash`` keeps its list in step."""
    with zipfile.ZipFile(source) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    listed = json.loads(contents.pop(MANIFEST))
    contents.update(members or {})
    if rehash:
        listed["files"] = [
            {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in contents.items()
        ]
    listed.update(manifest or {})
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
        archive.writestr(MANIFEST, json.dumps(listed))
    return target


def database_bytes(zip_path: Path) -> bytes:
    with zipfile.ZipFile(zip_path) as archive:
        return archive.read(DATABASE_NAME)


@pytest.fixture
def saved(filled: Afterword, tmp_path: Path) -> Path:
    return backup(filled, tmp_path / "afterword-backup.zip").path


@pytest.fixture
def existing(afterword: Afterword) -> Afterword:
    """A data dir with records of its own, which a refused restore must leave alone."""
    afterword.store.add_contact(Contact("Someone Already Here", "here@example.org"))
    afterword.templates.new_template("Already mine")
    return afterword


def refused(afterword: Afterword, zip_path: Path, match: str) -> None:
    """Refused even when replacing is allowed, and not one byte of the data dir changed."""
    before = files_in(afterword.paths.data_dir)
    with pytest.raises(BackupRefused, match=match) as refusal:
        restore(afterword, zip_path, replace=True)
    assert "Nothing was changed" in str(refusal.value)
    assert files_in(afterword.paths.data_dir) == before
    assert [c.name for c in afterword.store.contacts()] == ["Someone Already Here"]


# --- backing up -------------------------------------------------------------------------


def test_backup_then_restore_into_an_empty_data_dir_gives_the_same_data(
    filled: Afterword, saved: Path, open_afterword: OpenAfterword
) -> None:
    fresh = open_afterword("new-computer")
    summary = restore(fresh, saved)

    assert everything(fresh) == everything(filled)
    restored = everything(fresh)
    assert restored["messages"][0].raw == RAW
    assert restored["messages"][0].attachments[0].data == b"my notes \x00\xff"
    assert [a.data for a in restored["defaults"]["my_thanks"]] == [CV]
    assert [p.role for _, people in restored["interviews"] for p in people] == [
        Role.INTERVIEWER,
        Role.HR,
    ]
    contents = summary.contents
    assert (contents.contacts, contents.interviews, contents.messages) == (2, 1, 2)
    assert contents.templates == 1
    assert summary.safety_backup is None and not safety_folder(fresh.paths).exists()


def test_the_words_added_to_the_spelling_dictionary_come_back(
    filled: Afterword, open_afterword: OpenAfterword, tmp_path: Path
) -> None:
    filled.paths.dictionary.write_text("Pinpointly\nKafkaesque\n", encoding="utf-8")
    target = backup(filled, tmp_path / "with-words.zip").path
    fresh = open_afterword("new-computer")

    restore(fresh, target)

    assert fresh.paths.dictionary.read_text(encoding="utf-8") == "Pinpointly\nKafkaesque\n"


def test_backup_summary_and_manifest_list_every_file(filled: Afterword, tmp_path: Path) -> None:
    summary = backup(filled, tmp_path / "b.zip")

    assert summary.size == (tmp_path / "b.zip").stat().st_size > 0
    assert (summary.contents.contacts, summary.contents.interviews) == (2, 1)
    assert (summary.contents.messages, summary.contents.templates) == (2, 1)
    assert "2 contacts, 1 interview, 2 messages, 1 template of your own" in summary.describe()
    with zipfile.ZipFile(summary.path) as archive:
        listed = json.loads(archive.read(MANIFEST))
        for entry in listed["files"]:
            data = archive.read(entry["path"])
            assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["size"], entry["sha256"])
    assert listed["format"] == "afterword-backup" and listed["schema_version"] == SCHEMA_VERSION
    paths = {entry["path"] for entry in listed["files"]}
    assert paths == {DATABASE_NAME, "templates/my_thanks.j2", "templates/my_thanks.files/cv.pdf"}


@pytest.mark.usefixtures("usual_umask")
def test_a_backup_and_a_safety_backup_are_the_users_alone(
    filled: Afterword, existing: Afterword, tmp_path: Path
) -> None:
    saved = backup(filled, tmp_path / "afterword-backup.zip").path
    assert mode(saved) == 0o600

    safety = restore(existing, saved, replace=True).safety_backup
    assert safety is not None
    assert (mode(safety), mode(safety.parent)) == (0o600, 0o700)


@pytest.mark.usefixtures("usual_umask")
def test_what_a_restore_puts_back_is_the_users_alone(
    filled: Afterword, open_afterword: OpenAfterword, tmp_path: Path
) -> None:
    filled.paths.dictionary.write_text("Kafkaesque\n", encoding="utf-8")
    saved = backup(filled, tmp_path / "afterword-backup.zip").path
    fresh = open_afterword("new-computer")

    restore(fresh, saved)

    templates = fresh.paths.config_dir / "templates"
    put_back = [fresh.paths.dictionary, *(p for p in templates.rglob("*") if p.is_file())]
    assert len(put_back) == 3
    assert {p.name: mode(p) for p in put_back} == dict.fromkeys((p.name for p in put_back), 0o600)
    assert {mode(p) for p in [templates, *templates.rglob("*")] if p.is_dir()} == {0o700}


def test_a_backup_is_named_for_its_day() -> None:
    assert default_backup_name(date(2026, 3, 1)) == "afterword-backup-2026-03-01.zip"


def test_the_database_in_a_backup_is_one_whole_file(saved: Path, tmp_path: Path) -> None:
    """A snapshot, not the live file: no journal needed to read it, every record in it."""
    copy = tmp_path / "alone.sqlite3"
    copy.write_bytes(database_bytes(saved))
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT count(*) FROM contacts").fetchone()[0] == 2
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    db.close()


def test_an_interrupted_backup_leaves_the_old_file_and_no_half_one(
    filled: Afterword, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "kept" / "afterword-backup.zip"
    target.parent.mkdir()
    target.write_bytes(b"last week's backup")
    real_write = zipfile.ZipFile.writestr

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", disk_full)  # the manifest, written last
    with pytest.raises(AfterwordError, match="The disk where the backup goes is full"):
        backup(filled, target)
    monkeypatch.setattr(zipfile.ZipFile, "writestr", real_write)

    assert target.read_bytes() == b"last week's backup"
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def fill_the_disk_under_backups(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on SQLite finds the disk full as it writes a backup's database: the very
    error (SQLITE_FULL) a full disk gives, without filling one."""
    real_connect = sqlite3.connect

    def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        db: sqlite3.Connection = real_connect(database, *args, **kwargs)
        if isinstance(database, Path) and database.parent.name.startswith(".afterword-backup-"):
            db.execute("PRAGMA max_page_count = 1")
        return db

    monkeypatch.setattr(sqlite3, "connect", connect)


def test_a_full_disk_is_told_as_full_and_nothing_is_written(
    filled: Afterword, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "usb-stick" / "afterword-backup.zip"
    target.parent.mkdir()
    fill_the_disk_under_backups(monkeypatch)

    with pytest.raises(FileProblem) as told:
        backup(filled, target)
    assert "The disk where the backup goes is full" in str(told.value)
    assert "Free some space on it, or choose another folder" in str(told.value)
    assert list(target.parent.iterdir()) == []


@pytest.mark.parametrize("name", ["CV 2026-11-03 10:30.pdf", "CV\\2026.pdf", "a:b\\c.pdf"])
def test_an_attachment_named_with_a_colon_or_backslash_comes_back(
    open_afterword: OpenAfterword, tmp_path: Path, name: str
) -> None:
    """Ordinary names on Linux, and macOS shows a "/" typed in Finder as ":"."""
    mine = open_afterword("old-laptop")
    template = mine.templates.new_template("My thanks")
    cv = tmp_path / name
    cv.write_bytes(CV)
    mine.templates.add_default_attachment(template.id, cv)
    saved = backup(mine, tmp_path / "b.zip").path

    fresh = open_afterword("new-laptop")
    restore(fresh, saved)
    [restored] = fresh.templates.default_attachments("my_thanks")
    assert (restored.filename, restored.data) == (name, CV)


@pytest.mark.parametrize("name", [b"..\\cv.pdf", b"CV-Ren\xe9.pdf"])
def test_a_file_a_backup_cannot_hold_is_named_and_nothing_is_written(
    afterword: Afterword, tmp_path: Path, name: bytes
) -> None:
    """A ".." between backslashes would leave the folder on Windows; Latin-1 bytes are not
    a name a zip can hold. Either way restore would refuse the zip, so backup says so first."""
    afterword.templates.new_template("My thanks")
    files = afterword.paths.config_dir / "templates" / "my_thanks.files"
    files.mkdir()
    with open(os.fsencode(files) + b"/" + name, "wb") as attachment:
        attachment.write(CV)
    target = tmp_path / "out" / "b.zip"
    target.parent.mkdir()

    with pytest.raises(FileProblem, match=r"my_thanks\.files/.*\.pdf has a name .* Rename it"):
        backup(afterword, target)
    assert list(target.parent.iterdir()) == []


# --- refusing what cannot be restored -----------------------------------------------------


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_a_truncated_backup_is_refused_and_changes_nothing(
    existing: Afterword, saved: Path, tmp_path: Path, fraction: float
) -> None:
    data = saved.read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: int(len(data) * fraction)])
    refused(existing, cut, "damaged or incomplete")


def test_a_backup_with_a_damaged_byte_is_refused(
    existing: Afterword, saved: Path, tmp_path: Path
) -> None:
    data = bytearray(saved.read_bytes())
    with zipfile.ZipFile(saved) as archive:
        info = archive.getinfo(DATABASE_NAME)
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    refused(existing, damaged, "damaged or incomplete")


def test_a_zip_that_is_not_a_backup_is_refused(existing: Afterword, tmp_path: Path) -> None:
    foreign = tmp_path / "holiday-photos.zip"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("photo-001.jpg", b"\xff\xd8\xff not really a photo")
        archive.writestr("notes/readme.txt", "hello")
    refused(existing, foreign, "is not an Afterword backup")


def test_a_file_that_is_not_a_zip_is_refused(existing: Afterword, tmp_path: Path) -> None:
    text = tmp_path / "letter.zip"
    text.write_text("Dear Ana, thank you for your time.\n" * 50)
    refused(existing, text, "damaged or incomplete")


def test_a_manifest_of_another_kind_is_refused(
    existing: Afterword, saved: Path, tmp_path: Path
) -> None:
    other = repack(saved, tmp_path / "other.zip", manifest={"format": "someone-elses-backup"})
    refused(existing, other, "is not an Afterword backup")


def test_a_tampered_file_is_refused(existing: Afterword, saved: Path, tmp_path: Path) -> None:
    """The zip's own CRC is right (it was rewritten), but the manifest's SHA-256 is not."""
    tampered = repack(
        saved,
        tmp_path / "tampered.zip",
        members={"templates/my_thanks.files/cv.pdf": CV.replace(b"CV", b"XX")},
        rehash=False,
    )
    refused(existing, tampered, "does not match its checksum")


def test_a_file_not_in_the_list_is_refused(
    existing: Afterword, saved: Path, tmp_path: Path
) -> None:
    extra = repack(saved, tmp_path / "extra.zip", rehash=False, members={"templates/x.j2": b"x"})
    refused(existing, extra, "do not match its list")


@pytest.mark.parametrize(
    "name",
    [
        "../evil.j2",
        "templates/../../evil.j2",
        "/tmp/evil.j2",
        "C:/evil.j2",
        "C:evil.j2",
        "//server/share/evil.j2",
        "..\\evil.j2",
        "templates\\..\\..\\evil.j2",
        "\\evil.j2",
    ],
)
def test_a_file_that_would_land_outside_is_refused(
    existing: Afterword, saved: Path, tmp_path: Path, name: str
) -> None:
    unsafe = repack(saved, tmp_path / "unsafe.zip", members={name: b"{% block x %}{% endblock %}"})
    refused(existing, unsafe, "outside Afterword's folders")
    assert not list(tmp_path.parent.rglob("evil.j2"))


@pytest.mark.parametrize("where", ["manifest", "database"])
def test_a_backup_from_a_newer_version_is_refused(
    existing: Afterword, saved: Path, tmp_path: Path, where: str
) -> None:
    if where == "manifest":
        newer = repack(saved, tmp_path / "n.zip", manifest={"schema_version": SCHEMA_VERSION + 1})
    else:
        database = tmp_path / "newer.sqlite3"
        database.write_bytes(database_bytes(saved))
        with sqlite3.connect(database) as db:
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        db.close()
        members = {DATABASE_NAME: database.read_bytes()}
        newer = repack(saved, tmp_path / "n.zip", members=members)
    refused(existing, newer, "n.zip was made by a newer version of Afterword")


def garbage_page(database: Path) -> None:
    data = bytearray(database.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    data[2 * page : 3 * page] = bytes(range(256)) * (page // 256)
    database.write_bytes(bytes(data))


def index_out_of_step(database: Path) -> None:
    """Readable, every query answers, yet the index no longer matches its table."""
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA writable_schema = ON")
        db.execute(
            "UPDATE sqlite_master SET sql = 'CREATE INDEX messages_by_state ON messages(subject)'"
            " WHERE name = 'messages_by_state'"
        )
    db.close()


@pytest.mark.parametrize("damage", [garbage_page, index_out_of_step])
def test_a_backup_whose_database_is_damaged_is_refused(
    existing: Afterword, saved: Path, tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    """Right checksums over wrong bytes (damaged before it was backed up): SQLite finds it."""
    database = tmp_path / "damaged.sqlite3"
    database.write_bytes(database_bytes(saved))
    damage(database)
    members = {DATABASE_NAME: database.read_bytes()}
    refused(existing, repack(saved, tmp_path / "bad-db.zip", members=members), "its database")


def test_a_backup_with_another_page_size_is_restored(
    existing: Afterword, saved: Path, tmp_path: Path
) -> None:
    """Another SQLite may have written it with other pages; the live file is in WAL mode,
    which only takes a copy with its own page size."""
    database = tmp_path / "small-pages.sqlite3"
    database.write_bytes(database_bytes(saved))
    db = sqlite3.connect(database, isolation_level=None)
    db.execute("PRAGMA page_size = 1024")
    db.execute("VACUUM")
    assert db.execute("PRAGMA page_size").fetchone()[0] == 1024
    db.close()
    members = {DATABASE_NAME: database.read_bytes()}
    restore(existing, repack(saved, tmp_path / "small.zip", members=members), replace=True)
    assert {c.name for c in existing.store.contacts()} == {"Ana Lima", "Harriet Ross"}


# --- replacing what is there ------------------------------------------------------------


def test_restoring_over_records_asks_first_and_changes_nothing(
    existing: Afterword, saved: Path
) -> None:
    before = files_in(existing.paths.data_dir)
    with pytest.raises(WouldReplace) as asked:
        restore(existing, saved)
    assert "1 contact" in str(asked.value) and "1 template of your own" in str(asked.value)
    assert "back them up first" in str(asked.value)
    assert files_in(existing.paths.data_dir).keys() == before.keys()
    assert all(
        files_in(existing.paths.data_dir)[name] == data
        for name, data in before.items()
        if not name.endswith("-shm")  # SQLite's shared-memory index: readers touch it
    )


def test_templates_of_my_own_alone_are_not_replaced_unasked(
    afterword: Afterword, saved: Path
) -> None:
    afterword.templates.new_template("Only this")
    with pytest.raises(WouldReplace, match="1 template of your own"):
        restore(afterword, saved)
    assert [t.id for t in afterword.templates.templates() if not t.builtin] == ["only_this"]


@pytest.fixture
def set_aside(afterword: Afterword) -> dict[str, bytes | None]:
    """A data dir holding only a template Afterword could not read, moved aside with the
    default attachment it had; what the user may still want back."""
    folder = afterword.paths.config_dir / "templates"
    (folder / "thanks.files").mkdir(parents=True)
    (folder / "thanks.files" / "cv.pdf").write_bytes(CV)
    (folder / "thanks.j2").write_bytes(b"\xff\xfe not utf-8 \x00")
    assert [t for t in afterword.templates.templates() if not t.builtin] == []
    assert "moved aside" in afterword.templates.notices[0]
    return files_in(folder)


def test_templates_set_aside_alone_are_not_replaced_unasked(
    afterword: Afterword, set_aside: dict[str, bytes | None], saved: Path
) -> None:
    with pytest.raises(WouldReplace, match="2 other files in your templates folder"):
        restore(afterword, saved)
    assert files_in(afterword.paths.config_dir / "templates") == set_aside


def test_templates_set_aside_are_in_the_safety_backup(
    afterword: Afterword, set_aside: dict[str, bytes | None], saved: Path
) -> None:
    summary = restore(afterword, saved, replace=True)
    assert summary.safety_backup is not None

    restore(afterword, summary.safety_backup, replace=True)
    assert files_in(afterword.paths.config_dir / "templates") == set_aside


def test_replacing_keeps_a_safety_backup_that_can_be_restored(
    existing: Afterword, saved: Path
) -> None:
    summary = restore(existing, saved, replace=True)

    assert {c.name for c in existing.store.contacts()} == {"Ana Lima", "Harriet Ross"}
    assert [t.id for t in existing.templates.templates() if not t.builtin] == ["my_thanks"]
    safety = summary.safety_backup
    assert safety is not None and safety.parent == safety_folder(existing.paths)
    assert safety.name.startswith("before-restore-") and safety.suffix == ".zip"

    restore(existing, safety, replace=True)
    assert [c.name for c in existing.store.contacts()] == ["Someone Already Here"]
    assert [t.id for t in existing.templates.templates() if not t.builtin] == ["already_mine"]


def test_a_full_disk_for_the_safety_copy_is_told_and_nothing_changes(
    existing: Afterword, saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_the_disk_under_backups(monkeypatch)

    with pytest.raises(FileProblem) as told:
        restore(existing, saved, replace=True)
    assert "The disk is full, so the safety copy" in str(told.value)
    assert "Nothing was changed. Free some space on that disk" in str(told.value)
    assert [c.name for c in existing.store.contacts()] == ["Someone Already Here"]
    assert [t.id for t in existing.templates.templates() if not t.builtin] == ["already_mine"]
    assert list(safety_folder(existing.paths).iterdir()) == []


def test_the_open_store_sees_the_restored_records(existing: Afterword, saved: Path) -> None:
    """The app restores in place: its own Store, opened before, reads and writes the new
    records, and the file stays in WAL mode."""
    store = existing.store
    restore(existing, saved, replace=True)

    assert {c.name for c in store.contacts()} == {"Ana Lima", "Harriet Ross"}
    assert [m.subject for m in map(store.message, store.message_ids())] == ["Thanks", "Draft"]
    assert store.profile().name == "Zoë Müller"
    store.add_contact(Contact("Added afterwards"))
    assert len(store.contacts()) == 3
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_restore_waits_for_a_message_being_sent(existing: Afterword, saved: Path) -> None:
    message = existing.store.save_message(
        Message("Going", "now", ["a@example.org"], state=MessageState.QUEUED)
    )
    assert message.id is not None and existing.store.claim_for_sending(message.id)
    with pytest.raises(AfterwordError, match="being sent"):
        restore(existing, saved, replace=True)
    assert existing.store.message(message.id).state is MessageState.SENDING


# --- what comes back is ready to use ------------------------------------------------------


def test_a_backup_taken_mid_send_does_not_come_back_sending(
    filled: Afterword, tmp_path: Path, open_afterword: OpenAfterword
) -> None:
    store = filled.store
    message = store.save_message(
        Message("Mid-send", "…", ["ana@acme.example"], state=MessageState.QUEUED)
    )
    assert message.id is not None and store.claim_for_sending(message.id)
    saved = backup(filled, tmp_path / "mid-send.zip").path

    fresh = open_afterword("fresh")
    restore(fresh, saved)
    restored = fresh.store.message(message.id)
    assert restored.state is MessageState.UNCERTAIN and "may or may not" in (restored.error or "")


def test_an_older_backup_is_brought_up_to_date(
    saved: Path, tmp_path: Path, open_afterword: OpenAfterword
) -> None:
    old = tmp_path / "schema4.sqlite3"
    db = sqlite3.connect(old, isolation_level=None)
    db.execute("BEGIN")
    for migration in MIGRATIONS[:4]:
        migration(db)
    db.execute("PRAGMA user_version = 4")
    db.execute(
        "INSERT INTO contacts(name, email, created_at, updated_at) "
        "VALUES ('Old Friend', 'old@example.org', '2024-05-01', '2024-05-01')"
    )
    db.execute(
        "INSERT INTO interviews(company, created_at, updated_at) "
        "VALUES ('Oldco', '2024-05-02T09:00:00+00:00', '2024-05-02T09:00:00+00:00')"
    )
    db.execute(
        "INSERT INTO messages(state, subject, body, to_addrs, created_at, updated_at) "
        "VALUES ('sent', 'Thanks', 'Thank you', '[\"old@example.org\"]', '2024-05-03', "
        "'2024-05-03')"
    )
    db.execute("COMMIT")
    db.close()
    older = repack(
        saved,
        tmp_path / "old.zip",
        members={DATABASE_NAME: old.read_bytes()},
        manifest={"schema_version": 4, "app_version": "0.0.9"},
    )

    fresh = open_afterword("fresh")
    restore(fresh, older)

    assert fresh.store.schema_version == SCHEMA_VERSION
    assert [c.name for c in fresh.store.contacts()] == ["Old Friend"]
    [interview] = fresh.store.interviews()
    assert interview.applied_at == datetime(2024, 5, 2, 9, tzinfo=UTC)  # added by schema 5
    assert fresh.store.message_list_ids(search="thank") == [1]  # the search index is built
