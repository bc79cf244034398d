"""A reply's text from any bytes and any charset its sender named."""

from __future__ import annotations

from email import policy
from email.parser import BytesHeaderParser

import pytest

from composer.reply_text import header_text, readable


@pytest.mark.parametrize("charset", ["undefined", "idna", "punycode", "base64", "x-no-such"])
def test_a_body_in_a_charset_python_cannot_use_is_read_with_replacements(charset: str) -> None:
    assert readable(b"Caf\xc3\xa9 \xff at ten", charset, "plain") == "Café \ufffd at ten"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (b"=?undefined?Q?Caf=C3=A9_at_ten?=", "Café at ten"),
        (b"=?undefined?B?Q2Fmw6kgYXQgdGVu?=", "Café at ten"),
        (b"Re: =?idna?Q?xn--=FF?= notes", "Re: xn--\ufffd notes"),
        (b"=?utf-8?Q?Gr=C3=BC=C3=9Fe?=", "Grüße"),  # the usual kind, as the email package reads it
    ],
)
def test_encoded_words_in_an_unusable_charset_are_read_too(raw: bytes, shown: str) -> None:
    headers = BytesHeaderParser(policy=policy.default).parsebytes(b"Subject: " + raw + b"\r\n\r\n")
    assert header_text(headers, "Subject") == shown
