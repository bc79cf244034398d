"""Follow-up templates: Jinja2 files, rendered in a sandbox that never leaves a blank.

A template file is plain Jinja2 with two blocks, ``subject`` and ``body``, and a leading
comment holding its ``title`` and ``when`` (one line saying when to use it). Fields are
groups (``me``, ``recipient``, ``interview``); a group leaves out what the records lack, so
``StrictUndefined`` turns a missing value into an error naming it, and optional details sit
behind ``{% if interview.topic is defined %}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NoReturn

import jinja2
from jinja2.exceptions import SecurityError

from composer.errors import MissingField, TemplateError, TemplateUnsafe
from composer.templates.problems import refusal_plainly, stop, syntax_problems
from composer.templates.sandbox import TIME_LIMIT, Sandbox, TooSlow, time_limit
from composer.templates.sandbox_limits import MAX_TEXT, TooLong

_META = re.compile(r"^\s*\{#(?P<meta>.*?)#\}", re.DOTALL)


class FieldGroup(dict[str, Any]):
    """One group of fields (``interview``, ``recipient``, ...), labelled for error messages."""

    def __init__(self, label: str, values: Mapping[str, Any], where: str) -> None:
        super().__init__({k: v for k, v in values.items() if not _empty(v)})
        self.label = label
        self.where = where  # where the user fills these in, for the error message


def _empty(value: Any) -> bool:
    """Only spaces is as empty as nothing: kept, it would go out as a blank."""
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


FIELD_NAMES = {
    "first_name": "first name",
    "scheduled": "date",
}


class _Missing(jinja2.StrictUndefined):
    """Raises our own error, naming the field and where to fill it."""

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> NoReturn:
        if self._undefined_exception is not jinja2.UndefinedError:  # the sandbox said no
            super()._fail_with_undefined_error(*args, **kwargs)
        owner = self._undefined_obj
        name = str(self._undefined_name)
        if isinstance(owner, FieldGroup):
            raise _FieldMissing(f"{owner.label}.{name}", owner.label, name, owner.where)
        raise _FieldMissing(name, None, name, None)

    __str__ = __iter__ = __len__ = __bool__ = _fail_with_undefined_error
    __eq__ = __ne__ = __hash__ = __contains__ = _fail_with_undefined_error


class _FieldMissing(Exception):
    def __init__(self, path: str, group: str | None, name: str, where: str | None) -> None:
        super().__init__(path)
        self.path, self.group, self.name, self.where = path, group, name, where


def environment(loader: jinja2.BaseLoader) -> Sandbox:
    env = Sandbox(
        loader=loader,
        undefined=_Missing,
        autoescape=False,  # plain-text mail, never HTML
        keep_trailing_newline=False,
    )
    env.filters["first_name"] = lambda name: str(name).split()[0] if str(name).split() else name
    return env


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


@dataclass(frozen=True)
class Template:
    id: str
    title: str
    when: str
    source: str
    builtin: bool

    def render(self, fields: Mapping[str, Any]) -> Rendered:
        return render_source(self.source, fields, name=self.id, title=self.title)


def parse_meta(source: str) -> dict[str, str]:
    match = _META.match(source)
    if not match:
        return {}
    meta = {}
    for line in match["meta"].splitlines():
        key, sep, value = line.strip().lstrip("-").strip().partition(":")
        if sep and key.strip():
            meta[key.strip().lower()] = value.strip()
    return meta


def render_source(
    source: str, fields: Mapping[str, Any], *, name: str, title: str | None = None
) -> Rendered:
    """Renders the ``subject`` and ``body`` blocks; every failure is a TemplateError."""
    shown = title or name
    template: jinja2.Template | None = None
    try:
        template = _compiled(name, source)
        for block in ("subject", "body"):
            if block not in template.blocks:
                raise TemplateError(
                    name, f"The template “{shown}” has no {{% block {block} %}}; add one."
                )
        context = template.new_context(dict(fields))
        with time_limit():
            subject = " ".join(_capped(template.blocks["subject"](context), shown, name).split())
            body = _capped(template.blocks["body"](context), shown, name).strip("\n") + "\n"
    except _FieldMissing as missing:
        raise _missing_field(missing, name, shown) from None
    except TooLong as error:
        raise TemplateUnsafe(
            name,
            f"The template “{shown}” would build a text longer than {MAX_TEXT:,} characters "
            f"(in “{error.where}”{_on_line(template, error).replace(' on', ',')}), so it was "
            "stopped. Shorten what it repeats or pads.",
        ) from None
    except TooSlow:
        raise TemplateUnsafe(
            name,
            f"The template “{shown}” ran for more than {TIME_LIMIT:g} seconds, so it was "
            "stopped. Make its loops shorter.",
        ) from None
    except SecurityError as error:
        raise TemplateUnsafe(
            name,
            f"The template “{shown}” tried something not allowed in a template"
            f"{_on_line(template, error)}: {refusal_plainly(str(error))}.",
        ) from None
    except (MemoryError, RecursionError, OverflowError) as error:
        raise TemplateUnsafe(
            name,
            f"The template “{shown}” needs too much memory or recursion ({type(error).__name__}).",
        ) from None
    except jinja2.TemplateSyntaxError as error:
        [first, *_] = syntax_problems(source, error)
        raise TemplateError(
            name,
            f"The template “{shown}” has a problem on {stop(str(first))} Correct it in Templates.",
        ) from None
    except jinja2.TemplateError as error:
        raise TemplateError(
            name, f"The template “{shown}” cannot be filled in{_on_line(template, error)}: {error}."
        ) from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as error:
        line = _on_line(template, error)
        if not line:  # not the template's own code: a bug, kept loud
            raise
        raise TemplateError(
            name,
            f"The template “{shown}” cannot be filled in{line}: its code failed "
            f"({_shortened(str(error))}). Correct it in Templates.",
        ) from None
    return Rendered(subject=subject, body=body)


def _shortened(text: str, most: int = 200) -> str:
    """An error quoting a long value quotes its start: the preview is no place for it."""
    return text if len(text) <= most else f"{text[:most]}…"


def _on_line(template: jinja2.Template | None, error: BaseException) -> str:
    """Where in the template's own text the error happened, as " on line 3"."""
    frames = []
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == "<template>":
            frames.append(trace.tb_lineno)
        trace = trace.tb_next
    if template is None or not frames:
        return ""
    return f" on line {template.get_corresponding_lineno(frames[-1])}"


@lru_cache(maxsize=64)
def _compiled(name: str, source: str) -> jinja2.Template:
    """Parsing and compiling a template costs a hundred times filling it in: a batch of
    personal messages compiles it once. Keyed by the text itself, so an edited file (in the
    app or outside it) is compiled afresh; a template with a syntax error is not kept."""
    return environment(jinja2.DictLoader({name: source})).get_template(name)


def _capped(chunks: Iterator[str], shown: str, name: str) -> str:
    parts: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_TEXT:
            raise TemplateUnsafe(
                name,
                f"The template “{shown}” produces more than {MAX_TEXT:,} characters; "
                "a follow-up should be short. Shorten the template.",
            )
        parts.append(chunk)
    return "".join(parts)


# What the user chooses for a message, when a template needs it and none was chosen.
_CHOSEN = {
    "interview": "an interview: choose the interview it follows up on",
    "recipient": "one person: choose who it goes to",
}


def _missing_field(missing: _FieldMissing, name: str, shown: str) -> MissingField:
    label = FIELD_NAMES.get(missing.name, missing.name.replace("_", " "))
    owner = {"me": "your profile", "recipient": "the recipient"}.get(
        missing.group or "", f"the {missing.group}"
    )
    if missing.group is None and missing.name in _CHOSEN:
        text = f"The template “{shown}” is about {_CHOSEN[missing.name]}."
    elif missing.group is None:
        text = (
            f"The template “{shown}” uses a field “{missing.name}” that Afterword does not "
            "know. Check its spelling in the template."
        )
    else:
        text = (
            f"The template “{shown}” needs {owner}'s {label} ({missing.path}), which is not "
            f"set: set it in {missing.where}."
        )
    return MissingField(name, missing.path, text)
