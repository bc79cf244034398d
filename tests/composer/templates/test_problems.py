"""A template's problems in plain words, at the line where the user made the slip."""

from __future__ import annotations

import pytest

from composer.errors import TemplateError, TemplateUnsafe
from composer.templates import TemplateLibrary, render_source, sample_fields
from composer.templates.library import problems

HEADER = "{#\ntitle: Mine\nask: news = What have you been doing?\n#}\n"  # lines 1-4
TOP = HEADER + "{% block subject %}Thank you{% endblock %}\n{% block body %}\n"  # to line 6
END = "With thanks,\n{{ me.name }}\n{% endblock %}\n"


def body(*lines: str) -> str:
    """A template whose body's own lines start at line 7."""
    return TOP + "".join(f"{line}\n" for line in lines) + END


BROKEN = [
    pytest.param(
        body("Dear {{ recipient.greeting,", "", "With warm thanks for your time"),
        7,
        "the field started with {{ is not closed (add }})",
        id="a field not closed",
    ),
    pytest.param(
        body(
            "Dear Ana,", "{% if interview.topic is defined %}", "We spoke of {{ interview.topic }}."
        ),
        8,
        "{% if %} is not closed: add {% endif %} where the optional part ends",
        id="an if not closed",
    ),
    pytest.param(
        body("Dear {{ recipient.frist_name }},"),
        7,
        "there is no field called recipient.frist_name — did you mean recipient.first_name?",
        id="a misspelt field",
    ),
    pytest.param(
        body("Dear {{ recpient.greeting }},"),
        7,
        "there is no field called recpient.greeting — did you mean recipient.greeting?",
        id="a misspelt group",
    ),
    pytest.param(
        body("Hello", "", "{% endblock %}"),
        12,  # the one on line 9 ends the body: the last one is left over
        "{% endblock %} without a block: remove it, or add the {% block … %} it ends",
        id="an endblock without a block",
    ),
    pytest.param(
        body("Dear {{ recipient.greeting | uppr }},"),
        7,
        "there is no filter called uppr — did you mean upper?",
        id="an unknown filter",
    ),
    pytest.param(
        body("Dear recipient.greeting }},"),
        7,
        "a }} with no {{ before it: add the {{ or remove the }}",
        id="a }} without {{",
    ),
    pytest.param(
        HEADER + "{% block body %}\nDear {{ recipient.greeting }},\n{% endblock %}\n",
        1,
        "there is no {% block subject %}: add one around the subject line, as in "
        "{% block subject %}Thank you{% endblock %}",
        id="no subject block",
    ),
    pytest.param(
        HEADER + "{% block subject %}Thank you{% endblock %}\nDear {{ recipient.greeting }},\n",
        6,
        "there is no {% block body %}: add one around the message, as in "
        "{% block body %}Dear {{ recipient.greeting }}, …{% endblock %}",
        id="no body block",
    ),
    pytest.param(
        body("{% iff interview.topic is defined %}We spoke.{% endif %}"),
        7,
        "there is no command {% iff %} — did you mean {% if %}?",
        id="a misspelt command",
    ),
    pytest.param(
        body("Dear {{ recipient first_name }},"),
        7,
        "the field has “first_name” where }} should come: a field is one name with dots, "
        "as in {{ recipient.first_name }}",
        id="a space for a dot",
    ),
    pytest.param(
        body("{% for name in interview.interviewers %}{{ name }}", "", "More"),
        7,
        "{% for %} is not closed: add {% endfor %} where the repeated part ends",
        id="a for not closed",
    ),
    pytest.param(
        body("Dear {{ recipient.greeting %},"),
        7,
        "the field started with {{ ends with %}: end it with }} instead",
        id="a field ended like a command",
    ),
    pytest.param(
        body("{# a note to myself", "Dear Ana,"),
        7,
        "the comment started with {# is not closed (add #} where it ends)",
        id="a comment not closed",
    ),
    pytest.param(
        body("{{ ask.nwes }}"),
        7,
        "“ask.nwes” is not asked — did you mean ask.news?",
        id="a misspelt question",
    ),
    pytest.param(
        body("{% if interview.topic is definde %}We spoke.{% endif %}"),
        7,
        "there is no test “is definde” — did you mean “is defined”?",
        id="a misspelt test",
    ),
    pytest.param(
        body("{% else %}"),
        7,
        "{% else %} is outside any {% if %}: remove it",
        id="an else alone",
    ),
    pytest.param(
        body("Hi {{ first_name }}"),
        7,
        "there is no field called first_name — did you mean me.first_name?",
        id="a field without its group",
    ),
]


@pytest.mark.parametrize(("source", "line", "message"), BROKEN)
def test_a_broken_template_is_said_in_plain_words_at_its_line(
    source: str, line: int, message: str
) -> None:
    [problem] = problems(source)

    assert (problem.line, problem.message) == (line, message)
    assert problem.shown() == f"Line {line}: {message}"


def test_jinja_words_never_reach_the_user_for_the_broken_table() -> None:
    jinja_words = ("expected token", "Encountered unknown tag", "end of print statement", "Jinja")
    for case in BROKEN:
        [problem] = problems(str(case.values[0]))
        assert not any(word in problem.message for word in jinja_words), problem


def test_quoted_braces_and_apostrophes_are_no_problem() -> None:
    assert problems(body("It's {{ '}}' }} and {{ \"%}\" }}, isn't it?")) == []


def test_every_built_in_has_no_problem() -> None:
    for template in TemplateLibrary().templates():
        assert problems(template.source) == [], template.id


def test_a_syntax_error_while_filling_in_is_said_plainly() -> None:
    source = body("Dear {{ recipient.greeting,", "", "Thanks")

    with pytest.raises(TemplateError) as raised:
        render_source(source, sample_fields(), name="mine", title="Mine")

    assert str(raised.value) == (
        "The template “Mine” has a problem on line 7: the field started with {{ is not closed "
        "(add }}). Correct it in Templates."
    )


def test_the_sandbox_refusal_names_the_line_in_plain_words() -> None:
    source = body("Dear Ana,", "{{ cycler.__init__.__globals__ }}")

    with pytest.raises(TemplateUnsafe) as raised:
        render_source(source, sample_fields(), name="mine", title="Mine")

    assert str(raised.value) == (
        "The template “Mine” tried something not allowed in a template on line 8: “__init__” "
        "reaches into Afterword's own workings, which a template may not do."
    )


def test_a_changing_method_is_refused_in_plain_words() -> None:
    source = body("{{ interview.interviewers.split().append('x') }}")

    with pytest.raises(TemplateUnsafe, match=r"on line 7: “append” would change a value"):
        render_source(source, sample_fields(), name="mine", title="Mine")


def test_template_code_that_fails_says_its_line_instead_of_crashing() -> None:
    source = body("Dear Ana,", "", "{{ 1 / 0 }}")

    with pytest.raises(TemplateError, match=r"cannot be filled in on line 9: its code failed"):
        render_source(source, sample_fields(), name="mine", title="Mine")
