"""A template nested too deeply is refused in plain words before Jinja parses it.

Jinja's parser recurses once for each bracket (it ends in RecursionError near 70 of them),
and Python compiles no more than 20 loops inside each other; an imported template nested
3,000 deep crashed the problem checker. Jinja's own lexer is a loop, so counting the
depth of its tokens first costs no more than reading the text.
"""

from __future__ import annotations

from typing import Any

from jinja2 import lexer
from jinja2.exceptions import TemplateSyntaxError

MAX_NESTING = 50  # brackets and {% %} blocks inside each other; Jinja's parser recurses
MAX_LOOPS = 20  # {% for %} inside each other: Python compiles no more than 20
_LEVELS = f"more than {MAX_NESTING} levels of brackets or {{% %}} blocks inside each other"
_TOO_MANY_LOOPS = f"more than {MAX_LOOPS} {{% for %}} inside each other"
_OPENERS = frozenset({"if", "for", "block", "macro", "call", "filter", "with", "autoescape"})


class TooDeep(TemplateSyntaxError):
    """Brackets or blocks nested past what Jinja's parser (and Python's) can take."""

    def __init__(self, line: int, what: str = _LEVELS) -> None:
        super().__init__(f"this template nests too deeply ({what}): write it flatter", line)


def check_nesting(source: str) -> None:
    """Refuses a template nested deeper than MAX_NESTING before Jinja's parser (which
    recurses, and ends in RecursionError near 70 brackets) reads it. Jinja's own lexer
    is a loop, so 3,000 brackets are counted in no time."""
    levels = Nesting()
    try:
        for line, kind, value in lexer.get_lexer(_LEXER_ENV).tokeniter(source, None):
            problem = levels.read(kind, value)
            if problem:
                raise TooDeep(line, problem)
    except TooDeep:
        raise
    except TemplateSyntaxError:
        return  # Jinja's parser says what is wrong, in its turn


class Nesting:
    """How deep the template is at each token: brackets and blocks, and loops apart."""

    def __init__(self) -> None:
        self.depth = 0
        self.loops: list[int] = []  # the depth each open {% for %} was opened at
        self.after_tag = False

    def read(self, kind: str, value: str) -> str | None:
        if kind == "operator" and value in "([{":
            self.depth += 1
        elif kind == "operator" and value in ")]}":
            self.depth -= 1
        elif self.after_tag and kind == "name":
            self._tag(value)
        self.after_tag = kind == "block_begin" or (self.after_tag and kind == "whitespace")
        if self.depth > MAX_NESTING:
            return _LEVELS
        return _TOO_MANY_LOOPS if len(self.loops) > MAX_LOOPS else None

    def _tag(self, name: str) -> None:
        if name in _OPENERS:
            self.depth += 1
            if name == "for":
                self.loops.append(self.depth)
        elif name.startswith("end"):
            if self.loops and self.loops[-1] == self.depth:
                self.loops.pop()
            self.depth -= 1


class _LexerSettings:
    """The default delimiters, for the lexer alone (no environment is built for it)."""

    block_start_string, block_end_string = "{%", "%}"
    variable_start_string, variable_end_string = "{{", "}}"
    comment_start_string, comment_end_string = "{#", "#}"
    line_statement_prefix = line_comment_prefix = None
    trim_blocks = lstrip_blocks = False
    newline_sequence = "\n"
    keep_trailing_newline = False


_LEXER_ENV: Any = _LexerSettings()
