"""Broken files: a clear message, the file kept aside, never overwritten."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from composer.afterword import Afterword
from composer.errors import DatabaseDamaged
from composer.paths import Paths
from composer.templates import TemplateLibrary


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_damaged_database_is_refused_then_set_aside_whole(paths: Paths) -> None:
    paths.database.write_bytes(b"SQLite format 3\x00" + b"\x13" * 8000)  # a wrecked header
    before = digest(paths.database)

    with pytest.raises(DatabaseDamaged, match="damaged or is not an Afterword database") as error:
        Afterword.open(paths)
    assert "has not been changed" in str(error.value)
    assert digest(paths.database) == before

    kept = Afterword.set_aside_database(paths)
    assert kept.name.startswith("afterword.sqlite3.broken-")
    assert digest(kept) == before
    fresh = Afterword.open(paths)
    try:
        assert fresh.store.contacts() == []
    finally:
        fresh.close()
    assert digest(kept) == before, "the damaged file is never touched again"


def test_a_template_file_that_is_not_utf8_is_set_aside(tmp_path: Path) -> None:
    mine = tmp_path / "templates"
    mine.mkdir()
    broken = b"{% block subject %}Caf\xe9{% endblock %}{% block body %}x{% endblock %}"
    (mine / "thank_you.j2").write_bytes(broken)  # Latin-1, from another editor
    library = TemplateLibrary(mine)

    templates = {t.id: t for t in library.templates()}

    assert templates["thank_you"].builtin, "the built-in takes its place"
    [notice] = library.notices
    assert "is not UTF-8 text" in notice and "save it as UTF-8" in notice
    assert "moved aside as thank_you.j2.broken-" in notice
    [kept] = list(mine.glob("thank_you.j2.broken-*"))
    assert kept.read_bytes() == broken
    assert library.get("thank_you").builtin
