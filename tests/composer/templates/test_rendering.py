"""The built-in templates, the sandbox, and never a blank in a sent mail."""

from __future__ import annotations

import time
from typing import Any

import pytest

from composer.errors import MissingField, TemplateError, TemplateUnsafe
from composer.records import Contact, Interview
from composer.store import Store
from composer.templates import (
    ASK_WHERE,
    FieldGroup,
    TemplateLibrary,
    render_source,
    template_fields,
)

BUILTINS = {
    "after_rejection": {
        "recipient.greeting",
        "interview.position",
        "interview.company",
        "me.name",
    },
    "thank_you": {
        "recipient.greeting",
        "interview.date",
        "interview.position",
        "interview.company",
        "me.name",
    },
    "continued_interest": {
        "recipient.greeting",
        "interview.position",
        "interview.company",
        "me.name",
    },
    "no_hard_feelings": {
        "recipient.greeting",
        "interview.position",
        "interview.company",
        "me.name",
    },
    "feedback_request": {
        "recipient.greeting",
        "interview.position",
        "interview.company",
        "me.name",
    },
    "interview_notes_request": {
        "recipient.greeting",
        "interview.position",
        "interview.company",
        "interview.date",
        "me.name",
        "me.email",
    },
    "notes_request_reminder": {
        "recipient.greeting",
        "interview.position",
        "interview.company",
        "me.name",
    },
    "thanks_for_feedback": {
        "recipient.greeting",
        "interview.position",
        "interview.company",
        "me.name",
    },
    "keeping_in_touch": {"recipient.greeting", "me.name", "ask.news"},
}
WHERE = {
    "me": "Settings › My profile",
    "recipient": "Contacts",
    "interview": "Interviews",
    "ask": ASK_WHERE,
}


@pytest.fixture
def full(store: Store, records: dict[str, Any]) -> dict[str, FieldGroup]:
    interview: Interview = records["interview"]
    ana: Contact = records["ana"]
    assert interview.id is not None
    return template_fields(
        store.profile(),
        ana,
        interview,
        store.participants(interview.id),
        answers={"news": "I have just finished a course in data modelling."},
    )


def without(fields: dict[str, FieldGroup], path: str) -> dict[str, FieldGroup]:
    group, name = path.split(".")
    copied = {key: FieldGroup(value.label, value, value.where) for key, value in fields.items()}
    del copied[group][name]
    return copied


def all_paths(fields: dict[str, FieldGroup]) -> list[str]:
    return [f"{group}.{name}" for group, values in fields.items() for name in values]


def test_the_builtins_exist_with_title_and_when() -> None:
    templates = {t.id: t for t in TemplateLibrary().templates()}
    assert set(templates) == set(BUILTINS)
    for template in templates.values():
        assert template.title and template.when and template.builtin
        assert "\n" not in template.when


@pytest.mark.parametrize("template_id", BUILTINS)
def test_each_builtin_renders_from_a_full_record(
    template_id: str, full: dict[str, FieldGroup]
) -> None:
    rendered = TemplateLibrary().get(template_id).render(full)
    text = rendered.subject + rendered.body
    assert "Data Engineer" in text
    assert "Ana" in rendered.body and "Zoë Müller" in rendered.body
    assert "{" not in text and "None" not in text
    assert "\n\n\n" not in rendered.body, "no holes left by optional details"
    assert rendered.subject == rendered.subject.strip() and "\n" not in rendered.subject


def test_thank_you_is_specific_when_a_topic_is_recorded(full: dict[str, FieldGroup]) -> None:
    thank_you = TemplateLibrary().get("thank_you")
    assert "streaming pipelines" in thank_you.render(full).body
    plain = thank_you.render(without(full, "interview.topic")).body
    assert "conversation about" not in plain
    assert "Tuesday, 3 November 2026" in plain


def test_a_value_of_only_spaces_counts_as_missing(full: dict[str, FieldGroup]) -> None:
    interview = full["interview"]
    spaces = FieldGroup(interview.label, {**interview, "topic": " \t "}, interview.where)
    body = TemplateLibrary().get("thank_you").render({**full, "interview": spaces}).body
    assert "conversation about" not in body


REQUIRED = [(t, p) for t, paths in BUILTINS.items() for p in sorted(paths)]


@pytest.mark.parametrize(("template_id", "path"), REQUIRED)
def test_a_missing_required_field_is_named(
    template_id: str, path: str, full: dict[str, FieldGroup]
) -> None:
    template = TemplateLibrary().get(template_id)
    with pytest.raises(MissingField) as missing:
        template.render(without(full, path))
    assert missing.value.field == path
    assert missing.value.template == template_id
    message = str(missing.value)
    assert template.title in message
    assert f"set it in {WHERE[path.split('.')[0]]}" in message


@pytest.mark.parametrize("template_id", BUILTINS)
def test_optional_fields_can_be_missing(template_id: str, full: dict[str, FieldGroup]) -> None:
    template = TemplateLibrary().get(template_id)
    for path in set(all_paths(full)) - BUILTINS[template_id]:
        template.render(without(full, path))


def test_missing_interview_date_says_where_to_fill_it(full: dict[str, FieldGroup]) -> None:
    with pytest.raises(
        MissingField,
        match=r"the interview's date \(interview.date\), which is "
        r"not set: set it in Interviews",
    ):
        TemplateLibrary().get("thank_you").render(without(full, "interview.date"))


def test_an_unknown_field_is_named() -> None:
    source = "{% block subject %}Hi{% endblock %}{% block body %}{{ shoe_size }}{% endblock %}"
    with pytest.raises(MissingField, match="“shoe_size” that Afterword does not know"):
        render_source(source, {}, name="mine")


def test_a_syntax_error_gives_its_line() -> None:
    source = "{% block subject %}Hi{% endblock %}\n{% block body %}\n{% endfor %}\n{% endblock %}"
    with pytest.raises(
        TemplateError, match=r"problem on line 3: \{% endfor %\} without a \{% for %\}"
    ):
        render_source(source, {}, name="mine")


ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ me.__class__.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ self._TemplateReference__context }}",
    "{{ me.clear() }}",
    "{{ [].append(1) }}",
    "{{ range.__self__ }}",
]


@pytest.mark.parametrize("attempt", ESCAPES)
def test_sandbox_escapes_are_refused(attempt: str, full: dict[str, FieldGroup]) -> None:
    source = "{% block subject %}x{% endblock %}{% block body %}" + attempt + "{% endblock %}"
    with pytest.raises(TemplateError):
        render_source(source, full, name="evil")
    assert full["me"]["name"] == "Zoë Müller"


BOMBS = [
    "{{ 'x' * 50000000 }}",
    "{{ 50000000 * 'x' }}",
    "{{ ['x'] * 50000000 }}",
    "{{ 'x'.center(100000000) }}",
    "{{ 'x'|center(300000000) }}",
    "{{ 'a'|indent(100000000) }}",
    "{{ 2 ** 100000000 }}",
    "{% set a = 9 ** 64 %}{{ a ** 64 }}",
    "{% set ns = namespace(a=9) %}{% for i in range(40) %}{% set ns.a = ns.a * ns.a %}"
    "{% endfor %}{{ ns.a }}",
    "{{ '%300000000s' % 'x' }}",
    "{{ '%300000000s'|format('x') }}",
    "{{ '{:>300000000}'.format('x') }}",
    "{% set a = 'x' * 100000 %}{{ a.replace('', a) }}",
    "{% set a = 'x' * 100000 %}{{ ([a] * 150000)|join }}",
    "{{ ('\t' * 150000).expandtabs(150000) }}",
    "{% set ns = namespace(a='x' * 100000) %}{% for i in range(30) %}{% set ns.a = ns.a ~ ns.a %}"
    "{% endfor %}{{ ns.a }}",
    "{% macro f(s, n) %}{{ f(s ~ s, n - 1) if n else s }}{% endmacro %}{{ f('x' * 1000, 40) }}",
    "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
    "{% for i in range(99999) %}{% for j in range(99999) %}xxxxxxxx{% endfor %}{% endfor %}",
    "{{ lipsum(10000000) }}",
    "{% set s = 'x' * 150000 %}{% set s = s ~ s %}{% set s = s ~ s %}{% set s = s ~ s %}"
    "{{ s|length }}",
    "{% set s = 'x' * 150000 %}{{ ('%s%s' % (s, s))|length }}",
    "{% set s = 'x' * 150000 %}{{ ('%(a)s%(a)s' % {'a': s})|length }}",
    "{{ ('%*s' % (400000000, 'x'))|length }}",
]
LOOPS = [  # print nothing, so no size cap sees them: the time limit ends them
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "{% set s = 'x' * 150000 %}{% for c in s %}{% for d in s %}{% endfor %}{% endfor %}",
]


@pytest.mark.parametrize("loop", LOOPS)
def test_a_template_that_loops_for_ever_is_stopped(loop: str) -> None:
    source = "{% block subject %}x{% endblock %}{% block body %}" + loop + "{% endblock %}"
    started = time.monotonic()
    with pytest.raises(TemplateUnsafe, match="ran for more than 2 seconds"):
        render_source(source, {}, name="loop")
    assert time.monotonic() - started < 5


def test_a_large_number_in_a_percent_format_is_fine() -> None:
    source = "{% block subject %}x{% endblock %}{% block body %}{{ '%d' % 250000 }}{% endblock %}"
    assert render_source(source, {}, name="number").body == "250000\n"


@pytest.mark.parametrize("bomb", BOMBS)
def test_a_size_bomb_is_refused_quickly(bomb: str) -> None:
    source = "{% block subject %}x{% endblock %}{% block body %}" + bomb + "{% endblock %}"
    started = time.monotonic()
    with pytest.raises(TemplateUnsafe):
        render_source(source, {}, name="bomb")
    assert time.monotonic() - started < 5, "refused before doing the work"


def test_a_template_without_a_body_block_says_so() -> None:
    with pytest.raises(TemplateError, match=r"has no \{% block body %\}"):
        render_source("{% block subject %}x{% endblock %}", {}, name="mine")


def test_a_template_changed_under_the_same_name_renders_its_new_text() -> None:
    """Compiled templates are kept for a batch, by their text: an edit is never missed."""
    before = "{% block subject %}Hi{% endblock %}{% block body %}Before{% endblock %}"
    after = "{% block subject %}Hi{% endblock %}{% block body %}After{% endblock %}"
    assert render_source(before, {}, name="mine").body == "Before\n"
    assert render_source(after, {}, name="mine").body == "After\n"
    assert render_source(before, {}, name="mine").body == "Before\n"
