"""What a CA file says about itself, for the user to judge before trusting it: a CA file
that came with a backup makes whatever it signs trusted, a stranger's server included.

What is shown is what OpenSSL itself loads from the file (a ``TRUSTED CERTIFICATE`` block
too), never what a text search finds in it; and the file is read only when it is a regular
file of a sensible size (a backup may name ``/dev/zero`` or a named pipe).
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from typing import Any

from composer.errors import AccountError

MAX_CA_FILE_BYTES = 1_000_000  # a CA bundle of every public CA is about 200 kB
CHOOSE_AGAIN = "Choose it again in Settings, or clear it to use the system's trusted certificates."


@dataclass(frozen=True)
class CertificateFacts:
    subject: str
    issuer: str
    valid_from: str
    valid_until: str
    sha256: str  # of the certificate (DER), as browsers and openssl show it: AB:CD:…


def check_ca_file(ca_file: str) -> None:
    """Raises ``AccountError`` unless ``ca_file`` is a regular file of at most 1 MB; never
    blocks on a pipe or a device."""
    read_ca_file(ca_file)


def read_ca_file(ca_file: str) -> bytes:
    """Its bytes, opened non-blocking and read only when it is a regular file under the cap."""
    try:
        descriptor = os.open(ca_file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise AccountError(
            f"The certificate file {ca_file} does not exist. {CHOOSE_AGAIN}"
        ) from None
    except OSError as error:
        raise AccountError(
            f"The certificate file {ca_file} cannot be read ({error.strerror}). {CHOOSE_AGAIN}"
        ) from None
    try:
        _check_regular(ca_file, os.fstat(descriptor))
    except AccountError:
        os.close(descriptor)
        raise
    with os.fdopen(descriptor, "rb") as file:
        data = file.read(MAX_CA_FILE_BYTES + 1)
    if len(data) > MAX_CA_FILE_BYTES:
        raise AccountError(
            f"The certificate file {ca_file} is larger than 1 MB, too large to be a CA "
            f"certificate. {CHOOSE_AGAIN}"
        )
    return data


def _check_regular(ca_file: str, status: os.stat_result) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise AccountError(f"The certificate file {ca_file} is not a regular file. {CHOOSE_AGAIN}")
    if status.st_size > MAX_CA_FILE_BYTES:
        raise AccountError(
            f"The certificate file {ca_file} is larger than 1 MB, too large to be a CA "
            f"certificate. {CHOOSE_AGAIN}"
        )


def certificates_in(ca_file: str) -> list[CertificateFacts]:
    """Blocking (reads the file). Each certificate OpenSSL loads from it, as the connection
    will; ``AccountError`` when it loads none, or one that cannot be shown."""
    import ssl  # here, not at start-up: the window opens without TLS loaded

    check_ca_file(ca_file)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        context.load_verify_locations(cafile=ca_file)
    except (OSError, ValueError) as error:  # ssl.SSLError is an OSError
        raise _unusable(ca_file, error) from None
    decoded: list[dict[str, Any]] = context.get_ca_certs()
    binary: list[bytes] = context.get_ca_certs(binary_form=True)
    if context.cert_store_stats()["x509"] != len(binary):
        raise AccountError(  # get_ca_certs lists only CA certificates: show all or trust none
            f"The certificate file {ca_file} holds certificates that are not CA certificates. "
            f"Afterword cannot show them for you to check. {CHOOSE_AGAIN}"
        )
    if not binary:
        raise AccountError(f"The certificate file {ca_file} holds no certificate. {CHOOSE_AGAIN}")
    return [_facts(facts, der) for facts, der in zip(decoded, binary, strict=True)]


def _unusable(ca_file: str, error: BaseException) -> AccountError:
    reason = getattr(error, "reason", None) or type(error).__name__
    return AccountError(
        f"The certificate file {ca_file} cannot be used ({reason}). Choose a PEM certificate "
        "file in Settings, or clear it to use the system's trusted certificates."
    )


def _facts(decoded: dict[str, Any], der: bytes) -> CertificateFacts:
    digest = hashlib.sha256(der).hexdigest().upper()
    return CertificateFacts(
        subject=_name(decoded.get("subject", ())),
        issuer=_name(decoded.get("issuer", ())),
        valid_from=str(decoded.get("notBefore", "")),
        valid_until=str(decoded.get("notAfter", "")),
        sha256=":".join(digest[i : i + 2] for i in range(0, len(digest), 2)),
    )


def _name(rdns: Any) -> str:
    """``((('commonName', 'x'),), …)`` as ``commonName=x, …``."""
    return ", ".join(f"{name}={value}" for rdn in rdns for name, value in rdn)
