"""A reply in the inbox, as the mailbox visit reads it: whatever a sender (or the server)
put in the headers, the BODYSTRUCTURE and the text, ``ImapConnection._reply`` gives a
summary or skips the message, never an exception, within the time and memory budget.

Only the server is stood in for: the fetch answers are canned bytes (what imaplib hands
over), and the real reading code of composer/imap.py and composer/reply_text.py runs.
"""

from __future__ import annotations

import base64
import quopri
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from composer.account import ImapAccount, Security
from composer.imap import FoundReply, ImapConnection
from tests.fuzz.budget import within_budget
from tests.fuzz.profiles import FUZZ

PARSER = "imap"

_CHARSETS = [
    "utf-8",
    "us-ascii",
    "iso-8859-1",
    "undefined",
    "idna",
    "punycode",
    "utf-16",
    "utf-7",
    "rot13",
    "hex",
    "base64",
    "zlib",
    "x-unknown",
    "",
    "gb2312",
    "utf-32",
]
_ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "binary", "x-uuencode", "NIL"]
_HEADER_NAMES = [
    "From",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Auto-Submitted",
    "Precedence",
    "X-Autoreply",
]


_ADDRESSY = st.text(alphabet='<>@[]:;,"()\\ a.', max_size=20)  # what breaks address parsers


class FetchedMessage:
    """The two FETCH answers of one message, as imaplib returns them."""

    def __init__(self, headers: bytes, structure: bytes, text: bytes) -> None:
        self.headers, self.structure, self.text = headers, structure, text

    def uid(self, command: str, uid: str, what: str) -> tuple[str, list[Any]]:
        if "BODYSTRUCTURE" in what:
            head = b"1 (UID 7 BODY[HEADER.FIELDS (FROM)] {%d}" % len(self.headers)
            return "OK", [(head, self.headers), b" BODYSTRUCTURE " + self.structure + b")"]
        return "OK", [(b"1 (UID 7 BODY[1]<0> {%d}" % len(self.text), self.text), b")"]


def read_reply(message: FetchedMessage) -> FoundReply | None:
    connection = ImapConnection(ImapAccount("imap.example.org", 993, Security.TLS, "me"), "pw")
    connection._imap = message  # type: ignore[assignment]
    with connection._talking():
        return connection._reply(7)


@st.composite
def encoded_words(draw: st.DrawFn) -> str:
    charset = draw(st.sampled_from(_CHARSETS)) or "x"
    payload = draw(st.text(max_size=30)).encode("utf-8", "replace")
    if draw(st.booleans()):
        return f"=?{charset}?B?{base64.b64encode(payload).decode()}?="
    return f"=?{charset}?Q?{quopri.encodestring(payload, header=True).decode()}?="


@st.composite
def dates(draw: st.DrawFn) -> str:
    """Something like an RFC 5322 date, its numbers anything."""
    day, year, hour, zone = (draw(st.integers(-(10**12), 10**12)) for _ in range(4))
    month = draw(st.sampled_from(["Jan", "Feb", "Foo", ""]))
    return f"Mon, {day} {month} {year} {hour}:00:00 {zone:+05d}"


@st.composite
def header_blocks(draw: st.DrawFn) -> bytes:
    lines = []
    for name in draw(st.lists(st.sampled_from(_HEADER_NAMES), max_size=9)):
        parts = draw(
            st.lists(
                st.one_of(encoded_words(), st.text(max_size=30), dates(), _ADDRESSY), max_size=4
            )
        )
        lines.append(f"{name}: {' '.join(parts)}".encode("utf-8", "replace"))
    if draw(st.booleans()):
        lines.append(draw(st.binary(max_size=80)))
    return b"\r\n".join(lines) + b"\r\n\r\n"


def text_part(charset: str, encoding: str, subtype: str) -> bytes:
    return b'("text" "%s" ("charset" "%s") NIL NIL "%s" 120 3 NIL NIL NIL NIL)' % (
        subtype.encode(),
        charset.encode(),
        encoding.encode(),
    )


_ATOMS = st.sampled_from(
    [
        b"NIL",
        b'"x"',
        b"(",
        b")",
        b'"',
        b"\\",
        b"{3}",
        b"BODYSTRUCTURE",
        b'"report"',
        b'"text"',
        b'"plain"',
        b"0",
    ]
)

structures = st.recursive(
    st.builds(
        text_part,
        st.sampled_from(_CHARSETS),
        st.sampled_from(_ENCODINGS),
        st.sampled_from(["plain", "html", "calendar"]),
    )
    | st.lists(_ATOMS, max_size=12).map(b" ".join),
    lambda children: st.builds(
        lambda parts, subtype: b"(" + b"".join(parts) + b' "%s")' % subtype,
        st.lists(children, min_size=1, max_size=4),
        st.sampled_from([b"mixed", b"alternative", b"report"]),
    ),
    max_leaves=12,
)


@st.composite
def texts(draw: st.DrawFn) -> bytes:
    words = draw(st.text(max_size=600))
    quoted = "\n> ".join(draw(st.lists(st.text(max_size=40), max_size=4)))
    body = f"{words}\nOn Mon, Ana wrote:\n> {quoted}\n<p>hi</p><style>x</style>"
    data = body.encode(draw(st.sampled_from(["utf-8", "utf-16", "latin-1"])), "replace")
    kind = draw(st.sampled_from(["raw", "base64", "qp", "binary"]))
    if kind == "base64":
        return base64.encodebytes(data)
    if kind == "qp":
        return quopri.encodestring(data)
    return data if kind == "raw" else draw(st.binary(max_size=4096))


def survives(message: FetchedMessage) -> None:
    with within_budget(PARSER):
        found = read_reply(message)
    if found is not None:
        assert len(found.summary) <= 280


@FUZZ
@given(
    headers=st.binary(max_size=2048),
    structure=st.binary(max_size=512),
    text=st.binary(max_size=4096),
)
def test_any_bytes_give_a_summary_or_a_skip(headers: bytes, structure: bytes, text: bytes) -> None:
    survives(FetchedMessage(headers, structure, text))


@FUZZ
@given(headers=header_blocks(), structure=structures, text=texts())
@example(
    headers=b"Subject: =?undefined?Q?hi?=\r\nFrom: =?idna?B?eA==?= <a@b>\r\n\r\n",
    structure=text_part("undefined", "quoted-printable", "plain"),
    text=b"hello",
)
@example(  # found by this harness: a NUL in a charset's name was a ValueError
    headers=b"Subject: =?a\x00b?Q?x?=\r\n\r\n",
    structure=text_part("utf\x00", "7bit", "plain"),
    text=b"hello",
)
@example(  # found by probing the harness: email's own header parser broke on these
    headers=b"From: a:b:c;d\r\nMessage-ID: <a@[\r\nIn-Reply-To: <\r\n\r\n",
    structure=text_part("utf-8", "7bit", "plain"),
    text=b"hello",
)
def test_any_reply_gives_a_summary_or_a_skip(headers: bytes, structure: bytes, text: bytes) -> None:
    survives(FetchedMessage(headers, structure, text))


def nested(depth: int) -> FetchedMessage:
    structure = b"(" * depth + text_part("utf-8", "7bit", "plain") + b' "mixed")' * depth
    return FetchedMessage(b"Subject: hi\r\n\r\n", structure, b"hello")


@FUZZ
@given(depth=st.integers(1, 400))
def test_nested_parts_give_a_summary_or_a_skip(depth: int) -> None:
    survives(nested(depth))


def test_deeply_nested_parts_give_a_summary_or_a_skip() -> None:
    survives(nested(498))


def test_a_charset_name_with_a_nul_is_read_as_utf8() -> None:
    """Found by this harness: ``=?a\\x00b?Q?...?=`` in a Subject, or a part's charset with
    a NUL, raised ValueError and ended every mailbox visit."""
    message = FetchedMessage(
        b"Subject: =?a\x00b?Q?Caf=C3=A9?=\r\n\r\n",
        text_part("utf\x00", "7bit", "plain"),
        b"Thanks, see you Monday",
    )
    found = read_reply(message)
    assert found is not None
    assert (found.subject, found.summary) == ("Café", "Thanks, see you Monday")


def test_a_date_with_a_huge_year_is_read_as_no_date() -> None:
    message = FetchedMessage(
        b"Date: Mon, 1 Jan 99999999999 00:00:00 +0000\r\n\r\n",
        text_part("utf-8", "7bit", "plain"),
        b"hello",
    )
    found = read_reply(message)
    assert found is not None and found.date is None


@pytest.mark.parametrize(
    ("header", "read"),
    [
        (b"From: Ana <ana@[acme", ("From", "Ana <ana@[acme")),  # AttributeError
        (b"From: =?utf-8?q?Zo=C3=AB?= a:b:c;d", ("From", "Zoë a:b:c;d")),  # AttributeError
        (b"Message-ID: <", ("Message-ID", "<")),  # IndexError
        (b"Message-ID: <a@[", ("Message-ID", "<a@[")),  # UnboundLocalError
    ],
)
def test_a_header_the_email_package_cannot_parse_is_read_as_it_came(
    header: bytes, read: tuple[str, str]
) -> None:
    """Found by probing this harness's header cases: the email package's own parser raised
    on these, and one such email in the inbox ended every mailbox visit."""
    found = read_reply(
        FetchedMessage(
            header + b"\r\nSubject: Re: thanks\r\n\r\n",
            text_part("utf-8", "7bit", "plain"),
            b"See you",
        )
    )
    assert found is not None
    name, text = read
    assert {"From": found.sender, "Message-ID": found.header_id}[name] == text
    assert (found.subject, found.summary) == ("Re: thanks", "See you")
