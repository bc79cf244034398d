"""The check before a message goes: each slip caught and explained, each fix applied, and
no alarm over ordinary text or any built-in template."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from composer.compose import Writer
from composer.records import (
    Attachment,
    Contact,
    Interview,
    InterviewStatus,
    Message,
    Profile,
    Role,
)
from composer.send_check import (
    Action,
    CheckContext,
    Finding,
    Kind,
    Part,
    apply_fix,
    check_before_it_goes,
    check_context,
    greeted_as,
)
from composer.store import Store
from composer.templates import TemplateLibrary

ANA = Contact("Ana Lima", "ana@acme.example", "Acme", id=1)
BO = Contact("Bo Chen", "bo@acme.example", "Acme", id=2)
LENA = Contact("Lena Park", "lena@globex.example", "Globex", id=3)
KIM = Contact("Kim Novak", "kim@initech.example", "Initech", id=4)
INTERVIEW = Interview("Acme GmbH", "Data Engineer", id=1)
ME = Profile("Zoë Müller", "zoe@example.org")


def context(*people: Contact, misspelt: object = None) -> CheckContext:
    """The records: this interview at Acme, others at Globex (Product Manager) and Square."""
    everyone = (ANA, BO, LENA, KIM)
    return CheckContext(
        people=people or (ANA,),
        interview=INTERVIEW,
        companies=("Acme GmbH", "Acme", "Globex", "Initech", "Square"),
        roles=("Product Manager", "Designer"),
        others=tuple(c for c in everyone if c not in (people or (ANA,))),
        me=ME,
        misspelt=misspelt,  # type: ignore[arg-type]
    )


def to(*people: Contact) -> list[str]:
    return [f"{p.name} <{p.email}>" for p in people]


def message(body: str, *people: Contact, subject: str = "Thank you", **fields: object) -> Message:
    return Message(subject, body, to(*(people or (ANA,))), interview_id=1, **fields)  # type: ignore[arg-type]


def found(text: Message, *people: Contact, kind: Kind | None = None) -> list[Finding]:
    findings = check_before_it_goes(text, context(*people))
    return [f for f in findings if kind is None or f.kind is kind]


def fixed(text: Message, finding: Finding) -> Message:
    assert finding.fix is not None
    return apply_fix(text, finding.fix)


# What a user types for a template's questions ("ask:" lines, the news for keeping in touch)
ANSWERS = {"news": "I have just finished a course on stream processing with Kafka"}

CLEAN = (
    "Dear Ana,\n\nThank you for meeting me about the Data Engineer role at Acme GmbH. "
    "I would be glad to resume our conversation about streaming pipelines.\n\n"
    "Best wishes,\nZoë Müller\n"
)


def test_a_clean_message_to_one_person_gives_nothing() -> None:
    assert check_before_it_goes(message(CLEAN), context()) == []


# --- the greeting ------------------------------------------------------------------------


def test_greeting_someone_else_from_the_records_is_caught_and_fixed() -> None:
    text = message("Dear Lena,\n\nThank you for your time.\n")

    [finding] = found(text)

    assert finding.kind is Kind.GREETING
    assert finding.message == "The greeting says “Dear Lena,” but Lena Park is not a recipient."
    assert finding.fix is not None and finding.fix.label == "Greet Ana"
    assert fixed(text, finding).body == "Dear Ana,\n\nThank you for your time.\n"


def test_a_name_nobody_has_is_caught_too() -> None:
    [finding] = found(message("Hi Lenna,\n\nThanks!\n"))
    assert finding.message == "The greeting says “Hi Lenna,” but Ana Lima is not called Lenna."


@pytest.mark.parametrize(
    "greeting",
    [
        "Dear Ana,",
        "Dear ANA,",
        "dear ana,",
        "Hi Ana Lima,",
        "Dear Dr. Lima,",
        "Dear Ms Lima,",
        "Dear Dr Ana Lima,",
        "Hello Ana!",
        "Good morning Ana,",
        "Hello again Ana,",
        "Dear all,",
        "Dear Hiring Manager,",
        "Dear Sir or Madam,",
        "Hello,",
        "Hello, I hope you are well.",
        "Dear Acme team,",
        "Thank you for your time.",
    ],
)
def test_greetings_that_fit_the_recipient_raise_nothing(greeting: str) -> None:
    assert found(message(f"{greeting}\n\nThank you again.\n"), kind=Kind.GREETING) == []


def test_greeting_one_recipient_by_another_recipients_name_is_fine_but_not_a_stranger() -> None:
    both = message("Dear Ana and Bo,\n\nThank you both.\n", ANA, BO)
    assert found(both, ANA, BO, kind=Kind.GREETING) == []
    wrong = message("Dear Ana and Lena,\n\nThank you both.\n", ANA, BO)

    [finding] = found(wrong, ANA, BO, kind=Kind.GREETING)

    assert "Lena Park is not a recipient" in finding.message
    assert fixed(wrong, finding).body.startswith("Dear Ana and Bo,\n")


def test_greeting_one_of_two_in_to_names_the_other_and_greets_both_once_fixed() -> None:
    text = message("Dear Ana,\n\nThank you both.\n", ANA, BO)

    [finding] = found(text, ANA, BO, kind=Kind.GREETING)

    assert finding.message == "The greeting says “Dear Ana,” but Bo Chen gets it too."
    assert fixed(text, finding).body.startswith("Dear Ana and Bo,\n")
    copied = message("Dear Ana,\n\nThanks.\n", ANA, cc=to(BO))
    assert found(copied, ANA, BO, kind=Kind.GREETING) == [], "someone in Cc needs no greeting"


def test_names_as_address_books_hold_them_are_understood() -> None:
    dana = Contact("Whitfield, Dana", "dana@acme.example", "Acme", id=9)
    assert greeted_as(dana)[0] == "Dana"
    for greeting in ("Dear Dana,", "Dear Dr. Whitfield,", "Dear DANA,"):
        text = message(f"{greeting}\n\nThanks.\n", dana)
        assert found(text, dana, kind=Kind.GREETING) == [], greeting
    assert greeted_as(Contact("ana van dijk"))[:3] == ["Ana", "Ana van Dijk", "van Dijk"]


# --- another application's company or role -----------------------------------------------


def test_another_applications_company_is_caught_and_replaced() -> None:
    text = message("Dear Ana,\n\nI am very excited about joining Globex.\n")

    [finding] = found(text)

    assert finding.kind is Kind.OTHER_COMPANY
    assert "names Globex, but this message is about Acme GmbH" in finding.message
    assert fixed(text, finding).body.endswith("about joining Acme GmbH.\n")


def test_another_applications_role_is_caught_and_replaced_in_the_subject_too() -> None:
    text = message("Dear Ana,\n\nThanks.\n", subject="Thank you: the product manager role")

    [finding] = found(text)

    assert finding.kind is Kind.OTHER_ROLE
    assert finding.span is not None and finding.span.part is Part.SUBJECT
    assert "names the Product Manager role" in finding.message
    assert fixed(text, finding).subject == "Thank you: the Data Engineer role"


def test_a_company_that_is_a_common_word_is_flagged_only_when_it_names_the_company() -> None:
    common = message("Dear Ana,\n\nBack to square one, as a designer would say.\n")
    assert found(common) == []
    [finding] = found(message("Dear Ana,\n\nI loved my time at Square.\n"))
    assert "names Square" in finding.message


def test_the_interviews_own_company_and_the_recipients_are_not_flagged() -> None:
    own = message("Dear Ana,\n\nAcme GmbH, and the Acme data team, impressed me.\n")
    assert found(own) == []  # "Acme" is Ana's company; inside "Acme GmbH" it is ours anyway
    lena = message("Dear Lena,\n\nGreetings to everyone at Globex.\n", LENA)
    assert found(lena, LENA) == [], "Lena works at Globex: naming it is right"


def test_names_inside_addresses_are_not_mentions() -> None:
    assert found(message("Dear Ana,\n\nWrite to me at zoe@globex.example.\n")) == []


# --- "attached" with nothing attached ----------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("Please find my CV attached.", "CV"),
        ("I have attached the portfolio.", "attached"),
        ("The attachment shows the design.", "attachment"),
        ("Enclosed is a reference.", "Enclosed"),
        ("Here is my résumé.", "résumé"),
        ("Here is my updated resume.", "resume"),
    ],
)
def test_a_document_word_with_no_file_is_caught(sentence: str, word: str) -> None:
    text = message(f"Dear Ana,\n\n{sentence}\n")

    [finding] = found(text)

    assert finding.kind is Kind.NO_ATTACHMENT
    assert finding.message == f"The body mentions “{word}” but no file is attached."
    assert finding.fix is not None and finding.fix.action is Action.ATTACH
    assert finding.span is not None and text.body[finding.span.start : finding.span.end] == word


def test_with_a_file_attached_or_resume_as_a_verb_nothing_is_said() -> None:
    cv = [Attachment("cv.pdf", "application/pdf", b"%PDF")]
    assert found(message("Dear Ana,\n\nMy CV is attached.\n", attachments=cv)) == []
    verb = "Dear Ana,\n\nI hope we can resume our conversation soon. Resume when you like.\n"
    assert found(message(verb)) == []
    assert found(message("Dear Ana,\n\nThe CVS pharmacy near you.\n")) == []


# --- placeholders ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "placeholder",
    [
        "[Name]",
        "[Company Name]",
        "{{ recipient.name }}",
        "{% if topic %}",
        "<company>",
        "XXX",
        "TODO",
        "TBD",
    ],
)
def test_a_leftover_placeholder_is_caught_and_shown(placeholder: str) -> None:
    text = message(f"Dear Ana,\n\nI enjoyed meeting {placeholder} last week.\n")

    [finding] = found(text)

    assert finding.kind is Kind.PLACEHOLDER
    assert (
        finding.message == f"“{placeholder}” in the body looks like a placeholder left to fill in."
    )
    assert finding.fix is not None and finding.fix.action is Action.SHOW
    assert finding.span is not None
    assert text.body[finding.span.start : finding.span.end] == placeholder


def test_citations_addresses_and_links_are_not_placeholders() -> None:
    text = (
        "Dear Ana,\n\nAs in the paper [1], and [sic] in the notes, write to "
        "<zoe@example.org> or see <https://example.org/portfolio>. Todo lists help; xx.\n"
    )
    assert found(message(text)) == []


# --- recipients --------------------------------------------------------------------------


def test_one_message_to_two_people_always_names_them_both() -> None:
    text = message("Dear Ana and Bo,\n\nThank you both.\n", ANA, BO)

    [finding] = found(text, ANA, BO)

    assert finding.kind is Kind.TOGETHER
    assert finding.message == (
        "This one message goes to Ana Lima and Bo Chen together; each sees the other's address."
    )
    assert finding.fix is not None and finding.fix.label == "Write one each"
    assert finding.fix.contact_ids == (1, 2)


def test_a_copy_counts_as_together_but_a_blind_copy_does_not() -> None:
    cc = message("Dear Ana,\n\nThanks.\n", cc=to(BO))
    assert [f.kind for f in found(cc, ANA, BO)] == [Kind.TOGETHER]
    assert found(message("Dear Ana,\n\nThanks.\n", bcc=["kim@initech.example"])) == []
    assert found(message("Dear Ana,\n\nThanks.\n", cc=["Zoë <ZOE@example.org>"])) == [], "mine"


def test_people_from_several_companies_are_offered_one_message_each() -> None:
    text = message("Dear all,\n\nThank you.\n", ANA, LENA)

    finding = next(f for f in found(text, ANA, LENA) if f.kind is Kind.SEVERAL_COMPANIES)

    assert finding.message.startswith(
        "The To line has people from 2 companies: Acme (Ana Lima); Globex (Lena Park)."
    )
    assert finding.fix is not None and finding.fix.action is Action.SEPARATE
    assert finding.fix.contact_ids == (1, 3)


def test_the_same_address_twice_is_kept_once() -> None:
    text = message("Dear Ana,\n\nThanks.\n", cc=["ANA@acme.example"], bcc=["ana@acme.example"])

    finding = next(f for f in found(text) if f.kind is Kind.SAME_ADDRESS_TWICE)

    assert "ana@acme.example is among the recipients more than once" in finding.message
    once = fixed(text, finding)
    assert (once.to, once.cc, once.bcc) == (["Ana Lima <ana@acme.example>"], [], [])
    assert found(once) == []


def test_a_long_to_list_suggests_separate_messages_or_bcc() -> None:
    people = [Contact(f"Person {n}", f"p{n}@acme.example", "Acme", id=10 + n) for n in range(6)]
    text = message("Dear all,\n\nThank you.\n", *people)

    finding = next(f for f in found(text, *people) if f.kind is Kind.LONG_TO_LIST)

    assert finding.message.startswith("The To line has 6 people")
    assert [f.label for f in finding.fixes] == ["Write one each", "Put them in Bcc"]
    in_bcc = apply_fix(text, finding.fixes[1])
    assert (in_bcc.to, in_bcc.bcc) == (["zoe@example.org"], text.to)
    assert [f.kind for f in found(message("Dear all,\n\nThanks.\n", *people[:5]), *people)] == [
        Kind.TOGETHER
    ]


# --- spelling ----------------------------------------------------------------------------


def test_misspelt_words_from_the_spell_checker_are_listed_with_where_they_are() -> None:
    def misspelt(text: str) -> Sequence[str]:
        return [w for w in ("recieve", "teh") if w in text]

    text = message("Dear Ana,\n\nI hope to recieve teh news, and to recieve it soon.\n")

    findings = check_before_it_goes(text, context(misspelt=misspelt))

    assert [f.message for f in findings] == [
        "“recieve” in the body may be misspelt.",
        "“teh” in the body may be misspelt.",
    ]
    span = findings[0].span
    assert span is not None and text.body[span.start : span.end] == "recieve"
    assert check_before_it_goes(text, context()) == [], "no spell checker: no spelling findings"


# --- from the records --------------------------------------------------------------------


def realistic_records(store: Store) -> tuple[Interview, list[Contact]]:
    """An interview with two interviewers and HR, and two other applications on record."""
    store.save_profile(
        Profile("Zoë Müller", "zoe@example.org", "+44 20 7946 0000", "Zoë Müller\n+44 20 7946 0000")
    )
    people = [
        store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme", "Engineering Lead")),
        store.add_contact(Contact("Tom Weber", "tom@acme.example", "Acme", "Data Architect")),
        store.add_contact(Contact("Harriet Ross", "hr@acme.example", "Acme", "People team")),
    ]
    store.add_contact(Contact("Lena Park", "lena@globex.example", "Globex", "CTO"))
    store.add_contact(Contact("Kim Novak", "kim@initech.example", "Initech", "Recruiter"))
    when = datetime(2026, 11, 3, 14, 30, tzinfo=UTC)
    interview = store.add_interview(
        Interview(
            "Acme GmbH",
            "Data Engineer",
            when,
            "final round",
            InterviewStatus.REJECTED,
            feedback="Strong on design; wanted more SQL depth.",
            topic="streaming pipelines",
        )
    )
    store.add_interview(Interview("Globex", "Product Manager", when, "first round"))
    store.add_interview(Interview("Initech", "Backend Developer", when, "phone screen"))
    assert interview.id is not None
    roles = [Role.INTERVIEWER, Role.INTERVIEWER, Role.HR]
    store.set_participants(
        interview.id, [(p.id or 0, r) for p, r in zip(people, roles, strict=True)]
    )
    return interview, people


def test_the_context_comes_from_the_records(store: Store) -> None:
    interview, [ana, *_] = realistic_records(store)
    draft = Message("Hi", "Dear Lena,\n\nI loved Globex.\n", to(ana), interview_id=interview.id)

    found_here = check_before_it_goes(draft, check_context(store, draft))

    assert [f.kind for f in found_here] == [Kind.GREETING, Kind.OTHER_COMPANY]
    assert "Lena Park is not a recipient" in found_here[0].message


def test_no_built_in_template_raises_an_alarm_for_realistic_records(
    store: Store, tmp_path: Path
) -> None:
    interview, people = realistic_records(store)
    library = TemplateLibrary(tmp_path / "mine")  # the built-ins only
    participants = store.participants(interview.id or 0)
    templates = library.templates()
    assert templates, "the built-in templates are found"
    for template in templates:
        writer = Writer(store, library, template.id)
        for person in people:
            draft = writer.draft(
                person, interview, participants, detail="data contracts", answers=ANSWERS
            )
            findings = check_before_it_goes(draft, check_context(store, draft))
            assert findings == [], f"{template.id} to {person.name}: {findings}"


SOME_TEXT = st.text(
    alphabet=st.sampled_from(list("DearHiAnLeGlobxSqu [ ]{}%<>@.,\n:TODOXCVresumé")), max_size=80
)


@given(subject=SOME_TEXT, body=SOME_TEXT)
@settings(max_examples=300, deadline=None)
def test_any_text_is_checked_without_error_and_every_fix_stays_in_place(
    subject: str, body: str
) -> None:
    text = message(body, subject=subject)
    for finding in check_before_it_goes(text, context()):
        if finding.span is not None:
            part = text.subject if finding.span.part is Part.SUBJECT else text.body
            assert 0 <= finding.span.start < finding.span.end <= len(part)
        for fix in finding.fixes:
            if fix.action is Action.REPLACE:
                check_before_it_goes(apply_fix(text, fix), context())


def test_the_greeting_kept_with_a_contact_is_theirs_and_the_fix_uses_it() -> None:
    robert = Contact("Robert Lang", "bob@acme.example", "Acme", id=5, greeting="Bob")
    assert greeted_as(robert)[0] == "Bob"
    assert found(message("Dear Bob,\n\nThanks!\n", robert), robert) == []
    text = message("Dear Lena,\n\nThanks!\n", robert)
    [finding] = found(text, robert)
    assert finding.fix is not None and finding.fix.label == "Greet Bob"
    assert fixed(text, finding).body == "Dear Bob,\n\nThanks!\n"


@pytest.mark.parametrize(
    ("name", "email", "greeted"),
    [
        ("J. Smith", "js@acme.example", "J. Smith"),
        ("", "info@acme.example", "Hiring Team"),
    ],
)
def test_a_greeting_that_is_only_a_guess_is_shown_before_it_goes(
    name: str, email: str, greeted: str
) -> None:
    guessed = Contact(name, email, "Acme", id=6)
    text = message(f"Dear {greeted},\n\nThank you for your time.\n", guessed)

    [finding] = found(text, guessed, kind=Kind.GREETING_GUESSED)

    assert f"the greeting says “{greeted}”" in finding.message
    assert finding.fix is not None and finding.fix.action is Action.SHOW
    assert finding.span is not None and text.body[finding.span.start : finding.span.end] == greeted
    confirmed = Contact(name, email, "Acme", id=6, greeting="Ms Smith")
    assert found(message("Dear Ms Smith,\n\nThanks.\n", confirmed), confirmed) == []


# --- addresses people can trust (IDN homographs) -----------------------------------------

LOOK_ALIKE = Contact("Lena Park", "lena@globеx.example", "Globex")  # Cyrillic "е"


def test_a_look_alike_recipient_is_found_with_the_address_typed_and_its_real_form() -> None:
    text = Message("Thank you", "Dear Lena,\n\nThanks.\n", to(LOOK_ALIKE))
    findings = [f for f in check_before_it_goes(text, context(LENA)) if f.kind is Kind.LOOK_ALIKE]
    assert [f.message for f in findings] == [
        "lena@globеx.example: globеx.example mixes Latin and Cyrillic letters: it may be a "
        "look-alike of another address. Its real form is xn--globx-2we.example."
    ]
    assert findings[0].fixes == ()  # said, never blocking: the user decides


def test_a_look_alike_in_cc_or_bcc_is_found_too() -> None:
    text = message(CLEAN, cc=["bo@acmе.example"], bcc=["kim@іnitech.example"])
    findings = found(text, kind=Kind.LOOK_ALIKE)
    assert [f.message.split(":")[0] for f in findings] == [
        "bo@acmе.example",
        "kim@іnitech.example",
    ]


def test_an_address_wholly_in_another_script_is_a_note_and_ordinary_ones_nothing() -> None:
    text = message(CLEAN, bcc=["info@пример.рф", "hans@müller.de"])
    findings = check_before_it_goes(text, context())
    assert [f.kind for f in findings] == [Kind.OTHER_SCRIPT]
    assert "info@пример.рф" in findings[0].message
    assert "xn--e1afmkfd.xn--p1ai" in findings[0].message
