"""Restoring a backup someone handed the user: arbitrary bytes, and a real backup with bytes
flipped, inserted or cut, its manifest changed, or members added. Each ends in a restore or
a clear AfterwordError (BackupRefused, FileProblem...), never another exception, within the
time and memory budget; and a refused one leaves the live records as they were."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from composer.afterword import Afterword
from composer.backup import MANIFEST, backup
from composer.errors import AfterwordError
from composer.paths import resolve
from composer.records import Contact, Interview, InterviewStatus, Profile
from composer.restore import restore
from tests.fuzz.budget import within_budget
from tests.fuzz.profiles import FUZZ
from tests.helpers.clock import clock

PARSER = "backup"
pytestmark = pytest.mark.filterwarnings("ignore:Duplicate name")  # a second member is a case


@pytest.fixture(scope="module")
def real_backup(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """One real backup of someone's records, made once: the cases mutate its bytes."""
    folder = tmp_path_factory.mktemp("made")
    afterword = Afterword.open(resolve(folder / "data"), keyring_backend=object(), clock=clock)
    try:
        store = afterword.store
        store.save_profile(Profile("Zoë Müller", "zoe@example.org"))
        store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme", "Engineering Lead"))
        store.add_interview(
            Interview(
                "Acme",
                "Data Engineer",
                datetime(2026, 11, 3, 14, 30, tzinfo=UTC),
                status=InterviewStatus.DONE,
            )
        )
        afterword.templates.new_template("My thanks")
        backup(afterword, folder / "real.zip")
    finally:
        afterword.close()
    return (folder / "real.zip").read_bytes()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Afterword]:
    """The user's open Afterword, with records of its own; shared by the cases."""
    paths = resolve(tmp_path_factory.mktemp("live") / "data")
    afterword = Afterword.open(paths, keyring_backend=object(), clock=clock)
    afterword.store.add_contact(Contact("Harriet Ross", "hr@acme.example", "Acme"))
    yield afterword
    afterword.close()


def records(afterword: Afterword) -> tuple[Any, ...]:
    """What the user sees of their data: people, interviews, profile and own templates."""
    store, folder = afterword.store, afterword.paths.data_dir / "templates"
    files = sorted((p.name, p.read_bytes()) for p in folder.rglob("*") if p.is_file())
    return store.contacts(), store.interviews(), store.profile(), files


def restored(afterword: Afterword, data: bytes) -> None:
    before = records(afterword)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "handed-to-me.zip"
        source.write_bytes(data)
        try:
            with within_budget(PARSER):
                restore(afterword, source, replace=True)
        except AfterwordError as error:
            assert str(error)
            assert records(afterword) == before, "a refused backup changed the records"
            return
    records(afterword)  # what was restored opens


# --- mutations of a real backup -----------------------------------------------------------


def flipped(data: bytes, changes: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for where, xor in changes:
        out[where % len(out)] ^= xor or 1
    return bytes(out)


def inserted(data: bytes, where: int, extra: bytes) -> bytes:
    where %= len(data) + 1
    return data[:where] + extra + data[where:]


def rezipped(
    data: bytes, change_manifest: Any = None, extra: dict[str, bytes] | None = None
) -> bytes:
    """The same backup written again, its manifest changed and members added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename == MANIFEST and change_manifest is not None:
                content = change_manifest(json.loads(content))
            target.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["../../x", "/etc/passwd", "afterword.sqlite3", "templates/a.j2", "", "."]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


def replace_at(manifest: Any, path: list[int], value: Any) -> Any:
    """``value`` put at the place ``path`` picks in the manifest (or the whole of it)."""
    node = manifest
    for step in path:
        if isinstance(node, dict) and node:
            key = sorted(node)[step % len(node)]
            if not isinstance(node[key], dict | list) or step % 3 == 0:
                node[key] = value
                return manifest
            node = node[key]
        elif isinstance(node, list) and node:
            if step % 3 == 0:
                node[step % len(node)] = value
                return manifest
            node = node[step % len(node)]
    return value if not path else manifest


@FUZZ
@given(data=st.binary(max_size=4096))
def test_any_bytes_are_restored_or_refused_plainly(live: Afterword, data: bytes) -> None:
    restored(live, data)


@FUZZ
@given(
    changes=st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), min_size=1, max_size=8)
)
def test_a_backup_with_flipped_bytes_is_restored_or_refused_plainly(
    live: Afterword, real_backup: bytes, changes: list[tuple[int, int]]
) -> None:
    restored(live, flipped(real_backup, changes))


@FUZZ
@given(where=st.integers(0, 10**7), extra=st.binary(min_size=1, max_size=64), cut=st.booleans())
def test_a_backup_cut_short_or_with_bytes_inserted_is_restored_or_refused_plainly(
    live: Afterword, real_backup: bytes, where: int, extra: bytes, cut: bool
) -> None:
    data = real_backup[: where % len(real_backup)] if cut else inserted(real_backup, where, extra)
    restored(live, data)


@FUZZ
@given(path=st.lists(st.integers(0, 50), max_size=4), value=json_values, raw=st.booleans())
def test_a_backup_with_a_changed_manifest_is_restored_or_refused_plainly(
    live: Afterword, real_backup: bytes, path: list[int], value: Any, raw: bool
) -> None:
    def change(manifest: Any) -> bytes:
        if raw and isinstance(value, str):
            return value.encode()
        return json.dumps(replace_at(manifest, path, value)).encode()

    restored(live, rezipped(real_backup, change))


_MEMBER_NAMES = st.sampled_from(
    [
        "../escape.j2",
        "/abs.j2",
        "templates/extra.j2",
        "templates/../../x",
        "afterword.sqlite3",
        MANIFEST,
        "templates/",
        "dictionary.txt",
        "a\\b",
        "templates/\x00.j2",
        "x" * 300,
    ]
) | st.text(min_size=1, max_size=40).filter(
    lambda name: name.split("\x00")[0]
)  # zipfile cuts at NUL


@FUZZ
@given(
    members=st.dictionaries(_MEMBER_NAMES, st.binary(max_size=256), min_size=1, max_size=4),
    bomb=st.integers(0, 20_000_000),
)
def test_a_backup_with_members_added_is_restored_or_refused_plainly(
    live: Afterword, real_backup: bytes, members: dict[str, bytes], bomb: int
) -> None:
    members["templates/zeros.j2"] = b"\x00" * bomb  # compresses a thousand to one
    restored(live, rezipped(real_backup, extra=members))


def test_a_manifest_with_an_infinite_format_version_is_refused_plainly(
    live: Afterword, real_backup: bytes
) -> None:
    def infinite(manifest: dict[str, Any]) -> bytes:
        return json.dumps({**manifest, "format_version": float("inf")}).encode()

    restored(live, rezipped(real_backup, infinite))
