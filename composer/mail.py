"""Building the message that goes out: checked addresses, safe headers, exact bytes.

Everything a user typed is checked before it reaches a header: a line break in a name or
subject would let text become a header of its own, so it is refused, naming the field.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy, quoprimime
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import cached_property

import idna

from composer.errors import InvalidAddress, InvalidField
from composer.records import Attachment
from composer.signature import signed


class _HeaderKinds(HeaderRegistry):
    """CPython's registry builds a new class for every header it parses (~45 µs each, a
    dozen per message); the class depends only on the header's name, so each is made once."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        kind = self._made.get(key)
        if kind is None:
            kind = self._made[key] = super().__getitem__(name)
        return kind


# CRLF line ends; headers we fold ourselves (below) are written exactly as we fold them.
_LINE = 78  # columns, for the headers the policy folds and for the body's encoders alike
POLICY = policy.SMTP.clone(
    refold_source="none", header_factory=_HeaderKinds(), max_line_length=_LINE
)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")  # C0, C1, Unicode line ends
_NAMED = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<addr>[^<>]*)>\s*$")
_ATOM = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_QUOTED = re.compile(r'^"([\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$')  # ASCII only
_MIME_TYPE = re.compile(r"^(?P<main>[A-Za-z0-9!#$&^_.+-]+)/(?P<sub>[A-Za-z0-9!#$&^_.+-]+)$")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


MAX_HEADER_TEXT = 500  # characters in a subject or a name; no reader shows more


def check_header_text(value: str, field: str, *, label: str = "") -> str:
    """Refuses line breaks and control characters: they would forge or break headers.

    ``label`` names the field in the message, where "The {field}" would not read well.
    """
    label = label or f"The {field}"
    if len(value) > MAX_HEADER_TEXT:
        raise InvalidField(
            field,
            f"{label} is too long ({len(value):,} characters). Keep it under {MAX_HEADER_TEXT}.",
        )
    if _CONTROL.search(value):
        raise InvalidField(
            field,
            f"{label} contains a line break or a control character. "
            "Remove it: it must be a single line of text.",
        )
    return value


def parse_address(text: str, field: str) -> Address:
    """``ana@example.org`` or ``Ana Lima <ana@example.org>``, checked strictly."""
    if _CONTROL.search(text):
        raise InvalidAddress(
            field,
            f"The {field} address “{text.strip()!r}” contains a line break or a control "
            "character. Type it on one line.",
        )
    if len(text) > MAX_HEADER_TEXT:
        raise InvalidAddress(
            field, f"The {field} address is too long ({len(text):,} characters); check it."
        )
    match = _NAMED.match(text)
    name, spec = (match["name"], match["addr"].strip()) if match else ("", text.strip())
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    local, domain = _split_spec(spec, field)
    try:
        return Address(display_name=name, username=local, domain=domain)
    except (ValueError, IndexError, TypeError) as error:
        raise _bad(field, spec, str(error)) from None


def _split_spec(spec: str, field: str) -> tuple[str, str]:
    if not spec:
        raise InvalidAddress(field, f"The {field} address is empty. Type an email address.")
    local, at, domain = spec.rpartition("@")
    if not at or not local or not domain:
        raise _bad(field, spec, "it needs a name, an @ and a domain, like ana@example.org")
    if _QUOTED.match(local):
        local = local[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        if not local.strip():  # ""@example.org: nobody's address (read back, it is "<>")
            raise _bad(field, spec, "there is nothing between the quotes before the @")
    elif not _ATOM.match(local):
        why = "only ASCII letters, digits and . _ + - may stand before the @"
        raise _bad(field, spec, why)
    return local, _ascii_domain(domain, field, spec)


def _ascii_domain(domain: str, field: str, spec: str) -> str:
    """An internationalized domain (bücher.example) is sent in its ASCII form: IDNA 2008
    with UTS #46 mapping, as registries and browsers use it, and as the check before sending
    shows it (straße.de is xn--strae-oqa.de, not IDNA 2003's strasse.de)."""
    try:
        ascii_domain = domain if domain.isascii() else idna.encode(domain, uts46=True).decode()
    except (idna.IDNAError, UnicodeError):
        raise _bad(field, spec, f"“{domain}” is not a valid domain name") from None
    labels = ascii_domain.rstrip(".").split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise _bad(field, spec, f"“{domain}” is not a valid domain name")
    return ascii_domain.rstrip(".")


def _bad(field: str, spec: str, why: str) -> InvalidAddress:
    return InvalidAddress(field, f"The {field} address “{spec}” is not valid: {why}.")


def split_addresses(text: str) -> list[str]:
    """``Ana <a@x>, "Lima, Bo" <b@x>`` as typed in one field, one address each, unchecked."""
    parts, current, quoted = [], "", False
    for character in text:
        if character == '"':
            quoted = not quoted
        if character in ",;" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += character
    parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def parse_address_or_none(text: str) -> str | None:
    """The lower-cased address in ``text``, or None if it is not one."""
    try:
        return parse_address(text, "To").addr_spec.lower()
    except InvalidField:
        return None


def parse_addresses(texts: Sequence[str], field: str) -> list[Address]:
    return [parse_address(text, field) for text in texts if text.strip()]


def check_message(
    to: Sequence[str],
    cc: Sequence[str],
    bcc: Sequence[str],
    subject: str,
    body: str,
    attachments: Sequence[Attachment] = (),
) -> tuple[list[Address], list[Address], list[Address]]:
    """Everything the user typed, checked before it is queued or built."""
    to_addresses = parse_addresses(to, "To")
    if not to_addresses:
        raise InvalidAddress("To", "The message has no recipient. Add at least one To address.")
    cc_addresses = parse_addresses(cc, "Cc")
    bcc_addresses = parse_addresses(bcc, "Bcc")
    if not subject.strip():
        raise InvalidField(
            "subject",
            "The subject is empty. Write one, so the recipient knows what your message is about.",
        )
    check_header_text(subject, "subject")
    if not body.strip():
        raise InvalidField("body", "The message is empty. Write something before sending.")
    if "\x00" in body:
        raise InvalidField("body", "The message text contains a NUL character; remove it.")
    for attachment in attachments:
        check_header_text(attachment.filename, "attachment's file name")
    return to_addresses, cc_addresses, bcc_addresses


_EOLS = re.compile(rb"\r\n|\n|\r(?!\n)")  # what DATA needs: CRLF line ends
_LEADING_DOT = re.compile(rb"(?m)^\.")  # and a leading dot doubled


@dataclass(frozen=True)
class Outgoing:
    """A message ready for SMTP: its exact bytes and the envelope (Bcc included)."""

    sender: str
    recipients: list[str]
    raw: bytes
    header_id: str

    @cached_property
    def data(self) -> bytes:
        """The bytes as SMTP's DATA carries them: CRLF line ends, leading dots doubled, a
        last CRLF. Worked out once, when first asked (a batch asks as it builds a message
        ahead, so the claim's write lock never waits for it)."""
        data = _LEADING_DOT.sub(b"..", _EOLS.sub(b"\r\n", self.raw))
        return data if data.endswith(b"\r\n") else data + b"\r\n"

    @property
    def message(self) -> EmailMessage:
        """The bytes read back by the email package, as a mail client would see them."""
        parsed = message_from_bytes(self.raw, policy=POLICY)
        assert isinstance(parsed, EmailMessage)
        return parsed


def build_message(
    *,
    sender: Address,
    to: Sequence[str],
    subject: str,
    body: str,
    cc: Sequence[str] = (),
    bcc: Sequence[str] = (),
    signature: str = "",
    attachments: Sequence[Attachment] = (),
    header_id: str | None = None,
    date: datetime | None = None,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
) -> Outgoing:
    """A stored Message-ID is kept (a message tried again is the same message); a damaged
    one is replaced, so it can't inject a header."""
    to_addresses, cc_addresses, bcc_addresses = check_message(
        to, cc, bcc, subject, body, attachments
    )
    if not (header_id and _MESSAGE_ID.fullmatch(header_id)):
        header_id = new_header_id(sender)
    headers = [
        ("From", address_header([sender])),
        ("To", address_header(to_addresses)),
        ("Cc", address_header(cc_addresses)),
        ("Subject", text_header(subject)),
        ("Date", format_datetime((date or datetime.now()).astimezone())),
        ("Message-ID", header_id),
        ("In-Reply-To", _message_id_header([in_reply_to] if in_reply_to else [])),
        ("References", _message_id_header(references)),
        ("MIME-Version", "1.0"),
    ]
    headers = [(name, value) for name, value in headers if value]
    text = _with_signature(body, signature)
    if attachments:
        raw = composed(headers, text, attachments).as_bytes(policy=POLICY)
    else:
        raw = written(headers, text)
    recipients = [a.addr_spec for a in (*to_addresses, *cc_addresses, *bcc_addresses)]
    return Outgoing(
        sender=sender.addr_spec,
        recipients=list(dict.fromkeys(recipients)),
        raw=raw,
        header_id=header_id,
    )


def composed(
    headers: Sequence[tuple[str, str]], text: str, attachments: Sequence[Attachment] = ()
) -> EmailMessage:
    """The message put together by the email package; ``headers`` are folded already."""
    message = EmailMessage(policy=POLICY)
    for name, value in headers:
        message.set_raw(name, value)
    _set_body(message, text)
    for attachment in attachments:
        _attach(message, attachment)
    return message


_NEWLINE = re.compile(r"\r\n|\r|\n")  # where the email package's generator breaks a payload


def written(headers: Sequence[tuple[str, str]], text: str) -> bytes:
    """A text-only message (nearly every follow-up) written out directly: byte for byte
    what ``composed`` gives (a test holds the two equal) in a quarter of the time, which
    matters when a batch of personal messages is built one after another."""
    encoding = _body_encoding(text)
    lines = [f"{name}: {value}" for name, value in headers]
    lines += [
        'Content-Type: text/plain; charset="utf-8"',
        f"Content-Transfer-Encoding: {encoding}",
        "",
        *_NEWLINE.split(_encoded_body(text, encoding)),
    ]
    return "\r\n".join(lines).encode("ascii")


# Headers with non-ASCII text are encoded here, not by the email package: when CPython's
# folder breaks a long header at a space between two encoded words, the space is lost
# (the reader joins adjacent encoded words). Our encoded words carry every space inside.
# Text that merely looks like an encoded word ("=?utf-8?b?QWRtaW4=?=") is encoded too:
# written as typed, every reader would decode it and show "Admin" instead.
_WORD_BYTES = 39  # 52 base64 characters: "Subject: " and one word fit in 78 columns
_FOLD = "\r\n "


def encoded_words(text: str) -> list[str]:
    """``text`` as RFC 2047 base64 words, never splitting a character."""
    words, chunk = [], b""
    for character in text:
        encoded = character.encode("utf-8")
        if len(chunk) + len(encoded) > _WORD_BYTES:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return [f"=?utf-8?b?{base64.b64encode(word).decode('ascii')}?=" for word in words if word]


_ONE_LINE = _LINE - len("Subject: ")


def text_header(text: str) -> str:
    """An unstructured header (Subject), folded; ASCII stays readable."""
    if _plain(text) and len(text) <= _ONE_LINE and text == " ".join(text.split()):
        return text  # what the folder gives for a line that fits, without parsing it
    if _plain(text):
        folded = str(POLICY.header_factory("Subject", text).fold(policy=POLICY))
        return folded.split(":", 1)[1].strip()
    return _FOLD.join(encoded_words(text))


def _plain(text: str) -> bool:
    """Safe to write as typed: ASCII, and nothing a reader would decode."""
    return text.isascii() and "=?" not in text


def address_header(addresses: Sequence[Address]) -> str:
    return ("," + _FOLD).join(_address(address) for address in addresses)


_ADDRESS_COLUMNS = 78 - len("From: ,")


def _address(address: Address) -> str:
    """As typed if it fits a line; a long name (up to 500 characters, escaped quotes doubling
    it) is folded as encoded words, so no line nears SMTP's limit of 998."""
    plain = str(address)
    if not address.display_name or (
        _plain(address.display_name) and len(plain) <= _ADDRESS_COLUMNS
    ):
        return plain
    return f"{_FOLD.join(encoded_words(address.display_name))}{_FOLD}<{address.addr_spec}>"


_MESSAGE_ID = re.compile(r"<[!-;=?-~]+@[!-;=?-~]+>")  # printable, no spaces or angles inside


def _message_id_header(ids: Sequence[str]) -> str:
    """Message-IDs as stored from earlier messages; anything malformed is left out, so a
    damaged record can't inject a header."""
    kept = [i for i in ids if _MESSAGE_ID.fullmatch(i)]
    return _FOLD.join(kept)


def new_header_id(sender: Address) -> str:
    """Uses the sender's domain: the default would leak this machine's host name."""
    return make_msgid(domain=sender.domain)


def _with_signature(body: str, signature: str) -> str:
    """Only for text written before the signature went into the draft (the test message):
    a message's own text already carries it."""
    return signed(body, signature)


MAX_LINE_OCTETS = 998  # RFC 5322 2.1.1, CRLF not counted: longer, a server may cut or refuse


def _has_long_line(text: str) -> bool:
    """Measured as a mail server counts: octets between LFs. ``str.splitlines`` would also
    break at form feeds, U+2028 and the like, which go out inside one line."""
    return any(len(line.rstrip(b"\r")) > MAX_LINE_OCTETS for line in text.encode().split(b"\n"))


def _body_encoding(text: str) -> str:
    """7-bit safe for any server; readable in the raw view unless that would cost size."""
    long_lines = _has_long_line(text)
    if _mostly_non_ascii(text):  # Arabic, Hebrew, CJK...: quoted-printable would triple it
        return "base64"
    if text.isascii() and not long_lines and not _FROM_LINE.search(text):
        return "7bit"
    return "quoted-printable"


def _set_body(message: EmailMessage, text: str) -> None:
    encoding = _body_encoding(text)
    message.set_content(text, charset="utf-8", cte=encoding)
    if encoding == "quoted-printable":
        message.set_payload(_FROM_LINE.sub("=46rom ", str(message.get_payload())))


def _encoded_body(text: str, encoding: str) -> str:
    """What ``set_content`` makes of ``text``: the email package's rules, line by line."""
    lines = text.encode("utf-8").splitlines()
    if encoding == "7bit":
        return (b"\n".join(lines) + b"\n").decode("ascii")
    if encoding == "quoted-printable":
        latin = (b"\n".join(lines) + b"\n").decode("latin-1")  # one character per byte
        return _FROM_LINE.sub("=46rom ", quoprimime.body_encode(latin, _LINE))
    data = b"\r\n".join(lines) + b"\r\n"
    chunk = _LINE // 4 * 3  # bytes per line of base64
    return "".join(
        binascii.b2a_base64(data[i : i + chunk]).decode("ascii") for i in range(0, len(data), chunk)
    )


# mbox files mark each message's start with a line "From "; a body line starting so would be
# changed to ">From " on export. Quoted-printable can write the F as "=46" instead.
_FROM_LINE = re.compile(r"^From ", re.MULTILINE)
_ASCII_BYTES = bytes(range(128))


def _mostly_non_ascii(text: str) -> bool:
    """Quoted-printable writes each non-ASCII byte as three; base64 every three bytes as four."""
    data = text.encode("utf-8")
    escaped = len(data.translate(None, _ASCII_BYTES))
    return 2 * escaped > len(data) // 3


def _attach(message: EmailMessage, attachment: Attachment) -> None:
    maintype, subtype = content_type(attachment.content_type)
    message.add_attachment(
        attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
    )


def content_type(declared: str) -> tuple[str, str]:
    """A plain ``type/subtype`` or, for anything odd, ``application/octet-stream``: a
    content type is never a way to add header parameters or a broken multipart."""
    match = _MIME_TYPE.match(declared.strip())
    if not match or match["main"].lower() in ("multipart", "message"):
        return "application", "octet-stream"
    return match["main"].lower(), match["sub"].lower()


def sender_address(name: str, email: str) -> Address:
    """The From: the profile's name and the account's address."""
    check_header_text(name, "your name", label="In Settings › My profile, your name")
    address = parse_address(email, "From")
    return Address(display_name=name, username=address.username, domain=address.domain)
