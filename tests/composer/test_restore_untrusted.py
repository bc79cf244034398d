"""A backup is untrusted input: only data comes in, within limits, and only from files."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import struct
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from composer.afterword import Afterword
from composer.backup import MANIFEST, backup
from composer.errors import BackupRefused
from composer.password_binding import Destination
from composer.paths import DATABASE_NAME, resolve
from composer.records import Contact, Message, MessageState
from composer.restore import MAX_ENTRIES, restore
from composer.store import MIGRATIONS, SCHEMA_VERSION, Store
from composer.store.rebuild import MAX_VALUE_BYTES
from tests.composer.test_backup import database_bytes, refused, repack
from tests.helpers.smtp_server import PASSWORD, SmtpServer, account_for

OpenAfterword = Callable[[str], Afterword]
SPY = "spy@evil.example"
TRIGGER = f"""
    CREATE TRIGGER spy AFTER INSERT ON messages BEGIN
        UPDATE messages SET bcc_addrs = '["{SPY}"]' WHERE id = new.id;
    END
"""


@pytest.fixture
def open_afterword(tmp_path: Path) -> Iterator[OpenAfterword]:
    opened: list[Afterword] = []

    def open_(name: str) -> Afterword:
        afterword = Afterword.open(resolve(tmp_path / name), keyring_backend=object())
        opened.append(afterword)
        return afterword

    yield open_
    for afterword in opened:
        afterword.close()


@pytest.fixture
def existing(open_afterword: OpenAfterword) -> Afterword:
    """Records of its own, which a refused restore must leave alone."""
    afterword = open_afterword("existing")
    afterword.store.add_contact(Contact("Someone Already Here", "here@example.org"))
    afterword.templates.new_template("Already mine")
    return afterword


@pytest.fixture
def saved(open_afterword: OpenAfterword, tmp_path: Path) -> Path:
    """A real backup made by Afterword: one contact and a sent message."""
    maker = open_afterword("maker")
    maker.store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme"))
    maker.store.save_message(
        Message("Thanks", "Thank you, Ana", ["ana@acme.example"], state=MessageState.DRAFT)
    )
    return backup(maker, tmp_path / "afterword-backup.zip").path


def crafted(saved: Path, tmp_path: Path, *statements: str, name: str = "crafted.zip") -> Path:
    """The backup with its database changed by ``statements``, checksums made right."""
    database = tmp_path / f"{name}.sqlite3"
    database.write_bytes(database_bytes(saved))
    with sqlite3.connect(database) as db:
        for statement in statements:
            db.execute(statement)
    db.close()
    return repack(saved, tmp_path / name, members={DATABASE_NAME: database.read_bytes()})


def spy_statements(saved: Path, tmp_path: Path) -> list[str]:
    """The spying trigger, with the app's search trigger made again after it: SQLite runs
    the newest trigger first, so the search index stays whole and the spy goes unnoticed."""
    database = tmp_path / "read.sqlite3"
    database.write_bytes(database_bytes(saved))
    with sqlite3.connect(database) as db:
        [search] = db.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'messages_search_insert'"
        ).fetchone()
    db.close()
    return [TRIGGER, "DROP TRIGGER messages_search_insert", search]


def schema_of(database: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT type, name FROM sqlite_master").fetchall()
    db.close()
    return {(kind, name) for kind, name in rows}


def apps_own_schema(tmp_path: Path) -> set[tuple[str, str]]:
    with Store(tmp_path / "own.sqlite3"):
        pass
    return schema_of(tmp_path / "own.sqlite3")


# --- only data comes in -----------------------------------------------------------------


def test_a_crafted_backup_adds_no_recipient_to_what_is_sent_later(
    saved: Path,
    tmp_path: Path,
    open_afterword: OpenAfterword,
    smtp_server: SmtpServer,
    ca_file: Path,
) -> None:
    spying = crafted(
        saved,
        tmp_path,
        *spy_statements(saved, tmp_path),
        "CREATE VIEW everyone AS SELECT email FROM contacts",
        "CREATE TABLE collected (address TEXT)",
        "PRAGMA application_id = 666",
    )
    user = open_afterword("user")
    restore(user, spying)

    account = account_for(smtp_server, ca_file)
    user.outbox.save_account(account)
    user.credentials.use_for_session(account.key, PASSWORD, [Destination.of(account)])
    message = user.outbox.queue(Message("Thank you", "Thank you for today.", ["bo@acme.example"]))
    assert message.id is not None
    [result] = user.outbox.send([message.id])

    assert result.state is MessageState.SENT
    assert [r.recipients for r in smtp_server.received] == [["bo@acme.example"]]
    assert user.store.message(message.id).bcc == []
    assert schema_of(user.paths.database) == apps_own_schema(tmp_path)
    with sqlite3.connect(user.paths.database) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0
    db.close()


def test_the_restored_messages_are_found_by_search(
    saved: Path, tmp_path: Path, open_afterword: OpenAfterword
) -> None:
    user = open_afterword("user")
    restore(user, crafted(saved, tmp_path, *spy_statements(saved, tmp_path)))
    [found] = user.store.message_list_ids(search="Ana")
    assert user.store.message(found).subject == "Thanks"


def test_a_table_that_is_a_view_in_the_backup_is_refused(
    existing: Afterword, saved: Path, tmp_path: Path
) -> None:
    """Reading a view would run its query: it is refused before it is read."""
    swapped = crafted(
        saved,
        tmp_path,
        "ALTER TABLE contacts RENAME TO old_contacts",
        "CREATE VIEW contacts AS SELECT * FROM old_contacts",
    )
    refused(existing, swapped, "its contacts is not a plain table")


@pytest.mark.parametrize(
    ("statement", "said"),
    [
        ("UPDATE messages SET contact_id = 'Ana'", "holds text in the contact_id column"),
        ("UPDATE contacts SET name = x'00ff'", "holds bytes in the name column"),
        ("UPDATE messages SET attempts = 1.5", "holds a decimal number in the attempts column"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_and_nothing_changes(
    existing: Afterword, saved: Path, tmp_path: Path, statement: str, said: str
) -> None:
    refused(existing, crafted(saved, tmp_path, statement), said)


def test_a_row_the_schema_refuses_is_refused_and_nothing_changes(
    existing: Afterword, saved: Path, tmp_path: Path
) -> None:
    """The backup's own table may lack the app's CHECK; the rebuilt one has it."""
    loose = crafted(
        saved,
        tmp_path,
        "CREATE TABLE m2 AS SELECT * FROM messages",
        "DROP TABLE messages",
        "ALTER TABLE m2 RENAME TO messages",
        "UPDATE messages SET state = 'exploded'",
    )
    refused(existing, loose, "a row of its messages table does not fit")


def test_an_older_backup_with_a_trigger_never_runs_it_even_while_brought_up_to_date(
    saved: Path, tmp_path: Path, open_afterword: OpenAfterword
) -> None:
    """Schema 5 updates every interview: a trigger on that would fire in a migration run
    on the backup's own file."""
    old = tmp_path / "schema4.sqlite3"
    db = sqlite3.connect(old, isolation_level=None)
    db.execute("BEGIN")
    for migration in MIGRATIONS[:4]:
        migration(db)
    db.execute("PRAGMA user_version = 4")
    db.execute(
        "INSERT INTO interviews(company, created_at, updated_at) "
        "VALUES ('Oldco', '2024-05-02T09:00:00+00:00', '2024-05-02T09:00:00+00:00')"
    )
    db.execute(
        "CREATE TRIGGER planted AFTER UPDATE ON interviews BEGIN "
        "INSERT INTO contacts(name, email, created_at, updated_at) "
        "VALUES ('Planted', 'spy@evil.example', '2024-05-01', '2024-05-01'); END"
    )
    db.execute("COMMIT")
    db.close()
    older = repack(
        saved,
        tmp_path / "old.zip",
        members={DATABASE_NAME: old.read_bytes()},
        manifest={"schema_version": 4},
    )

    user = open_afterword("user")
    restore(user, older)

    assert user.store.schema_version == SCHEMA_VERSION
    assert user.store.contacts() == []
    assert [i.company for i in user.store.interviews()] == ["Oldco"]
    assert schema_of(user.paths.database) == apps_own_schema(tmp_path)


# --- the archive's limits -------------------------------------------------------------------


def with_member(
    saved: Path,
    target: Path,
    info: zipfile.ZipInfo,
    chunks: Iterator[bytes],
    listed_size: int | None = None,
) -> Path:
    """The backup with one more member, written in chunks, and listed in the manifest (with
    its size, or ``listed_size`` and the checksum of that many first bytes)."""
    whole, first, size = hashlib.sha256(), hashlib.sha256(), 0
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(target, "w") as out:
        listed = json.loads(source.read(MANIFEST))
        for item in source.infolist():
            if item.filename != MANIFEST:
                out.writestr(item, source.read(item))
        info.compress_type = zipfile.ZIP_DEFLATED
        with out.open(info, "w") as member:
            for chunk in chunks:
                whole.update(chunk)
                if listed_size is not None and size < listed_size:
                    first.update(chunk[: listed_size - size])
                member.write(chunk)
                size += len(chunk)
        digest = whole if listed_size is None else first
        entry = {"path": info.filename, "size": listed_size or size, "sha256": digest.hexdigest()}
        listed["files"].append(entry)
        out.writestr(MANIFEST, json.dumps(listed))
    return target


def zeros(megabytes: int) -> Iterator[bytes]:
    for _ in range(megabytes):
        yield bytes(1024 * 1024)


@pytest.fixture
def opened_members(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which members a restore began to unpack."""
    names: list[str] = []
    original = zipfile.ZipFile.open

    def open_(archive: zipfile.ZipFile, name: Any, *args: Any, **kwargs: Any) -> Any:
        names.append(name.filename if isinstance(name, zipfile.ZipInfo) else name)
        return original(archive, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", open_)
    return names


def test_a_zip_bomb_is_refused_before_it_is_unpacked(
    existing: Afterword, saved: Path, tmp_path: Path, opened_members: list[str]
) -> None:
    info = zipfile.ZipInfo("templates/bomb.j2")
    bomb = with_member(saved, tmp_path / "bomb.zip", info, zeros(128))
    assert bomb.stat().st_size < 1024 * 1024  # 128 MB of zeros pack to about 128 kB
    opened_members.clear()
    refused(existing, bomb, "holds templates/bomb.j2, packed [0-9,]+ times")
    assert "templates/bomb.j2" not in opened_members


def test_too_many_files_are_refused(existing: Afterword, saved: Path, tmp_path: Path) -> None:
    members = {f"templates/t{number}.j2": b"Hi" for number in range(MAX_ENTRIES)}
    crowded = repack(saved, tmp_path / "crowded.zip", members=members)
    refused(existing, crowded, f"holds {MAX_ENTRIES + 2:,} files")


def declare_size(archive: Path, name: str, size: int) -> None:
    """Rewrites what the zip says a member unpacks to, in both of its headers."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as opened:
        local = opened.getinfo(name).header_offset
    data[local + 22 : local + 26] = struct.pack("<I", size)
    central = data.index(b"PK\x01\x02", opened.start_dir)
    while data[central + 46 : central + 46 + len(name)] != name.encode():
        central = data.index(b"PK\x01\x02", central + 1)
    data[central + 24 : central + 28] = struct.pack("<I", size)
    archive.write_bytes(bytes(data))


def test_a_file_bigger_than_the_limit_is_refused(
    existing: Afterword, saved: Path, tmp_path: Path, opened_members: list[str]
) -> None:
    info = zipfile.ZipInfo("templates/huge.bin")
    huge = with_member(saved, tmp_path / "huge.zip", info, iter([os.urandom(4096)]))
    declare_size(huge, "templates/huge.bin", 3 * 1024**3)
    opened_members.clear()
    refused(existing, huge, "holds templates/huge.bin, 3.0 GB unpacked")
    assert "templates/huge.bin" not in opened_members


def test_files_together_bigger_than_the_limit_are_refused(
    existing: Afterword, saved: Path, tmp_path: Path, opened_members: list[str]
) -> None:
    """Each under the limit for one file, together over the total."""
    big = tmp_path / "big.zip"
    names = [f"templates/part{number}.bin" for number in range(3)]
    for number, name in enumerate(names):
        source = saved if number == 0 else tmp_path / f"big{number - 1}.zip"
        with_member(source, tmp_path / f"big{number}.zip", zipfile.ZipInfo(name), iter([b"x"]))
    (tmp_path / "big2.zip").rename(big)
    for name in names:
        declare_size(big, name, 1536 * 1024**2)
    opened_members.clear()
    refused(existing, big, "unpacks to 4.5 GB")
    assert not set(names) & set(opened_members)


def test_a_file_bigger_than_the_manifest_lists_is_refused_before_it_is_read(
    existing: Afterword, saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listed as 1 kB (with the checksum of its first kB), 2 MB in the zip, which says so
    honestly: Afterword's own check of the two sizes stops it before one byte is unpacked.
    (A zip that says 1 kB and holds more is stopped by zipfile itself, which never reads
    past the size it declares and checks the CRC, so no test of Afterword can show that.)"""
    info = zipfile.ZipInfo("templates/liar.j2")
    liar = with_member(
        saved, tmp_path / "liar.zip", info, iter([os.urandom(2 * 1024 * 1024)]), listed_size=1024
    )
    unpacked = [0]
    original = zipfile.ZipExtFile.read

    def read(member: zipfile.ZipExtFile, size: int = -1) -> bytes:
        chunk = original(member, size)
        if member.name == "templates/liar.j2":
            unpacked[0] += len(chunk)
        return chunk

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    refused(existing, liar, "damaged or incomplete")
    assert unpacked[0] == 0


def test_a_device_is_refused_at_once(existing: Afterword) -> None:
    refused(existing, Path("/dev/zero"), "/dev/zero is not a regular file")


def test_a_pipe_is_refused_without_waiting(existing: Afterword, tmp_path: Path) -> None:
    pipe = tmp_path / "backup.zip"
    os.mkfifo(pipe)
    done = threading.Event()
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            restore(existing, pipe, replace=True)
        except BaseException as error:  # handed to the test thread
            errors.append(error)
        done.set()

    threading.Thread(target=attempt, daemon=True).start()
    if not done.wait(20):
        with open(pipe, "wb"):  # unblock the reader so the thread ends
            pass
        pytest.fail("restore waited on a pipe")
    [error] = errors
    assert isinstance(error, BackupRefused) and "is not a regular file" in str(error)


@pytest.mark.parametrize("kind", [stat.S_IFLNK, stat.S_IFCHR, stat.S_IFIFO])
def test_a_link_or_special_file_in_the_zip_is_refused(
    existing: Afterword, saved: Path, tmp_path: Path, kind: int
) -> None:
    info = zipfile.ZipInfo("templates/link.j2")
    info.external_attr = (kind | 0o777) << 16
    linked = with_member(saved, tmp_path / "link.zip", info, iter([b"/etc/passwd"]))
    refused(existing, linked, "holds “templates/link.j2” as a link or special file")


def test_a_manifest_nested_past_any_depth_is_refused_as_foreign(
    existing: Afterword, saved: Path, tmp_path: Path
) -> None:
    """json.loads recurses once per "[": 200,000 of them exhaust Python's stack."""
    nested = tmp_path / "nested.zip"
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(nested, "w") as out:
        out.writestr(DATABASE_NAME, source.read(DATABASE_NAME))
        out.writestr(MANIFEST, b"[" * 200_000)
    refused(existing, nested, "is not an Afterword backup")


def test_a_value_too_big_to_load_is_refused_before_it_is_read(
    existing: Afterword, saved: Path, tmp_path: Path
) -> None:
    """An attachment of 256 MB and one byte, in a database stored unpacked (zeros would
    otherwise be refused as a zip bomb before the records are read)."""
    database = tmp_path / "big.sqlite3"
    database.write_bytes(database_bytes(saved))
    with sqlite3.connect(database) as db:
        db.execute(
            "INSERT INTO message_attachments (message_id, filename, content_type, data) "
            "SELECT id, 'huge.bin', 'application/octet-stream', zeroblob(?) FROM messages",
            (MAX_VALUE_BYTES + 1,),
        )
    db.close()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(tmp_path / "big.zip", "w") as out:
        listed = json.loads(source.read(MANIFEST))
        for item in listed["files"]:
            if item["path"] == DATABASE_NAME:
                item.update(size=database.stat().st_size, sha256=sha256_of(database))
            else:
                out.writestr(item["path"], source.read(item["path"]))
        out.write(database, DATABASE_NAME)  # stored as it is: no compression
        out.writestr(MANIFEST, json.dumps(listed))
    database.unlink()
    refused(
        existing,
        tmp_path / "big.zip",
        "message_attachments table holds a value of more than 256 MB",
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
