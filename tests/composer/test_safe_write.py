"""Every file the user chooses to write lands where it was asked and is theirs alone: a
symlink is followed (its target written, the link kept), a device, named pipe or folder
refused with nothing written, and the result 0600 whatever was there before."""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from composer.afterword import Afterword
from composer.backup import MANIFEST, backup
from composer.contacts_io import export_contacts_csv
from composer.errors import FileProblem
from composer.outbox import Outbox
from composer.paths import Paths
from composer.records import Contact, Message, MessageState, Profile
from composer.safe_write import replacing
from composer.sent_export import export_eml, export_mbox, export_sent_csv
from composer.spelling import SpellChecker
from composer.store import Store
from composer.templates import TemplateLibrary
from composer.vcard import export_vcards
from tests.helpers.clock import clock
from tests.helpers.files import mode
from tests.helpers.smtp_server import SmtpServer

OLD = b"what was there before\n"


@dataclass(frozen=True)
class Writer:
    """One of Afterword's ways of writing a file the user chose, and how to tell its work."""

    name: str
    write: Callable[[Path], object]
    wrote: Callable[[bytes], bool]

    def __str__(self) -> str:
        return self.name


WRITERS = ["contacts CSV", "contacts vCard", "sent CSV", "sent mbox", "template", "backup"]


@pytest.fixture
def sent(outbox: Outbox, smtp_server: SmtpServer) -> Message:
    outbox.store.save_profile(Profile(name="Zoë Müller", email="zoe@example.org"))
    queued = outbox.queue(Message(subject="Thank you", body="Thanks.\n", to=["ana@acme.example"]))
    assert queued.id is not None
    [result] = outbox.send([queued.id])
    assert result.state is MessageState.SENT, result.detail
    return outbox.store.message(queued.id)


@pytest.fixture
def afterword(paths: Paths) -> Iterator[Afterword]:
    opened = Afterword.open(paths, keyring_backend=object(), clock=clock)
    yield opened
    opened.close()


@pytest.fixture(params=WRITERS)
def writer(request: pytest.FixtureRequest, store: Store, sent: Message, tmp_path: Path) -> Writer:
    ana = [Contact("Ana Lima", "ana@acme.example")]
    library = TemplateLibrary(tmp_path / "config" / "templates")
    template = library.templates()[0]
    assert sent.id is not None
    sent_id = sent.id  # narrowed for the lambdas below
    writers = {
        "contacts CSV": Writer(
            "contacts CSV", lambda p: export_contacts_csv(ana, p), lambda b: b"ana@acme" in b
        ),
        "contacts vCard": Writer(
            "contacts vCard", lambda p: export_vcards(ana, p), lambda b: b"BEGIN:VCARD" in b
        ),
        "sent CSV": Writer(
            "sent CSV", lambda p: export_sent_csv(store, [sent_id], p), lambda b: b"Thank you" in b
        ),
        "sent mbox": Writer(
            "sent mbox", lambda p: export_mbox(store, [sent_id], p), lambda b: b"Thanks." in b
        ),
        "template": Writer(
            "template",
            lambda p: library.export(template.id, p),
            lambda b: b == template.source.encode(),
        ),
    }
    if request.param == "backup":
        afterword = request.getfixturevalue("afterword")
        return Writer("backup", lambda p: backup(afterword, p), lambda b: b.startswith(b"PK"))
    return writers[request.param]


def device_node(tmp_path: Path) -> Path:
    """As root, a null device of the test's own (never the machine's /dev/null, which a
    regression would replace); as anyone else, /dev/null, which they cannot replace."""
    if os.geteuid() != 0:
        return Path("/dev/null")
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    return node


def listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# --- per writer -----------------------------------------------------------------------------


def test_a_symlink_has_its_target_written_and_stays_a_link(writer: Writer, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    real = elsewhere / "real-file"
    real.write_bytes(OLD)
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    link = chosen / "export"
    link.symlink_to(real)
    writer.write(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert writer.wrote(real.read_bytes()), real.read_bytes()[:200]
    assert mode(real) == 0o600
    assert listing(elsewhere) == {"real-file"} and listing(chosen) == {"export"}  # no leftovers


def test_a_named_pipe_is_refused_with_nothing_written(writer: Writer, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    pipe = folder / "export"
    os.mkfifo(pipe)
    with pytest.raises(FileProblem) as refused:
        writer.write(pipe)
    assert str(refused.value) == (
        f"{pipe} is not a regular file (it is a named pipe), so nothing was written there. "
        "Choose a file name in a folder."
    )
    assert stat.S_ISFIFO(pipe.lstat().st_mode) and listing(folder) == {"export"}


def test_a_device_is_refused_and_left_a_device(writer: Writer, tmp_path: Path) -> None:
    node = device_node(tmp_path)
    before = node.lstat()
    with pytest.raises(FileProblem, match=r"it is a device\), so nothing was written there"):
        writer.write(node)
    after = node.lstat()
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino


def test_a_folder_is_refused_with_what_is_in_it_untouched(writer: Writer, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "kept.txt").write_bytes(OLD)
    with pytest.raises(FileProblem, match=r"is not a regular file \(it is a folder\)"):
        writer.write(folder)
    assert listing(folder) == {"kept.txt"} and (folder / "kept.txt").read_bytes() == OLD
    assert listing(tmp_path) >= {"export"} and not [p for p in tmp_path.glob(".*part")]


@pytest.mark.usefixtures("usual_umask")
def test_a_readable_file_replaced_becomes_private(writer: Writer, tmp_path: Path) -> None:
    target = tmp_path / "export"
    target.write_bytes(OLD)
    target.chmod(0o644)
    writer.write(target)
    assert writer.wrote(target.read_bytes())
    assert mode(target) == 0o600


@pytest.mark.usefixtures("usual_umask")
def test_a_new_file_is_private(writer: Writer, tmp_path: Path) -> None:
    target = tmp_path / "export"
    writer.write(target)
    assert mode(target) == 0o600


# --- the helper ---------------------------------------------------------------------------


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    target.write_bytes(OLD)
    with pytest.raises(RuntimeError), replacing(target) as part:
        part.write_bytes(b"half")
        raise RuntimeError("the disk went away")
    assert target.read_bytes() == OLD and listing(tmp_path) == {"export.csv"}


def test_a_dangling_symlink_gets_its_target_made(tmp_path: Path) -> None:
    """As ``cp`` does: the link names where the user wants the file."""
    link = tmp_path / "backup.zip"
    link.symlink_to(tmp_path / "not-yet.zip")
    with replacing(link) as part:
        part.write_bytes(b"PK")
    assert link.is_symlink() and (tmp_path / "not-yet.zip").read_bytes() == b"PK"


def test_a_symlink_loop_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    with pytest.raises(FileProblem, match="leads round in a circle"), replacing(tmp_path / "a.csv"):
        pass
    assert os.readlink(tmp_path / "a.csv") == str(tmp_path / "b.csv")
    assert listing(tmp_path) == {"a.csv", "b.csv"}


# --- the others ---------------------------------------------------------------------------


def test_eml_export_into_a_linked_folder_writes_there(
    store: Store, sent: Message, tmp_path: Path
) -> None:
    """Already so (a folder is made or used, each .eml created exclusively); kept so."""
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "mail"
    link.symlink_to(real)
    assert sent.id is not None
    export_eml(store, [sent.id], link)
    assert link.is_symlink() and [p.suffix for p in real.iterdir()] == [".eml"]


@pytest.mark.usefixtures("usual_umask")
def test_the_spelling_dictionary_is_private_when_made_and_when_kept(paths: Paths) -> None:
    SpellChecker("en_US", paths.dictionary).add_to_dictionary("Pinpointly")
    assert mode(paths.dictionary) == 0o600
    paths.dictionary.chmod(0o644)  # an older Afterword made it so
    SpellChecker("en_US", paths.dictionary).add_to_dictionary("Grafana")
    assert mode(paths.dictionary) == 0o600
    assert paths.dictionary.read_text(encoding="utf-8") == "Pinpointly\nGrafana\n"


def test_a_backup_through_a_symlink_is_a_whole_backup(afterword: Afterword, tmp_path: Path) -> None:
    real = tmp_path / "real.zip"
    link = tmp_path / "backup.zip"
    link.symlink_to(real)
    backup(afterword, link)
    with zipfile.ZipFile(real) as archive:
        assert archive.testzip() is None and MANIFEST in archive.namelist()
