"""The templates: the built-ins (read-only) and the user's own, as plain Jinja2 files.

The user's live in the config dir, so they can be edited outside the app and backed up.
One of theirs with a built-in's id replaces it; deleting it brings the built-in back.
A template's default attachments (a CV, say) sit beside it in ``<id>.files/``.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from composer.broken_files import set_aside
from composer.errors import AfterwordError, MissingField, TemplateError, TemplateNotFound
from composer.records import Attachment
from composer.safe_write import replacing
from composer.templates.built_in import BUILTIN_DIR, SUFFIX
from composer.templates.fields import DESCRIPTIONS
from composer.templates.problems import ASKED, find_problems, stop
from composer.templates.problems import Problem as Problem  # where it was before: kept importable
from composer.templates.rendering import (
    Rendered,
    Template,
    environment,
    parse_meta,
)

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
KNOWN_FIELDS: dict[str, set[str]] = {}
for _path in DESCRIPTIONS:
    _group, _name = _path.split(".")
    KNOWN_FIELDS.setdefault(_group, set()).add(_name)
_HEADER = re.compile(r"^\s*\{#(?P<meta>.*?)#\}", re.DOTALL)
_ASK = re.compile(r"^\s*ask\s*:(?P<question>.*)$", re.IGNORECASE)
_ASK_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
_TAKEN = frozenset(dir(dict))  # "ask.items" would find the method, not the answer
LARGE_ATTACHMENTS = 10 * 1024 * 1024  # bytes: above this, warn before sending


@dataclass(frozen=True)
class Question:
    """A value the template asks the user for (a header line ``ask: news = What…``),
    used as ``{{ ask.news }}``: something no record holds, typed in Compose."""

    name: str
    prompt: str
    line: int = 0


def questions(source: str) -> tuple[Question, ...]:
    """The template's questions, in header order; a malformed one is a problem, not a
    question."""
    return tuple(q for q in _asked(source) if _question_problem(q) is None)


@lru_cache(maxsize=64)
def _asked(source: str) -> tuple[Question, ...]:
    header = _HEADER.match(source)
    if header is None:
        return ()
    found = []
    for number, line in enumerate(header["meta"].splitlines(), start=1):
        match = _ASK.match(line)
        if match:
            name, _, prompt = match["question"].partition("=")
            found.append(Question(name.strip(), prompt.strip(), number))
    return tuple(found)


def _question_problem(question: Question) -> Problem | None:
    if not _ASK_NAME.match(question.name) or question.name in _TAKEN:
        return Problem(
            question.line,
            f"“{question.name}” cannot name a question: use another lower-case word, as in "
            "“ask: news = What you have been doing lately”",
        )
    if not question.prompt:
        return Problem(question.line, f"the question “{question.name}” says nothing after “=”")
    return None


def problems(source: str) -> list[Problem]:
    """What stops a template from being used, each with its line: shown as the user types."""
    return list(_problems(source))


@lru_cache(maxsize=64)
def _problems(source: str) -> tuple[Problem, ...]:
    """Checked once per text: every message of a batch checks the same template."""
    env = environment(jinja2.DictLoader({}))
    asked = {question.name for question in questions(source)}
    found = find_problems(source, env, KNOWN_FIELDS, asked)
    found += [p for p in map(_question_problem, _asked(source)) if p is not None]
    return tuple(sorted(set(found), key=lambda problem: problem.line))


def check_usable(template: Template) -> None:
    """Raises the first problem: a template with one can be saved but not used to send."""
    found = _problems(template.source)
    if found:
        raise TemplateError(
            template.id,
            f"The template “{template.title}” cannot be used until it is fixed: "
            f"{stop(str(found[0]))} Open it in Templates to correct it.",
        )


def render_answered(template: Template, fields: Mapping[str, Any]) -> Rendered:
    """Renders it; an unanswered question says what to type, and where."""
    try:
        return template.render(fields)
    except MissingField as error:
        group, _, name = error.field.partition(".")
        asked = {q.name: q for q in questions(template.source)}
        if group != ASKED or name not in asked:
            raise
        prompt = asked[name].prompt
        stop = "" if prompt.endswith((".", "?", "!")) else "."
        raise MissingField(
            template.id,
            error.field,
            f"The template “{template.title}” asks: {prompt}{stop} Type it in the box above "
            "the text in Compose.",
        ) from None


def new_template_source(title: str) -> str:
    return (
        f"{{#\ntitle: {title}\nwhen: \n#}}\n"
        "{% block subject %}{% endblock %}\n"
        "{% block body %}\nDear {{ recipient.greeting }},\n\n\n\n"
        "Best wishes,\n{{ me.name }}\n{% endblock %}\n"
    )


class TemplateLibrary:
    def __init__(self, user_dir: Path | None = None, builtin_dir: Path = BUILTIN_DIR) -> None:
        self.builtin_dir = builtin_dir
        self.user_dir = user_dir
        self.notices: list[str] = []  # files of mine that could not be read, now set aside

    # --- reading --------------------------------------------------------------------------

    def templates(self) -> list[Template]:
        mine = [t for t in map(self._load_mine, self._files(self.user_dir)) if t is not None]
        found = {path.stem: self._load(path) for path in self._files(self.builtin_dir)}
        found.update({template.id: template for template in mine})
        return sorted(found.values(), key=lambda t: t.title)

    def get(self, template_id: str) -> Template:
        if self.user_dir is not None and (self.user_dir / f"{template_id}{SUFFIX}").is_file():
            template = self._load_mine(self.user_dir / f"{template_id}{SUFFIX}")
            if template is not None:
                return template
        if self.has_builtin(template_id):
            return self._load(self.builtin_dir / f"{template_id}{SUFFIX}")
        raise TemplateNotFound(template_id, f"There is no template called “{template_id}”.")

    def _load_mine(self, path: Path) -> Template | None:
        """A file of mine that can't be read is set aside (never overwritten) and reported."""
        try:
            return self._load(path)
        except TemplateError as error:
            kept = set_aside(path)
            self.notices.append(f"{error} It was moved aside as {kept.name}.")
            return None

    def is_mine(self, template_id: str) -> bool:
        return self._mine(template_id).is_file() if self.user_dir else False

    def has_builtin(self, template_id: str) -> bool:
        return (self.builtin_dir / f"{template_id}{SUFFIX}").is_file()

    @staticmethod
    def _files(folder: Path | None) -> list[Path]:
        return sorted(folder.glob(f"*{SUFFIX}")) if folder and folder.is_dir() else []

    def _load(self, path: Path) -> Template:
        try:
            source = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise TemplateError(
                path.stem,
                f"The template file {path} is not UTF-8 text. Open it in a text editor and "
                "save it as UTF-8.",
            ) from None
        except OSError as error:
            raise TemplateError(
                path.stem, f"The template file {path} cannot be read ({error.strerror})."
            ) from None
        data = parse_meta(source)
        return Template(
            id=path.stem,
            title=data.get("title") or path.stem.replace("_", " ").capitalize(),
            when=data.get("when", ""),
            source=source,
            builtin=path.parent == self.builtin_dir,
        )

    # --- the user's own -------------------------------------------------------------------

    def _mine(self, template_id: str) -> Path:
        if self.user_dir is None:
            raise AfterwordError("There is no folder for your own templates.")
        if not _ID.match(template_id):
            raise AfterwordError(
                f"“{template_id}” cannot name a template: use lower-case letters, digits, "
                "“_” and “-”."
            )
        return self.user_dir / f"{template_id}{SUFFIX}"

    def save(self, template_id: str, source: str) -> Template:
        """Writes one of mine (whole or not at all); problems don't stop a save."""
        path = self._mine(template_id)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
                file.write(source)
            os.replace(temporary, path)
        except OSError as error:
            raise _not_written(path, error) from None
        return self._load(path)

    def new_template(self, title: str) -> Template:
        """A template of mine with a file name made from its title."""
        title = clean_title(title)
        return self.save(self._free_id(id_of(title)), new_template_source(title))

    def retitle(self, template_id: str, title: str) -> Template:
        """A new title, and a file name to match (so a built-in it replaced comes back)."""
        title = clean_title(title)
        saved = self.save(template_id, _retitle(self.get(template_id).source, title))
        if template_id == id_of(title):
            return saved
        return self.rename(template_id, self._free_id(id_of(title)))

    def customize(self, template_id: str) -> Template:
        """Copies a built-in into mine under the same id, so mine replaces it."""
        return self.save(template_id, self.get(template_id).source)

    def duplicate(self, template_id: str) -> Template:
        original = self.get(template_id)
        new_id = self._free_id(f"{template_id}_copy")
        source = _retitle(original.source, f"{original.title} (copy)")
        return self.save(new_id, source)

    def rename(self, template_id: str, new_id: str) -> Template:
        if not self.is_mine(template_id):
            raise AfterwordError("Only your own templates can be renamed; customize it first.")
        target = self._mine(new_id)
        if target.exists() or self.has_builtin(new_id):
            raise AfterwordError(f"There is already a template called “{new_id}”.")
        try:
            self._mine(template_id).rename(target)
            folder = self._files_dir(template_id)
            if folder.is_dir():
                folder.rename(self._files_dir(new_id))
        except OSError as error:
            raise _not_changed(self._mine(template_id), error) from None
        return self._load(target)

    def delete(self, template_id: str) -> None:
        """Deletes mine; a built-in of the same id takes its place again."""
        if not self.is_mine(template_id):
            raise AfterwordError("Built-in templates cannot be deleted.")
        try:
            self._mine(template_id).unlink()
        except OSError as error:
            raise _not_changed(self._mine(template_id), error) from None
        shutil.rmtree(self._files_dir(template_id), ignore_errors=True)

    def import_file(self, path: Path) -> Template:
        """Brings in a template file; it runs in the same sandbox as every other."""
        try:
            source = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise AfterwordError(f"{path.name} is not a UTF-8 text file.") from None
        except OSError as error:
            raise AfterwordError(f"{path} cannot be read ({error.strerror}).") from None
        stem = re.sub(r"[^a-z0-9_-]+", "_", path.stem.lower()).strip("_-") or "imported"
        return self.save(self._free_id(stem), source)

    def export(self, template_id: str, path: Path) -> None:
        """Private (0600) and whole, where the user asked (see ``safe_write``)."""
        source = self.get(template_id).source
        try:
            with replacing(Path(path)) as part:
                part.write_text(source, encoding="utf-8")
        except OSError as error:
            raise _not_written(path, error) from None

    def _free_id(self, wanted: str) -> str:
        candidate, number = wanted[:60], 2
        while self.is_mine(candidate) or self.has_builtin(candidate):
            candidate, number = f"{wanted[:56]}_{number}", number + 1
        return candidate

    # --- default attachments --------------------------------------------------------------

    def _files_dir(self, template_id: str) -> Path:
        return self._mine(template_id).with_suffix(".files")

    def _default_files(self, template_id: str) -> list[Path]:
        if self.user_dir is None or not _ID.match(template_id):
            return []
        folder = self._files_dir(template_id)
        return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []

    def default_attachment_names(self, template_id: str) -> list[str]:
        return [path.name for path in self._default_files(template_id)]

    def default_attachments(self, template_id: str) -> list[Attachment]:
        return [attachment_from_file(path) for path in self._default_files(template_id)]

    def add_default_attachment(self, template_id: str, path: Path) -> None:
        if not self.is_mine(template_id):
            self.customize(template_id)
        folder = self._files_dir(template_id)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, folder / path.name)
        except OSError as error:
            raise AfterwordError(
                f"{path.name} could not be attached by default ({error.strerror}). Check that "
                "the file is still there and that there is space on the disk."
            ) from None

    def remove_default_attachment(self, template_id: str, filename: str) -> None:
        path = self._files_dir(template_id) / Path(filename).name
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            raise _not_changed(path, error) from None


def _retitle(source: str, title: str) -> str:
    if re.search(r"(?m)^title:.*$", source):
        return re.sub(r"(?m)^title:.*$", lambda _: f"title: {title}", source, count=1)
    return f"{{#\ntitle: {title}\n#}}\n{source}"


def clean_title(title: str) -> str:
    """A title lives in the template's leading comment: it must not end it."""
    return " ".join(title.replace("#}", "").split())


def id_of(title: str) -> str:
    """The file name a title gives (without its suffix)."""
    return re.sub(r"[^a-z0-9_-]+", "_", title.lower()).strip("_-")[:56] or "template"


def _not_changed(path: Path, error: OSError) -> AfterwordError:
    return AfterwordError(
        f"{path} could not be changed ({error.strerror}). Check that you may change files "
        "in its folder."
    )


def _not_written(path: Path, error: OSError) -> AfterwordError:
    return AfterwordError(
        f"{path} could not be written ({error.strerror}). Check that the folder exists and "
        "that there is space on the disk."
    )


def attachment_from_file(path: Path) -> Attachment:
    """Reads the file now: the bytes go with the draft and the record, whatever happens to it."""
    import mimetypes

    kind, _ = mimetypes.guess_type(path.name)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise AfterwordError(f"The file {path} cannot be read ({error.strerror}).") from None
    return Attachment(path.name, kind or "application/octet-stream", data)


def total_size(attachments: list[Attachment]) -> int:
    return sum(len(a.data) for a in attachments)
