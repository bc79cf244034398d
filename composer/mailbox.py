"""The user's mailbox as Afterword uses it: its settings, which password opens it, and the
background work it does there (copies filed in Sent, replies noticed in the inbox).

Everything here blocks on the network or the keyring: the window calls it from a worker.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import Any

from composer.account import ImapAccount, SmtpAccount, kept_unknown
from composer.clock import Clock, utc_now
from composer.credentials import Credentials, password_problem
from composer.errors import AfterwordError
from composer.imap import FoundReply, ImapConnection, mailbox_display_name
from composer.login import LoginSecret
from composer.mail import parse_address_or_none
from composer.outbox import sending_account
from composer.password_binding import Destination
from composer.records import Reply, WatchedMessage
from composer.sent_copies import FilingResult, file_over, not_filed
from composer.store import (
    DEFAULT_CHECK_MINUTES,
    IMAP_ACCOUNT_SETTING,
    Store,
    reply_check_minutes,
)

WATCHED_FOR = timedelta(days=90)  # replies are looked for to messages sent this recently
RECHECK_OVERLAP = timedelta(days=1)  # IMAP SINCE counts whole days, in the server's zone


@dataclass(frozen=True)
class MailboxSettings:
    account: ImapAccount
    server_files_sent: bool = False  # the mail server puts what it sends in Sent itself
    own_password: bool = False  # False: the mailbox opens with the sending account's password
    check_minutes: int = DEFAULT_CHECK_MINUTES  # how often to look for replies; 0: on demand

    def password_key(self, smtp: SmtpAccount | None) -> str:
        """The keyring entry holding the password that opens the mailbox."""
        return smtp.key if smtp is not None and not self.own_password else self.account.key

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.account.to_dict(),
            "server_files_sent": self.server_files_sent,
            "own_password": self.own_password,
            "check_minutes": self.check_minutes,
        }

    @classmethod
    def from_dict(cls, data: Any) -> MailboxSettings:
        """Tolerant as ``ImapAccount.from_dict`` is: a damaged value is an ``AccountError``."""
        account = ImapAccount.from_dict(
            {k: v for k, v in data.items() if k not in MAILBOX_KEYS}
            if isinstance(data, dict)
            else data
        )
        minutes = data.get("check_minutes", DEFAULT_CHECK_MINUTES)
        if not isinstance(minutes, int) or isinstance(minutes, bool):
            raise ImapAccount.damaged("check_minutes is not a number")
        return cls(
            account,
            server_files_sent=bool(data.get("server_files_sent")),
            own_password=bool(data.get("own_password")),
            check_minutes=reply_check_minutes(data),
        )


MAILBOX_KEYS = ("server_files_sent", "own_password", "check_minutes")  # besides the account's


def mailbox_settings(store: Store) -> MailboxSettings | None:
    """None until the user sets up their mailbox (sending works without one)."""
    data: dict[str, Any] | None = store.get_setting(IMAP_ACCOUNT_SETTING)
    return MailboxSettings.from_dict(data) if data else None


def save_mailbox_settings(store: Store, settings: MailboxSettings) -> None:
    """Keeps the keys of the stored settings this version does not know (a newer one's)."""
    settings.account.validate()
    stored = store.get_setting(IMAP_ACCOUNT_SETTING)
    kept = kept_unknown(settings.account, stored, also=MAILBOX_KEYS)
    store.set_setting(IMAP_ACCOUNT_SETTING, {**kept, **settings.to_dict()})


def forget_mailbox(store: Store) -> None:
    store.set_setting(IMAP_ACCOUNT_SETTING, None)


def mailbox_secret(
    store: Store, credentials: Credentials, settings: MailboxSettings, clock: Clock = utc_now
) -> LoginSecret:
    """What opens the mailbox: its own keyring entry, or the sending account's; or the
    OAuth2 sign-in made in Settings for its user."""
    from composer.oauth_account import secret_for  # Authlib loads at the first visit

    key = settings.password_key(sending_account(store))
    return secret_for(store, credentials, key, settings.account, clock)


def password_accounts(store: Store, key: str) -> list[SmtpAccount | ImapAccount]:
    """The servers the password under ``key`` goes to with the saved settings: what it is
    bound to when the user saves or types it (composer/password_binding.py)."""
    smtp = sending_account(store)
    settings = mailbox_settings(store)
    servers: list[SmtpAccount | ImapAccount] = [smtp] if smtp and smtp.key == key else []
    if settings is not None and settings.password_key(smtp) == key:
        servers.append(settings.account)
    return servers


def password_destinations(store: Store, key: str) -> list[Destination]:
    """Blocking (reads CA files)."""
    return [Destination.of(server) for server in password_accounts(store, key)]


def try_connection(settings: MailboxSettings, secret: LoginSecret | str | None) -> str:
    """Signs in and looks for the Sent folder, changing nothing: what "Test connection" in
    Settings reports."""
    with ImapConnection(settings.account, secret) as imap:
        folder = imap.existing_sent_folder()
    if settings.server_files_sent:
        filed = "your mail server files what you send there itself"
    elif folder is None:
        return (
            f"Connected to {imap.where}. No Sent folder was found: Afterword will make one "
            "named “Sent” when it first files a copy of a message you send."
        )
    else:
        filed = "Afterword will file a copy of each message you send there"
    shown = mailbox_display_name(folder) if folder else "none found"
    return f"Connected to {imap.where}. Sent folder: “{shown}” ({filed})."


@dataclass
class ReplyCheck:
    noted: list[Reply] = field(default_factory=list)  # new answers, now in the records
    error: str | None = None  # why the inbox could not be read; nothing was changed
    senders: list[str] = field(default_factory=list)  # who wrote them, as their From says


@dataclass
class MailboxVisit:
    """One background visit: Sent copies filed, then replies looked for."""

    filing: FilingResult = field(default_factory=FilingResult)
    replies: ReplyCheck = field(default_factory=ReplyCheck)
    password_problem: str = ""  # composer/credentials.py's: typing the password gets past it

    @property
    def error(self) -> str | None:
        return self.replies.error or self.filing.error


def visit(
    store: Store,
    credentials: Credentials,
    *,
    now: datetime | None = None,
    replies: bool = True,
    clock: Clock = utc_now,
) -> MailboxVisit | None:
    """Files pending copies and (unless ``replies`` is False) looks for replies, over one
    connection, with the saved settings; None when no mailbox is set up. Errors are in the
    result, not raised. ``clock`` tells when an OAuth2 sign-in's token runs out.

    Replies are answers to the messages sent in the last ``WATCHED_FOR``: by In-Reply-To or
    References, or from someone they went to, after they went. Each is noted once (by its
    Message-ID) on the message and interview it answers, which takes that thread's reminders
    off the Due list. Out-of-office replies, bounces and the user's own mail are not answers."""
    settings = mailbox_settings(store)
    if settings is None:
        return None
    now = now or datetime.now(UTC)
    result = MailboxVisit()
    copies = [copy.message_id for copy in store.pending_copies()]
    watched = store.watched_messages(now - WATCHED_FOR) if replies else []
    if not copies and not watched:
        return result
    try:
        secret = mailbox_secret(store, credentials, settings, clock)
        with ImapConnection(settings.account, secret) as imap:
            file_over(store, imap, copies, result.filing)
            if watched:
                result.replies = _look(store, imap, watched, settings.account, now)
    except AfterwordError as error:
        result.password_problem = password_problem(error)
        not_filed(store, copies, result.filing, error)
        if watched and result.replies.error is None:
            result.replies = ReplyCheck(error=f"Could not look for replies: {error}")
    return result


def _look(
    store: Store,
    imap: ImapConnection,
    watched: list[WatchedMessage],
    account: ImapAccount,
    now: datetime,
) -> ReplyCheck:
    ours = {message.header_id: message for message in watched}
    me = _own_addresses(store, account)
    sent_to = {message.id: _addresses(message.addresses) - me for message in watched}
    recipients = sorted(set().union(*sent_to.values()))
    # from the earliest watched message on, each time: a reply moved into the inbox later
    # (out of Junk, say) keeps the date it arrived
    since = (min(message.sent_at for message in watched) - RECHECK_OVERLAP).date()
    found = imap.find_replies(list(ours), recipients, since, known=store.reply_header_ids())
    check = ReplyCheck()
    for reply in found:
        if reply.automatic or _address(reply.sender) in me:
            continue
        answered = _answered(reply, ours, sent_to, now)
        if answered is None:
            continue
        try:
            record = store.add_reply(_record(store, reply, answered, now))
        except AfterwordError:  # its message or interview was deleted meanwhile
            continue
        if record.id is not None:
            check.noted.append(record)
            check.senders.append(_name(reply.sender))
    return check


def _own_addresses(store: Store, account: ImapAccount) -> set[str]:
    """The user's addresses: their own mail (a Bcc to themselves) answers nothing."""
    smtp = sending_account(store)
    texts = [store.profile().email, account.username, smtp.from_address if smtp else ""]
    return _addresses(text for text in texts if "@" in text)


def _answered(
    reply: FoundReply,
    ours: dict[str, WatchedMessage],
    sent_to: dict[int, set[str]],
    now: datetime,
) -> WatchedMessage | None:
    """The message a reply answers: the one it names (In-Reply-To, else the latest of its
    References), else the latest sent to its sender before it came. Our own messages (a copy
    to oneself) answer nothing."""
    if reply.header_id in ours:
        return None
    for header_id in (*reply.in_reply_to, *reversed(reply.references)):
        if header_id in ours:
            return ours[header_id]
    sender = _address(reply.sender)
    came = _when(reply, now)
    earlier = [m for m in ours.values() if sender in sent_to[m.id] and m.sent_at <= came]
    return max(earlier, key=lambda m: m.sent_at, default=None)


def _record(store: Store, reply: FoundReply, answered: WatchedMessage, now: datetime) -> Reply:
    sender = _address(reply.sender)
    by_sender = store.contact_ids_by_email([sender]) if sender else []
    return Reply(
        received_at=_when(reply, now),
        summary=("(In your Junk folder) " if reply.in_junk else "")
        + (reply.summary or reply.subject),
        message_id=answered.id,
        interview_id=answered.interview_id,
        contact_id=by_sender[0] if by_sender else None,  # a stranger in the thread: not them
        header_id=reply.header_id or _made_up_id(reply),
    )


def _name(sender: str) -> str:
    """The name a From header gives, else its address; a stranger's, so kept short."""
    name, address = parseaddr(sender)
    shown = " ".join((name or address or sender).split())
    return shown if len(shown) <= 60 else shown[:59] + "…"


def _address(text: str) -> str:
    return parse_address_or_none(text) or ""


def _addresses(texts: Iterable[str]) -> set[str]:
    return {address for text in texts if (address := parse_address_or_none(text))}


def _when(reply: FoundReply, now: datetime) -> datetime:
    """When it came: its Date, in UTC (a Date without a zone is taken as UTC); else now."""
    if reply.date is None:
        return now
    moment = reply.date if reply.date.tzinfo else reply.date.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _made_up_id(reply: FoundReply) -> str:
    """A reply without a Message-ID (rare) still needs one to be noted only once."""
    stamp = reply.date.isoformat() if reply.date else ""
    return f"<no-id:{reply.sender}|{stamp}|{reply.subject}>"
