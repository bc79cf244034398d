"""The user's own templates, checks by line, panels, Cc/Bcc and attachments."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from composer.compose import draft_from_template, panel_messages, queue_panel
from composer.errors import AfterwordError, TemplateError
from composer.outbox import Outbox
from composer.records import Contact, Interview, Message, MessageState, Role
from composer.store import Store
from composer.templates import TemplateLibrary, attachment_from_file
from composer.templates.library import problems
from tests.helpers.smtp_server import SmtpServer

BODY = "{% block subject %}Hello {{ recipient.first_name }}{% endblock %}\n{% block body %}\n"


def parsed(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


@pytest.fixture
def library(tmp_path: Path) -> TemplateLibrary:
    return TemplateLibrary(tmp_path / "config" / "templates")


def send_one(outbox: Outbox, message: Message) -> Message:
    queued = outbox.queue(message)
    assert queued.id is not None
    [result] = outbox.send([queued.id])
    assert result.state is MessageState.SENT, result.detail
    return outbox.store.message(queued.id)


def test_a_customized_builtin_is_a_file_that_survives_and_sends(
    library: TemplateLibrary, outbox: Outbox, records: dict[str, Any], smtp_server: SmtpServer
) -> None:
    mine = library.customize("thank_you")
    edited = mine.source.replace("With thanks and best wishes,", "Warmly,")
    library.save("thank_you", edited)

    again = TemplateLibrary(library.user_dir)  # a restart
    assert again.is_mine("thank_you") and not again.get("thank_you").builtin
    assert (library.user_dir / "thank_you.j2").read_text(encoding="utf-8") == edited  # type: ignore[operator]
    draft = draft_from_template(
        outbox.store,
        again,
        "thank_you",
        contact_id=records["ana"].id,
        interview_id=records["interview"].id,
    )
    assert "Warmly,\nZoë Müller" in draft.body
    send_one(outbox, draft)
    assert "Warmly," in parsed(smtp_server.received[0].data).get_content()

    again.delete("thank_you")
    assert not again.is_mine("thank_you")
    assert "With thanks and best wishes," in again.get("thank_you").source
    assert again.get("thank_you").builtin


def test_a_new_template_of_mine_renders_and_sends(
    library: TemplateLibrary, outbox: Outbox, records: dict[str, Any], smtp_server: SmtpServer
) -> None:
    library.save(
        "check_in",
        "{#\ntitle: Check in\nwhen: Later\n#}\n"
        + BODY
        + "Just checking in about {{ interview.position }}.\n{% endblock %}\n",
    )
    assert [t.id for t in TemplateLibrary(library.user_dir).templates()].count("check_in") == 1
    draft = draft_from_template(
        outbox.store,
        library,
        "check_in",
        contact_id=records["ana"].id,
        interview_id=records["interview"].id,
    )
    sent = send_one(outbox, draft)
    assert sent.subject == "Hello Ana"
    assert (
        "Just checking in about Data Engineer."
        in parsed(smtp_server.received[0].data).get_content()
    )


def test_duplicate_and_rename(library: TemplateLibrary) -> None:
    copy = library.duplicate("feedback_request")
    assert copy.id == "feedback_request_copy" and copy.title == "Feedback request (copy)"
    renamed = library.rename(copy.id, "ask_for_feedback")
    assert renamed.title == "Feedback request (copy)"
    assert not library.is_mine("feedback_request_copy")
    with pytest.raises(AfterwordError, match="already a template"):
        library.rename("ask_for_feedback", "thank_you")
    with pytest.raises(AfterwordError, match="cannot be deleted"):
        library.delete("thank_you")


def test_problems_are_shown_with_their_line() -> None:
    source = BODY + "Line three\n{{ interview.salary }}\n{% if interview.topic %}\n"
    assert [str(p) for p in problems(source)] == [
        "line 2: {% block body %} is not closed: add {% endblock %} where it ends",
        "line 5: {% if %} is not closed: add {% endif %} where the optional part ends",
    ]
    fixed = BODY + "Line three\n{{ interview.salary }}\n{{ shoe_size }}\n{% endblock %}\n"
    assert [str(p) for p in problems(fixed)] == [
        "line 4: there is no field called interview.salary",
        "line 5: there is no field called shoe_size",
    ]
    assert problems(TemplateLibrary().get("thank_you").source) == []
    problems(fixed).clear()  # the checks are kept per text: a caller can't change them
    assert len(problems(fixed)) == 2


def test_a_template_with_a_problem_can_be_saved_but_not_used(
    library: TemplateLibrary, store: Store, records: dict[str, Any]
) -> None:
    library.save("oops", BODY + "{% if interview.salary is defined %}x{% endif %}\n{% endblock %}")
    with pytest.raises(
        TemplateError,
        match=r"fixed: line 3: there is no field called interview\.salary\. Open it",
    ):
        draft_from_template(
            store,
            library,
            "oops",
            contact_id=records["ana"].id,
            interview_id=records["interview"].id,
        )


def test_an_imported_escape_attempt_cannot_run(
    library: TemplateLibrary, store: Store, records: dict[str, Any], tmp_path: Path
) -> None:
    evil = tmp_path / "Evil Template.j2"
    evil.write_text(
        BODY + "{{ cycler.__init__.__globals__.os.popen('touch pwned').read() }}\n{% endblock %}",
        encoding="utf-8",
    )
    imported = library.import_file(evil)
    assert imported.id == "evil_template"
    with pytest.raises(TemplateError, match="not allowed in a template"):
        draft_from_template(store, library, imported.id, contact_id=records["ana"].id)
    assert not Path("pwned").exists() and not (tmp_path / "pwned").exists()


def test_an_import_that_is_not_utf8_is_refused(library: TemplateLibrary, tmp_path: Path) -> None:
    bad = tmp_path / "bad.j2"
    bad.write_bytes(b"{% block body %}\xff\xfe{% endblock %}")
    with pytest.raises(AfterwordError, match="not a UTF-8 text file"):
        library.import_file(bad)


def test_export_writes_the_source(library: TemplateLibrary, tmp_path: Path) -> None:
    library.export("no_hard_feelings", tmp_path / "out.j2")
    assert (tmp_path / "out.j2").read_text(encoding="utf-8") == library.get(
        "no_hard_feelings"
    ).source


# --- panels ------------------------------------------------------------------------------


@pytest.fixture
def panel_interview(store: Store, records: dict[str, Any]) -> int:
    interview: Interview = records["interview"]
    assert interview.id is not None
    people = [
        store.add_contact(Contact(name, f"{name.split()[0].lower()}@acme.example"))
        for name in ("Ana Lima", "Bo Chen", "Cy Diaz")
    ]
    hr: Contact = records["hr"]
    store.set_participants(
        interview.id, [(p.id, Role.INTERVIEWER) for p in people if p.id] + [(hr.id or 0, Role.HR)]
    )
    return interview.id


def test_thank_each_interviewer_over_one_connection(
    outbox: Outbox, library: TemplateLibrary, panel_interview: int, smtp_server: SmtpServer
) -> None:
    store = outbox.store
    details = {c.id: "data contracts" for c in store.contacts("Bo Chen") if c.id}
    panel = panel_messages(store, library, panel_interview, details=details)
    assert [item.contact.name for item in panel] == ["Ana Lima", "Bo Chen", "Cy Diaz"]

    results = outbox.send(queue_panel(outbox, panel))

    assert [r.state for r in results] == [MessageState.SENT] * 3
    assert smtp_server.recorder.connections == 1
    got = {tuple(r.recipients): parsed(r.data).get_content() for r in smtp_server.received}
    assert set(got) == {("ana@acme.example",), ("bo@acme.example",), ("cy@acme.example",)}
    assert got[("ana@acme.example",)].startswith("Dear Ana,")
    assert got[("bo@acme.example",)].startswith("Dear Bo,")
    assert "our conversation about data contracts" in got[("bo@acme.example",)]
    assert "streaming pipelines" in got[("cy@acme.example",)]


def test_running_the_panel_again_sends_nothing_without_confirmation(
    outbox: Outbox, library: TemplateLibrary, panel_interview: int, smtp_server: SmtpServer
) -> None:
    store = outbox.store
    outbox.send(queue_panel(outbox, panel_messages(store, library, panel_interview)))
    again = panel_messages(store, library, panel_interview)
    assert [item.already_sent for item in again] == [True, True, True]

    assert queue_panel(outbox, again) == []
    bo = next(item.contact.id for item in again if item.contact.name == "Bo Chen")
    assert bo is not None
    outbox.send(queue_panel(outbox, again, send_again_to=frozenset({bo})))

    assert len(smtp_server.received) == 4
    assert smtp_server.received[-1].recipients == ["bo@acme.example"]


# --- Cc, Bcc and attachments -------------------------------------------------------------


def test_cc_and_bcc_reach_the_server_and_bcc_stays_hidden(
    outbox: Outbox, smtp_server: SmtpServer
) -> None:
    sent = send_one(
        outbox,
        Message(
            "Thanks",
            "Thank you.",
            ["ana@acme.example"],
            cc=["Kim Novak <kim@acme.example>"],
            bcc=["me@example.org"],
        ),
    )
    [got] = smtp_server.received
    assert sorted(got.recipients) == ["ana@acme.example", "kim@acme.example", "me@example.org"]
    assert b"me@example.org" not in got.data
    assert sent.raw is not None and b"me@example.org" not in sent.raw
    assert parsed(got.data)["Cc"].addresses[0].addr_spec == "kim@acme.example"
    assert sent.bcc == ["me@example.org"]  # the record still knows


def test_an_attachment_arrives_intact_and_stays_readable(
    outbox: Outbox, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    cv = tmp_path / "Zoë Müller CV.pdf"
    data = b"%PDF-1.7\n" + bytes(range(256)) * 2000
    cv.write_bytes(data)
    message = Message(
        "My CV",
        "Attached, as promised.",
        ["ana@acme.example"],
        attachments=[attachment_from_file(cv)],
    )
    sent = send_one(outbox, message)
    cv.unlink()

    [part] = list(parsed(smtp_server.received[0].data).iter_attachments())
    assert (part.get_filename(), part.get_content_type()) == (
        "Zoë Müller CV.pdf",
        "application/pdf",
    )
    assert part.get_content() == data
    assert sent.raw is not None
    [kept] = list(parsed(sent.raw).iter_attachments())
    assert kept.get_content() == data
    assert outbox.store.message(sent.id or 0).attachments[0].data == data


def test_a_template_default_attachment_comes_with_the_draft(
    library: TemplateLibrary, store: Store, records: dict[str, Any], tmp_path: Path
) -> None:
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(b"%PDF my cv")
    library.add_default_attachment("thank_you", cv)
    cv.unlink()
    draft = draft_from_template(
        store,
        library,
        "thank_you",
        contact_id=records["ana"].id,
        interview_id=records["interview"].id,
    )
    assert [(a.filename, a.content_type, a.data) for a in draft.attachments] == [
        ("cv.pdf", "application/pdf", b"%PDF my cv")
    ]


def test_a_default_attachment_that_is_gone_is_told_not_raised(
    library: TemplateLibrary, tmp_path: Path
) -> None:
    """Chosen in the file dialog, then moved before it was copied: a message, not a crash."""
    with pytest.raises(AfterwordError, match=r"cv\.pdf could not be attached by default"):
        library.add_default_attachment("thank_you", tmp_path / "cv.pdf")
    assert library.default_attachment_names("thank_you") == []
