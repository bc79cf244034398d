"""Building messages: headers that cannot be forged, addresses checked, names encoded."""

from __future__ import annotations

import socket
from datetime import datetime
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composer.errors import InvalidAddress, InvalidField
from composer.mail import (
    POLICY,
    Outgoing,
    address_header,
    build_message,
    check_header_text,
    composed,
    parse_address,
    sender_address,
    text_header,
    written,
)
from composer.records import Attachment

SENDER = sender_address("Zoë Müller", "zoe@example.org")
EXPECTED_HEADERS = {
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
}


def outgoing(**changes: object) -> Outgoing:
    values: dict[str, object] = {
        "sender": SENDER,
        "to": ["Ana Lima <ana@acme.example>"],
        "subject": "Thank you",
        "body": "Thank you for today.",
    }
    values.update(changes)
    return build_message(**values)  # type: ignore[arg-type]


def build(**changes: object) -> EmailMessage:
    raw = outgoing(**changes).raw
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_message_id_uses_the_senders_domain_not_this_machine() -> None:
    header_id = build()["Message-ID"]
    assert header_id.endswith("@example.org>")
    assert socket.getfqdn() not in header_id


def test_bcc_is_a_recipient_but_never_a_header() -> None:
    outgoing = build_message(
        sender=SENDER,
        to=["ana@acme.example"],
        cc=["bo@acme.example"],
        bcc=["me@example.org"],
        subject="Hi",
        body="Hello",
    )
    assert outgoing.recipients == ["ana@acme.example", "bo@acme.example", "me@example.org"]
    assert b"me@example.org" not in outgoing.raw.split(b"\r\n\r\n")[0].replace(b"From", b"")
    assert "Bcc" not in outgoing.message


@pytest.mark.parametrize(
    ("typed", "display_name", "addr_spec"),
    [
        ("Zoë Müller <zoe@example.org>", "Zoë Müller", "zoe@example.org"),
        ("山田太郎 <taro@example.jp>", "山田太郎", "taro@example.jp"),
        ('"Lima, Ana" <ana@acme.example>', "Lima, Ana", "ana@acme.example"),
        ('"john doe"@example.com', "", '"john doe"@example.com'),
        ("info@bücher.example", "", "info@xn--bcher-kva.example"),
        ("jan@straße.de", "", "jan@xn--strae-oqa.de"),  # IDNA 2008: ß is a letter, as shown
        ("lena@BÜCHER.example", "", "lena@xn--bcher-kva.example"),  # UTS #46 maps case
        ("  ana+jobs@acme.example  ", "", "ana+jobs@acme.example"),
    ],
)
def test_addresses_people_really_have(typed: str, display_name: str, addr_spec: str) -> None:
    address = parse_address(typed, "To")
    assert (address.display_name, address.addr_spec) == (display_name, addr_spec)
    assert build(to=[typed])["To"].addresses[0].display_name == display_name


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("To", "ana"),
        ("To", "ana@"),
        ("Cc", "@acme.example"),
        ("Cc", "ana@acme"),
        ("Bcc", "ana@@acme.example"),
        ("To", "ana lima@acme.example"),
        ("To", "jürgen@acme.example"),
        ("To", "ana@acme..example"),
        ("To", "Ana <ana@acme.example"),
    ],
)
def test_an_invalid_address_is_refused_naming_the_field(field: str, typed: str) -> None:
    with pytest.raises(InvalidAddress) as refused:
        build(**{field.lower(): [typed]})
    assert refused.value.field == field
    assert f"The {field} address" in str(refused.value)


@pytest.mark.parametrize(
    "evil",
    ["Thanks\r\nBcc: spy@evil.example", "Thanks\nX-Evil: 1", "Thanks\rX-Evil: 1", "Thanks\x00"],
)
def test_line_breaks_in_the_subject_are_refused(evil: str) -> None:
    with pytest.raises(InvalidField, match="subject contains a line break") as refused:
        build(subject=evil)
    assert refused.value.field == "subject"


def test_line_breaks_in_a_name_are_refused() -> None:
    with pytest.raises(InvalidField, match="line break"):
        sender_address("Zoë\r\nBcc: spy@evil.example", "zoe@example.org")
    with pytest.raises(InvalidAddress, match="line break"):
        build(to=["Ana\r\nBcc: spy@evil.example <ana@acme.example>"])


def test_no_recipient_and_no_text_are_refused() -> None:
    with pytest.raises(InvalidAddress, match="no recipient"):
        build(to=[])
    with pytest.raises(InvalidField, match="subject is empty"):
        build(subject="  ")
    with pytest.raises(InvalidField, match="message is empty"):
        build(body="\n\n")


def test_attachment_arrives_with_its_bytes_name_and_type() -> None:
    data = bytes(range(256)) * 40
    message = build(attachments=[Attachment("Lebenslauf Zoë.pdf", "application/pdf", data)])
    [part] = list(message.iter_attachments())
    assert part.get_filename() == "Lebenslauf Zoë.pdf"
    assert part.get_content_type() == "application/pdf"
    assert part.get_content() == data


def test_signature_follows_the_standard_separator() -> None:
    body = build(body="Thanks!", signature="Zoë\n+44 20").get_content().replace("\r\n", "\n")
    assert body == "Thanks!\n\n-- \nZoë\n+44 20\n"


# --- properties ------------------------------------------------------------------------


def decoded_name(raw_bytes: bytes) -> str:
    """The From name as a mail client reads it (RFC 2047).

    Not ``policy.default``'s parser: it wrongly puts a space between adjacent encoded
    words when it unfolds a long non-ASCII name, which the bytes on the wire do not say.
    """
    raw = message_from_bytes(raw_bytes, policy=policy.compat32)
    name, _ = parseaddr(str(raw["From"]))
    return str(make_header(decode_header(name)))


names = st.text(max_size=60)
local_parts = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,20}", fullmatch=True)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(name=names, subject=names, local=st.one_of(local_parts, st.text(max_size=20)))
def test_never_an_injected_header_never_a_crash(name: str, subject: str, local: str) -> None:
    try:
        sender = sender_address(name, "zoe@example.org")
        message = build(sender=sender, subject=subject, to=[f"{local}@acme.example"])
    except InvalidField:
        return  # the clear error: fine
    assert set(message.keys()) == EXPECTED_HEADERS
    wire = build_message(sender=sender, to=["ana@acme.example"], subject="x", body="y").raw
    assert " ".join(decoded_name(wire).split()) == " ".join(name.split()), "name as typed"
    assert " ".join(str(message["Subject"]).split()) == " ".join(subject.split())
    assert [a.addr_spec.rpartition("@")[2] for a in message["To"].addresses] == ["acme.example"]


@settings(max_examples=300, deadline=None)
@given(typed=st.one_of(st.emails(), st.text(max_size=80)))
def test_any_typed_address_is_parsed_or_clearly_refused(typed: str) -> None:
    try:
        address = parse_address(typed, "To")
    except InvalidAddress as refused:
        assert str(refused).startswith("The To address")
        return
    assert address.addr_spec.isascii()
    assert "\n" not in str(address) and "\r" not in str(address)


@pytest.mark.parametrize(
    "declared",
    [
        "text/html; name=x.html",
        "multipart/mixed",
        "pdf",
        "application/pdf\r\nX-Evil: 1",
        "message/rfc822",
    ],
)
def test_an_odd_attachment_type_becomes_a_plain_download(declared: str) -> None:
    message = build(attachments=[Attachment("cv.pdf", declared, b"%PDF-1.7")])
    [part] = list(message.iter_attachments())
    assert part.get_content_type() == "application/octet-stream"
    assert "X-Evil" not in part and part.get_content() == b"%PDF-1.7"


def test_a_non_ascii_quoted_local_part_is_refused() -> None:
    with pytest.raises(InvalidAddress, match="is not valid"):
        parse_address('"jürgen"@acme.example', "To")


def test_a_huge_name_or_subject_is_refused_clearly() -> None:
    with pytest.raises(InvalidField, match="your name is too long"):
        sender_address("Z" * 100_000, "zoe@example.org")
    with pytest.raises(InvalidField, match="subject is too long"):
        build(subject="Thanks " * 1000)
    with pytest.raises(InvalidAddress, match="too long"):
        build(to=["A" * 100_000 + " <ana@acme.example>"])


def test_a_space_between_encoded_words_survives_folding() -> None:
    """CPython's own folder drops it; these headers are folded by Afterword."""
    subject = "नमस्ते दुनिया " * 6 + "्् ्"
    name = "José María Fernández de la Concepción Rodríguez y Gómez de Ávila"
    raw = build_message(
        sender=sender_address(name, "zoe@example.org"),
        to=["a@acme.example"],
        subject=subject,
        body="x",
    ).raw
    parsed = message_from_bytes(raw, policy=policy.compat32)
    assert str(make_header(decode_header(str(parsed["Subject"])))) == subject
    assert decoded_name(raw) == name
    header_lines = raw.split(b"\r\n\r\n")[0].split(b"\r\n")
    assert max(len(line) for line in header_lines) <= 78


def test_a_line_starting_from_is_written_so_an_mbox_keeps_it() -> None:
    """mbox files start each message with "From "; a body line like it would be split off
    or changed to ">From " on export. Quoted-printable writes the F as =46 instead."""
    plain = outgoing(body="Thank you.\nFrom: me, in a sentence.\n").raw
    assert b"Content-Transfer-Encoding: 7bit" in plain
    tricky = outgoing(body="Thank you.\nFrom our talk I learned a lot.\n").raw
    assert b"\nFrom " not in tricky and b"\r\n=46rom our talk" in tricky
    parsed = message_from_bytes(tricky, policy=policy.default)
    assert parsed.get_content() == "Thank you.\r\nFrom our talk I learned a lot.\r\n"


def test_a_follow_up_carries_its_thread() -> None:
    raw = outgoing(
        in_reply_to="<b@acme.example>", references=["<a@acme.example>", "<b@acme.example>"]
    ).raw
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["In-Reply-To"] == "<b@acme.example>"
    assert parsed["References"].split() == ["<a@acme.example>", "<b@acme.example>"]
    forged = outgoing(in_reply_to="<x@y>\r\nBcc: evil@example.com").raw
    assert b"evil" not in forged and b"In-Reply-To" not in forged, "a damaged id is left out"


@pytest.mark.parametrize("typed", ['""@acme.example', '" "@acme.example'])
def test_an_empty_quoted_name_before_the_at_is_refused(typed: str) -> None:
    """Found by hypothesis: written as typed, a reader takes it for the null address <>."""
    with pytest.raises(InvalidAddress, match="nothing between the quotes"):
        parse_address(typed, "To")


# --- written directly: the same bytes as the email package, faster ----------------------------

any_text = st.lists(
    st.one_of(
        st.characters(exclude_categories=["Cs"]),
        st.sampled_from(["\n", "\r", "\r\n", "From ", " ", "=", "é", "\t", "\x0c", "\u2028"]),
    ),
    max_size=200,
).map("".join)
pieces = st.sampled_from(["a", "é", "x y ", "="])
long_lines = st.builds(lambda piece, times: piece * times, pieces, st.integers(0, 1200))
bodies = st.one_of(
    any_text, long_lines, st.lists(st.one_of(any_text, long_lines), max_size=4).map("\n".join)
)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    name=st.text(max_size=80),
    subject=st.text(max_size=120),
    text=bodies,
    when=st.datetimes(timezones=st.timezones()),
)
def test_a_text_only_message_is_written_byte_for_byte_as_the_email_package_would(
    name: str, subject: str, text: str, when: datetime
) -> None:
    try:
        sender = sender_address(name, "zoe@example.org")
        headers = [
            ("From", address_header([sender])),
            ("To", address_header([parse_address("Ana Lima <ana@acme.example>", "To")])),
            ("Subject", text_header(check_header_text(subject, "subject"))),
            ("Date", format_datetime(when)),
            ("Message-ID", "<1.2.3@example.org>"),
            ("MIME-Version", "1.0"),
        ]
    except InvalidField:
        return
    assert written(headers, text) == composed(headers, text).as_bytes(policy=POLICY)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80))
def test_a_subject_is_folded_as_the_email_package_folds_it(subject: str) -> None:
    folded = str(POLICY.header_factory("Subject", subject).fold(policy=POLICY))
    if "=?" not in subject:
        assert text_header(subject) == folded.split(":", 1)[1].strip()


def test_a_damaged_stored_message_id_is_replaced() -> None:
    raw = outgoing(header_id="<x@y>\r\nBcc: evil@example.com").raw
    assert b"evil" not in raw
    assert build(header_id="not an id")["Message-ID"].endswith("@example.org>")
    kept = "<179.42@example.org>"
    assert build(header_id=kept)["Message-ID"] == kept


def test_the_signature_goes_above_the_quoted_message_of_a_follow_up() -> None:
    body = "Any news?\n\nOn Tue 3 Nov 2026 14:30, Zoë Müller wrote:\n> Thank you.\n>\n> Zoë"
    text = build(body=body, signature="Zoë Müller\n+44 20").get_content()
    assert text.replace("\r\n", "\n") == (
        "Any news?\n\n-- \nZoë Müller\n+44 20\n\n"
        "On Tue 3 Nov 2026 14:30, Zoë Müller wrote:\n> Thank you.\n>\n> Zoë\n"
    )
    plain = build(body="Thank you.\n> not a quote at the end\nBye", signature="Zoë").get_content()
    assert plain.replace("\r\n", "\n").endswith("Bye\n\n-- \nZoë\n"), "no quote: at the end"
