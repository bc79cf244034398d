"""Taking secrets out of what a server says, before Afterword keeps or shows it.

A server that refuses a sign-in may echo what it was sent: the password as typed, or the
base64 that SASL carried it in (PLAIN's ``\\0user\\0password``, XOAUTH2's bearer string).
Its words go into error messages, the records and the log, so every form is hidden first.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable

HIDDEN = "[hidden]"
_SHORTEST = 4  # a base64 piece shorter than this matches ordinary words: not hidden


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret, and every base64 form of it, replaced by ``[hidden]``."""
    forms = {form for secret in secrets if secret for form in secret_forms(secret)}
    if not forms:
        return text
    longest_first = sorted(forms, key=len, reverse=True)
    return re.sub("|".join(map(re.escape, longest_first)), HIDDEN, text)


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
