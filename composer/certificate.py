"""What a CA file says about itself, for the user to judge before trusting it: a CA file
that came with a backup makes whatever it signs trusted, a stranger's server included."""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from composer.errors import AccountError

PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----\s.*?-----END CERTIFICATE-----", re.DOTALL)


@dataclass(frozen=True)
class CertificateFacts:
    subject: str
    issuer: str
    valid_from: str
    valid_until: str
    sha256: str  # of the certificate (DER), as browsers and openssl show it: AB:CD:…


def certificates_in(ca_file: str) -> list[CertificateFacts]:
    """Blocking (reads the file). Each certificate in it, in order."""
    try:
        blocks = PEM_BLOCK.findall(Path(ca_file).read_bytes())
    except OSError as error:
        raise AccountError(f"The certificate file {ca_file} cannot be read ({error}).") from None
    return [_facts(block) for block in blocks]


def _facts(block: bytes) -> CertificateFacts:
    """Decoded by the standard library's own (private) decoder: no new dependency."""
    import ssl  # here, not at start-up: the window opens without TLS loaded

    der = ssl.PEM_cert_to_DER_cert(block.decode("ascii"))
    with tempfile.NamedTemporaryFile(suffix=".pem") as one:
        one.write(block)
        one.flush()
        decoded: dict[str, Any] = ssl._ssl._test_decode_cert(one.name)  # type: ignore[attr-defined]
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
