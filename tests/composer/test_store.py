"""The SQLite store: records, migrations, and refusing what it must not touch."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from composer.errors import AlreadySent, DatabaseLocked, DatabaseTooNew, StorageError
from composer.records import Contact, Interview, InterviewStatus, Message, MessageState, Role
from composer.store import MIGRATIONS, SCHEMA_VERSION, Store
from composer.store import migrations as store_module


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fresh_database_is_current_and_durable(tmp_path: Path) -> None:
    with Store(tmp_path / "new" / "a.sqlite3") as store:
        assert store.schema_version == SCHEMA_VERSION
        db = sqlite3.connect(store.path)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        db.close()
        pragmas = {
            name: store._db.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("foreign_keys", "synchronous")
        }
        assert pragmas == {"foreign_keys": 1, "synchronous": 2}  # 2 is FULL


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_a_fresh_database_in_an_existing_open_folder_is_the_users_alone(
    tmp_path: Path, umask: int
) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    old = os.umask(umask)
    try:
        with Store(folder / "afterword.sqlite3") as store:
            store.add_contact(Contact("Ana", "ana@x.example"))  # the -wal and -shm exist now
            files = {p.name: p.stat().st_mode & 0o777 for p in folder.iterdir()}
    finally:
        os.umask(old)
    assert files == dict.fromkeys(
        ["afterword.sqlite3", "afterword.sqlite3-wal", "afterword.sqlite3-shm"], 0o600
    )


def test_a_database_from_before_loses_others_access_but_is_never_made_writable(
    tmp_path: Path,
) -> None:
    with Store(tmp_path / "a.sqlite3"):
        pass
    os.chmod(tmp_path / "a.sqlite3", 0o644)
    with Store(tmp_path / "a.sqlite3"):
        assert (tmp_path / "a.sqlite3").stat().st_mode & 0o777 == 0o600
    os.chmod(tmp_path / "a.sqlite3", 0o444)
    with contextlib.suppress(StorageError), Store(tmp_path / "a.sqlite3"):
        pass
    assert (tmp_path / "a.sqlite3").stat().st_mode & 0o777 == 0o400


def test_upgrade_from_the_first_schema_keeps_the_records(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("BEGIN")
    MIGRATIONS[0](old)
    old.execute("PRAGMA user_version = 1")
    old.execute(
        "INSERT INTO contacts(name, email, created_at, updated_at) "
        "VALUES ('Ana Lima', 'ana@acme.example', '2025-01-01', '2025-01-01')"
    )
    old.execute(
        "INSERT INTO messages(state, subject, body, to_addrs, created_at, updated_at) "
        "VALUES ('sent', 'Thanks', 'Thank you', '[\"ana@acme.example\"]', "
        "'2025-01-01', '2025-01-01')"
    )
    old.execute("COMMIT")
    old.close()

    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert [c.name for c in store.contacts()] == ["Ana Lima"]
        message = store.message(1)
        assert (message.subject, message.state, message.attachments) == (
            "Thanks",
            MessageState.SENT,
            [],
        )


def test_a_failed_migration_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 1")
        db.execute("DROP TABLE message_attachments")

    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store_module, "MIGRATIONS", [MIGRATIONS[0], broken])
    with pytest.raises(StorageError, match="could not be upgraded"):
        Store(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in names


def test_database_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE from_the_future (x)")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    before = digest(path)

    with pytest.raises(DatabaseTooNew, match="newer version of Afterword") as refused:
        Store(path)

    assert "update Afterword" in str(refused.value)
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists()


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "afterword.sqlite3"
    path.write_bytes(b"this is not SQLite at all, but a user's file" * 100)
    before = digest(path)
    with pytest.raises(StorageError, match="damaged or is not an Afterword database"):
        Store(path)
    assert digest(path) == before


def test_a_database_held_by_another_writer_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    with Store(path) as store:
        store._db.execute("PRAGMA busy_timeout = 50")
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(DatabaseLocked, match="another program"):
                store.add_contact(Contact("Ana Lima"))
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert store.contacts() == []


def test_a_full_disk_is_told_plainly_and_keeps_what_was_there(store: Store) -> None:
    """SQLite rolls back on its own when the disk is full: the user still gets the reason,
    not "cannot rollback", and the records are as they were."""
    kept = store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages}")  # a disk with no room left

    with pytest.raises(StorageError, match="database or disk is full"):
        store.add_contact(Contact("Bo Chen", "bo@bolt.example", notes="met at the fair " * 9999))

    assert [c.name for c in store.contacts()] == [kept.name]


def test_contacts_interviews_and_who_took_part(store: Store) -> None:
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme", "Lead"))
    bo = store.add_contact(Contact("Bo Chen", "bo@acme.example", "Acme"))
    assert ana.id is not None and bo.id is not None
    when = datetime(2026, 11, 3, 14, 30, tzinfo=UTC)
    interview = store.add_interview(Interview("Acme", "Data Engineer", when, "round 2"))
    assert interview.id is not None
    store.set_participants(interview.id, [(ana.id, Role.INTERVIEWER), (bo.id, Role.RECRUITER)])

    interview.status = InterviewStatus.REJECTED
    interview.feedback = "More depth on system design."
    store.update_interview(interview)
    ana.title = "Head of Data"
    store.update_contact(ana)

    again = store.interview(interview.id)
    assert (again.scheduled_at, again.status, again.feedback) == (
        when,
        InterviewStatus.REJECTED,
        "More depth on system design.",
    )
    assert [(p.contact.name, p.role) for p in store.participants(interview.id)] == [
        ("Ana Lima", Role.INTERVIEWER),
        ("Bo Chen", Role.RECRUITER),
    ]
    assert store.contact(ana.id).title == "Head of Data"
    assert [c.name for c in store.contacts("chen")] == ["Bo Chen"]


def test_deleting_a_contact_never_removes_what_was_sent(store: Store) -> None:
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    message = store.save_message(
        Message("Thanks", "Thank you", ["Ana Lima <ana@acme.example>"], contact_id=ana.id)
    )
    assert ana.id is not None and message.id is not None
    store.delete_contact(ana.id)
    kept = store.message(message.id)
    assert (kept.to, kept.contact_id) == (["Ana Lima <ana@acme.example>"], None)


def test_a_sent_message_cannot_be_edited_or_deleted(store: Store) -> None:
    message = store.save_message(Message("Thanks", "Thank you", ["ana@acme.example"]))
    assert message.id is not None
    store.queue_message(message.id)
    assert store.claim_for_sending(message.id)
    store.mark_sent(message.id, "250 OK")
    message.body = "changed after the fact"
    with pytest.raises(AlreadySent):
        store.save_message(message)
    with pytest.raises(AlreadySent):
        store.delete_message(message.id)
    assert store.message(message.id).body == "Thank you"


def test_profile_and_settings_round_trip(store: Store, tmp_path: Path) -> None:
    from composer.records import Profile

    store.save_profile(Profile("Zoë Müller", "zoe@example.org", "+44", "Zoë"))
    store.set_setting("window", {"width": 900})
    with Store(store.path) as again:
        assert again.profile() == Profile("Zoë Müller", "zoe@example.org", "+44", "Zoë")
        assert again.get_setting("window") == {"width": 900}


def test_a_migration_that_rebuilds_a_table_loses_no_linked_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Foreign keys are off while migrating: dropping a table must not cascade."""
    path = tmp_path / "a.sqlite3"
    with Store(path) as store:
        ana = store.add_contact(Contact("Ana Lima", "ana@acme.example"))
        interview = store.add_interview(Interview("Acme"))
        assert ana.id is not None and interview.id is not None
        store.set_participants(interview.id, [(ana.id, Role.INTERVIEWER)])

    def rebuild_contacts(db: sqlite3.Connection) -> None:
        columns = (
            "name, email, company, title, phone, notes, check_in_days, greeting, created_at, "
            "updated_at"
        )
        db.execute(f"CREATE TABLE contacts_new (id INTEGER PRIMARY KEY, {columns})")
        db.execute(f"INSERT INTO contacts_new SELECT id, {columns} FROM contacts")
        db.execute("DROP TABLE contacts")
        db.execute("ALTER TABLE contacts_new RENAME TO contacts")

    monkeypatch.setattr(store_module, "MIGRATIONS", [*MIGRATIONS, rebuild_contacts])
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS) + 1
        assert [p.contact.name for p in store.participants(interview.id)] == ["Ana Lima"]


def test_upgrade_to_schema_5_makes_old_messages_searchable(tmp_path: Path) -> None:
    """Messages written before search existed are found by a word of their text or by a
    recipient's name, accents or not (addresses were stored \\u-escaped then)."""
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("BEGIN")
    for migrate in MIGRATIONS[:4]:
        migrate(old)
    old.execute("PRAGMA user_version = 4")
    old.execute(
        "INSERT INTO messages(state, subject, body, to_addrs, created_at, updated_at) "
        "VALUES ('sent', 'Thanks', 'About the quokka project', ?, '2025-01-01', '2025-01-01')",
        (json.dumps(["Noël Brontë <noel@acme.example>"]),),
    )
    old.execute("COMMIT")
    old.close()

    with Store(path) as store:
        assert store.message_list_ids(search="quokka") == [1]
        assert store.message_list_ids(search="noel bronte") == [1]
        assert store.message(1).to == ["Noël Brontë <noel@acme.example>"]
        assert store.interview_ids() == []


# --- batches: several steps, one commit ----------------------------------------------------


def queued(subject: str) -> Message:
    return Message(subject, "Thank you", ["ana@acme.example"], state=MessageState.QUEUED)


def test_a_batch_of_messages_is_saved_whole_or_not_at_all(store: Store) -> None:
    sent = store.save_message(queued("Sent already"))
    assert sent.id is not None and store.claim_for_sending(sent.id)
    store.mark_sent(sent.id, "250 OK")
    batch = [queued("One"), sent, queued("Three")]  # the second can no longer be changed

    with pytest.raises(AlreadySent):
        store.save_messages(batch)

    assert store.message_ids() == [sent.id], "nothing of the batch was saved"
    assert [batch[0].id, batch[2].id] == [None, None], "no id of a row that was rolled back"
    saved = store.save_messages([batch[0], batch[2]])
    assert [store.message(m.id or 0).subject for m in saved] == ["One", "Three"]


def test_a_transaction_inside_another_is_committed_with_it_and_undone_alone(
    store: Store,
) -> None:
    with store.transaction():
        kept = store.save_message(queued("Kept"))
        with pytest.raises(RuntimeError), store.transaction():
            store.save_message(queued("Undone"))
            raise RuntimeError("a step fails")
        store.set_setting("after", 1)
    assert [store.message(i).subject for i in store.message_ids()] == ["Kept"]
    assert kept.id is not None and store.get_setting("after") == 1


def test_a_claim_keeps_the_bytes_built_from_what_is_queued(store: Store) -> None:
    message = store.save_message(queued("Thank you"))
    assert message.id is not None
    seen: list[Message] = []

    def prepare(found: Message) -> tuple[str, bytes]:
        seen.append(found)
        return "<1@example.org>", b"Subject: " + found.subject.encode()

    assert store.claim_with_bytes(message.id, prepare)
    claimed = store.message(message.id)
    assert (claimed.state, claimed.header_id, claimed.raw, claimed.attempts) == (
        MessageState.SENDING,
        "<1@example.org>",
        b"Subject: Thank you",
        1,
    )
    assert [m.subject for m in seen] == ["Thank you"]
    assert not store.claim_with_bytes(message.id, prepare), "claimed once only"
    assert len(seen) == 1, "nothing is built for a message that is not queued"


def test_a_claim_whose_bytes_cannot_be_built_changes_nothing(store: Store) -> None:
    message = store.save_message(queued("Thank you"))
    assert message.id is not None

    def broken(found: Message) -> tuple[str, bytes]:
        raise ValueError("cannot build")

    with pytest.raises(ValueError, match="cannot build"):
        store.claim_with_bytes(message.id, broken)
    after = store.message(message.id)
    assert (after.state, after.raw, after.attempts) == (MessageState.QUEUED, None, 0)


def test_contact_search_takes_any_case_every_word_and_sees_every_write(store: Store) -> None:
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme", "Engineering Lead"))
    zoe = store.add_contact(Contact("ZOË Müller", "zoe@globex.example", "Globex", "Recruiter"))
    assert store.contact_ids("zoë") == [zoe.id] and store.contact_ids("müller") == [zoe.id]
    assert store.contact_ids("lead acme") == [ana.id], "every word, in any field"
    assert store.contact_ids("50%") == [], "typed characters are not wildcards"
    assert store.contact_ids("") == [ana.id, zoe.id]
    with Store(store.path) as other:  # another window, or a restore
        other.add_contact(Contact("Bo Chen", "bo@acme.example", "Acme"))
    assert len(store.contact_ids("acme")) == 2, "a write by another connection is seen"
    ana.company = "Initech"
    store.update_contact(ana)
    assert store.contact_ids("initech") == [ana.id], "and one of its own"


# --- greetings (schema 6) ---------------------------------------------------------------


def test_upgrade_to_schema_6_gives_contacts_an_empty_greeting(tmp_path: Path) -> None:
    """Contacts saved before greetings existed keep everything and are greeted by the rules
    until the user types a greeting of their own."""
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("BEGIN")
    for migrate in MIGRATIONS[:5]:
        migrate(old)
    old.execute("PRAGMA user_version = 5")
    old.execute(
        "INSERT INTO contacts(name, email, company, check_in_days, created_at, updated_at) "
        "VALUES ('Whitfield, Dana', 'dana@acme.example', 'Acme', 30, '2025-01-01', '2025-01-01')"
    )
    old.execute("COMMIT")
    old.close()

    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        [contact] = store.contacts()
        assert (contact.name, contact.company, contact.check_in_days) == (
            "Whitfield, Dana",
            "Acme",
            30,
        )
        assert contact.greeting == ""
        contact.greeting = "Dr. Whitfield"
        store.update_contact(contact)
    with Store(path) as again:
        assert again.contact(1).greeting == "Dr. Whitfield"
        assert again.contact_ids("whitfield dr") == [1]


def test_a_greeting_is_saved_on_one_line(store: Store) -> None:
    added = store.add_contact(Contact("Robert Smith", greeting=" Bob\n  Smith "))
    assert added.id is not None
    assert store.contact(added.id).greeting == "Bob Smith"
    store.add_contacts([Contact("Ana Lima", greeting="Ana")])
    assert [c.greeting for c in store.contacts()] == ["Ana", "Bob Smith"]
    assert store.contact_ids("bob") == [added.id]
