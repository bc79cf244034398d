"""A job seeker's records after years of searching, generated in seconds.

Contacts, interviews and their people go in with plain ``executemany`` on the app's own
schema (the store creates it). Messages are real: a sample is written from the built-in
templates and built by ``composer.mail.build_message`` exactly as the outbox would; the
rows reuse those bytes, each with a Message-ID of its own.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from composer.account import Security, SmtpAccount
from composer.compose import draft_from_template
from composer.errors import AfterwordError
from composer.mail import build_message, sender_address
from composer.paths import Paths, resolve
from composer.records import Attachment, Profile
from composer.store import ACCOUNT_SETTING, Store
from composer.templates import TemplateLibrary


@dataclass(frozen=True)
class Scale:
    name: str
    contacts: int
    interviews: int
    messages: int
    sends: int  # messages in the batch-send figure
    runs: int  # repetitions of each measurement (medians are reported)


FULL = Scale("full", contacts=10_000, interviews=5_000, messages=50_000, sends=200, runs=5)
QUICK = Scale("quick", contacts=200, interviews=100, messages=500, sends=20, runs=1)


@dataclass(frozen=True)
class Dataset:
    paths: Paths
    interviewers: list[tuple[int, int]]  # (interview id, contact id): who can be thanked
    searches: list[str]  # what the user types into the contacts search, letter by letter
    seconds: float
    database_bytes: int


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PROFILE = Profile(
    name="Sam Rivera",
    email="sam.rivera@example.org",
    phone="+1 555 0100",
    signature="Sam Rivera\n+1 555 0100\nlinkedin.com/in/sam-rivera-example",
)
FIRST = _words(
    "Ana Bo Carla Dmitri Elena Farid Grace Hiro Ines José Kim Lena Marco María Nadia Omar "
    "Priya Quentin Rosa Sven Tomás Uma Victor Wen Ximena Yusuf Zoë Aisha Björn Chloé Diego "
    "Emma Fatima Georg Hannah Ivan Julia Kofi Lucía Mateo Noor Olga Pablo Rahul Sofia Theo "
    "Ulla Valentina William Yara Zhang Amir Beatriz Chen Daniela Ethan Freya Gustav Helga"
)
LAST = _words(
    "Lima Chen Ross Novak Müller Smith García Kowalski Nguyen Okafor Rossi Jensen Silva "
    "Tanaka Dubois Ivanova Patel Kim Larsen Costa Haddad Schmidt Andersson Moreau Romero "
    "Fischer Yilmaz Nowak Svensson Ferreira Mendes Horvat Kovács Popescu O'Brien Walsh "
    "Murphy Byrne Clarke Evans Hughes Lewis Morgan Price Reid Shaw Turner Ward Young Adams "
    "Baker Carter Davies Edwards Foster Gray Hall Irwin James Khan Lopez Martin Nash Owen "
    "Perez Quinn Rahman Sato Torres Usman Vargas Weber Xu Yamamoto Zimmermann Berg Dahl"
)
COMPANY_WORDS = _words(
    "Acme Globex Initech Umbrella Stark Wayne Cyberdyne Soylent Hooli Vandelay Wonka "
    "Tyrell Aperture Massive Pied Piper Dunder Oscorp Gringotts Monarch Nakatomi Virtucon "
    "Weyland Zorg Buy Sirius Blue Sun Ollivander Prestige Rekall Spacely Cogswell Vehement"
)
COMPANY_KINDS = ("Labs", "Systems", "Analytics", "GmbH", "Ltd", "Inc", "Data", "Cloud", "AG")
TITLES = (
    "Engineering Lead",
    "Staff Engineer",
    "Senior Data Engineer",
    "Recruiter",
    "Technical Recruiter",
    "People Partner",
    "Head of Data",
    "Engineering Manager",
    "CTO",
    "Talent Acquisition",
    "Product Manager",
    "Principal Engineer",
)
POSITIONS = (
    "Data Engineer",
    "Analytics Engineer",
    "Platform Engineer",
    "Backend Developer",
    "Site Reliability Engineer",
    "Machine Learning Engineer",
    "Senior Data Engineer",
    "Staff Engineer",
)
STAGES = ("first call", "technical screen", "take-home review", "second round", "final round")
TOPICS = (
    "streaming pipelines",
    "the migration to dbt",
    "on-call culture",
    "data contracts",
    "the team's roadmap",
    "query performance",
    "testing data pipelines",
)
SENTENCES = (
    "Met at the data meetup in spring.",
    "Very friendly; asked about my open-source work.",
    "Prefers email over phone calls.",
    "Mentioned the team is growing next quarter.",
    "Introduced me to the hiring manager.",
    "Asked for a portfolio link and references.",
    "Follow up in two weeks if nothing is heard.",
    "Interested in my experience with Kafka and Flink.",
)
SERVER_REPLY = "250 2.0.0 Ok: queued as 4Xk2Lq0Zt9z1"
SAMPLES = 400  # distinct messages written and built; the rows reuse them
CV = "Sam Rivera CV.pdf"


def generate(root: Path, scale: Scale, seed: int = 7) -> Dataset:
    """A data dir under ``root``: records as the store would hold them after years of use."""
    started = time.perf_counter()
    rng = random.Random(seed)
    paths = resolve(root / "data")
    paths.ensure()
    now = datetime.now(UTC).replace(microsecond=0)
    with Store(paths.database) as store:  # the app's own schema and migrations
        store.save_profile(PROFILE)
        account = SmtpAccount("smtp.example.org", 587, Security.STARTTLS, "sam", PROFILE.email)
        store.set_setting(ACCOUNT_SETTING, account.to_dict())
    companies = [f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)}" for _ in range(400)]
    with _bulk(paths.database) as db:
        _contacts(db, rng, scale.contacts, companies, now)
        _interviews(db, rng, scale.interviews, companies, now)
        interviewers = _participants(db, rng, scale.interviews, scale.contacts)
    samples = _samples(paths, rng, interviewers, min(SAMPLES, scale.messages), now)
    with _bulk(paths.database) as db:
        _messages(db, rng, scale.messages, samples, now)
    searches = [FIRST[7].lower(), LAST[3].lower(), COMPANY_WORDS[1].lower(), "recruit"]
    return Dataset(
        paths=paths,
        interviewers=interviewers,
        searches=searches,
        seconds=time.perf_counter() - started,
        database_bytes=paths.database.stat().st_size,
    )


class _bulk:
    """One transaction on a connection of its own; generated data needs no fsync."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind: object, error: object, tb: object) -> None:
        self.db.execute("COMMIT" if error is None else "ROLLBACK")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _notes(rng: random.Random, chance: float) -> str:
    if rng.random() > chance:
        return ""
    return " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))


def _contacts(
    db: sqlite3.Connection, rng: random.Random, count: int, companies: list[str], now: datetime
) -> None:
    def rows() -> Iterator[tuple[object, ...]]:
        for number in range(1, count + 1):
            first, last, company = rng.choice(FIRST), rng.choice(LAST), rng.choice(companies)
            domain = f"{_ascii(company.split()[0])}.example"
            email = f"{_ascii(first)}.{_ascii(last)}{number}@{domain}"
            added = _iso(now - timedelta(days=rng.uniform(0, 5 * 365)))
            yield (
                number,
                f"{first} {last}",
                email if rng.random() > 0.03 else "",  # a few met without an address yet
                company,
                rng.choice(TITLES),
                f"+44 20 7946 {number % 10_000:04d}",
                _notes(rng, 0.3),
                added,
                added,
            )

    db.executemany(
        "INSERT INTO contacts(id, name, email, company, title, phone, notes, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )


def _interviews(
    db: sqlite3.Connection, rng: random.Random, count: int, companies: list[str], now: datetime
) -> None:
    def rows() -> Iterator[tuple[object, ...]]:
        for number in range(1, count + 1):
            upcoming = rng.random() < 0.02
            days = rng.uniform(1, 30) if upcoming else -rng.uniform(0.5, 4 * 365)
            when = (now + timedelta(days=days)).replace(minute=rng.choice((0, 15, 30, 45)))
            status = "scheduled" if upcoming else rng.choice(("done", "done", "rejected", "offer"))
            feedback = "Strong on design; wanted more SQL depth." if status == "rejected" else ""
            topic = rng.choice(TOPICS) if rng.random() < 0.7 else ""
            added = _iso(when - timedelta(days=rng.uniform(1, 14)))
            yield (
                number,
                rng.choice(companies),
                rng.choice(POSITIONS),
                _iso(when),
                rng.choice(STAGES),
                status,
                _notes(rng, 0.6),
                feedback,
                topic,
                added,
                added,
            )

    db.executemany(
        "INSERT INTO interviews(id, company, position, scheduled_at, stage, status, notes, "
        "feedback, topic, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )


def _participants(
    db: sqlite3.Connection, rng: random.Random, interviews: int, contacts: int
) -> list[tuple[int, int]]:
    """One to three interviewers each, often a recruiter, sometimes HR."""
    rows: list[tuple[int, int, str]] = []
    for interview_id in range(1, interviews + 1):
        people = rng.sample(range(1, contacts + 1), 5)
        count = rng.randint(1, 3)
        rows += [(interview_id, person, "interviewer") for person in people[:count]]
        if rng.random() < 0.5:
            rows.append((interview_id, people[3], "recruiter"))
        if rng.random() < 0.3:
            rows.append((interview_id, people[4], "hr"))
    db.executemany(
        "INSERT INTO interview_contacts(interview_id, contact_id, role) VALUES (?, ?, ?)", rows
    )
    with_email = {row[0] for row in db.execute("SELECT id FROM contacts WHERE email != ''")}
    return [(i, c) for i, c, role in rows if role == "interviewer" and c in with_email]


@dataclass(frozen=True)
class _Sample:
    template_id: str
    contact_id: int
    interview_id: int
    subject: str
    body: str
    to: str
    header_id: str
    raw: bytes
    cv: Attachment | None


def _samples(
    paths: Paths,
    rng: random.Random,
    interviewers: list[tuple[int, int]],
    count: int,
    now: datetime,
) -> list[_Sample]:
    """Follow-ups written from the built-in templates and built as the outbox builds them."""
    library = TemplateLibrary(paths.config_dir / "templates")
    sender = sender_address(PROFILE.name, PROFILE.email)
    cv = Attachment(CV, "application/pdf", b"%PDF-1.4\n" + rng.randbytes(30_000))
    samples: list[_Sample] = []
    with Store(paths.database) as store:
        for interview_id, contact_id in rng.sample(interviewers, min(count, len(interviewers))):
            template_id = rng.choice(("thank_you", "thank_you", "continued_interest"))
            try:
                draft = draft_from_template(
                    store, library, template_id, contact_id=contact_id, interview_id=interview_id
                )
            except AfterwordError:
                continue
            attached = cv if len(samples) % 50 == 0 else None  # 2% carry the CV
            outgoing = build_message(
                sender=sender,
                to=draft.to,
                subject=draft.subject,
                body=draft.body,
                signature=PROFILE.signature,
                attachments=[attached] if attached else [],
                date=now,
            )
            samples.append(
                _Sample(
                    template_id,
                    contact_id,
                    interview_id,
                    draft.subject,
                    draft.body,
                    json.dumps(draft.to),
                    outgoing.header_id,
                    outgoing.raw,
                    attached,
                )
            )
    return samples


def _messages(
    db: sqlite3.Connection,
    rng: random.Random,
    count: int,
    samples: list[_Sample],
    now: datetime,
) -> None:
    """Five years of follow-ups, oldest first; a few drafts and failures among them."""
    start = now - timedelta(days=5 * 365)
    step = (now - start) / max(count, 1)
    with_cv: list[tuple[int, str, str, bytes]] = []

    def rows() -> Iterator[tuple[object, ...]]:
        for number in range(1, count + 1):
            sample = samples[number % len(samples)]
            when = _iso(start + step * number)
            roll = rng.random()
            state = "draft" if roll < 0.005 else "failed" if roll < 0.015 else "sent"
            header_id = sample.header_id.replace("@", f".{number}@", 1)
            raw = sample.raw.replace(sample.header_id.encode(), header_id.encode(), 1)
            if sample.cv is not None:
                with_cv.append((number, sample.cv.filename, sample.cv.content_type, sample.cv.data))
            yield (
                number,
                state,
                sample.subject,
                sample.body,
                sample.to,
                sample.template_id,
                sample.contact_id,
                sample.interview_id,
                None if state == "draft" else header_id,
                when,
                when,
                when if state == "sent" else None,
                None if state == "draft" else raw,
                SERVER_REPLY if state == "sent" else None,
                "The server refused the message (554 5.7.1 Spam suspected)."
                if state == "failed"
                else None,
                0 if state == "draft" else 1,
            )

    db.executemany(
        "INSERT INTO messages(id, state, subject, body, to_addrs, template_id, contact_id, "
        "interview_id, message_id, created_at, updated_at, sent_at, raw, server_reply, error, "
        "attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )
    db.executemany(
        "INSERT INTO message_attachments(message_id, filename, content_type, data) "
        "VALUES (?, ?, ?, ?)",
        with_cv,
    )
    db.execute(  # the send-once ledger, as the store keeps it
        "INSERT OR IGNORE INTO follow_ups_sent SELECT interview_id, template_id, contact_id, "
        "id, sent_at FROM messages WHERE state = 'sent' AND interview_id IS NOT NULL "
        "AND template_id IS NOT NULL AND contact_id IS NOT NULL"
    )
