"""The user's mailbox over IMAP: a copy of each sent message in Sent, and replies noticed.

Only what is needed is read: the headers of matching messages and the first few KB of their
text, never whole messages (a reply with a 20 MB attachment costs the same as any other).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import imaplib
import itertools
import re
import ssl
from collections.abc import Collection, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from typing import Any

from composer.account import Security, verifying_context
from composer.certificate import check_ca_file
from composer.errors import AccountError, AfterwordError, PasswordMissing
from composer.login import Login, LoginSecret, Mechanism, ServerConnection, xoauth2
from composer.reply_text import decoded, header_text, readable, summary
from composer.scrub import sasl_forms, scrub

USUAL_SENT = ("Sent", "Sent Items", "Sent Messages", "INBOX.Sent")
USUAL_JUNK = ("Junk", "Spam", "Junk E-mail", "Junk Email", "INBOX.Junk", "INBOX.Spam")
SETTINGS_GROUPS = "Mailbox (or Mail account, when the two share it)"
TEXT_BYTES = 4096  # of a reply's text read for its summary
_HEADERS = (
    "MESSAGE-ID FROM DATE SUBJECT IN-REPLY-TO REFERENCES "
    "AUTO-SUBMITTED X-AUTOREPLY X-AUTORESPOND PRECEDENCE"
)
_ROBOTS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "do-not-reply", "donotreply")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class ImapError(AfterwordError):
    """Talking to the user's mailbox failed; the message says why and what to do."""


class ImapLoginFailed(ImapError):
    pass


class ImapCertificateNotTrusted(ImapError):
    pass


class ImapConnectionFailed(ImapError):
    pass


class ImapTimedOut(ImapError):
    pass


class ImapServerRefused(ImapError):
    """The server answered NO or BAD, or lacks something needed (such as STARTTLS)."""


@dataclass(frozen=True)
class ImapAccount:
    host: str
    port: int
    security: Security  # TLS (usually port 993) or STARTTLS (usually 143); never plain
    username: str
    ca_file: str = ""  # an extra CA to trust (a company or test CA), added to the system's
    timeout: float = 30.0

    @property
    def key(self) -> str:
        """The keyring entry, apart from the SMTP account's even when the password is shared."""
        return f"imap:{self.username}@{self.host}:{self.port}"

    def validate(self) -> None:
        if not self.host.strip():
            raise AccountError("The mailbox (IMAP) account has no server name. Set it in Settings.")
        if not 0 < self.port < 65536:
            raise AccountError(f"The IMAP port {self.port} is not valid; try 993 or 143.")
        if self.security is Security.NONE:
            raise AccountError(
                "Reading your mailbox without encryption is not allowed: your password and "
                "mail would cross the network readable by anyone. Choose TLS or STARTTLS."
            )
        if not self.username.strip():
            raise AccountError("The mailbox (IMAP) account has no user name. Set it in Settings.")
        if self.ca_file:
            check_ca_file(self.ca_file)

    def ssl_context(self) -> ssl.SSLContext:
        return verifying_context(self.ca_file)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImapAccount:
        return cls(**{**data, "security": Security(data["security"])})


@dataclass(frozen=True)
class FoundReply:
    """A message in the inbox that answers one of ours, or comes from one of our contacts."""

    message_id: str
    sender: str
    date: datetime | None
    subject: str
    in_reply_to: tuple[str, ...]  # the Message-IDs it names, each in angle brackets
    references: tuple[str, ...]
    summary: str
    automatic: bool = False  # an out-of-office, a bounce or a robot's: nobody answered
    in_junk: bool = False  # found in the junk folder, not the inbox


class ImapConnection(ServerConnection[ImapAccount]):
    """``with ImapConnection(account, secret) as imap: imap.append_sent(raw)``; ``secret``
    is a ``LoginSecret`` (composer/login.py) or the password itself."""

    def __init__(self, account: ImapAccount, secret: LoginSecret | str | None) -> None:
        super().__init__(account, secret)
        self._imap: imaplib.IMAP4 | None = None
        self._sent: str | None = None
        self._secrets: list[str] = []  # what a server's words may echo: never kept or shown

    def open(self) -> None:
        self.account.validate()
        login = self._secret.login()  # may ask the keyring
        if login is None:
            raise PasswordMissing(
                f"No password is stored for {self.account.username} on {self.account.host}. "
                f"Enter it in Settings › {SETTINGS_GROUPS}."
            )
        self._secrets = sasl_forms(self.account.username, login.secret)
        context = self.account.ssl_context()
        try:
            with self._talking():
                self._imap = self._connect(context)
                self._login(self._imap, login)
        except BaseException:
            self.close()
            raise

    def _connect(self, context: ssl.SSLContext) -> imaplib.IMAP4:
        host, port, timeout = self.account.host, self.account.port, self.account.timeout
        if self.account.security is Security.TLS:
            return imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=timeout)
        imap = imaplib.IMAP4(host, port, timeout=timeout)
        try:
            if "STARTTLS" not in imap.capabilities:
                raise ImapServerRefused(
                    f"The mail server {self.where} does not offer STARTTLS, so the connection "
                    "cannot be encrypted. Check the port and security in Settings (port 993 "
                    "usually means TLS, 143 STARTTLS)."
                )
            imap.starttls(ssl_context=context)
        except BaseException:
            with contextlib.suppress(OSError):
                imap.shutdown()
            raise
        return imap

    def _login(self, imap: imaplib.IMAP4, login: Login) -> None:
        """AUTHENTICATE PLAIN where offered: unlike LOGIN, it carries a non-ASCII password.
        An OAuth2 token goes as XOAUTH2."""
        user, secret = self.account.username, login.secret
        try:
            if login.mechanism is Mechanism.XOAUTH2:
                if "AUTH=XOAUTH2" not in imap.capabilities:
                    raise ImapServerRefused(
                        f"The mail server {self.where} does not offer OAuth2 sign-in "
                        "(XOAUTH2). Use an app password instead."
                    )
                # a refused token gets a challenge saying why (JSON): answered empty
                imap.authenticate("XOAUTH2", lambda said: b"" if said else xoauth2(user, secret))
            elif "AUTH=PLAIN" in imap.capabilities:
                response = f"\0{user}\0{secret}".encode()
                imap.authenticate("PLAIN", lambda _challenge: response)
            else:
                imap.login(user, secret)
        except imaplib.IMAP4.abort:
            raise
        except UnicodeEncodeError:
            raise ImapLoginFailed(
                f"The mail server {self.where} only takes user names and passwords in plain "
                "English letters, digits and punctuation, and yours has other characters, so "
                "it was not sent. Use an app password, or change the password to one without "
                "accents or symbols."
            ) from None
        except imaplib.IMAP4.error as error:
            raise ImapLoginFailed(
                f"The mail server {self.where} did not accept the user name or password "
                f"({self._said(error)}). Re-enter your password in Settings › {SETTINGS_GROUPS}; "
                "some providers need an app password."
            ) from None

    def _said(self, error: BaseException) -> str:
        """The server's words, the password and its base64 forms hidden."""
        return scrub(_said(error), self._secrets)[:200]  # cut after: no half-hidden secret

    def close(self) -> None:
        imap, self._imap = self._imap, None
        if imap is None:
            return
        try:
            imap.logout()
        except (imaplib.IMAP4.error, OSError):
            with contextlib.suppress(OSError):
                imap.shutdown()

    # --- Sent ---------------------------------------------------------------------------

    def sent_folder(self) -> str:
        """The mailbox flagged ``\\Sent`` (RFC 6154), else one with a usual name, else a new
        "Sent". Returned as the server names it, ready for APPEND or SELECT."""
        if self._sent is None:
            with self._talking():
                self._sent = self._find_sent() or self._create_sent()
        return self._sent

    def existing_sent_folder(self) -> str | None:
        """The Sent folder if there is one; unlike ``sent_folder()``, never makes one."""
        if self._sent is None:
            with self._talking():
                self._sent = self._find_sent()
        return self._sent

    def _find_sent(self) -> str | None:
        mailboxes = list(self._list())
        for flags, _, name in mailboxes:
            if "\\sent" in flags:
                return name
        by_name = {name.lower(): name for _, _, name in mailboxes}
        for usual in USUAL_SENT:
            found = by_name.get(usual.lower())
            if found:
                return found
        for _, delimiter, name in mailboxes:  # INBOX.Sent spelled with another delimiter
            if delimiter and name.lower() == f"inbox{delimiter}sent":
                return name
        return None

    def _create_sent(self) -> str:
        """Some servers keep every mailbox under INBOX: "Sent" is tried first, then that."""
        delimiter = next((d for _, d, _ in self._list() if d), ".")
        imap = self._connected()
        for name in ("Sent", f"INBOX{delimiter}Sent"):
            status, _ = imap.create(_quoted(name))
            if status == "OK":
                imap.subscribe(_quoted(name))
                return name
        raise ImapServerRefused(
            f"The mail server {self.where} has no Sent folder and would not let Afterword "
            "make one. Create a folder named Sent in your mail program and try again."
        )

    def _list(self) -> Iterator[tuple[set[str], str, str]]:
        status, data = self._connected().list()
        _check(status, data)
        yield from _parse_list(data)

    def append_sent(self, raw: bytes) -> None:
        """Stores the exact bytes sent, marked as read, as a mail program does after sending.
        (imaplib sends CRLF line ends, as IMAP requires; Afterword's messages have them.)"""
        folder = self.sent_folder()
        with self._talking():
            status, data = self._connected().append(_quoted(folder), "(\\Seen)", None, raw)
            _check(status, data)

    def sent_holds(self, message_id: str) -> bool:
        """Whether Sent already has a message with this Message-ID: a copy filed before,
        by Afterword (whose record of it was lost) or by the mail server itself."""
        if not message_id.strip() or not message_id.isascii():  # RFC 5322 allows neither
            return False
        folder = self.sent_folder()
        with self._talking():
            imap = self._connected()
            status, data = imap.select(_quoted(folder), readonly=True)
            _check(status, data)
            status, data = imap.uid("SEARCH", "HEADER", "Message-ID", _quoted(_angled(message_id)))
            _check(status, data)
        return any(line.split() for line in data if isinstance(line, bytes))

    # --- replies ------------------------------------------------------------------------

    def find_replies(
        self,
        message_ids: list[str],
        senders: list[str],
        since: date,
        known: Collection[str] = (),
    ) -> list[FoundReply]:
        """Messages since ``since`` in the inbox, then in the junk folder (a first answer
        from a company's domain often lands there), that answer one of ``message_ids`` (by
        In-Reply-To or References) or come from one of ``senders``, oldest first in each;
        those whose Message-ID is in ``known`` (noted before) are not read again."""
        with self._talking():
            junk = self._find_junk()
        found = self._replies_in("INBOX", message_ids, senders, since, known)
        if junk is not None:
            try:
                in_junk = self._replies_in(_quoted(junk), message_ids, senders, since, known)
            except ImapServerRefused:  # the inbox's answers count all the same
                in_junk = []
            found += [replace(reply, in_junk=True) for reply in in_junk]
        return found

    def _find_junk(self) -> str | None:
        """The mailbox flagged ``\\Junk``, else one with a usual name; never one that
        cannot be opened (a bare parent of other folders)."""
        mailboxes = [
            (flags, delimiter, name)
            for flags, delimiter, name in self._list()
            if not flags & {"\\noselect", "\\nonexistent"}
        ]
        for flags, _, name in mailboxes:
            if "\\junk" in flags:
                return name
        by_name = {name.lower(): name for _, _, name in mailboxes}
        return next((by_name[n.lower()] for n in USUAL_JUNK if n.lower() in by_name), None)

    def _replies_in(
        self,
        folder: str,
        message_ids: list[str],
        senders: list[str],
        since: date,
        known: Collection[str],
    ) -> list[FoundReply]:
        with self._talking():
            imap = self._connected()
            status, data = imap.select(folder, readonly=True)
            _check(status, data)
            day = f"{since.day}-{_MONTHS[since.month - 1]}-{since.year}"
            criteria = [
                *((field, _angled(mid)) for mid in message_ids for field in _REPLY_FIELDS),
                *(("FROM", sender) for sender in senders),
            ]
            uids: set[int] = set()
            plain = [(header, value) for header, value in criteria if value.isascii()]
            for start in range(0, len(plain), SEARCH_BATCH):  # a few round trips, not hundreds
                uids.update(self._search(day, _any_of(plain[start : start + SEARCH_BATCH])))
            for header, value in criteria:
                if not value.isascii():
                    uids.update(self._search_literal(day, header, value))
            new = self._unknown(sorted(uids), set(known))
            return [found for found in map(self._reply, new) if found is not None]

    def _unknown(self, uids: list[int], known: set[str]) -> list[int]:
        """The UIDs whose Message-ID is not in ``known``: one FETCH for all of them."""
        if not known or not uids:
            return uids
        status, data = self._connected().uid(
            "FETCH", ",".join(map(str, uids)), "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"
        )
        _check(status, data)
        seen = set()
        for item in data:
            if isinstance(item, tuple) and (uid := re.search(rb"UID (\d+)", item[0])):
                header = BytesHeaderParser(policy=policy.default).parsebytes(item[1])
                if str(header.get("Message-ID", "")).strip() in known:
                    seen.add(int(uid[1]))
        return [uid for uid in uids if uid not in seen]

    def _search(self, day: str, keys: list[str]) -> list[int]:
        status, data = self._connected().uid("SEARCH", "SINCE", day, *keys)
        _check(status, data)
        return _uids(data)

    def _search_literal(self, day: str, header: str, value: str) -> list[int]:
        """One key carrying more than ASCII: as a UTF-8 literal, the only way IMAP allows
        (and imaplib sends one literal per command)."""
        imap = self._connected()
        imap.literal = value.encode()  # type: ignore[assignment]
        status, data = imap.uid("SEARCH", "CHARSET", "UTF-8", "SINCE", day, *_key(header))
        _check(status, data)
        return _uids(data)

    def _reply(self, uid: int) -> FoundReply | None:
        """None if it is gone (another mail program deleted it since the search)."""
        imap = self._connected()
        status, data = imap.uid(
            "FETCH", str(uid), f"(BODY.PEEK[HEADER.FIELDS ({_HEADERS})] BODYSTRUCTURE)"
        )
        _check(status, data)
        literals = _literals(data)
        if not literals:
            return None
        headers = BytesHeaderParser(policy=policy.default).parsebytes(literals[0])
        body = _find_bodystructure(_parse_sexp(_flatten(data)))
        text = ""
        part = _text_part(body)
        if part is not None:
            number, subtype, charset, encoding = part
            status, data = imap.uid("FETCH", str(uid), f"(BODY.PEEK[{number}]<0.{TEXT_BYTES}>)")
            _check(status, data)
            chunk = b"".join(_literals(data))
            text = readable(decoded(chunk, encoding), charset, subtype)
        sender = header_text(headers, "From")
        return FoundReply(
            message_id=header_text(headers, "Message-ID").strip(),
            sender=sender,
            date=_date(header_text(headers, "Date")),
            subject=header_text(headers, "Subject"),
            in_reply_to=named_ids(header_text(headers, "In-Reply-To")),
            references=named_ids(header_text(headers, "References")),
            summary=summary(text),
            automatic=_automatic(headers, sender, body),
        )

    # --- plumbing -----------------------------------------------------------------------

    def _connected(self) -> imaplib.IMAP4:
        if self._imap is None:
            raise ImapConnectionFailed(f"The connection to {self.where} is closed; try again.")
        return self._imap

    @contextlib.contextmanager
    def _talking(self) -> Iterator[None]:
        """Turns what imaplib, ssl and sockets raise into one clear message; bugs pass."""
        where, settings = self.where, "Check the server name, port and security in Settings."
        try:
            yield
        except ImapError:
            raise
        except ssl.SSLCertVerificationError as error:
            self.close()
            raise ImapCertificateNotTrusted(
                f"The mail server {where} presented a certificate this computer does not trust "
                f"({error.verify_message}). Nothing was read or stored. If your provider gave "
                "you a certificate file, choose it in Settings; never connect without checking."
            ) from None
        except TimeoutError:
            self.close()
            raise ImapTimedOut(
                f"The mail server {where} did not answer within {self.account.timeout:g} "
                f"seconds. {settings}"
            ) from None
        except imaplib.IMAP4.abort:
            self.close()
            raise ImapConnectionFailed(
                f"The connection to the mail server {where} broke. Try again later."
            ) from None
        except imaplib.IMAP4.error as error:
            raise ImapServerRefused(
                f"The mail server {where} said no ({self._said(error)})."
            ) from None
        except ConnectionRefusedError:
            self.close()
            raise ImapConnectionFailed(
                f"The mail server {where} refused the connection. {settings}"
            ) from None
        except (ssl.SSLError, OSError) as error:
            self.close()
            raise ImapConnectionFailed(
                f"Could not reach the mail server {where} ({error.strerror or error}). {settings}"
            ) from None


_REPLY_FIELDS = ("In-Reply-To", "References")
SEARCH_BATCH = 40  # search keys joined by OR in one SEARCH command


def _key(header: str) -> list[str]:
    return ["FROM"] if header == "FROM" else ["HEADER", header]


def _any_of(criteria: list[tuple[str, str]]) -> list[str]:
    """``OR OR a b c``: IMAP's OR joins the next two keys, so n keys need n - 1 ORs."""
    keys = [" ".join([*_key(header), _quoted(value)]) for header, value in criteria]
    return ["OR"] * (len(keys) - 1) + keys if keys else []


def _uids(data: list[Any]) -> list[int]:
    return [int(uid) for line in data if isinstance(line, bytes) for uid in line.split()]


def _check(status: str, data: list[Any]) -> None:
    if status != "OK":
        raise imaplib.IMAP4.error(b" ".join(d for d in data if isinstance(d, bytes)))


def _said(error: BaseException) -> str:
    text = error.args[0] if error.args else ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(str(text).split())


def named_ids(text: str) -> tuple[str, ...]:
    """The Message-IDs an In-Reply-To or References header names, in angle brackets:
    phrases and comments around them and missing spaces between them are allowed (RFC 5322
    3.6.4), and an old mailer's bare ``id@host`` is taken too."""
    found = re.findall(r"<([^<>\s]+)>", text)
    if not found:
        found = [word for word in text.split() if "@" in word and "(" not in word]
    return tuple(f"<{found_id}>" for found_id in found)


def _automatic(headers: Message, sender: str, body: Sexp) -> bool:
    """Sent by a machine, not a person: an auto-reply (RFC 3834), a delivery report (a
    bounce), a list or bulk mail, or a no-reply/mailer-daemon address."""
    submitted = str(headers.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(headers.get("Precedence", "")).strip().lower()
    local = sender.rpartition("@")[0].rpartition("<")[2].strip().lower()
    report = (
        isinstance(body, list)
        and len(body) > 1
        and isinstance(body[0], list)
        and any(isinstance(item, str) and item.lower() == "report" for item in body)
    )
    return (
        not submitted.startswith("no")
        or precedence in ("auto_reply", "bulk", "junk", "list")
        or "X-Autoreply" in headers
        or "X-Autorespond" in headers
        or local.startswith(_ROBOTS)
        or report
    )


def mailbox_display_name(name: str) -> str:
    """A mailbox name as the user reads it: IMAP writes non-ASCII names in modified UTF-7
    (RFC 3501 5.1.3: "&ZeVnLIqe-" is 日本語, "&-" is "&"). The name used to talk to the
    server stays as the server wrote it; one that does not decode is shown as it is."""

    def decoded(match: re.Match[str]) -> str:
        letters = match.group(1)
        if not letters:
            return "&"
        padded = letters.replace(",", "/") + "=" * (-len(letters) % 4)
        return base64.b64decode(padded, validate=True).decode("utf-16-be")

    try:
        return re.sub(r"&([A-Za-z0-9+,]*)-", decoded, name)
    except (binascii.Error, UnicodeDecodeError):
        return name


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _angled(message_id: str) -> str:
    bare = message_id.strip().strip("<>")
    return f"<{bare}>"


_LIST_LINE = re.compile(rb'\((?P<flags>[^)]*)\) (?P<delimiter>"(?:[^"\\]|\\.)*"|NIL) ?(?P<name>.*)')


def _parse_list(data: list[Any]) -> Iterator[tuple[set[str], str, str]]:
    for item in data:
        line, literal = (item[0], item[1]) if isinstance(item, tuple) else (item, None)
        if not isinstance(line, bytes):
            continue
        match = _LIST_LINE.match(line)
        if match is None:
            continue
        flags = {flag.lower() for flag in match["flags"].decode().split()}
        delimiter = _unquote(match["delimiter"].decode()) if match["delimiter"] != b"NIL" else ""
        name = literal.decode() if literal is not None else _unquote(match["name"].decode())
        yield flags, delimiter, name


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def _literals(data: list[Any]) -> list[bytes]:
    return [item[1] for item in data if isinstance(item, tuple)]


def _flatten(data: list[Any]) -> bytes:
    """One FETCH response as one line, each literal written as a quoted string instead."""
    parts: list[bytes] = []
    for item in data:
        if isinstance(item, tuple):
            head = re.sub(rb"\{\d+\}$", b"", item[0])
            parts.append(head + b'"' + item[1].replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"')
        elif isinstance(item, bytes):
            parts.append(item)
    return b"".join(parts)


Sexp = list["Sexp"] | str | None
MAX_PART_NESTING = 64  # levels of parentheses in a FETCH answer; real mail nests a few
_TOKEN = re.compile(rb'\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|(NIL)\b|([^\s()"]+))')


def _parse_sexp(line: bytes) -> list[Sexp]:
    """An IMAP response as nested lists of strings (NIL is None): enough for BODYSTRUCTURE."""
    stack: list[list[Sexp]] = [[]]
    for opened, closed, quoted, nil, atom in _TOKEN.findall(line):
        if opened:
            stack.append([])
        elif closed and len(stack) > 1:
            done = stack.pop()
            # a part nested deeper than any real mail stands for nothing (no text found
            # there), so reading it never recurses past MAX_PART_NESTING levels
            stack[-1].append(done if len(stack) < MAX_PART_NESTING else None)
        elif nil:
            stack[-1].append(None)
        else:
            raw = quoted if quoted or not atom else atom
            stack[-1].append(re.sub(rb"\\(.)", rb"\1", raw).decode("utf-8", "replace"))
    return stack[0]


def _find_bodystructure(tree: list[Sexp]) -> Sexp:
    for node in tree:
        if isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, str) and item.upper() == "BODYSTRUCTURE":
                    return node[index + 1] if index + 1 < len(node) else None
            found = _find_bodystructure(node)
            if found is not None:
                return found
    return None


def _text_part(body: Sexp, number: str = "") -> tuple[str, str, str, str] | None:
    """The first text/plain part (else text/html): its number, subtype, charset, encoding."""
    if not isinstance(body, list) or not body:
        return None
    if isinstance(body[0], list):  # multipart: its parts, then its subtype
        parts = list(itertools.takewhile(lambda item: isinstance(item, list), body))
        candidates = [
            found
            for index, child in enumerate(parts, start=1)
            if (found := _text_part(child, f"{number}.{index}" if number else str(index)))
        ]
        plain = [c for c in candidates if c[1] == "plain"]
        return (plain or candidates)[0] if candidates else None
    kind, subtype = (str(body[0]).lower(), str(body[1]).lower()) if len(body) > 6 else ("", "")
    if kind != "text" or subtype not in ("plain", "html"):
        return None
    params = body[2] if isinstance(body[2], list) else []
    names = [str(p).lower() for p in params[0::2]]
    charset = str(params[1::2][names.index("charset")]) if "charset" in names else "us-ascii"
    return number or "1", subtype, charset, str(body[5] or "7bit").lower()


def _date(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError, OverflowError):  # "Date: ... 99999999999 ...": no date
        return None
