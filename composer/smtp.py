"""Talking to the SMTP server: one verified connection for a batch, clear words for failures.

The transaction is driven step by step (MAIL, RCPT for each recipient, DATA) so that:
- a recipient refused, even one of several, aborts before anything is delivered to anyone;
- a break after the message data went out is told apart: the server may have it;
- a "not now" (4xx) reply is a TemporaryFailure, which the outbox may try again.
"""

from __future__ import annotations

import base64
import contextlib
import os
import smtplib
import socket
import ssl
from collections.abc import Callable
from functools import lru_cache

from composer.account import Security, SmtpAccount
from composer.errors import (
    AuthenticationFailed,
    CertificateNotTrusted,
    ConnectionFailed,
    ConnectionTimedOut,
    DeliveryUncertain,
    Disconnected,
    MessageTooLarge,
    PasswordMissing,
    RecipientRefused,
    SendError,
    ServerRefused,
    StartTLSNotOffered,
    TemporaryFailure,
)
from composer.login import Login, LoginSecret, Mechanism, ServerConnection, xoauth2
from composer.mail import Outgoing
from composer.oauth_tokens import renewed_login
from composer.scrub import sasl_forms, server_words

EHLO_NAME = "[127.0.0.1]"  # not this machine's name: providers copy it into Received:
CLOSING = 421  # the server is shutting this connection down (RFC 5321 3.8)
# OpenSSL's X509_V_ERR_CERT_NOT_YET_VALID and X509_V_ERR_CERT_HAS_EXPIRED: often a wrong clock.
EXPIRED = {9: "not yet valid", 10: "expired"}


def smtp_tls_context(account: SmtpAccount) -> ssl.SSLContext:
    """The account's TLS context, made once: reading the system's trusted CAs takes about a
    tenth of a second, paid again by every batch otherwise. A CA file changed on disk
    gives a new context; an unreadable one raises each time (errors are not kept)."""
    return _context(account, _file_stamp(account.ca_file))


@lru_cache(maxsize=4)
def _context(account: SmtpAccount, ca_file_stamp: tuple[int, int, int] | None) -> ssl.SSLContext:
    return account.ssl_context()


def _file_stamp(path: str) -> tuple[int, int, int] | None:
    if not path:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None  # ssl_context() says what is wrong with it
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def _reply(code: int, text: bytes | str) -> str:
    """A server's reply as the user reads it; secrets are not taken out here."""
    return f"{code} {_said(text)}".strip()


def _said(text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return " ".join(words.split())


class SmtpConnection(ServerConnection[SmtpAccount]):
    """``with SmtpConnection(account, secret) as smtp: smtp.send(outgoing)``; ``secret`` is
    a ``LoginSecret`` (composer/login.py) or the password itself."""

    def __init__(self, account: SmtpAccount, secret: LoginSecret | str | None) -> None:
        super().__init__(account, secret)
        self._smtp: smtplib.SMTP | None = None
        self.handed_over = False  # the last message's data went out in full: it may be there
        self._announced: Outgoing | None = None  # its MAIL sent, the answer not read yet
        self._secrets: list[str] = []  # what a server's reply may echo: never kept or shown

    def _reply(self, code: int, text: bytes | str) -> str:
        """A server's reply, the password and its base64 forms hidden, fit to store or show."""
        return f"{code} {self._said(text)}".strip()

    def _said(self, text: bytes | str) -> str:
        return server_words(text, self._secrets)

    @property
    def is_open(self) -> bool:
        return self._smtp is not None

    def open(self) -> None:
        self.account.validate()
        login = self._secret.login() if self.account.username else None  # may ask the keyring
        if self.account.username and login is None:
            raise PasswordMissing(
                f"No password is stored for {self.account.username} on {self.account.host}. "
                "Enter it in Settings › Account."
            )
        if login is not None:
            self._secrets = sasl_forms(self.account.username, login.secret)
        try:
            self._smtp = self._connect()
            if login is not None:
                self._sign_in(self._smtp, login)
        except BaseException as error:
            self.close()
            raise self._translate(error) from None

    def _connect(self) -> smtplib.SMTP:
        account = self.account
        smtp: smtplib.SMTP
        if account.security is Security.TLS:
            smtp = smtplib.SMTP_SSL(
                account.host,
                account.port,
                local_hostname=EHLO_NAME,
                timeout=account.timeout,
                context=smtp_tls_context(account),
            )
        else:
            smtp = smtplib.SMTP(
                account.host, account.port, local_hostname=EHLO_NAME, timeout=account.timeout
            )
        try:  # EHLO first, whatever comes next: smtplib's MAIL never says it itself
            code, text = smtp.ehlo()
            if not 200 <= code < 300:
                raise smtplib.SMTPHeloError(code, text)
            if account.security is Security.STARTTLS:
                if not smtp.has_extn("starttls"):
                    raise StartTLSNotOffered(
                        f"The server {self.where} does not offer STARTTLS, so the connection "
                        "cannot be encrypted and nothing was sent. Check the port and security "
                        "in Settings (port 465 usually means TLS, 587 STARTTLS)."
                    )
                smtp.starttls(context=smtp_tls_context(account))
                smtp.ehlo()
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _sign_in(self, smtp: smtplib.SMTP, login: Login) -> None:
        """A refused OAuth2 token is renewed and tried once more (it may have been revoked
        or expired early); a refused password is not: it would count towards a lock-out."""
        try:
            self._login(smtp, self.account.username, login)
        except AuthenticationFailed:
            fresh = renewed_login(self._secret, login)
            if fresh is None:
                raise
            self._login(smtp, self.account.username, fresh)

    def _login(self, smtp: smtplib.SMTP, username: str, login: Login) -> None:
        """One try, with the best mechanism offered. ``smtp.login`` tries every mechanism in
        turn, so a wrong password would count twice or more towards a provider's lock-out.
        An OAuth2 token goes as XOAUTH2."""
        offered = smtp.esmtp_features.get("auth", "").upper().split()
        if login.mechanism is Mechanism.XOAUTH2:
            if "XOAUTH2" not in offered:
                raise ServerRefused(
                    f"The server {self.where} does not offer OAuth2 sign-in (XOAUTH2). Use "
                    "an app password instead, in Settings › Account."
                )
            token = xoauth2(username, login.secret).decode()
            try:  # a refused token gets a challenge saying why (JSON): answered empty
                smtp.auth("XOAUTH2", lambda challenge=None: "" if challenge else token)
            except smtplib.SMTPAuthenticationError as error:
                raise AuthenticationFailed(
                    f"The server {self.where} did not accept the sign-in "
                    f"({self._reply(error.smtp_code, error.smtp_error)}). Sign in to your "
                    "provider again in Settings › Account."
                ) from None
            return
        if not (username + login.secret).isascii():
            self._login_utf8(smtp, username, login.secret, offered)
            return
        mechanism = next((m for m in ("CRAM-MD5", "PLAIN", "LOGIN") if m in offered), None)
        if mechanism is None:
            raise smtplib.SMTPNotSupportedError("no AUTH mechanism this client knows")
        smtp.user, smtp.password = username, login.secret
        respond = getattr(smtp, "auth_" + mechanism.lower().replace("-", "_"))  # as login() does
        smtp.auth(mechanism, respond, initial_response_ok=True)

    def _login_utf8(
        self, smtp: smtplib.SMTP, username: str, secret: str, offered: list[str]
    ) -> None:
        """AUTH PLAIN in UTF-8 (RFC 4616): smtplib's mechanisms send ASCII only, and
        CRAM-MD5 and LOGIN have no agreed way to carry other characters."""
        if "PLAIN" not in offered:
            raise AuthenticationFailed(
                f"The server {self.where} only takes user names and passwords in plain "
                "English letters, digits and punctuation, and yours has other characters, so "
                "it was not sent. Use an app password, or change the password to one without "
                "accents or symbols."
            )
        response = base64.b64encode(f"\0{username}\0{secret}".encode()).decode("ascii")
        code, text = smtp.docmd("AUTH", f"PLAIN {response}")
        if code != 235:  # as smtp.auth() would have said
            raise smtplib.SMTPAuthenticationError(code, text)

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def announce(self, outgoing: Outgoing) -> None:
        """Sends the message's MAIL command without waiting for the answer: a batch commits
        the message's claim while the server works on it, not before asking. ``send``
        reads the answer. A write that fails is left to ``send``, which meets the same
        broken connection and says so; nothing of the message has gone either way."""
        smtp = self._smtp
        if smtp is None:
            return
        try:
            smtp.putcmd("mail", _mail_from(smtp, outgoing.sender, len(outgoing.data)))
        except (smtplib.SMTPException, OSError):
            return
        self._announced = outgoing

    def send(self, outgoing: Outgoing, meanwhile: Callable[[], None] | None = None) -> str:
        """Delivers one message; returns the server's reply to the end of DATA.

        ``meanwhile`` runs while the server takes the data in (its reply waits in the
        socket): a batch builds its next message then. It must not raise: anything it
        raises counts as a break after the message was handed over.
        """
        smtp = self._smtp
        self.handed_over = False
        announced, self._announced = self._announced, None
        if smtp is None:
            raise Disconnected(f"The connection to {self.where} is closed; try again.")
        if announced is not None and announced is not outgoing:
            raise AssertionError("the MAIL command waiting for its answer is another message's")
        payload = outgoing.data
        try:
            if announced is None:
                smtp.putcmd("mail", _mail_from(smtp, outgoing.sender, len(payload)))
            self._envelope(smtp, outgoing)
            code, text = smtp.docmd("DATA")
            if code != 354:
                self._reset(smtp)
                raise smtplib.SMTPDataError(code, text)
            smtp.send(payload + b".\r\n")
            self.handed_over = True
            if meanwhile is not None:
                meanwhile()
            code, text = smtp.getreply()  # from the send on, the server may have it all
            if code != 250:
                self.handed_over = False  # a clear "no": the server does not have it
                raise smtplib.SMTPDataError(code, text)
        except SendError:
            raise
        except BaseException as error:
            self._drop_if_broken(error)
            if self.handed_over:
                raise self._uncertain(error) from None
            raise self._translate(error) from None
        return self._reply(code, text)

    def _uncertain(self, error: BaseException) -> DeliveryUncertain:
        check = (
            "so it may or may not have been delivered. Check your Sent folder or with the "
            "recipient before sending it again."
        )
        if isinstance(error, TimeoutError) or "timed out" in str(error):
            return DeliveryUncertain(
                f"The server {self.where} did not confirm the message within "
                f"{self.account.timeout:g} seconds after it was handed over, {check}"
            )
        return DeliveryUncertain(
            f"The connection to {self.where} broke just after the message was handed over, {check}"
        )

    def _envelope(self, smtp: smtplib.SMTP, outgoing: Outgoing) -> None:
        """Reads the answer to MAIL (sent already), then gives each recipient."""
        code, text = smtp.getreply()
        if code != 250:
            self._reset(smtp)
            raise smtplib.SMTPSenderRefused(code, text, outgoing.sender)
        refused = {}
        for recipient in outgoing.recipients:
            code, text = smtp.rcpt(recipient)
            if code not in (250, 251):
                refused[recipient] = self._reply(code, text)
        if refused:
            self._reset(smtp)
            listed = "; ".join(f"{who} ({why})" for who, why in refused.items())
            some = "" if len(refused) == len(outgoing.recipients) else " Nobody was sent it."
            whom = "this recipient" if len(refused) == 1 else "these recipients"
            raise RecipientRefused(
                f"The server refused {whom}: {listed}.{some} "
                "Check the address, or remove it, and send again.",
                refused,
            )

    @staticmethod
    def _reset(smtp: smtplib.SMTP) -> None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.rset()

    def _drop_if_broken(self, error: BaseException) -> None:
        """Closes a connection that broke or that the server is closing (421); after a plain
        "no" the connection stays usable for the next message."""
        if isinstance(error, smtplib.SMTPResponseException):
            broken = error.smtp_code == CLOSING
        else:  # every SMTPException is an OSError too
            broken = isinstance(error, smtplib.SMTPServerDisconnected) or (
                isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)
            )
        if broken:
            smtp, self._smtp = self._smtp, None
            if smtp is not None:
                smtp.close()

    def _timed_out(self) -> ConnectionTimedOut:
        return ConnectionTimedOut(
            f"The server {self.where} did not answer within {self.account.timeout:g} seconds. "
            "Nothing was sent. Check the server name, port and security in Settings › Account."
        )

    def _translate(self, error: BaseException) -> BaseException:
        """Turns what smtplib and ssl raise into one clear message; bugs pass unchanged."""
        where = self.where
        settings = "Check the server name, port and security in Settings › Account."
        match error:
            case SendError() | PasswordMissing():
                return error
            case smtplib.SMTPConnectError() | smtplib.SMTPHeloError() if _temporary(error):
                return TemporaryFailure(
                    f"The server {where} is busy or not taking mail just now "
                    f"({self._reply(error.smtp_code, error.smtp_error)}). Nothing was sent."
                )
            case smtplib.SMTPResponseException() if _temporary(error):
                return TemporaryFailure(
                    f"The server {where} could not take the message just now "
                    f"({self._reply(error.smtp_code, error.smtp_error)}). Nothing was delivered."
                )
            case smtplib.SMTPResponseException() if _too_large(error):
                return MessageTooLarge(
                    f"The server {where} refused the message because it is too large "
                    f"({self._reply(error.smtp_code, error.smtp_error)}). Nothing was delivered. "
                    "Remove or shrink attachments (or share a link to them instead) and "
                    "send it again."
                )
            case smtplib.SMTPAuthenticationError():
                return AuthenticationFailed(
                    f"The server {where} did not accept the user name or password "
                    f"({self._reply(error.smtp_code, error.smtp_error)}). Re-enter your "
                    "password in Settings › Account; some providers need an app password."
                )
            case smtplib.SMTPNotSupportedError():
                return ServerRefused(
                    f"The server {where} does not offer a way to log in over this connection. "
                    f"{settings}"
                )
            case smtplib.SMTPConnectError() if error.smtp_code == -1:  # no SMTP reply at all
                return ServerRefused(
                    f"The server {where} does not answer as a mail-sending (SMTP) server (it "
                    f"said “{self._said(error.smtp_error)}”). Nothing was sent. {settings} A port "
                    "such as 143 or 993 is for reading mail (IMAP), not for sending it."
                )
            case smtplib.SMTPConnectError() | smtplib.SMTPHeloError():
                return ServerRefused(
                    f"The server {where} refused the connection "
                    f"({self._reply(error.smtp_code, error.smtp_error)}). Try again later."
                )
            case smtplib.SMTPSenderRefused():
                return ServerRefused(
                    f"The server {where} refused the sender address {error.sender} "
                    f"({self._reply(error.smtp_code, error.smtp_error)}). Check the From address "
                    "in Settings › Account."
                )
            case smtplib.SMTPDataError():
                return ServerRefused(
                    f"The server {where} refused the message "
                    f"({self._reply(error.smtp_code, error.smtp_error)}). Nothing was delivered."
                )
            case smtplib.SMTPResponseException():
                return ServerRefused(
                    f"The server {where} answered with an error "
                    f"({self._reply(error.smtp_code, error.smtp_error)})."
                )
            case smtplib.SMTPServerDisconnected() if "timed out" in str(error):
                return self._timed_out()  # smtplib reports a read timeout as a disconnect
            case smtplib.SMTPServerDisconnected():
                return Disconnected(
                    f"The server {where} closed the connection before the message was sent. "
                    "Nothing was delivered; try again."
                )
            case ssl.SSLCertVerificationError() if error.verify_code in EXPIRED:
                return CertificateNotTrusted(
                    f"The server {where} presented a certificate that is "
                    f"{EXPIRED[error.verify_code]} ({error.verify_message}). Nothing was sent. "
                    "Check that this computer's date and time are right; if they are, the "
                    "provider must renew its certificate. Never send over an untrusted "
                    "connection."
                )
            case ssl.SSLCertVerificationError():
                return CertificateNotTrusted(
                    f"The server {where} presented a certificate that cannot be trusted "
                    f"({error.verify_message}). Nothing was sent. If this is your provider's "
                    "correct server, check its name in Settings; never send over an "
                    "untrusted connection."
                )
            case ssl.SSLError():
                return ConnectionFailed(
                    f"A secure connection to {where} could not be set up ({error.reason}). "
                    f"{settings}"
                )
            case TimeoutError():
                return self._timed_out()
            case ConnectionRefusedError():
                return ConnectionFailed(
                    f"Nothing is accepting mail at {where} (connection refused). {settings}"
                )
            case socket.gaierror():
                return ConnectionFailed(
                    f"The server name {self.account.host} could not be found. {settings}"
                )
            case ConnectionError():
                return Disconnected(
                    f"The connection to {where} was lost before the message was sent "
                    f"({error.strerror or error}). Nothing was delivered; try again."
                )
            case OSError():
                return ConnectionFailed(f"Could not reach {where} ({error.strerror}). {settings}")
        return error


def _mail_from(smtp: smtplib.SMTP, sender: str, size: int) -> str:
    """MAIL's argument as ``smtp.mail`` writes it, which sends it and waits at once.
    Declaring the size lets a server refuse a message too large before it is uploaded."""
    size_option = f" SIZE={size}" if smtp.has_extn("size") else ""
    return f"from:{smtplib.quoteaddr(sender)}{size_option}"


def _temporary(error: smtplib.SMTPResponseException) -> bool:
    return 400 <= error.smtp_code < 500


def _too_large(error: smtplib.SMTPResponseException) -> bool:
    """552 (storage exceeded), or any refusal with the enhanced code for "message too big"."""
    return error.smtp_code == 552 or "5.3.4" in _reply(error.smtp_code, error.smtp_error)
