"""A provider's autoconfig document (Thunderbird's ISPDB format) is untrusted input: only
secure servers are taken from it, and anything odd gives no suggestion rather than a bad one."""

from __future__ import annotations

from composer.account import Security
from composer.ispdb import MAX_BYTES, read_settings
from composer.providers import Server

ADDRESS = "zoe@example.org"


def document(servers: str, name: str = "<displayName>Example Mail</displayName>") -> bytes:
    return (
        '<?xml version="1.0"?><clientConfig version="1.1">'
        f'<emailProvider id="example.org"><domain>example.org</domain>{name}{servers}'
        "</emailProvider></clientConfig>"
    ).encode()


def server(kind: str, tag: str, host: str, port: int, socket: str, user: str = "") -> str:
    username = f"<username>{user}</username>" if user else ""
    return (
        f'<{tag} type="{kind}"><hostname>{host}</hostname><port>{port}</port>'
        f"<socketType>{socket}</socketType>{username}</{tag}>"
    )


SECURE = server("imap", "incomingServer", "imap.example.org", 993, "SSL") + server(
    "smtp", "outgoingServer", "smtp.example.org", 587, "STARTTLS", "%EMAILLOCALPART%"
)


def test_the_secure_servers_are_read_with_the_address_filled_in() -> None:
    found = read_settings(document(SECURE), ADDRESS)
    assert found is not None
    assert found.name == "Example Mail"
    assert found.smtp == Server("smtp.example.org", 587, Security.STARTTLS)
    assert found.imap == Server("imap.example.org", 993, Security.TLS)
    assert found.username == "zoe"


def test_a_plain_text_server_is_skipped_for_the_next_secure_one() -> None:
    servers = server("smtp", "outgoingServer", "plain.example.org", 25, "plain") + SECURE
    found = read_settings(document(servers), ADDRESS)
    assert found is not None and found.smtp.host == "smtp.example.org"


def test_only_plain_text_sending_gives_no_suggestion() -> None:
    servers = server("smtp", "outgoingServer", "plain.example.org", 25, "plain")
    assert read_settings(document(servers), ADDRESS) is None


def test_a_document_with_a_dtd_too_big_or_malformed_is_refused() -> None:
    entity = b'?><!DOCTYPE clientConfig [<!ENTITY x "smtp.example.org">]>'
    assert read_settings(document(SECURE).replace(b"?>", entity, 1), ADDRESS) is None
    padding = b"<!--" + b"x" * MAX_BYTES + b"-->"
    assert read_settings(document(SECURE) + padding, ADDRESS) is None
    assert read_settings(document(SECURE)[:-20], ADDRESS) is None


def test_a_bad_host_or_port_is_not_offered() -> None:
    odd_host = server("smtp", "outgoingServer", "smtp.example.org;rm", 587, "STARTTLS")
    odd_port = server("smtp", "outgoingServer", "smtp.example.org", 70000, "STARTTLS")
    assert read_settings(document(odd_host), ADDRESS) is None
    assert read_settings(document(odd_port), ADDRESS) is None


def test_without_a_display_name_the_domain_is_shown() -> None:
    found = read_settings(document(SECURE, name=""), ADDRESS)
    assert found is not None and found.name == "example.org"
