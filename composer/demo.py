"""``--demo``: sample records and a local capture server, so the whole flow can be tried
without an account. Nothing leaves this computer."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from composer.account import Security, SmtpAccount
from composer.mail import build_message, sender_address
from composer.records import (
    Contact,
    FeedbackChannel,
    FeedbackNote,
    Interview,
    InterviewStatus,
    Lesson,
    Message,
    MessageState,
    Profile,
    Role,
)
from composer.store import ACCOUNT_SETTING, Store
from composer.templates import BuiltIn
from composer.weekly_goal import set_weekly_goal


@dataclass
class Captured:
    sender: str
    recipients: list[str]
    data: bytes


@dataclass
class CaptureServer:
    """A minimal SMTP sink on 127.0.0.1: it accepts everything and keeps it in memory."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[Captured] = field(default_factory=list)

    def start(self) -> CaptureServer:
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._session, self.host, self.port)
        )
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        self._loop.run_forever()
        server.close()

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sender, recipients = "", list[str]()
        writer.write(b"220 afterword-demo ESMTP capture server\r\n")
        while line := await reader.readline():
            verb = line.decode("ascii", "replace").strip().upper()
            if verb.startswith(("EHLO", "HELO")):
                writer.write(b"250-afterword-demo\r\n250 8BITMIME\r\n")
            elif verb.startswith("MAIL FROM:"):
                sender, recipients = _path(line), []
                writer.write(b"250 OK\r\n")
            elif verb.startswith("RCPT TO:"):
                recipients.append(_path(line))
                writer.write(b"250 OK\r\n")
            elif verb == "DATA":
                writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                await writer.drain()
                self.received.append(Captured(sender, recipients, await _data(reader)))
                writer.write(b"250 OK: captured by the demo, not delivered\r\n")
            elif verb == "QUIT":
                writer.write(b"221 Bye\r\n")
                break
            else:
                writer.write(b"250 OK\r\n")
            await writer.drain()
        writer.close()


def _path(line: bytes) -> str:
    text = line.decode("ascii", "replace")
    return text[text.find("<") + 1 : text.find(">")] if "<" in text else text.split(":")[1].strip()


async def _data(reader: asyncio.StreamReader) -> bytes:
    lines = []
    while (line := await reader.readline()) not in (b".\r\n", b""):
        lines.append(line[1:] if line.startswith(b"..") else line)
    return b"".join(lines)


def seed(store: Store, server: CaptureServer, now: datetime | None = None) -> None:
    """A believable week: one interview just done, one rejection, one coming up."""
    moment = now or datetime.now(UTC)
    store.save_profile(
        Profile("Sam Rivera", "sam@demo.example", "+1 555 0100", "Sam Rivera\n+1 555 0100")
    )
    store.set_setting(
        ACCOUNT_SETTING,
        SmtpAccount(server.host, server.port, Security.NONE, "", "sam@demo.example").to_dict(),
    )
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme", "Engineering Lead"))
    bo = store.add_contact(Contact("Bo Chen", "bo@acme.example", "Acme", "Staff Engineer"))
    hr = store.add_contact(Contact("Harriet Ross", "people@acme.example", "Acme", "People team"))
    kim = store.add_contact(
        Contact("Kim Novak", "kim@globex.example", "Globex", "Recruiter", phone="+1 555 0142")
    )
    store.add_contact(
        Contact(
            "Lena Park",
            "lena@umbrella.example",
            "Umbrella",
            "Hiring Manager",
            notes="Met at a meetup; asked me to keep in touch.",
            check_in_days=30,
        )
    )
    done = store.add_interview(
        Interview(
            "Acme",
            "Data Engineer",
            moment - timedelta(hours=20),
            "second round",
            InterviewStatus.DONE,
            topic="streaming pipelines",
        )
    )
    rejected = store.add_interview(
        Interview(
            "Globex",
            "Analytics Engineer",
            moment - timedelta(days=9),
            "final round",
            InterviewStatus.REJECTED,
            feedback="Strong SQL; wanted more dbt experience.",
            applied_at=moment - timedelta(days=30),
        )
    )
    upcoming = store.add_interview(
        Interview("Initech", "Platform Engineer", moment + timedelta(days=1), "first call")
    )
    for interview, people in (
        (done, [(ana, Role.INTERVIEWER), (bo, Role.INTERVIEWER), (hr, Role.HR)]),
        (rejected, [(kim, Role.RECRUITER)]),
        (upcoming, []),
    ):
        assert interview.id is not None
        store.set_participants(interview.id, [(c.id, role) for c, role in people if c.id])
    assert rejected.id is not None and kim.id is not None
    _sent_before(store, kim, rejected.id, moment - timedelta(days=8))
    call = store.save_feedback(
        FeedbackNote(
            rejected.id,
            "Your SQL was among the strongest we saw. We went with someone with more dbt "
            "experience; we'd be glad to hear from you for future roles.",
            moment - timedelta(days=2),
            ["experience", "dbt"],
            kind=True,
            contact_id=kim.id,
            channel=FeedbackChannel.PHONE,
        )
    )
    assert call.id is not None
    store.save_lesson(Lesson("Build a small dbt project to talk through", [call.id], moment))
    set_weekly_goal(store, 3)


def _sent_before(store: Store, to: Contact, interview_id: int, when: datetime) -> None:
    """A thank-you that went out last week, recorded as the outbox records one."""
    body = (
        "Dear Kim,\n\nThank you for the final round on Monday, and for walking me through "
        "the analytics platform. I enjoyed meeting the team.\n\nBest wishes,\nSam Rivera"
    )
    message = store.save_message(
        Message(
            "Thank you for the final round",
            body,
            [f"{to.name} <{to.email}>"],
            template_id=BuiltIn.THANK_YOU,
            contact_id=to.id,
            interview_id=interview_id,
            state=MessageState.QUEUED,
        )
    )
    assert message.id is not None and store.claim_for_sending(message.id)
    outgoing = build_message(
        sender=sender_address("Sam Rivera", "sam@demo.example"),
        to=message.to,
        subject=message.subject,
        body=body,
        date=when,
    )
    store.record_outgoing(message.id, outgoing.header_id, outgoing.raw)
    store.mark_sent(message.id, "250 OK: captured by the demo, not delivered")
