"""Batch sending: Afterword's whole path (written from a template, queued, sent, recorded,
each state committed) against a raw smtplib loop over one connection, to one server."""

from __future__ import annotations

import smtplib
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import smtp_server
from bench.data import PROFILE
from composer.account import Security, SmtpAccount
from composer.afterword import Afterword
from composer.compose import draft_from_template
from composer.mail import Outgoing, build_message, sender_address
from composer.password_binding import Destination
from composer.records import MessageState

TEMPLATE = "thank_you"
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    ca_file: Path

    def account(self) -> SmtpAccount:
        return SmtpAccount(
            host=self.host,
            port=self.port,
            security=Security.STARTTLS,
            username=smtp_server.USER,
            from_address=PROFILE.email,
            ca_file=str(self.ca_file),
            timeout=30.0,
        )


@contextmanager
def running_server(folder: Path) -> Iterator[Server]:
    """aiosmtpd in a process of its own, with STARTTLS required and AUTH."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.smtp_server", str(folder)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("port "):
            raise RuntimeError(f"the SMTP server did not start: {line!r}")
        yield Server(smtp_server.HOST, int(line.split()[1]), folder / "ca.pem")
    finally:
        if process.stdin is not None:
            process.stdin.close()
        process.wait(timeout=30)


def use_server(afterword: Afterword, server: Server) -> None:
    account = server.account()
    afterword.outbox.save_account(account)
    bound_to = [Destination.of(account)]  # as the password prompt binds what it is typed for
    afterword.credentials.use_for_session(account.key, smtp_server.PASSWORD, bound_to)


def queue_batch(afterword: Afterword, people: Sequence[tuple[int, int]]) -> list[int]:
    """One personal thank-you per (interview, contact), written as Compose does, and queued
    together as its panel does (``composer.compose.queue_panel``: one transaction)."""
    drafts = [
        draft_from_template(
            afterword.store,
            afterword.templates,
            TEMPLATE,
            contact_id=contact_id,
            interview_id=interview_id,
        )
        for interview_id, contact_id in people
    ]
    queued = afterword.outbox.queue_many(drafts)
    return [message.id for message in queued if message.id is not None]


@dataclass(frozen=True)
class AppBatch:
    seconds: float
    writing_seconds: float  # written from the template and queued
    sending_seconds: float  # claimed, built, recorded, sent, settled: Afterword.send_messages


def app_batch(afterword: Afterword, people: Sequence[tuple[int, int]]) -> AppBatch:
    started = time.perf_counter()
    ids = queue_batch(afterword, people)
    queued = time.perf_counter()
    results = afterword.send_messages(ids)
    finished = time.perf_counter()
    failed = [r for r in results if r.state is not MessageState.SENT]
    assert not failed, f"{len(failed)} not sent: {failed[0].detail}"
    return AppBatch(finished - started, queued - started, finished - queued)


def prebuilt(afterword: Afterword, people: Sequence[tuple[int, int]]) -> list[Outgoing]:
    """The same messages, built once, for the raw loop."""
    sender = sender_address(PROFILE.name, PROFILE.email)
    built = []
    for interview_id, contact_id in people:
        draft = draft_from_template(
            afterword.store,
            afterword.templates,
            TEMPLATE,
            contact_id=contact_id,
            interview_id=interview_id,
        )
        built.append(
            build_message(
                sender=sender,
                to=draft.to,
                subject=draft.subject,
                body=draft.body,
                signature=PROFILE.signature,
            )
        )
    return built


def raw_batch(server: Server, messages: Sequence[Outgoing]) -> float:
    """smtplib alone: one connection, STARTTLS (verified) and AUTH, then every message."""
    context = ssl.create_default_context(cafile=str(server.ca_file))
    started = time.perf_counter()
    with smtplib.SMTP(server.host, server.port, timeout=30) as smtp:
        smtp.starttls(context=context)
        smtp.login(smtp_server.USER, smtp_server.PASSWORD)
        for message in messages:
            refused = smtp.sendmail(message.sender, message.recipients, message.raw)
            assert not refused
    return time.perf_counter() - started
