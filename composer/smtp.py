"""Talking to the SMTP server: one verified connection for a batch, clear words for failures.

The transaction is driven step by step (MAIL, RCPT for each recipient, DATA) so that:
- a recipient refused, even one of several, aborts before anything is delivered to anyone;
- a break after the message data went out is told apart: the server may have it.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
import ssl
from types import TracebackType

from composer.account import Security, SmtpAccount
from composer.errors import (
    AuthenticationFailed,
    CertificateNotTrusted,
    ConnectionFailed,
    ConnectionTimedOut,
    DeliveryUncertain,
    Disconnected,
    PasswordMissing,
    RecipientRefused,
    SendError,
    ServerRefused,
    StartTLSNotOffered,
)
from composer.mail import Outgoing

EHLO_NAME = "[127.0.0.1]"  # not this machine's name: providers copy it into Received:
_EOLS = re.compile(rb"\r\n|\n|\r(?!\n)")
_LEADING_DOT = re.compile(rb"(?m)^\.")


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}".strip()


class SmtpConnection:
    """``with SmtpConnection(account, password) as smtp: smtp.send(outgoing)``."""

    def __init__(self, account: SmtpAccount, password: str | None) -> None:
        self.account = account
        self._password = password
        self._smtp: smtplib.SMTP | None = None
        self.handed_over = False  # the last message's data went out in full: it may be there

    @property
    def is_open(self) -> bool:
        return self._smtp is not None

    @property
    def where(self) -> str:
        return f"{self.account.host}:{self.account.port}"

    def __enter__(self) -> SmtpConnection:
        self.open()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        self.account.validate()
        if self.account.username and not self._password:
            raise PasswordMissing(
                f"No password is stored for {self.account.username} on {self.account.host}. "
                "Enter it in Settings › Account."
            )
        try:
            self._smtp = self._connect()
            if self.account.username:
                self._smtp.login(self.account.username, self._password or "")
        except BaseException as error:
            self.close()
            raise self._translate(error) from None

    def _connect(self) -> smtplib.SMTP:
        account = self.account
        if account.security is Security.TLS:
            return smtplib.SMTP_SSL(
                account.host,
                account.port,
                local_hostname=EHLO_NAME,
                timeout=account.timeout,
                context=account.ssl_context(),
            )
        smtp = smtplib.SMTP(
            account.host, account.port, local_hostname=EHLO_NAME, timeout=account.timeout
        )
        try:
            smtp.ehlo()
            if account.security is Security.STARTTLS:
                if not smtp.has_extn("starttls"):
                    raise StartTLSNotOffered(
                        f"The server {self.where} does not offer STARTTLS, so the connection "
                        "cannot be encrypted and nothing was sent. Check the port and security "
                        "in Settings (port 465 usually means TLS, 587 STARTTLS)."
                    )
                smtp.starttls(context=account.ssl_context())
                smtp.ehlo()
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def send(self, outgoing: Outgoing) -> str:
        """Delivers one message; returns the server's reply to the end of DATA."""
        smtp = self._smtp
        self.handed_over = False
        if smtp is None:
            raise Disconnected(f"The connection to {self.where} is closed; try again.")
        try:
            self._envelope(smtp, outgoing)
            code, text = smtp.docmd("DATA")
            if code != 354:
                raise smtplib.SMTPDataError(code, text)
            payload = _LEADING_DOT.sub(b"..", _EOLS.sub(b"\r\n", outgoing.raw))
            if not payload.endswith(b"\r\n"):
                payload += b"\r\n"
            smtp.send(payload + b".\r\n")
            self.handed_over = True
        except SendError:
            raise
        except BaseException as error:
            self._drop_if_broken(error)
            raise self._translate(error) from None
        try:  # From here on, the server may have the whole message.
            code, text = smtp.getreply()
        except BaseException as error:
            self._drop_if_broken(error)
            raise DeliveryUncertain(
                f"The connection to {self.where} broke just after the message was handed "
                "over, so it may or may not have been delivered. Check your Sent folder or "
                "with the recipient before sending it again."
            ) from None
        if code != 250:
            raise self._translate(smtplib.SMTPDataError(code, text))
        return _reply(code, text)

    def _envelope(self, smtp: smtplib.SMTP, outgoing: Outgoing) -> None:
        code, text = smtp.mail(outgoing.sender)
        if code != 250:
            self._reset(smtp)
            raise smtplib.SMTPSenderRefused(code, text, outgoing.sender)
        refused = {}
        for recipient in outgoing.recipients:
            code, text = smtp.rcpt(recipient)
            if code not in (250, 251):
                refused[recipient] = _reply(code, text)
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
        if isinstance(error, smtplib.SMTPServerDisconnected | OSError):
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
            case smtplib.SMTPAuthenticationError():
                return AuthenticationFailed(
                    f"The server {where} did not accept the user name or password "
                    f"({_reply(error.smtp_code, error.smtp_error)}). Re-enter your password in "
                    "Settings › Account; some providers need an app password."
                )
            case smtplib.SMTPNotSupportedError():
                return ServerRefused(
                    f"The server {where} does not offer a way to log in over this connection. "
                    f"{settings}"
                )
            case smtplib.SMTPConnectError() | smtplib.SMTPHeloError():
                return ServerRefused(
                    f"The server {where} refused the connection "
                    f"({_reply(error.smtp_code, error.smtp_error)}). Try again later."
                )
            case smtplib.SMTPSenderRefused():
                return ServerRefused(
                    f"The server {where} refused the sender address {error.sender} "
                    f"({_reply(error.smtp_code, error.smtp_error)}). Check the From address "
                    "in Settings › Account."
                )
            case smtplib.SMTPDataError():
                return ServerRefused(
                    f"The server {where} refused the message "
                    f"({_reply(error.smtp_code, error.smtp_error)}). Nothing was delivered."
                )
            case smtplib.SMTPResponseException():
                return ServerRefused(
                    f"The server {where} answered with an error "
                    f"({_reply(error.smtp_code, error.smtp_error)})."
                )
            case smtplib.SMTPServerDisconnected() if "timed out" in str(error):
                return self._timed_out()  # smtplib reports a read timeout as a disconnect
            case smtplib.SMTPServerDisconnected():
                return Disconnected(
                    f"The server {where} closed the connection before the message was sent. "
                    "Nothing was delivered; try again."
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
