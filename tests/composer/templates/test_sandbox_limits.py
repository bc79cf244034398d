"""Every way of building a long string meets the same wall: a bound on what it could build.

The operations are enumerated from ``str``'s public methods and from the sandbox's own
filters and tests, so a method or filter added by a new Python or Jinja is tried here
without anyone listing it. Each is given hostile arguments (a long text, a large count or
width, text of many lines, a format pattern repeating a field) and must either fill the
template within the caps or be refused in plain words; never use more than PEAK_MEMORY
or run past the time limit.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import jinja2
import pytest

from composer.errors import TemplateError, TemplateUnsafe
from composer.templates import (
    FieldGroup,
    TemplateLibrary,
    environment,
    questions,
    render_source,
    sample_fields,
)
from composer.templates.sandbox import TIME_LIMIT
from composer.templates.sandbox_limits import MAX_TEXT
from tests.helpers.clock import NOW

PEAK_MEMORY = 50_000_000  # bytes a hostile render may take at its peak (documented cap)
MARGIN = 3.0  # seconds past the time limit, for a machine shared with other test runs
TOO_LONG = f"would build a text longer than {MAX_TEXT:,} characters"
PLAIN = (TOO_LONG, f"ran for more than {TIME_LIMIT:g} seconds", "nests too deeply")

LONG = "x" * 150_000  # as long as a template may build in one go
RECEIVERS = {
    "a long text": LONG,
    "many lines": "a\n" * 70_000,
    "a repeated field": "{0}{0:>99999}" * 5_000,
    "a repeated name": "{a}{a:>99999}" * 5_000,
    "a repeated width": "%999999d" * 1_000,
    "a short text": ",",
    "many words": ["ab"] * 5_000,
    "a table": {"a": LONG, "b": LONG},
    "a number": 199_999,
}
ARGUMENTS: list[tuple[Any, ...]] = [
    (),
    (199_999,),
    (LONG,),
    (LONG, LONG),
    ("", LONG),
    ("x", LONG),
    (LONG, 199_999),
    (199_999, LONG),
    (199_999, 199_999),
    (LONG, LONG, 199_999),
    (199_999, True, LONG),
    ({120: LONG},),
    ({"a": LONG},),
    (1,) * 1_000,  # a value for each of the 1,000 widths
    (["ab"] * 5_000,),
    (("ab",) * 5_000, LONG),
]


def _body(expression: str) -> str:
    return "{% block subject %}x{% endblock %}{% block body %}" + expression + "{% endblock %}"


def _outcome(source: str, fields: dict[str, Any]) -> str:
    """What the user sees: the text filled in, or the message of why not."""
    try:
        return render_source(source, fields, name="hostile").body
    except TemplateError as error:
        return str(error)


def _attempts(source: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for receiver, value in RECEIVERS.items():
        for args in ARGUMENTS:
            yield f"{receiver} with {len(args)} arguments", {"value": value, "args": args}


def _each_within_caps(source: str) -> None:
    """Renders every hostile combination; each stays under the memory and time caps, and
    one that is refused says so in plain words (a wrong argument just says it failed)."""
    for label, fields in _attempts(source):
        tracemalloc.start()
        started = time.monotonic()
        try:
            shown = _outcome(source, fields)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        took = time.monotonic() - started
        assert peak < PEAK_MEMORY, f"{label}: {peak:,} bytes"
        assert took < TIME_LIMIT + MARGIN, f"{label}: {took:.1f} s"
        assert len(shown) <= MAX_TEXT + 1, label
        if "not allowed" in shown or "too much memory" in shown:
            pytest.fail(f"{label}: refused without saying why plainly: {shown}")


STR_METHODS = sorted(name for name in dir(str) if not name.startswith("_"))
_ENV = environment(jinja2.DictLoader({}))
FILTERS = sorted(_ENV.filters)
TESTS = sorted(_ENV.tests)


def test_the_enumeration_finds_the_tricks_the_issue_lists() -> None:
    """A check that the lists above are read from Python and Jinja, not typed in."""
    assert {"join", "translate", "format", "format_map", "replace", "center"} <= set(STR_METHODS)
    assert {"format", "replace", "indent", "join", "center", "wordwrap"} <= set(FILTERS)
    assert {"divisibleby", "in", "sameas"} <= set(TESTS)


@pytest.mark.parametrize("method", STR_METHODS)
def test_every_str_method_stays_within_the_caps(method: str) -> None:
    _each_within_caps(_body("{{ value['" + method + "'](*args) }}"))


@pytest.mark.parametrize("name", FILTERS)
def test_every_filter_stays_within_the_caps(name: str) -> None:
    _each_within_caps(_body("{{ value|" + name + "(*args) }}"))


@pytest.mark.parametrize("name", TESTS)
def test_every_test_stays_within_the_caps(name: str) -> None:
    _each_within_caps(_body("{{ value is " + name + "(*args) }}"))


# --- the tricks the issue found, each refused in plain words, quickly ----------------------

TRICKS = {
    "str.join": "{% set a = 'x' * 1000 %}{{ a.join(['y'] * 100000) }}",
    "str.translate": "{% set a = 'x' * 100000 %}{{ a.translate({120: a}) }}",
    "str.format, a field repeated": "{% set a = 'x' * 100000 %}{{ ('{0}' * 50000).format(a) }}",
    "str.format_map, a field repeated": "{{ ('{a}' * 50000).format_map({'a': 'x' * 100000}) }}",
    "|format, a field repeated": "{% set a = 'x' * 100000 %}{{ ('%s' * 50000)|format(a) }}",
    "|replace": "{% set a = 'x' * 100000 %}{{ a|replace('x', a) }}",
    "|indent on many lines": "{{ ('\\n' * 100000)|indent(100000) }}",
    "%999999d repeated": "{{ ('%999999d' * 2000) % ((1,) * 2000) }}",
    "%999999d repeated, as |format": "{{ ('%999999d' * 2000)|format(*((1,) * 2000)) }}",
    "{:>999999} repeated": "{{ ('{:>999999}' * 2000).format(*((1,) * 2000)) }}",
    "{0:>999999} one field repeated": "{{ ('{0:>999999}' * 2000).format(1) }}",
    "a list of long texts printed": "{% set a = 'x' * 150000 %}{{ [a, a, a, a, a] }}",
    "a macro printing a long text": "{% macro m(s) %}{% for i in range(100) %}{{ s }}"
    "{% endfor %}{% endmacro %}{{ m('x' * 150000)|length }}",
    "|map then |join": "{% set a = 'x' * 150000 %}{{ range(1000)|map('string')|join(a) }}",
}


@pytest.mark.parametrize("trick", TRICKS.values(), ids=list(TRICKS))
def test_each_trick_the_issue_found_is_refused_in_plain_words(trick: str) -> None:
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(TemplateUnsafe, match=TOO_LONG) as refused:
            render_source(_body(trick), {}, name="trick", title="Imported")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < TIME_LIMIT
    assert peak < PEAK_MEMORY
    assert str(refused.value).startswith(f"The template “Imported” {TOO_LONG} (in “")
    assert str(refused.value).endswith("so it was stopped. Shorten what it repeats or pads.")


def test_the_refusal_names_the_operation_and_its_line() -> None:
    source = _body("Dear Ana,\n\n{{ ('\\n' * 100000)|indent(100000) }}")
    with pytest.raises(TemplateUnsafe) as refused:
        render_source(source, {}, name="mine", title="Mine")
    assert str(refused.value) == (
        f"The template “Mine” {TOO_LONG} (in “|indent”, line 3), so it was stopped. "
        "Shorten what it repeats or pads."
    )


# --- what a follow-up really does is never refused -------------------------------------------

ORDINARY = {
    "a wrapped paragraph": ("{{ text|wordwrap(72) }}", 3_000),
    "a shortened paragraph": ("{{ text|truncate(500) }}", 3_000),
    "an indented quote": ("{{ text|indent(4, first=True) }}", 3_000),
    "a list joined": ("{{ text.split()|join(', ') }}", 3_000),
    "a search in the notes": ("{{ text.find('x', 2000) }}", 3_000),
    "a padded column": ("{{ 'Name'.ljust(30) }}{{ '%-20s|%5d' % ('Ana', 3) }}", 0),
    "a format with widths": ("{{ '{:>10} {:<10}'.format('a', 'b') }}", 0),
    "a long text, replaced": ("{{ text.replace('x', 'yy') }}", 90_000),
    "a loop of a hundred": ("{% for i in range(100) %}{{ i }}, {% endfor %}", 0),
    "a macro with a number": (
        "{% macro line(who, year) %}{{ who }} since {{ year }}{% endmacro %}{{ line(text, 2026) }}",
        3_000,
    ),
}


@pytest.mark.parametrize("case", ORDINARY.values(), ids=list(ORDINARY))
def test_ordinary_template_code_is_never_refused(case: tuple[str, int]) -> None:
    expression, length = case
    text = ("Many thanks for the talk about the x roadmap. " * 2_000)[:length]
    render_source(_body(expression), {"text": text}, name="ordinary")


def _answers(source: str) -> FieldGroup:
    asked = {question.name: "We spoke about the roadmap." for question in questions(source)}
    return FieldGroup("ask", asked, "the questions")


@pytest.mark.parametrize("template", TemplateLibrary().templates(), ids=lambda t: t.id)
def test_every_built_in_template_fills_in_as_before(template: Any) -> None:
    fields = {**sample_fields(now=NOW), "ask": _answers(template.source)}
    rendered = template.render(fields)
    assert rendered.subject and len(rendered.body) > 100
    assert TOO_LONG not in rendered.body
