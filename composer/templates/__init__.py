"""Follow-up templates, one package: where each part of a template feature lives.

- ``built_in``: the built-in templates by name (``BuiltIn``) and their folder.
- ``library``: the user's templates folder over the built-ins; import, export, questions.
- ``rendering``: filling a template in, every failure a message for the user.
- ``fields``: the fields a template can use, filled from the records.
- ``problems``: a template's mistakes in plain words, at the line to fix.
- ``sandbox``, ``sandbox_limits``, ``sandbox_nesting``: what a template may not do.

The names callers use most are importable from here (``library.problems`` is not: here
``problems`` is the module). All but the built-ins' names load when first asked for: the
window starts without Jinja (tests/ui/test_startup_imports.py), though Today's reminders
name built-ins as it starts.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from composer.templates.built_in import BUILTIN_DIR, SUFFIX, BuiltIn

if TYPE_CHECKING:
    from composer.templates.fields import ASK_WHERE, DESCRIPTIONS, sample_fields, template_fields
    from composer.templates.library import (
        LARGE_ATTACHMENTS,
        Question,
        TemplateLibrary,
        attachment_from_file,
        check_usable,
        clean_title,
        questions,
        render_answered,
        total_size,
    )
    from composer.templates.problems import Problem, stop
    from composer.templates.rendering import (
        FieldGroup,
        Rendered,
        Template,
        environment,
        parse_meta,
        render_source,
    )

__all__ = [
    "ASK_WHERE",
    "BUILTIN_DIR",
    "DESCRIPTIONS",
    "LARGE_ATTACHMENTS",
    "SUFFIX",
    "BuiltIn",
    "FieldGroup",
    "Problem",
    "Question",
    "Rendered",
    "Template",
    "TemplateLibrary",
    "attachment_from_file",
    "check_usable",
    "clean_title",
    "environment",
    "parse_meta",
    "questions",
    "render_answered",
    "render_source",
    "sample_fields",
    "stop",
    "template_fields",
    "total_size",
]

# Where each name above lives, for the ones loaded when first asked for.
_HOME = {
    **dict.fromkeys(("ASK_WHERE", "DESCRIPTIONS", "sample_fields", "template_fields"), "fields"),
    **dict.fromkeys(
        (
            "LARGE_ATTACHMENTS",
            "Question",
            "TemplateLibrary",
            "attachment_from_file",
            "check_usable",
            "clean_title",
            "questions",
            "render_answered",
            "total_size",
        ),
        "library",
    ),
    **dict.fromkeys(("Problem", "stop"), "problems"),
    **dict.fromkeys(
        ("FieldGroup", "Rendered", "Template", "environment", "parse_meta", "render_source"),
        "rendering",
    ),
}

if not TYPE_CHECKING:  # mypy reads the imports above; an Any here would hide a misspelt name

    def __getattr__(name: str) -> Any:
        """``from composer.templates import TemplateLibrary`` loads library.py (and Jinja)."""
        if name not in _HOME:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
        globals()[name] = value
        return value
