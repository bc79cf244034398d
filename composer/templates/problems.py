"""A template's problems said in plain words, each at the line where the user can fix it.

Jinja reports what its parser expected ("expected token 'end of print statement', got
'With'") at the line where it gave up, often lines after the mistake. People who write
follow-ups are not programmers: here the text is read the way they wrote it, and the
first thing left open, closed twice or misspelt is named, with what to type to fix it.
Nothing here imports rendering.py, which uses it to explain its own errors.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from difflib import get_close_matches

import jinja2
from jinja2 import meta, nodes

from composer.templates.sandbox_nesting import TooDeep

ASKED = "ask"  # the group of answers to a template's own questions: its names vary
BLOCKS = ("subject", "body")
_MARK = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}|['\"]")
_TAG = re.compile(r"\{%[-+]?\s*(?P<name>\w*)(?P<rest>.*?)[-+]?%\}", re.DOTALL)
_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
_ENDS = {
    "if": "where the optional part ends",
    "for": "where the repeated part ends",
    "block": "where it ends",
}
_OPENERS = ("if", "for", "block", "macro", "call", "filter", "with", "autoescape", "raw")
_MIDDLE = {"elif": ("if",), "else": ("if", "for")}
_SIMPLE = ("set", "include", "import", "from", "extends", "do", "break", "continue")


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        """As part of a sentence: "… until it is fixed: line 3: …"."""
        return f"line {self.line}: {self.message}"

    def shown(self) -> str:
        """On a line of its own, as the Templates page lists it."""
        return f"Line {self.line}: {self.message}"


class _Lines:
    """Line numbers (from 1) of positions in a text."""

    def __init__(self, source: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def of(self, position: int) -> int:
        return bisect_right(self.starts, position)


# --- {{ }}, {% %} and {# #} that are not closed, or closed without being opened -------------


_OPENED = {"{{": "the field started with {{", "{%": "the command started with {%"}
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}


def delimiter_problems(source: str) -> list[Problem]:
    """Every {{ closed by }}, {% by %}, {# by #}; a }} or %} alone is a slip that would go
    out in the message as it is (Jinja prints it without a word)."""
    lines = _Lines(source)
    found: list[Problem] = []
    opener, opened_at, quote, quoted_at = "", 0, "", 0
    for mark in _MARK.finditer(source):
        text, line = mark.group(), lines.of(mark.start())
        if quote and line == quoted_at:
            quote = "" if text == quote else quote
            continue  # inside a quoted text: {{ '}}' }} is a field
        if quote:  # a text in quotes stays on its line: this one swallowed the }}
            found.append(_unclosed_quote(quote, quoted_at))
            opener, quote = "", ""
        if opener == "{#":
            opener = "" if text == "#}" else opener
        elif not opener:
            if text in _CLOSER:
                opener, opened_at = text, line
            elif text in ("}}", "%}"):
                found.append(_lone(text, line))
        elif text in "'\"":
            quote, quoted_at = text, line
        elif text == _CLOSER[opener]:
            opener = ""
        elif text in ("}}", "%}"):
            found.append(_wrong_closer(opener, opened_at, text))
            opener = ""
        elif text in _CLOSER:
            found.append(_unclosed(opener, opened_at))
            opener, opened_at = text, line
    if quote:
        found.append(_unclosed_quote(quote, quoted_at))
    elif opener:
        found.append(_unclosed(opener, opened_at))
    return found


def _unclosed(opener: str, line: int) -> Problem:
    if opener == "{#":
        return Problem(line, "the comment started with {# is not closed (add #} where it ends)")
    return Problem(line, f"{_OPENED[opener]} is not closed (add {_CLOSER[opener]})")


def _lone(closer: str, line: int) -> Problem:
    opener = "{{" if closer == "}}" else "{%"
    return Problem(
        line, f"a {closer} with no {opener} before it: add the {opener} or remove the {closer}"
    )


def _wrong_closer(opener: str, line: int, closer: str) -> Problem:
    return Problem(
        line, f"{_OPENED[opener]} ends with {closer}: end it with {_CLOSER[opener]} instead"
    )


def _unclosed_quote(quote: str, line: int) -> Problem:
    return Problem(
        line,
        f"the text started with {quote} inside {{{{ }}}} or {{% %}} is not closed: "
        f"add another {quote}, or remove it",
    )


# --- {% if %} … {% endif %} and the other pairs -----------------------------------------------


def tag_problems(source: str) -> list[Problem]:
    """Each {% if %}, {% for %}, {% block %} closed by its own end, in order."""
    text = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), source)  # same lines
    lines = _Lines(text)
    found: list[Problem] = []
    open_tags: list[tuple[str, str, int]] = []  # name, what follows it, line
    for tag in _TAG.finditer(text):
        name, rest, line = tag["name"], tag["rest"].strip(), lines.of(tag.start())
        if open_tags and open_tags[-1][0] == "raw" and name != "endraw":
            continue
        problem = _one_tag(name, rest, line, open_tags)
        if problem is not None:
            found.append(problem)
    found += [_not_closed(*opened) for opened in reversed(open_tags)]
    return found


def _one_tag(
    name: str, rest: str, line: int, open_tags: list[tuple[str, str, int]]
) -> Problem | None:
    if not name:
        return Problem(
            line, "{% %} holds no command: write one, as in {% if interview.topic is defined %}"
        )
    if name in _OPENERS or (name == "set" and "=" not in rest):
        open_tags.append((name, rest, line))
        return None
    if name in _MIDDLE:
        if not open_tags or open_tags[-1][0] not in _MIDDLE[name]:
            return Problem(line, f"{{% {name} %}} is outside any {{% if %}}: remove it")
        return None
    if name.startswith("end"):
        return _closing(name, line, open_tags)
    if name in _SIMPLE:
        return None
    close = get_close_matches(name, _TAG_NAMES, n=1, cutoff=0.6)
    if close and close[0] in _OPENERS:  # "iff": its {% endif %} is no second problem
        open_tags.append((close[0], rest, line))
    hint = _did_you_mean_any([f"{{% {word} %}}" for word in close])
    return Problem(line, f"there is no command {{% {name} %}}{hint}")


_TAG_NAMES = [*_OPENERS, *_MIDDLE, *_SIMPLE, *(f"end{name}" for name in _OPENERS)]


def _closing(name: str, line: int, open_tags: list[tuple[str, str, int]]) -> Problem | None:
    opener = name.removeprefix("end")
    if opener not in [tag for tag, _, _ in open_tags]:
        return Problem(
            line,
            f"{{% {name} %}} without {_a(opener)}: remove it, or add the "
            f"{{% {opener} … %}} it ends",
        )
    problem = None
    while open_tags[-1][0] != opener:
        problem = problem or _not_closed(*open_tags[-1])
        open_tags.pop()
    open_tags.pop()
    return problem


def _a(opener: str) -> str:
    if opener == "block":
        return "a block"
    return f"{'an' if opener[0] in 'aeiou' else 'a'} {{% {opener} %}}"


def stop(text: str) -> str:
    """Ends a sentence with a full stop, unless it ends with a question already."""
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _not_closed(name: str, rest: str, line: int) -> Problem:
    shown = f"{{% {name} {rest.split()[0]} %}}" if name == "block" and rest else f"{{% {name} %}}"
    where = _ENDS.get(name, "where it ends")
    return Problem(line, f"{shown} is not closed: add {{% end{name} %}} {where}")


# --- what Jinja says, in plain words ---------------------------------------------------------


_SAID = [
    (
        re.compile(r"expected token 'end of print statement', got '(?P<got>.*)'"),
        "the field has “{got}” where }} should come: a field is one name with dots, as in "
        "{{ recipient.first_name }}",
    ),
    (
        re.compile(r"expected token 'end of statement block', got '(?P<got>.*)'"),
        "the command has “{got}” where %} should come",
    ),
    (
        re.compile(r"unexpected char (?P<q>['\"])(?P<got>.)(?P=q)"),
        "the character {got} cannot be used inside {{ }} or {% %}",
    ),
    (re.compile(r"unexpected '(?P<got>.*)'"), "“{got}” is out of place here"),
    (
        re.compile(r"expected name or number"),
        "a dot must be followed by a name, as in recipient.first_name",
    ),
    (re.compile(r"No filter named '(?P<got>[^']*)'"), "there is no filter called {got}"),
    (re.compile(r"No test named '(?P<got>[^']*)'"), "there is no test “is {got}”"),
    (
        re.compile(r"block '(?P<got>\w+)' defined twice"),
        "there are two {% block {got} %}: keep one",
    ),
    (
        re.compile(r"unexpected end of template", re.IGNORECASE),
        "the template ends before what starts here is finished",
    ),
]


def said_plainly(message: str) -> str:
    """Jinja's own message in plain words; one we do not know is quoted, never dropped."""
    for pattern, plain in _SAID:
        match = pattern.search(message)
        if match:
            return plain.replace("{got}", match.groupdict().get("got") or "")
    return f"Afterword cannot read this ({message.rstrip('.')})"


def syntax_problems(source: str, error: jinja2.TemplateSyntaxError) -> list[Problem]:
    """Why the text cannot be read: the first thing left open or closed twice, else what
    Jinja said, in plain words at its line."""
    if isinstance(error, TooDeep):  # read no further: the checks below would recurse too
        return [Problem(error.lineno, error.message or "")]
    found = delimiter_problems(source) or tag_problems(source)
    return found or [Problem(error.lineno, said_plainly(error.message or ""))]


def find_problems(
    source: str,
    env: jinja2.Environment,
    known: Mapping[str, Collection[str]],
    asked: Collection[str],
) -> list[Problem]:
    """Everything that stops the template from being used, or would go out looking wrong."""
    try:
        tree = env.parse(source)
        return delimiter_problems(source) + tree_problems(tree, env, known, asked)
    except jinja2.TemplateSyntaxError as error:
        return syntax_problems(source, error)
    except RecursionError:  # a second wall, should the pre-scan let one through
        return syntax_problems(source, TooDeep(1))


# --- fields, filters and blocks that do not exist ---------------------------------------------


def tree_problems(
    tree: nodes.Template,
    env: jinja2.Environment,
    known: Mapping[str, Collection[str]],
    asked: Collection[str],
) -> list[Problem]:
    """What a readable template still gets wrong: a missing block, a misspelt field or
    filter."""
    return [
        *_block_problems(tree),
        *_field_problems(tree, env, known, asked),
        *_filter_problems(tree, env),
    ]


def _block_problems(tree: nodes.Template) -> Iterator[Problem]:
    blocks = list(tree.find_all(nodes.Block))
    names = [block.name for block in blocks]
    last = max((node.lineno for node in tree.find_all(nodes.Node)), default=1)
    for name in BLOCKS:
        if name not in names:
            line = 1 if name == "subject" else last
            yield Problem(line, _missing_block(name))
    for block in blocks:
        if names.count(block.name) > 1 and block is not blocks[names.index(block.name)]:
            yield Problem(block.lineno, f"there are two {{% block {block.name} %}}: keep one")


def _missing_block(name: str) -> str:
    example = "Thank you" if name == "subject" else "Dear {{ recipient.greeting }}, …"
    what = "the subject line" if name == "subject" else "the message"
    return (
        f"there is no {{% block {name} %}}: add one around {what}, as in "
        f"{{% block {name} %}}{example}{{% endblock %}}"
    )


def _field_problems(
    tree: nodes.Template,
    env: jinja2.Environment,
    known: Mapping[str, Collection[str]],
    asked: Collection[str],
) -> Iterator[Problem]:
    paths = [
        f"{group}.{name}" for group, names in known.items() if group != ASKED for name in names
    ]
    paths += [f"{ASKED}.{name}" for name in asked]
    undeclared = _undeclared(tree) - set(env.globals) - set(known)
    reported: set[int] = set()  # a misspelt group is said once, with its field
    for attribute in tree.find_all(nodes.Getattr):
        owner = attribute.node
        if not isinstance(owner, nodes.Name) or owner.ctx != "load":
            continue
        path = f"{owner.name}.{attribute.attr}"
        if owner.name in undeclared:
            reported.add(id(owner))
            yield Problem(attribute.lineno, _no_field(path, paths))
        elif owner.name == ASKED and attribute.attr not in asked:
            yield Problem(attribute.lineno, _not_asked(attribute.attr, paths))
        elif (
            owner.name in known and owner.name != ASKED and attribute.attr not in known[owner.name]
        ):
            yield Problem(attribute.lineno, _no_field_in(owner.name, attribute.attr, known))
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name in undeclared and id(name) not in reported:
            yield Problem(name.lineno, _no_field(name.name, paths))


def _undeclared(tree: nodes.Template) -> set[str]:
    """Names the template uses but does not set itself (in a {% for %} or {% set %})."""
    try:
        return meta.find_undeclared_variables(tree)
    except jinja2.TemplateAssertionError:  # an unknown filter: said on its own
        names = list(tree.find_all(nodes.Name))
        own = {name.name for name in names if name.ctx != "load"}
        return {name.name for name in names if name.ctx == "load"} - own


def _no_field(path: str, paths: list[str]) -> str:
    dotted = "." in path
    candidates = paths if dotted else [*paths, *{p.split(".")[0] for p in paths}]
    close = get_close_matches(path, candidates, n=1 if dotted else 2, cutoff=0.7)
    if not close and "." not in path:  # "first_name" alone: whose?
        close = [p for p in paths if p.endswith(f".{path}")][:2]
    return f"there is no field called {path}{_did_you_mean_any(close)}"


def _no_field_in(group: str, name: str, known: Mapping[str, Collection[str]]) -> str:
    """A misspelt field of a group: compared with that group's names only, so that
    interview.salary is not taken for interview.stage."""
    close = get_close_matches(name, list(known[group]), n=1, cutoff=0.7)
    hint = _did_you_mean_any([f"{group}.{word}" for word in close])
    return f"there is no field called {group}.{name}{hint}"


def _not_asked(name: str, paths: list[str]) -> str:
    asked = [p.removeprefix(f"{ASKED}.") for p in paths if p.startswith(f"{ASKED}.")]
    close = get_close_matches(name, asked, n=1, cutoff=0.7)
    if close:
        return f"“ask.{name}” is not asked{_did_you_mean_any([f'ask.{close[0]}'])}"
    return (
        f"“ask.{name}” is not asked: add a line “ask: {name} = the question” to the comment "
        "at the top"
    )


def _filter_problems(tree: nodes.Template, env: jinja2.Environment) -> Iterator[Problem]:
    for used in tree.find_all(nodes.Filter):
        if used.name not in env.filters:
            hint = _did_you_mean(used.name, list(env.filters))
            yield Problem(used.lineno, f"there is no filter called {used.name}{hint}")
    for test in tree.find_all(nodes.Test):
        if test.name not in env.tests:
            close = get_close_matches(test.name, list(env.tests), n=1, cutoff=0.6)
            hint = _did_you_mean_any([f"“is {word}”" for word in close])
            yield Problem(test.lineno, f"there is no test “is {test.name}”{hint}")


def _did_you_mean(word: str, choices: list[str]) -> str:
    return _did_you_mean_any(get_close_matches(word, choices, n=1, cutoff=0.6))


def _did_you_mean_any(close: list[str]) -> str:
    return f" — did you mean {' or '.join(close)}?" if close else ""


# --- what the sandbox refused while filling it in ---------------------------------------------


_UNSAFE = re.compile(r"access to attribute '(?P<name>[^']*)' of '(?P<owner>[^']*)' object")


def refusal_plainly(message: str) -> str:
    """The sandbox's refusal as a reason a template writer understands."""
    match = _UNSAFE.search(message)
    if match is None:
        return message.rstrip(".")
    name = match["name"]
    if name.startswith("_"):
        return f"“{name}” reaches into Afterword's own workings, which a template may not do"
    return f"“{name}” would change a value, which a template may not do"
