"""A template's text, as a user imports it: the problem checker (as Templates shows it)
and a render with believable fields (as the preview does) end in a render or a clear
TemplateError, never another exception, within the time and memory budget."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from composer.errors import AfterwordError
from composer.templates import render_source, sample_fields
from composer.templates.library import problems
from tests.fuzz.budget import within_budget
from tests.fuzz.profiles import FUZZ
from tests.helpers.clock import NOW

PARSER = "template"

_FRAGMENTS = [
    "{{ ",
    " }}",
    "{% ",
    " %}",
    "{# ",
    " #}",
    "block subject",
    "block body",
    "endblock",
    "if ",
    "endif",
    "for x in ",
    "endfor",
    "else",
    "set x = ",
    "macro m()",
    "endmacro",
    "raw",
    "endraw",
    "recipient.name",
    "me.name",
    "interview.company",
    "interview.topic",
    "ask.why",
    "x",
    "(",
    ")",
    "[",
    "]",
    "'a'",
    '"b"',
    " * ",
    " ~ ",
    " + ",
    "9",
    "99999",
    "|upper",
    "|join(', ')",
    "|replace('a', 'bb')",
    "|indent(4)",
    "|format(x)",
    "|center(80)",
    "|wordwrap(1)",
    "|list",
    "|batch(3)",
    "|default('d')",
    "|e",
    "|title",
    "|trim",
    "range(",
    "is defined",
    " and ",
    " not ",
    "\n",
    " ",
    ".__class__",
    "loop.index",
    "lipsum()",
    "cycler",
    "namespace()",
    "'%s' % ",
    "'{}'.format",
    "-",
    "%}",
    "}}",
]

texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(_FRAGMENTS), max_size=60).map("".join),
)


@st.composite
def templates(draw: st.DrawFn) -> str:
    """Mostly a template that parses: the two blocks, with generated text inside."""
    subject, body = draw(texts), draw(texts)
    return (
        f"{{# title: Fuzzed\nwhen: {draw(st.text(max_size=20))} #}}\n"
        f"{{% block subject %}}{subject}{{% endblock %}}\n"
        f"{{% block body %}}{body}{{% endblock %}}\n"
    )


def survives(source: str) -> None:
    with within_budget(PARSER):
        for problem in problems(source):
            assert str(problem)  # said in words
        try:
            rendered = render_source(source, sample_fields(now=NOW), name="fuzzed")
        except AfterwordError as error:
            assert str(error)
            return
    assert len(rendered.subject) + len(rendered.body) <= 400_002


@FUZZ
@given(source=texts)
@example(source="{{ 'x' * 99999999 }}")
def test_any_text_is_checked_and_rendered_or_refused_plainly(source: str) -> None:
    survives(source)


@FUZZ
@given(source=templates())
@example(source="{% block subject %}{% endblock %}{% block body %}{{ ((((x)))) }}{% endblock %}")
def test_any_template_is_checked_and_rendered_or_refused_plainly(source: str) -> None:
    survives(source)


def nested(depth: int) -> str:
    inner = "(" * depth + "1" + ")" * depth
    return "{% block subject %}s{% endblock %}{% block body %}{{ " + inner + " }}{% endblock %}"


@FUZZ
@given(depth=st.integers(1, 60))
def test_nested_parentheses_are_checked_and_rendered_or_refused_plainly(depth: int) -> None:
    survives(nested(depth))


def test_deeply_nested_parentheses_are_refused_plainly() -> None:
    survives(nested(70))
