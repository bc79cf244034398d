"""One error hierarchy for everything a user can cause or fix.

Each error carries a message written for the user: what happened and what to do.
Bugs are not caught into these; they stay loud. No secret ever goes into a message.
"""

from __future__ import annotations


class AfterwordError(Exception):
    """An error the user can understand and act on; ``str()`` is the message to show."""


# --- records ----------------------------------------------------------------------------


class StorageError(AfterwordError):
    """The database cannot be used as it is."""


class DatabaseTooNew(StorageError):
    def __init__(self, path: str, found: int, supported: int) -> None:
        super().__init__(
            f"The data file {path} was written by a newer version of Afterword "
            f"(schema {found}; this version understands up to {supported}). "
            "It has not been changed. Please update Afterword to open it."
        )
        self.found = found
        self.supported = supported


class DatabaseLocked(StorageError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"The data file {path} is busy: another program (perhaps a second Afterword) "
            "is writing to it. Close the other one and try again."
        )


class DatabaseDamaged(StorageError):
    """The data file is not a database Afterword can read; it can be set aside."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(
            f"The data file {path} is damaged or is not an Afterword database ({detail}). "
            "It has not been changed. Afterword can move it aside (nothing in it is deleted) "
            "and start with an empty one, or you can restore it from a backup."
        )
        self.path = path


class AlreadyRunning(StorageError):
    """Another Afterword has this data dir open."""


class RecordNotFound(AfterwordError):
    def __init__(self, what: str, record_id: int) -> None:
        super().__init__(f"The {what} #{record_id} no longer exists; it may have been deleted.")


# --- input ------------------------------------------------------------------------------


class InvalidField(AfterwordError):
    """A value that cannot go into a mail header (or record) as typed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class InvalidAddress(InvalidField):
    pass


# --- templates --------------------------------------------------------------------------


class TemplateError(AfterwordError):
    """A template cannot be used to write a message."""

    def __init__(self, template: str, message: str) -> None:
        super().__init__(message)
        self.template = template


class MissingField(TemplateError):
    """The template needs a value the records do not have yet."""

    def __init__(self, template: str, field: str, message: str) -> None:
        super().__init__(template, message)
        self.field = field


class TemplateNotFound(TemplateError):
    pass


class TemplateUnsafe(TemplateError):
    """The template tried something the sandbox refuses, or produced too much text."""


# --- settings ---------------------------------------------------------------------------


class SettingsTooNew(AfterwordError):
    """The settings were written by a newer Afterword: this one leaves them as they are."""

    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"Your settings were saved by a newer version of Afterword (settings version "
            f"{found}; this version understands up to {supported}). They have not been "
            "changed. Please update Afterword to use them."
        )
        self.found = found
        self.supported = supported


# --- either server: what the sending (SMTP) and mailbox (IMAP) errors share -------------
# Catch one of these to handle both kinds alike; each server's own class says which it was.


class LoginRefused(AfterwordError):
    """The server did not accept the user name or password."""


class CertificateRefused(AfterwordError):
    """The server's certificate is not trusted by this computer: nothing went over."""


class ServerUnreachable(AfterwordError):
    """No connection to the server could be made, or it broke."""


class ServerTimedOut(AfterwordError):
    """The server did not answer in time."""


class ServerSaidNo(AfterwordError):
    """The server refused what was asked, in words we have nothing more specific for."""


# --- sending ----------------------------------------------------------------------------


class AccountError(AfterwordError):
    """The mail account settings are incomplete, damaged or not allowed."""


class SendError(AfterwordError):
    """Sending failed; ``uncertain`` is True when the server may have received the message."""

    uncertain = False


class AuthenticationFailed(SendError, LoginRefused):
    pass


class SignInNeeded(SendError):
    """The provider no longer accepts the saved sign-in (revoked, expired, or never made):
    only signing in again in Settings gets past it, so the message waits, unsent."""

    def __init__(self, provider: str) -> None:
        super().__init__(
            f"{provider} asks you to sign in again: Settings › Account › Sign in with "
            f"{provider}…. Nothing was sent; the message waits until you have."
        )
        self.provider = provider


class SignInNotForThisServer(SignInNeeded):
    """The saved sign-in would go where it was not made for: a token endpoint or a mail
    server that settings (a restored backup, say) name now. Nothing goes there; signing
    in again makes the sign-in good for the servers the settings name then."""

    def __init__(self, provider: str, message: str) -> None:
        SendError.__init__(self, message)
        self.provider = provider


class SignInFailed(AfterwordError):
    """Signing in in the browser (or with a code) did not give a token."""


class RecipientRefused(SendError):
    def __init__(self, message: str, refused: dict[str, str]) -> None:
        super().__init__(message)
        self.refused = refused


class ConnectionFailed(SendError, ServerUnreachable):
    pass


class ConnectionTimedOut(SendError, ServerTimedOut):
    pass


class Disconnected(SendError):
    pass


class CertificateNotTrusted(SendError, CertificateRefused):
    pass


class StartTLSNotOffered(SendError):
    pass


class ServerRefused(SendError, ServerSaidNo):
    """The server answered with an error code we have no more specific words for."""


class TemporaryFailure(SendError):
    """The server said "not now" (a 4xx reply): nothing was delivered, a later try may work."""


class MessageTooLarge(SendError):
    """The server refused the message for its size (552): it will not take it as it is."""


class DeliveryUncertain(SendError):
    """The connection broke after the message data went out: it may have been delivered."""

    uncertain = True


class AlreadySent(AfterwordError):
    """Refusing to send a message that is being sent, or was sent, already."""


class NotSent(AfterwordError):
    """Only a message that went out, with its Message-ID, can be followed up in its thread."""


# --- the mailbox (IMAP) -----------------------------------------------------------------


class ImapError(AfterwordError):
    """Talking to the user's mailbox failed; the message says why and what to do."""


class ImapLoginFailed(ImapError, LoginRefused):
    pass


class ImapCertificateNotTrusted(ImapError, CertificateRefused):
    pass


class ImapConnectionFailed(ImapError, ServerUnreachable):
    pass


class ImapTimedOut(ImapError, ServerTimedOut):
    pass


class ImapServerRefused(ImapError, ServerSaidNo):
    """The server answered NO or BAD, or lacks something needed (such as STARTTLS)."""


# --- credentials ------------------------------------------------------------------------


class CredentialError(AfterwordError):
    pass


class NoKeyring(CredentialError):
    pass


class KeyringLocked(CredentialError):
    pass


class PasswordMissing(CredentialError):
    pass


class PasswordNotForThisServer(CredentialError):
    """The stored password was saved for another server, port, user or CA than the one it
    is about to go to (settings from a backup, say): it is not sent, and the user is asked.
    ``ca_file``: the certificate the user must see and accept, when the CA is what changed."""

    def __init__(self, message: str, ca_file: str = "") -> None:
        super().__init__(message)
        self.ca_file = ca_file


class FileProblem(AfterwordError):
    """A file the user chose can't be read or written; the message says which and why."""


class BackupRefused(FileProblem):
    """Not an Afterword backup, damaged, or from a newer version: nothing was changed."""


class WouldReplace(AfterwordError):
    """Restoring would replace records that exist: the user is asked first."""


class SpellingUnavailable(AfterwordError):
    """No spelling dictionary (or no enchant library): text is not checked, nothing else
    changes. ``language``: the one asked for, if known (Settings still names it)."""

    def __init__(self, message: str, language: str | None = None) -> None:
        super().__init__(message)
        self.language = language


class LauncherProblem(AfterwordError):
    """The launcher could not be installed; the message says what to do."""


class DataFileError(Exception):
    """SQLite could not read or write a data file of its own (a backup's records, a copy):
    the caller says what that means to the user. The text is SQLite's own."""

    def __init__(self, text: str, *, disk_full: bool = False) -> None:
        super().__init__(text)
        self.disk_full = disk_full
