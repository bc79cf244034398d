"""Sent records out of Afterword: the exact bytes that went out, as ``.eml`` files or one
mbox, and a CSV summary for a spreadsheet.

Messages are read one at a time, so 50,000 records never sit in memory together. Only a
message that went out (sent, or uncertain) has bytes to export; the others (drafts, queued,
failed) are counted as left out. A file is never half-written: the mbox and the CSV are
written to a temporary file beside the target and renamed over it when complete (a symlink
followed, a device or folder refused: ``safe_write``), and an ``.eml`` never replaces a
file that exists.
"""

from __future__ import annotations

import csv
import errno
import mailbox
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from pathlib import Path
from typing import IO

from composer.broken_files import make_private_folders, open_private
from composer.errors import FileProblem, RecordNotFound
from composer.records import Interview, Message, MessageState
from composer.safe_write import replacing
from composer.spreadsheet import as_text_row
from composer.store import Store

EXPORTED_STATES = (MessageState.SENT, MessageState.UNCERTAIN)
CSV_COLUMNS = (
    "Date sent",
    "State",
    "To",
    "Cc",
    "Subject",
    "Company",
    "Position",
    "Template",
    "Message-ID",
)
_NAME_CHARACTERS = 60  # of the subject, in an .eml file's name
_NAME_BYTES = 100  # and in UTF-8: with the date and " (2).eml", within 143 bytes
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')  # refused by Windows or Unix


@dataclass(frozen=True)
class Exported:
    """What an export wrote, and what it left out."""

    files: list[Path]  # each .eml, or the one .mbox or .csv
    messages: int
    where: Path  # the folder of .eml files, or the file
    left_out: Counter[MessageState] = field(default_factory=Counter)

    def summary(self) -> str:
        """For the user: "Exported 1,204 messages to …; 3 drafts left out: …"."""
        noun = "message" if self.messages == 1 else "messages"
        text = f"Exported {self.messages:,} {noun} to {self.where}"
        if not self.left_out:
            return text + "."
        return f"{text}; {_left_out(self.left_out)} left out: only what went out is exported."


_LEFT_OUT_NAMES = {
    MessageState.DRAFT: ("draft", "drafts"),
    MessageState.QUEUED: ("queued message", "queued messages"),
    MessageState.SCHEDULED: ("scheduled message", "scheduled messages"),
    MessageState.SENDING: ("message being sent", "messages being sent"),
    MessageState.FAILED: ("failed message", "failed messages"),
    MessageState.SENT: ("sent message with no copy kept", "sent messages with no copy kept"),
    MessageState.UNCERTAIN: (
        "uncertain message with no copy kept",
        "uncertain messages with no copy kept",
    ),
}


def _left_out(counts: Counter[MessageState]) -> str:
    parts = [
        f"{count:,} {_LEFT_OUT_NAMES[state][count != 1]}" for state, count in sorted(counts.items())
    ]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


def _messages(store: Store, ids: Sequence[int]) -> Iterator[Message]:
    """One at a time, in the order given; a draft deleted meanwhile is skipped."""
    for message_id in ids:
        try:
            yield store.message(message_id)
        except RecordNotFound:
            continue


def _went_out(
    store: Store, ids: Sequence[int], left_out: Counter[MessageState]
) -> Iterator[tuple[Message, bytes]]:
    for message in _messages(store, ids):
        if message.state in EXPORTED_STATES and message.raw:
            yield message, message.raw
        else:
            left_out[message.state] += 1


# --- .eml --------------------------------------------------------------------------------


def export_eml(store: Store, ids: Sequence[int], folder: Path) -> Exported:
    """One ``.eml`` per message, its bytes exactly as sent, named "<date> <subject>.eml";
    a name already taken gets " (2)", " (3)"…: no file is ever replaced."""
    folder = Path(folder)
    written: list[Path] = []
    left_out: Counter[MessageState] = Counter()
    try:
        make_private_folders(folder)  # a new folder, the user's alone; an existing one as it is
        for message, raw in _went_out(store, ids, left_out):
            written.append(_write_new(folder, eml_name(message), raw))
    except OSError as error:
        raise _problem(error, folder, done=len(written)) from None
    return Exported(written, len(written), folder, left_out)


def eml_name(message: Message) -> str:
    """ "2026-11-03 14.30 Thank you for today": sorts by date, says what it is, and is a
    valid name on Windows, macOS and Linux."""
    when = message.sent_at or message.updated_at
    stamp = when.astimezone().strftime("%Y-%m-%d %H.%M") if when else "undated"
    subject = unicodedata.normalize("NFC", _UNSAFE_IN_NAME.sub(" ", message.subject))
    subject = _cut(" ".join(subject.split())[:_NAME_CHARACTERS]).strip(" .")
    return f"{stamp} {subject or '(no subject)'}"


def _cut(text: str) -> str:
    """At most ``_NAME_BYTES`` in UTF-8, whole characters: file systems count bytes (255 on
    most, 143 in an encrypted home), and sixty emoji take 240."""
    return text.encode()[:_NAME_BYTES].decode(errors="ignore")


def _write_new(folder: Path, stem: str, data: bytes) -> Path:
    """Creates the file exclusively, 0600: an existing file, even one appearing meanwhile,
    is never written over."""
    number = 1
    while True:
        path = folder / (f"{stem}.eml" if number == 1 else f"{stem} ({number}).eml")
        try:
            file = open(open_private(path, new_only=True), "wb")  # noqa: SIM115 (closed below)
        except FileExistsError:
            number += 1
            continue
        try:
            with file:
                file.write(data)
        except BaseException:
            path.unlink(missing_ok=True)  # half a message is worse than none
            raise
        return path


# --- mbox --------------------------------------------------------------------------------


def export_mbox(store: Store, ids: Sequence[int], path: Path) -> Exported:
    """One mbox file (read by Thunderbird, Apple Mail, mutt, and Python's ``mailbox``).

    ``mailbox.mbox(path).get_bytes(key)`` gives back each message's bytes exactly as sent,
    CRLF line ends included: ``mailbox`` writes bytes as they are when the system's line
    end is LF (and on Windows, where it turns each LF into CRLF, it is given LF line ends,
    so the file still holds the message's own CRLF). A body line starting "From " would be
    written ">From " (the mbox format has no other way); Afterword has written such lines
    as "=46rom " since it started keeping mbox exports in mind, so no message it sends
    needs that.

    The temporary file is not locked (``mailbox.lock``): no other program knows its name
    until the rename, and lockf fails on some network shares ("No locks available").
    """
    path = Path(path)
    left_out: Counter[MessageState] = Counter()
    count = 0

    def write(temporary: Path) -> None:
        nonlocal count
        box = mailbox.mbox(temporary, create=True)
        try:
            for message, raw in _went_out(store, ids, left_out):
                box.add(_from_line(message, raw) + _system_line_ends(raw))
                count += 1
            box.flush()  # and fsync: the file is whole on disk before it is renamed
        finally:
            box.close()

    _replace_atomically(path, write)
    return Exported([path], count, path, left_out)


def _from_line(message: Message, raw: bytes) -> bytes:
    """ "From <sender> <date>": the line that starts each message in an mbox; ``mailbox``
    takes it from the front of the bytes it is given."""
    headers = BytesHeaderParser().parsebytes(raw)
    sender = parseaddr(str(headers.get("From", "")))[1]
    if not sender or not sender.isascii() or any(c.isspace() for c in sender):
        sender = "MAILER-DAEMON"
    when = message.sent_at or message.updated_at or datetime.now(UTC)
    return f"From {sender} {when.astimezone(UTC):%a %b %d %H:%M:%S %Y}\n".encode("ascii")


def _system_line_ends(raw: bytes) -> bytes:
    if mailbox.linesep == b"\n":
        return raw
    return raw.replace(b"\r\n", b"\n")  # mailbox turns each LF into the system's CRLF


# --- CSV ---------------------------------------------------------------------------------


def export_sent_csv(store: Store, ids: Sequence[int], path: Path) -> Exported:
    """A table of every message given, drafts included: one row each. UTF-8 with a byte
    order mark, so spreadsheet programs show accented names rightly."""
    path = Path(path)
    interviews: dict[int, Interview] = {}
    count = 0

    def interview(interview_id: int | None) -> Interview | None:
        if interview_id is None:
            return None
        if interview_id not in interviews:
            interviews.update(store.interviews_by_id([interview_id]))
        return interviews.get(interview_id)

    def write(temporary: Path) -> None:
        nonlocal count
        with temporary.open("w", encoding="utf-8-sig", newline="") as file:
            rows = csv.writer(file)
            rows.writerow(CSV_COLUMNS)
            for message in _messages(store, ids):
                rows.writerow(as_text_row(csv_row(message, interview(message.interview_id))))
                count += 1
            _sync(file)

    _replace_atomically(path, write)
    return Exported([path], count, path)


def csv_row(message: Message, interview: Interview | None) -> list[str]:
    sent = message.sent_at.astimezone().strftime("%Y-%m-%d %H:%M") if message.sent_at else ""
    return [
        sent,
        str(message.state),
        ", ".join(message.to),
        ", ".join(message.cc),
        message.subject,
        interview.company if interview else "",
        interview.position if interview else "",
        message.template_id or "",
        message.header_id or "",
    ]


# --- writing files -----------------------------------------------------------------------


def _replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Writes a private temporary file beside where ``path`` lands, then renames it over
    that file (see ``safe_write``): the old file stays whole until the new one is."""
    try:
        with replacing(path) as temporary:
            write(temporary)
    except OSError as error:
        raise _problem(error, path) from None


def _sync(file: IO[str]) -> None:
    file.flush()
    os.fsync(file.fileno())


_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "your disk quota is used up",
    errno.EFBIG: "the file would be larger than that disk allows",
    errno.EACCES: "you are not allowed to write there",
    errno.EPERM: "you are not allowed to write there",
    errno.EROFS: "that disk is read-only",
    errno.ENOENT: "that folder does not exist",
    errno.ENOTDIR: "part of that path is a file, not a folder",
    errno.EEXIST: "it is a file, not a folder",
    errno.EISDIR: "it is a folder",
}


def _problem(error: OSError, where: Path, *, done: int = 0) -> FileProblem:
    reason = _REASONS.get(error.errno or 0) or error.strerror or str(error)
    text = f"Afterword could not write {where}: {reason}."
    if done == 1:
        text += " The first message was saved there; the rest were not."
    elif done:
        text += f" The first {done:,} messages were saved there; the rest were not."
    return FileProblem(f"{text} Choose another place, or free some space, and try again.")
