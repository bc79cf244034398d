"""Real servers for the autoconfig tests: HTTPS (trustme) serving ISPDB XML, dnsmasq
answering MX, and a DNS server that never answers (offline)."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dns.resolver

from composer.autoconfig import Lookup


def free_port(kind: socket.SocketKind = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class HttpsServer:
    """Serves ``pages`` (path with query → body) over TLS; 404 for anything else. Without a
    context, over plain HTTP: what the lookup must never read."""

    def __init__(self, context: ssl.SSLContext | None) -> None:
        self.pages: dict[str, bytes] = {}
        self.redirects: dict[str, str] = {}  # path → where it moved
        self.asked: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.asked.append(self.path)
                if self.path in server.redirects:
                    self.send_response(301)
                    self.send_header("Location", server.redirects[self.path])
                    self.end_headers()
                    return
                body = server.pages.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/xml")
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *_: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if context is not None:
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Dnsmasq:
    """A real DNS server on loopback answering MX records: ``{domain: mx_host}``."""

    def __init__(self, mx: dict[str, str]) -> None:
        binary = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
        self.port = free_port(socket.SOCK_DGRAM)
        records = [f"--mx-host={domain},{host},10" for domain, host in mx.items()]
        self.process = subprocess.Popen(
            [
                binary,
                "--no-daemon",
                f"--port={self.port}",
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                "--no-resolv",
                "--no-hosts",
                "--pid-file=",
                "--conf-file=/dev/null",
                *records,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_ready(next(iter(mx)))

    def _wait_ready(self, domain: str) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.stderr and self.process.stderr.read()
            try:
                resolver_at(self.port).resolve(domain, "MX", lifetime=0.5)
                return
            except dns.exception.DNSException:
                time.sleep(0.05)
        raise AssertionError("dnsmasq did not answer")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(5)


class SilentDns:
    """Reads queries and never answers: DNS as seen from a machine that is offline."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port = int(self.socket.getsockname()[1])

    def stop(self) -> None:
        self.socket.close()


def resolver_at(port: int) -> dns.resolver.Resolver:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = port
    return resolver


def lookup_at(https_port: int, dns_port: int, ca_file: Path | str | None) -> Lookup:
    """The real lookup, its hosts moved to loopback: each URL keeps its own path."""
    base = f"https://localhost:{https_port}"
    return Lookup(
        provider_urls=(
            base + "/autoconfig/{domain}/mail/config-v1.1.xml?emailaddress={address}",
            base + "/{domain}/.well-known/autoconfig/mail/config-v1.1.xml",
        ),
        ispdb_url=base + "/ispdb/{domain}",
        ca_file=str(ca_file) if ca_file else None,
        resolver=lambda: resolver_at(dns_port),
    )


def ispdb_xml(
    domain: str, smtp: tuple[str, int, str], imap: tuple[str, int, str] | None = None
) -> bytes:
    """An ISPDB document as providers publish it (``(host, port, socketType)``)."""
    servers = ""
    if imap is not None:
        servers += _server("incomingServer", "imap", imap)
    servers += _server("outgoingServer", "smtp", smtp)
    return (
        f'<?xml version="1.0"?>\n<clientConfig version="1.1">\n'
        f'<emailProvider id="{domain}"><domain>{domain}</domain>'
        f"<displayName>{domain.title()} Mail</displayName>{servers}"
        "</emailProvider></clientConfig>"
    ).encode()


def _server(tag: str, kind: str, server: tuple[str, int, str]) -> str:
    host, port, socket_type = server
    return (
        f'<{tag} type="{kind}"><hostname>{host}</hostname><port>{port}</port>'
        f"<socketType>{socket_type}</socketType><username>%EMAILLOCALPART%</username>"
        f"<authentication>password-cleartext</authentication></{tag}>"
    )
