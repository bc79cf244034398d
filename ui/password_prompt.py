"""The mail password, asked for when it is needed and not stored (no keyring, a locked one,
one that refused it) or when the server refused the one it had, so the send goes on.

What is typed goes to this session's memory, and to the system keyring when the user
ticks "Keep it" and there is one; nowhere else (no log, no record, no setting).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from composer.afterword import Afterword
from composer.certificate import CertificateFacts, certificates_in
from composer.credentials import MISSING, REFUSED, Credentials
from composer.errors import AfterwordError, CredentialError
from composer.outbox import SendResult
from composer.password_binding import Destination
from composer.records import MessageState
from composer.store import Store
from ui import dialogs
from ui.certificate_view import CertificateView
from ui.runner import Runner
from ui.widgets import named

KEEP = "&Keep it in the system keyring"
KEPT = "The message is kept in Outbox & Sent: send it again when you have the password."


@dataclass(frozen=True)
class PasswordRequest:
    """Which password is wanted, and why it is asked for now."""

    key: str  # the account's key in the keyring
    user: str
    host: str
    refused: bool = False  # the server said no to the one it had
    servers: tuple[Any, ...] = ()  # the accounts the password goes to: it is bound to them

    @property
    def who(self) -> str:
        return f"{self.user} on {self.host}"


class AskedAccount(Protocol):
    """An ``SmtpAccount`` or an ``ImapAccount``."""

    @property
    def key(self) -> str: ...

    @property
    def username(self) -> str: ...

    @property
    def host(self) -> str: ...


def request_for(
    account: AskedAccount, problem: str = MISSING, store: Store | None = None
) -> PasswordRequest:
    """``problem``: as ``composer.credentials.password_problem`` says it; ``store``: where
    the settings say which servers share this password. The password typed is for
    ``account`` (the one on screen, saved or not) and those servers, named in the prompt."""
    from composer.mailbox import password_accounts  # IMAP loads when first asked, not at start

    user = account.username or getattr(account, "from_address", "")
    shared = tuple(password_accounts(store, account.key)) if store is not None else ()
    servers = (account, *shared) if hasattr(account, "ca_file") else shared
    return PasswordRequest(account.key, user, account.host, problem == REFUSED, servers)


@dataclass(frozen=True)
class Situation:
    """What the prompt needs to know first (blocking to find out: keyring, CA files)."""

    keyring_problem: str | None
    destinations: tuple[Destination, ...] = ()
    reason: str = ""  # the password was saved for another server or CA: why it is asked
    certificates: tuple[CertificateFacts, ...] = ()  # to accept before it goes there
    goes_to: str = ""  # every server it is not yet bound to, named


def situation(credentials: Credentials, request: PasswordRequest) -> Situation:
    """Blocking, for the worker. ``AccountError`` when a CA file to show cannot be read."""
    destinations = tuple(dict.fromkeys(Destination.of(server) for server in request.servers))
    try:
        new = credentials.not_yet_bound(request.key, destinations)
        reasons = [str(e) for d in new if (e := credentials.refusal(request.key, [d]))]
    except CredentialError:  # no keyring, or a locked one: nothing bound can be read
        new, reasons = destinations, []
    return Situation(
        keyring_problem(credentials),
        destinations,
        " ".join(dict.fromkeys(reasons)),
        certificates_to_accept(new),
        goes_to(new),
    )


def certificates_to_accept(new: Sequence[Destination]) -> tuple[CertificateFacts, ...]:
    """Every CA file the password would newly go with, each certificate OpenSSL loads."""
    files = dict.fromkeys(d.ca_file for d in new if d.ca_file)
    return tuple(facts for ca_file in files for facts in certificates_in(ca_file))


def goes_to(new: Sequence[Destination]) -> str:
    if not new:
        return ""
    named = "; ".join(
        f"{'your mailbox' if d.kind == 'imap' else 'sending'}: {d.username} at {d.where}"
        + (f", trusting the certificate in {d.ca_file}" if d.ca_file else "")
        for d in new
    )
    return f"The password you type will be sent to {named}."


@dataclass(frozen=True)
class Answer:
    password: str = field(repr=False)
    keep: bool


class PasswordDialog(QDialog):
    """The account named, a password field, "Keep it" (when a keyring can), Cancel."""

    def __init__(
        self,
        request: PasswordRequest,
        keyring_problem: str | None,
        parent: QWidget | None,
        found: Situation | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mail password")
        layout = QVBoxLayout(self)
        reason = found.reason if found is not None else ""
        self.why = named(QLabel(reason or _why(request)), "Why the password is asked for")
        self.why.setWordWrap(True)
        goes_to = found.goes_to if found is not None else ""
        self.goes_to = named(QLabel(goes_to), "Where the password goes")
        self.goes_to.setWordWrap(True)
        self.goes_to.setVisible(bool(goes_to))
        self.password = named(QLineEdit(), f"Password for {request.who}")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.keep = named(QCheckBox(KEEP), "Keep the password in the system keyring")
        self.keep.setChecked(keyring_problem is None)
        self.keep.setEnabled(keyring_problem is None)
        self.keyring_note = named(QLabel(keyring_problem or ""), "Keyring note")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setVisible(keyring_problem is not None)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.continue_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.continue_button.setText("&Continue")
        self.continue_button.setEnabled(False)
        certificates = found.certificates if found is not None else ()
        self.certificate = CertificateView(certificates, self) if certificates else None
        self.password.textChanged.connect(self._allow)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        shown = (self.why, self.goes_to, self.certificate, self.password, self.keep)
        for widget in (*shown, self.keyring_note):
            if widget is not None:
                layout.addWidget(widget)
        layout.addWidget(self.buttons)
        if self.certificate is not None:
            self.certificate.trusted_changed.connect(self._allow)

    def _allow(self) -> None:
        """Continue needs a password and, when a new certificate is shown, its acceptance."""
        trusted = self.certificate is None or self.certificate.trusted()
        self.continue_button.setEnabled(bool(self.password.text()) and trusted)

    def accept(self) -> None:
        if self.continue_button.isEnabled():
            super().accept()

    def answer(self) -> Answer:
        return Answer(self.password.text(), self.keep.isEnabled() and self.keep.isChecked())


def _why(request: PasswordRequest) -> str:
    if request.refused:
        return (
            f"The server refused the password for {request.who}. Type it again (some "
            "providers want an app password, not your usual one)."
        )
    return f"Afterword needs the password for {request.who} to go on."


def ask_password(
    parent: QWidget | None,
    request: PasswordRequest,
    keyring_problem: str | None,
    found: Situation | None = None,
) -> Answer | None:
    """Shows the dialog; None when cancelled. The field is emptied once read."""
    dialog = PasswordDialog(request, keyring_problem, parent, found)
    try:
        return dialog.answer() if dialogs.run_dialog(dialog) and dialog.password.text() else None
    finally:
        dialog.password.clear()
        dialog.deleteLater()


def keep(
    credentials: Credentials, key: str, answer: Answer, destinations: Sequence[Destination] = ()
) -> None:
    """Blocking (keyring): for this session, and in the keyring when asked and possible;
    a keyring that will not take it leaves it in memory, which is enough to go on. Either
    way it is bound to ``destinations``, the servers it was typed for."""
    credentials.use_for_session(key, answer.password, destinations)
    if not answer.keep:
        return
    try:
        credentials.store(key, answer.password, destinations)
    except CredentialError:
        credentials.use_for_session(key, answer.password, destinations)


def keyring_problem(credentials: Credentials) -> str | None:
    """Blocking: why no keyring can keep a password, or None when one can."""
    try:
        credentials.check()
    except CredentialError as error:
        return str(error)
    return None


class PasswordAsker:
    """For a page: asks on the GUI thread, keeps the password off it, then goes on."""

    def __init__(self, parent: QWidget | None, credentials: Credentials, runner: Runner) -> None:
        self.parent = parent
        self.credentials = credentials
        self.runner = runner

    def ask_then(
        self,
        request: PasswordRequest,
        go_on: Callable[[], None],
        cancelled: Callable[[], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """``failed``: a CA file to show that cannot be read (nothing asked, nothing sent);
        without it, the user is told and it counts as cancelled."""
        credentials = self.credentials
        self.runner.run(
            lambda: situation(credentials, request),
            lambda found: self._ask(request, found, go_on, cancelled),
            failed or (lambda error: self._not_asked(error, cancelled)),
        )

    def _not_asked(self, error: BaseException, cancelled: Callable[[], None]) -> None:
        cancelled()
        if not isinstance(error, AfterwordError):  # a bug stays loud
            raise error
        dialogs.tell(self.parent, str(error), error=True)

    def _ask(
        self,
        request: PasswordRequest,
        found: Situation,
        go_on: Callable[[], None],
        cancelled: Callable[[], None],
    ) -> None:
        answer = ask_password(self.parent, request, found.keyring_problem, found)
        if answer is None:
            cancelled()
            return
        credentials, bound_to = self.credentials, found.destinations
        self.runner.run(lambda: keep(credentials, request.key, answer, bound_to), lambda _: go_on())


class SendingPage(Protocol):
    """Compose or the per-person panel: what sends, and where it says how it went."""

    afterword: Afterword
    runner: Runner


def asked_then_resent(
    page: SendingPage,
    results: Sequence[SendResult],
    resend: Callable[[list[int]], None],
    finish: Callable[[list[SendResult]], None],
) -> bool:
    """Messages that failed for want of a password: asks for it, then ``resend`` them;
    Cancel ``finish``es with a line saying they are kept, unsent. False: nothing to ask."""
    wanting = [r for r in results if r.state is MessageState.FAILED and r.password_problem]
    if not wanting:  # a damaged account is not read here: the results say it
        return False
    account = page.afterword.outbox.account()
    if account is None or not isinstance(page, QWidget):
        return False
    request = request_for(account, wanting[0].password_problem, page.afterword.store)
    ids = [r.message_id for r in wanting]
    PasswordAsker(page, page.afterword.credentials, page.runner).ask_then(
        request,
        lambda: resend(ids),
        lambda: finish([_kept(r, request) if r in wanting else r for r in results]),
    )
    return True


def _kept(result: SendResult, request: PasswordRequest) -> SendResult:
    """Cancelled: the message stays failed, and the line says so and what to do."""
    said = (
        result.detail if request.refused else f"Not sent: no password was given for {request.who}."
    )
    return replace(result, detail=f"{said} {KEPT}", password_problem="")
