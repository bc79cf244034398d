"""Taking secrets out of what a server says, before Afterword keeps or shows it.

A server that refuses a sign-in may echo what it was sent: the password as typed, or the
base64 that SASL carried it in (PLAIN's ``\\0user\\0password``, XOAUTH2's bearer string).
Its words go into error messages, the records and the log, so every form is hidden first:
in the raw text, before its whitespace is tidied, and in any mix of upper and lower case
(a server may echo the password upper-cased, or with its spaces squeezed).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable

HIDDEN = "[hidden]"
_SHORTEST = 4  # a base64 piece shorter than this matches ordinary words: not hidden


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret, and every base64 form of it, replaced by ``[hidden]``.

    The secret as typed is matched in any case and with any run of whitespace where it has
    one; base64 forms exactly (changing their case would make other bytes of them)."""
    secrets = [secret for secret in secrets if secret]
    plain = {_loose(form) for secret in secrets for form in _typed_forms(secret)}
    encoded = {form for secret in secrets for form in secret_forms(secret)} - {*secrets}
    text = _hide(text, plain, re.IGNORECASE)
    return _hide(text, {re.escape(form) for form in encoded}, 0)


def server_words(text: bytes | str, secrets: Iterable[str]) -> str:
    """What a server said, as one tidy line fit to keep or show: secrets hidden in the raw
    text first, then again once its whitespace is squeezed (nothing new may show then)."""
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    secrets = list(secrets)
    return scrub(" ".join(scrub(words, secrets).split()), secrets)


def _typed_forms(secret: str) -> set[str]:
    """The secret, its whitespace squeezed, and case-folded (ß is ss): what an echo may be."""
    squeezed = " ".join(secret.split())
    return {form for form in (secret, squeezed, secret.casefold(), squeezed.casefold()) if form}


def _loose(form: str) -> str:
    """A pattern for ``form`` with each run of whitespace in it matching any such run."""
    return r"\s+".join(re.escape(part) for part in re.split(r"\s+", form))


def _hide(text: str, patterns: set[str], flags: int) -> str:
    if not patterns:
        return text
    longest_first = sorted(patterns, key=len, reverse=True)
    return re.sub("|".join(longest_first), HIDDEN, text, flags=flags)


def secret_forms(secret: str) -> set[str]:
    """The secret itself and how it reads inside base64, standard or URL-safe.

    Inside a longer base64 string (a SASL PLAIN or XOAUTH2 response) the secret may start
    at any of three byte offsets; each gives its own run of characters, so all three are
    kept, trimmed to the characters that depend on the secret alone."""
    data = secret.encode("utf-8")
    forms = {secret}
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(data).decode("ascii")
        forms |= {whole, whole.rstrip("=")}
        forms |= {_inner(encode, data, offset) for offset in range(3)}
    return {form for form in forms if form == secret or len(form) >= _SHORTEST}


def sasl_forms(user: str, secret: str) -> list[str]:
    """What a server could echo after a sign-in: the secret and the SASL strings built of it
    (their base64 is covered by ``secret_forms`` of each)."""
    return [secret, f"\0{user}\0{secret}", f"user={user}\x01auth=Bearer {secret}\x01\x01"]


def _inner(encode: Callable[[bytes], bytes], data: bytes, offset: int) -> str:
    """The base64 characters that encode only ``data``'s bits when it follows ``offset``
    other bytes: those are the same whatever the bytes around it."""
    text = encode(b"\0" * offset + data).decode("ascii")
    first = -(-8 * offset // 6)  # the first character whose 6 bits all lie in ``data``
    last = 8 * (offset + len(data)) // 6  # one past the last such character
    return text[first:last]
