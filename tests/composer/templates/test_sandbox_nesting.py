"""A template nested thousands deep is refused in plain words, never with a RecursionError.

Jinja's parser recurses once for each bracket (it gave up near 70) and Python compiles no
more than 20 loops inside each other; an imported template nested 3,000 deep crashed the
problem checker and the check before sending.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from composer.compose import Writer
from composer.errors import TemplateError
from composer.records import Contact, Interview, Message, Profile
from composer.send_check import CheckContext, check_before_it_goes
from composer.store import Store
from composer.templates import Template, TemplateLibrary, check_usable, render_source, sample_fields
from composer.templates.library import problems
from tests.helpers.clock import NOW

TOO_DEEP = "this template nests too deeply (more than 50 levels of brackets or {% %} blocks"
TOO_MANY_LOOPS = "this template nests too deeply (more than 20 {% for %} inside each other)"


def _template(inner: str) -> str:
    return (
        "{% block subject %}Thank you{% endblock %}\n{% block body %}\nDear Ana,\n"
        + inner
        + "\n{% endblock %}\n"
    )


NESTED = {
    "3,000 parentheses": _template("{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}"),
    "3,000 brackets": _template("{{ " + "[" * 3000 + "1" + "]" * 3000 + " }}"),
    "3,000 braces": _template("{{ " + "{'a': " * 3000 + "1" + "}" * 3000 + " }}"),
    "3,000 ifs": _template("{% if 1 %}" * 3000 + "x" + "{% endif %}" * 3000),
}


@pytest.mark.parametrize("source", NESTED.values(), ids=list(NESTED))
def test_the_problem_checker_says_it_nests_too_deeply(source: str) -> None:
    started = time.monotonic()
    found = problems(source)
    assert [(p.line, p.message) for p in found] == [(4, found[0].message)]
    assert found[0].message.startswith(TOO_DEEP)
    assert found[0].message.endswith("inside each other): write it flatter")
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("source", NESTED.values(), ids=list(NESTED))
def test_the_check_before_sending_says_it_nests_too_deeply(source: str) -> None:
    template = Template("deep", "Deep", "", source, builtin=False)
    with pytest.raises(TemplateError) as refused:
        check_usable(template)
    assert str(refused.value) == (
        f"The template “Deep” cannot be used until it is fixed: line 4: {TOO_DEEP} inside "
        "each other): write it flatter. Open it in Templates to correct it."
    )


@pytest.mark.parametrize("source", NESTED.values(), ids=list(NESTED))
def test_the_preview_says_it_nests_too_deeply(source: str) -> None:
    with pytest.raises(TemplateError, match=r"has a problem on line 4: this template nests"):
        render_source(source, sample_fields(now=NOW), name="deep", title="Deep")


def test_a_message_written_from_it_is_not_made(tmp_path: Path, store: Store) -> None:
    """Writing a follow-up from the imported template stops at the check, in plain words."""
    library = TemplateLibrary(user_dir=tmp_path)
    library.save("deep", NESTED["3,000 parentheses"])
    with pytest.raises(TemplateError, match="nests too deeply"):
        Writer(store, library, "deep")


def test_more_than_twenty_loops_inside_each_other_are_said_before_python_compiles() -> None:
    source = _template("{% for i in [1] %}" * 21 + "x" + "{% endfor %}" * 21)
    assert [p.message for p in problems(source)] == [f"{TOO_MANY_LOOPS}: write it flatter"]
    with pytest.raises(TemplateError, match="more than 20"):
        render_source(source, {}, name="loops")


def test_nesting_a_template_really_uses_still_works() -> None:
    source = _template(
        "{% for i in [1] %}" * 20 + "{{ " + "(" * 25 + "1" + ")" * 25 + " }}" + "{% endfor %}" * 20
    )
    assert problems(source) == []
    assert render_source(source, {}, name="fine").body == "Dear Ana,\n1\n"


def test_the_check_of_the_message_itself_takes_deep_brackets_in_its_stride() -> None:
    """What the check before sending reads of the message: a body of 3,000 brackets."""
    ana = Contact("Ana Lima", "ana@acme.example", "Acme", id=1)
    body = "Dear Ana,\n" + "(" * 3000 + "[" * 3000 + "\nZoë"
    message = Message("Thank you", body, ["Ana Lima <ana@acme.example>"], interview_id=1)
    context = CheckContext(
        people=(ana,), interview=Interview("Acme", "Engineer", id=1), me=Profile("Zoë")
    )
    check_before_it_goes(message, context)  # no RecursionError; what it finds is its own business
