"""Send later: kept in the outbox with its time, sent when due and only once, never
silently hours late; ``send-due`` does the same without a window."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend

from composer.credentials import Credentials
from composer.outbox import Outbox
from composer.password_binding import Destination
from composer.paths import Paths
from composer.records import Attachment, Message, MessageState, Profile
from composer.schedule import OVERDUE_AFTER, suggestions
from composer.store import MIGRATIONS, Store
from composer.store.schema import add_scheduled_state
from tests.helpers.clock import clock, server_environment
from tests.helpers.smtp_server import PASSWORD, SmtpServer, account_for

ROOT = Path(__file__).resolve().parents[2]


def scheduled(outbox: Outbox, subject: str, when: datetime, to: str = "ana@acme.example") -> int:
    message = Message(subject=subject, body=f"{subject}.\n", to=[to])
    saved = outbox.schedule(message, when)
    assert saved.id is not None
    return saved.id


def subjects(server: SmtpServer) -> list[str]:
    return sorted(
        line.split(b": ", 1)[1].decode()
        for received in server.received
        for line in received.data.splitlines()
        if line.startswith(b"Subject: ")
    )


def test_a_scheduled_message_keeps_its_time_text_and_files(outbox: Outbox) -> None:
    when = clock() + timedelta(days=1)
    message = Message(
        subject="Thank you",
        body="Thank you for today.",
        to=["ana@acme.example"],
        attachments=[Attachment("cv.pdf", "application/pdf", b"%PDF-1.4")],
    )
    saved = outbox.schedule(message, when)
    assert saved.id is not None
    again = outbox.store.message(saved.id)
    assert again.state is MessageState.SCHEDULED
    assert again.scheduled_at == when.astimezone(UTC)
    assert again.attachments[0].data == b"%PDF-1.4"
    assert outbox.store.scheduled_due(clock()) == []
    assert outbox.store.scheduled_due(when + timedelta(seconds=1)) == [saved.id]


def test_cancelled_it_is_a_draft_again_and_never_goes(
    outbox: Outbox, smtp_server: SmtpServer
) -> None:
    message_id = scheduled(outbox, "Thank you", clock() - timedelta(minutes=1))
    outbox.unschedule(message_id)
    draft = outbox.store.message(message_id)
    assert (draft.state, draft.scheduled_at) == (MessageState.DRAFT, None)
    assert outbox.send_due(clock()).results == []
    assert smtp_server.received == []


def test_only_what_is_due_goes_and_hours_late_is_left_for_the_user(
    outbox: Outbox, smtp_server: SmtpServer
) -> None:
    now = clock()
    scheduled(outbox, "Due now", now - timedelta(minutes=3))
    scheduled(outbox, "Tomorrow", now + timedelta(days=1))
    late = scheduled(outbox, "Three days late", now - timedelta(days=3))
    outbox.save_draft(Message(subject="A draft", body="x", to=["ana@acme.example"]))

    done = outbox.send_due(now)

    assert [r.state for r in done.results] == [MessageState.SENT]
    assert subjects(smtp_server) == ["Due now"]
    assert [m.id for m in done.overdue] == [late]
    assert outbox.store.message(late).state is MessageState.SCHEDULED  # still the user's call
    assert outbox.send_due(now).results == []  # once
    assert subjects(smtp_server) == ["Due now"]


def test_two_senders_at_once_send_each_message_once(
    paths: Paths, outbox: Outbox, smtp_server: SmtpServer
) -> None:
    now = clock()
    for number in range(8):
        scheduled(outbox, f"Message {number}", now - timedelta(minutes=number))
    start = threading.Barrier(2)

    def send() -> None:
        with Store(paths.database, clock=clock) as own:
            start.wait()
            Outbox(own, outbox.credentials, clock=clock).send_due(now)

    workers = [threading.Thread(target=send) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert subjects(smtp_server) == sorted(f"Message {n}" for n in range(8))
    assert set(outbox.store.message_ids(MessageState.SENT)) == set(range(1, 9))


def test_send_now_sends_an_overdue_one_once(outbox: Outbox, smtp_server: SmtpServer) -> None:
    late = scheduled(outbox, "Late", clock() - OVERDUE_AFTER * 3)
    [first] = outbox.send_now([late])
    [second] = outbox.send_now([late])
    assert first.state is MessageState.SENT
    assert "already sent" in second.detail
    assert subjects(smtp_server) == ["Late"]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2026-11-18T23:40", ["In 1 hour", "Tomorrow morning (Thu 08:00)"]),  # a Wednesday
        ("2026-11-20T17:00", ["In 1 hour", "Tomorrow morning (Sat 08:00)", "Monday morning"]),
        ("2026-11-22T10:00", ["In 1 hour", "Tomorrow morning (Mon 08:00)"]),  # Sunday
    ],
)
def test_suggestions_are_tomorrow_and_monday_morning(today: str, expected: list[str]) -> None:
    now = datetime.fromisoformat(today).replace(tzinfo=UTC)
    chosen = suggestions(now)
    assert [label.split(" (08")[0] for label, _ in chosen] == expected
    assert all(when > now for _, when in chosen)
    assert chosen[1][1] == datetime.combine(
        now.date() + timedelta(days=1), chosen[1][1].time(), UTC
    )


def test_an_older_data_file_gets_the_scheduled_state_and_keeps_everything(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    before = MIGRATIONS.index(add_scheduled_state)  # a file from just before it
    for migration in MIGRATIONS[:before]:
        migration(db)
    db.execute(f"PRAGMA user_version = {before}")
    db.execute(
        "INSERT INTO messages(state, subject, body, to_addrs, created_at, updated_at) "
        "VALUES ('sent', 'Thank you Noël', 'Body', '[\"ana@acme.example\"]', 'x', 'x')"
    )
    db.execute("COMMIT")
    db.close()
    with Store(path, clock=clock) as store:
        assert store.message_list_ids(search="Noël") == [1]  # the search index still follows
        message = store.save_message(
            Message("Later", "b", ["ana@acme.example"], state=MessageState.SCHEDULED)
        )
        assert store.message(message.id or 0).state is MessageState.SCHEDULED
        assert store.message_list_ids(search="later") == [message.id]


def _with_password_in_keyring(
    paths: Paths, smtp_server: SmtpServer, ca_file: Path, secret_backend: KeyringBackend
) -> Outbox:
    store = Store(paths.database, clock=clock)
    store.save_profile(Profile("Zoë Müller", "zoe@example.org"))
    credentials = Credentials(secret_backend)
    box = Outbox(store, credentials, clock=clock)
    account = account_for(smtp_server, ca_file)
    box.save_account(account)
    credentials.store(account.key, PASSWORD, [Destination.of(account)])
    return box


def test_the_command_sends_what_is_due_with_the_keyrings_password(
    paths: Paths, smtp_server: SmtpServer, ca_file: Path, secret_backend: KeyringBackend
) -> None:
    box = _with_password_in_keyring(paths, smtp_server, ca_file, secret_backend)
    now = clock()
    scheduled(box, "Due now", now - timedelta(minutes=2))
    scheduled(box, "Tomorrow", now + timedelta(days=1))
    scheduled(box, "Last week", now - timedelta(days=7))
    box.store.close()
    command = [sys.executable, "main.py", "send-due", "--data-dir", str(paths.data_dir)]
    env = {**os.environ, **server_environment()}  # the command's clock is the tests' clock

    runs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]

    assert [run.returncode for run in runs] == [0, 0]
    assert subjects(smtp_server) == ["Due now"]  # once, though two ran at once
    said = "".join(outputs)
    assert said.count("Sent: Due now") == 1
    assert "Left for you: Last week" in said
    assert "Tomorrow" not in said


def test_a_scheduled_message_shows_on_the_timeline_and_is_not_exported(
    outbox: Outbox, tmp_path: Path
) -> None:
    from composer.records import Contact
    from composer.sent_export import export_mbox
    from composer.timeline import contact_timeline

    ana = outbox.store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    message = Message("Thank you", "b", ["Ana Lima <ana@acme.example>"], contact_id=ana.id)
    outbox.schedule(message, clock() + timedelta(days=1))
    assert [e.title for e in contact_timeline(outbox.store, ana.id or 0)][-1] == (
        "Scheduled: Thank you"
    )
    done = export_mbox(outbox.store, outbox.store.message_list_ids(), tmp_path / "out.mbox")
    assert "1 scheduled message left out" in done.summary()


def test_the_command_function_sends_and_says_so(
    paths: Paths, smtp_server: SmtpServer, ca_file: Path, secret_backend: KeyringBackend
) -> None:
    import io

    import keyring

    from composer.send_due import send_due

    box = _with_password_in_keyring(paths, smtp_server, ca_file, secret_backend)
    scheduled(box, "Due now", clock() - timedelta(minutes=1))
    box.store.close()
    keyring.set_keyring(secret_backend)  # as the system's own, for Credentials()
    out, err = io.StringIO(), io.StringIO()

    assert send_due(paths, out, err, clock) == 0
    assert "Sent: Due now (the server said: 250" in out.getvalue()
    assert send_due(paths, out, err, clock) == 0  # once: nothing more is due
    assert "Nothing is due to be sent." in out.getvalue()
    assert subjects(smtp_server) == ["Due now"]


def test_the_command_fails_loudly_when_it_cannot_send(
    paths: Paths, smtp_server: SmtpServer, ca_file: Path
) -> None:
    import io

    from composer.send_due import send_due

    with Store(paths.database, clock=clock) as store:
        box = Outbox(store, Credentials(), clock=clock)  # no keyring here: no password
        box.save_account(account_for(smtp_server, ca_file))
        message_id = scheduled(box, "Due now", clock() - timedelta(minutes=1))
    out, err = io.StringIO(), io.StringIO()

    assert send_due(paths, out, err, clock) == 1
    assert "Not sent: Due now: No system keyring" in err.getvalue()
    assert smtp_server.received == []
    with Store(paths.database, clock=clock) as store:
        assert store.message(message_id).state is MessageState.FAILED  # shown in the app
