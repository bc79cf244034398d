"""Finding the servers for any address: a real HTTPS server serving ISPDB XML, a real DNS
server (dnsmasq) answering MX, and offline (nothing listening, DNS that never answers)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from composer.account import Security
from composer.autoconfig import OFFLINE, Lookup
from composer.providers import Server
from tests.conftest import server_context
from tests.helpers.autoconfig_servers import (
    Dnsmasq,
    HttpsServer,
    SilentDns,
    free_port,
    ispdb_xml,
    lookup_at,
)

MX = {
    "workspace.test": "aspmx.l.google.com",
    "m365.test": "m365-test.mail.protection.outlook.com",
    "hosted.test": "mx01.hoster.test",
    "nowhere.test": "mx.unknown-mail.test",
}


@pytest.fixture
def https(ca: trustme.CA) -> Iterator[HttpsServer]:
    server = HttpsServer(server_context(ca, "localhost", "127.0.0.1"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def dnsmasq() -> Iterator[Dnsmasq]:
    server = Dnsmasq(MX)
    yield server
    server.stop()


@pytest.fixture
def lookup(https: HttpsServer, dnsmasq: Dnsmasq, ca_file: Path) -> Lookup:
    return lookup_at(https.port, dnsmasq.port, ca_file)


def test_the_domains_own_autoconfig_is_found_and_filled(https: HttpsServer, lookup: Lookup) -> None:
    https.pages["/autoconfig/example.test/mail/config-v1.1.xml?emailaddress=zoe@example.test"] = (
        ispdb_xml(
            "example.test", ("smtp.example.test", 465, "SSL"), ("imap.example.test", 993, "SSL")
        )
    )
    found = lookup.find("zoe@example.test")
    assert found is not None
    assert found.smtp == Server("smtp.example.test", 465, Security.TLS)
    assert found.imap == Server("imap.example.test", 993, Security.TLS)
    assert found.username == "zoe", "%EMAILLOCALPART% filled"
    assert found.source == "found by example.test's own settings"


def test_the_well_known_path_then_the_public_list(https: HttpsServer, lookup: Lookup) -> None:
    https.pages["/example.test/.well-known/autoconfig/mail/config-v1.1.xml"] = ispdb_xml(
        "example.test", ("mail.example.test", 587, "STARTTLS")
    )
    https.pages["/ispdb/other.test"] = ispdb_xml("other.test", ("smtp.other.test", 465, "SSL"))
    found = lookup.find("zoe@example.test")
    assert found is not None
    assert found.smtp == Server("mail.example.test", 587, Security.STARTTLS)
    assert found.imap is None
    listed = lookup.find("zoe@other.test")
    assert listed is not None and listed.smtp.host == "smtp.other.test"
    assert listed.source == "found in Thunderbird's public list of providers"


def test_mx_at_google_means_google_workspace(lookup: Lookup) -> None:
    found = lookup.find("zoe@workspace.test")
    assert found is not None and found.preset is not None
    assert found.preset.name == "Gmail"
    assert found.smtp == Server("smtp.gmail.com", 465, Security.TLS)
    assert found.source == "your domain's mail is handled by Google Workspace"


def test_mx_at_microsoft_means_microsoft_365(lookup: Lookup) -> None:
    found = lookup.find("zoe@m365.test")
    assert found is not None and found.preset is not None
    assert found.smtp == Server("smtp.office365.com", 587, Security.STARTTLS)
    assert found.imap == Server("outlook.office365.com", 993, Security.TLS)
    assert found.source == "your domain's mail is handled by Microsoft 365"


def test_mx_at_a_hoster_listed_in_the_public_list(https: HttpsServer, lookup: Lookup) -> None:
    https.pages["/ispdb/hoster.test"] = ispdb_xml("hoster.test", ("smtp.hoster.test", 465, "SSL"))
    found = lookup.find("zoe@hosted.test")
    assert found is not None and found.smtp.host == "smtp.hoster.test"
    assert found.source == "your domain's mail is handled by Hoster.Test Mail"


def test_a_known_provider_needs_no_network() -> None:
    found = OFFLINE.find("zoe@gmail.com")
    assert found is not None and found.source == "known provider"
    assert found.preset is not None and found.preset.name == "Gmail"


def test_an_unknown_domain_finds_nothing(https: HttpsServer, lookup: Lookup) -> None:
    assert lookup.find("zoe@nowhere.test") is None
    assert lookup.find("zoe@not-in-dns.test") is None
    assert any(path.startswith("/ispdb/unknown-mail.test") for path in https.asked), (
        "the MX's own domain was looked up too"
    )


@pytest.mark.parametrize(
    "body",
    [
        b"<clientConfig><emailProvider><outgoingServer type='smtp'>",  # cut short
        b"<html><body>Not found, nicely</body></html>",
        ispdb_xml("example.test", ("smtp.example.test", 465, "SSL")) + b"<!--" + b"x" * 200_000,
        b'<!DOCTYPE lol [<!ENTITY a "aaaaaaaa">]>' + ispdb_xml("e.test", ("s.e.test", 465, "SSL")),
    ],
    ids=["malformed", "not-ispdb", "huge", "dtd"],
)
def test_bad_xml_is_ignored_for_the_next_source(
    https: HttpsServer, lookup: Lookup, body: bytes
) -> None:
    https.pages[
        "/autoconfig/workspace.test/mail/config-v1.1.xml?emailaddress=zoe@workspace.test"
    ] = body
    found = lookup.find("zoe@workspace.test")
    assert found is not None and found.source.endswith("Google Workspace"), "MX is next"


def test_a_plain_text_server_is_never_taken(https: HttpsServer, lookup: Lookup) -> None:
    https.pages["/autoconfig/example.test/mail/config-v1.1.xml?emailaddress=zoe@example.test"] = (
        ispdb_xml(
            "example.test", ("smtp.example.test", 25, "plain"), ("imap.example.test", 143, "plain")
        )
    )
    assert lookup.find("zoe@example.test") is None
    mixed = ispdb_xml("example.test", ("smtp.example.test", 25, "plain")).replace(
        b"</emailProvider>",
        b"<outgoingServer type='smtp'><hostname>secure.example.test</hostname><port>465</port>"
        b"<socketType>SSL</socketType></outgoingServer></emailProvider>",
    )
    https.pages["/example.test/.well-known/autoconfig/mail/config-v1.1.xml"] = mixed
    found = lookup.find("zoe@example.test")
    assert found is not None and found.smtp == Server("secure.example.test", 465, Security.TLS)


def test_a_redirect_is_followed_over_https_only(https: HttpsServer, lookup: Lookup) -> None:
    xml = ispdb_xml("example.test", ("smtp.example.test", 465, "SSL"))
    moved = f"https://localhost:{https.port}/moved.xml"
    https.pages["/moved.xml"] = xml
    https.redirects["/ispdb/example.test"] = moved
    found = lookup.find("zoe@example.test")
    assert found is not None and found.smtp.host == "smtp.example.test"

    plain = HttpsServer(context=None)
    try:
        plain.pages["/moved.xml"] = xml
        https.redirects["/ispdb/example.test"] = f"http://127.0.0.1:{plain.port}/moved.xml"
        assert lookup.find("zoe@example.test") is None
        assert plain.asked == [], "never asked over plain HTTP"
    finally:
        plain.stop()


def test_an_untrusted_certificate_is_refused(https: HttpsServer, dnsmasq: Dnsmasq) -> None:
    https.pages["/autoconfig/example.test/mail/config-v1.1.xml?emailaddress=zoe@example.test"] = (
        ispdb_xml("example.test", ("smtp.example.test", 465, "SSL"))
    )
    assert lookup_at(https.port, dnsmasq.port, ca_file=None).find("zoe@example.test") is None


def test_offline_falls_back_to_nothing_within_3_seconds(ca_file: Path) -> None:
    silent = SilentDns()
    try:
        closed = lookup_at(free_port(), silent.port, ca_file)
        unroutable = Lookup(
            provider_urls=("https://10.255.255.1/{domain}", *closed.provider_urls),
            ispdb_url=closed.ispdb_url,
            ca_file=str(ca_file),
            resolver=closed.resolver,
        )
        for lookup, address in ((unroutable, "zoe@example.test"), (closed, "zoe@workspace.test")):
            started = time.monotonic()
            assert lookup.find(address) is None
            assert time.monotonic() - started < 3.0, "the user waits 3 s at most"
        assert unroutable.find("zoe@outlook.com") is not None, "presets work offline"
    finally:
        silent.stop()
