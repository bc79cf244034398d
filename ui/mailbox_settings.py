"""Settings › Mailbox (IMAP): where a copy of each sent message is filed, and where replies
are looked for.

By default the mailbox opens with the sending account's password. A password of its own is
typed here and handed to the system keyring off the GUI thread, like the sending one; it is
never read back into the field.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from composer.account import ImapAccount, Security
from composer.afterword import Afterword
from composer.errors import (
    AccountError,
    AfterwordError,
    CredentialError,
    NoKeyring,
    PasswordMissing,
    PasswordNotForThisServer,
)
from composer.mailbox import (
    MailboxSettings,
    forget_mailbox,
    mailbox_secret,
    mailbox_settings,
    password_accounts,
    save_mailbox_settings,
    try_connection,
)
from composer.password_binding import Destination
from composer.providers import Server
from composer.store import DEFAULT_CHECK_MINUTES
from ui import dialogs
from ui.account_fields import CaFileRow, hold, release, say, user_message
from ui.password_hint import LEFT_BEHIND, NOT_STORED, STORED_NOW, PasswordHint, forget_entry
from ui.password_prompt import PasswordAsker, PasswordRequest
from ui.runner import Runner
from ui.widgets import combo, named, push_button, status_label

TITLE = "Mailbox (IMAP): copies in Sent and replies"
IMAP_PORTS = {Security.TLS: 993, Security.STARTTLS: 143}
IMAP_SECURITY_CHOICES = (  # never plain text: the mailbox holds the user's mail
    (Security.TLS, "TLS (recommended)"),
    (Security.STARTTLS, "STARTTLS"),
)
SAVED = "Mailbox settings saved."
SHARED_NOW = "Your sending password now opens this mailbox too."
NOT_SHARED = (
    "Your sending password was not given to this mailbox: Afterword will ask for it when it "
    "next opens the mailbox."
)
REMOVE_QUESTION = (
    "Remove the mailbox settings? Afterword will stop filing copies in Sent and looking "
    "for replies. Nothing in your mailbox is changed."
)


def connection_report(afterword: Afterword, settings: MailboxSettings, typed: str) -> str:
    """Blocking, for the worker: the typed password, else the one the keyring holds, if it
    was saved for the server on screen (``PasswordNotForThisServer`` otherwise)."""
    if typed:
        return try_connection(settings, typed)
    with afterword.reading() as store:  # this thread's own connection
        secret = mailbox_secret(store, afterword.credentials, settings)
    return try_connection(settings, secret)


class MailboxGroup(QGroupBox):
    changed = Signal()  # the settings were saved or removed

    def __init__(
        self,
        afterword: Afterword,
        runner: Runner,
        save_button: QAbstractButton,
        parent: QWidget | None = None,
    ) -> None:
        """``save_button``: the page's one Save, held while a password goes to the keyring."""
        super().__init__(TITLE, parent)
        self.afterword = afterword
        self.runner = runner
        self.save_button = save_button
        self._timeout: float | None = None  # loaded settings keep their own
        self._provided: MailboxSettings | None = None  # as a provider filled them in
        self.form = QFormLayout(self)
        self._add_server_rows()
        self._add_password_rows()
        self._add_checking_rows()
        self._add_action_rows()
        for label in (self.status, self.test_status, self.check_status):
            say(label, "")  # hidden until they have something to say
        self.load(self.stored())

    # --- building ---------------------------------------------------------------------------

    def _add_server_rows(self) -> None:
        self.host = QLineEdit()
        self.host.setPlaceholderText("imap.example.org")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(IMAP_PORTS[Security.TLS])
        self.security = combo(
            "Mailbox connection security",
            [(label, security.value) for security, label in IMAP_SECURITY_CHOICES],
        )
        self.security.currentIndexChanged.connect(self._suggest_port)
        self.username = QLineEdit()
        self.form.addRow("Mail&box server:", named(self.host, "Mailbox server name"))
        self.form.addRow("Port:", named(self.port, "Mailbox server port"))
        self.form.addRow("Security:", self.security)
        self.form.addRow("User name:", named(self.username, "Mailbox user name"))
        ca_label = QLabel("Extra CA certificate (optional):")
        self.form.addRow(ca_label, self._ca_row())
        ca_label.setBuddy(self.ca_file)

    def _ca_row(self) -> QHBoxLayout:
        row = CaFileRow(self, " for the mailbox", choose="Choose…", clear="Clear")
        self.ca_file, self.choose_ca_button = row.field, row.choose_button
        self.clear_ca_button = row.clear_button
        return row

    def _add_password_rows(self) -> None:
        self.shared_password = named(
            QCheckBox("Use m&y sending password"), "Use my sending password for the mailbox"
        )
        self.shared_password.setChecked(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(NOT_STORED)
        self.form.addRow("", self.shared_password)
        self.form.addRow("Password:", named(self.password, "Mailbox password"))
        self.password_hint = PasswordHint(
            self.password,
            self.runner,
            self.afterword.credentials,
            self._keyring_unanswered,
        )
        self.shared_password.toggled.connect(self._show_password_row)
        self._show_password_row()

    def _add_checking_rows(self) -> None:
        self.server_files_sent = named(
            QCheckBox("My mail server files sent mail in Sent itself"),
            "My mail server files sent mail in Sent itself",
        )
        self.check_minutes = QSpinBox()
        self.check_minutes.setRange(0, 24 * 60)
        self.check_minutes.setSuffix(" minutes")
        self.check_minutes.setSpecialValueText("only when asked")
        self.check_minutes.setValue(DEFAULT_CHECK_MINUTES)
        self.form.addRow("", self.server_files_sent)
        self.form.addRow(
            "&Look for replies every:", named(self.check_minutes, "Look for replies every")
        )

    def _add_action_rows(self) -> None:
        self.test_button = push_button(
            "Test connect&ion", "Test the mailbox connection", self.test_connection
        )
        self.remove_button = push_button("Remove…", "Remove the mailbox settings", self.remove)
        self.status = status_label("Mailbox status")
        self.test_status = status_label("Mailbox connection test status", selectable=True)
        self.check_status = status_label("Last check for replies", selectable=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.form.addRow("", buttons)
        self.form.addRow("", self.status)
        self.form.addRow("", self.test_status)
        self.form.addRow("", self.check_status)

    def _show_password_row(self) -> None:
        self.form.setRowVisible(self.password, not self.shared_password.isChecked())

    # --- loading ----------------------------------------------------------------------------

    def load(self, settings: MailboxSettings | None) -> None:
        """Shows saved settings; None: the fields as for a new mailbox."""
        self.remove_button.setEnabled(settings is not None)
        self.password.clear()
        self._provided = None
        if settings is None:
            self._timeout = None
            for field in (self.host, self.username, self.ca_file):
                field.clear()
            settings = MailboxSettings(ImapAccount("", IMAP_PORTS[Security.TLS], Security.TLS, ""))
        else:
            self._timeout = settings.account.timeout
        account = settings.account
        self.host.setText(account.host)
        self.security.setCurrentIndex(self.security.findData(account.security.value))
        self.port.setValue(account.port)  # after security, which may suggest a port
        self.username.setText(account.username)
        self.ca_file.setText(account.ca_file)
        self.shared_password.setChecked(not settings.own_password)
        self.server_files_sent.setChecked(settings.server_files_sent)
        self.check_minutes.setValue(settings.check_minutes)
        self._refresh_password_hint(settings)

    def use_server(self, server: Server, files_sent_itself: bool) -> None:
        """A provider was chosen: its IMAP server; the user name and password stay."""
        self.host.setText(server.host)
        self.security.setCurrentIndex(self.security.findData(server.security.value))
        self.port.setValue(server.port)
        self.server_files_sent.setChecked(files_sent_itself)
        self._provided = None if self.username.text().strip() else self.settings()

    def clear_server(self, server: Server) -> None:
        """Another provider, or Other: the server a provider filled in goes (unsaved)."""
        if self.host.text().strip() != server.host:
            return  # the user typed their own: it stays
        self.host.clear()
        self.security.setCurrentIndex(self.security.findData(Security.TLS.value))
        self.port.setValue(IMAP_PORTS[Security.TLS])
        self._provided = None

    def show_check_status(self, text: str) -> None:
        say(self.check_status, text)

    # --- the keyring ------------------------------------------------------------------------

    def _keyring_unanswered(self, problem: str) -> None:
        if problem not in self.status.text():  # not already told, after what was saved
            say(self.status, problem)

    def _refresh_password_hint(self, settings: MailboxSettings) -> None:
        if settings.own_password:
            self.password_hint.refresh(settings.account.key)
        else:
            self.password_hint.drop_pending()

    # --- actions ----------------------------------------------------------------------------

    def settings(self) -> MailboxSettings:
        """What the fields say, saved or not."""
        account = ImapAccount(
            host=self.host.text().strip(),
            port=self.port.value(),
            security=Security(self.security.currentData()),
            username=self.username.text().strip(),
            ca_file=self.ca_file.text().strip(),
        )
        if self._timeout is not None:
            account = replace(account, timeout=self._timeout)
        return MailboxSettings(
            account,
            server_files_sent=self.server_files_sent.isChecked(),
            own_password=not self.shared_password.isChecked(),
            check_minutes=self.check_minutes.value(),
        )

    def stored(self) -> MailboxSettings | None:
        """The saved mailbox; damaged settings are said here (as empty fields to set again),
        never a crash."""
        try:
            return mailbox_settings(self.afterword.store)
        except AccountError as error:
            say(self.status, str(error))
            return None

    def has_unsaved_changes(self) -> bool:
        stored = self.stored()
        if self._typed_password() or self.password_hint.left_behind is not None:
            return True
        if stored is None:  # a provider's fill-in alone is no edit of the user's
            typed = bool(self.host.text().strip() or self.username.text().strip())
            return typed and self.settings() != self._provided
        return self.settings() != stored

    def _typed_password(self) -> str:
        """Only a password the mailbox uses: one typed before ticking "Use my sending
        password" is not."""
        return "" if self.shared_password.isChecked() else self.password.text()

    def _suggest_port(self) -> None:
        """A port still at one security's default follows the newly chosen one."""
        if self.port.value() in IMAP_PORTS.values():
            self.port.setValue(IMAP_PORTS[Security(self.security.currentData())])

    def save(self) -> None:
        if self.password_hint.busy:  # a password is still going to the keyring
            return
        settings, previous = self.settings(), self.stored()
        try:
            save_mailbox_settings(self.afterword.store, settings)
        except AfterwordError as error:
            say(self.status, str(error))
            return
        self.remove_button.setEnabled(True)
        self.changed.emit()
        before = previous.account.key if previous is not None and previous.own_password else None
        new = settings.account.key if settings.own_password else None
        old = self.password_hint.old_entry(before, new or "")
        password = self._typed_password()
        self.password.clear()
        if new is None:
            self._share_password(settings)
        if new is not None and password:
            self._store_password(settings, password, forget=old)
        elif old is not None:
            self._move_or_forget(settings, old, new)
        else:
            say(self.status, SAVED)
            self._refresh_password_hint(settings)

    def _share_password(self, settings: MailboxSettings) -> None:
        """The user saved a mailbox that opens with the sending password: that password goes
        to a server or CA it does not go to yet only once the user says so, in the prompt
        that names each one and shows each new certificate (composer/password_binding.py)."""
        try:
            smtp = self.afterword.outbox.account()
        except AccountError:  # damaged: the account's part of Settings says so
            return
        if smtp is None:
            return
        key, credentials = settings.password_key(smtp), self.afterword.credentials
        servers = tuple(password_accounts(self.afterword.store, key))

        def new_servers() -> bool:
            if credentials.password(key) is None:  # nothing stored: the visit asks for it
                return False
            return bool(credentials.not_yet_bound(key, [Destination.of(s) for s in servers]))

        request = PasswordRequest(key, smtp.username or smtp.from_address, smtp.host)
        self.runner.run(
            new_servers,
            lambda new: self._confirm(replace(request, servers=servers)) if new else None,
            _unless_a_bug,
        )

    def _confirm(self, request: PasswordRequest) -> None:
        PasswordAsker(self, self.afterword.credentials, self.runner).ask_then(
            request,
            lambda: say(self.status, f"{SAVED} {SHARED_NOW}"),
            lambda: say(self.status, f"{SAVED} {NOT_SHARED}"),
        )

    def _move_or_forget(self, settings: MailboxSettings, old: str, new: str | None) -> None:
        """The server or user changed: the mailbox's own password goes with it; and when it
        now shares the sending password, its own is not left behind in the keyring."""
        say(self.status, SAVED)
        credentials = self.afterword.credentials
        servers = password_accounts(self.afterword.store, new) if new is not None else []

        def work() -> None:
            if new is None:
                credentials.forget(old)
            else:
                credentials.move(old, new, [Destination.of(s) for s in servers])

        self.runner.run(
            work,
            lambda _: self._moved(None, settings),
            lambda error: self._keyring_failed(error, old, settings),
        )

    def _moved(self, left_behind: str | None, settings: MailboxSettings) -> None:
        self.password_hint.left_behind = left_behind
        self._refresh_password_hint(settings)  # it says whether a password is needed

    def _keyring_failed(self, error: BaseException, old: str, settings: MailboxSettings) -> None:
        if not isinstance(error, CredentialError):
            raise error
        if isinstance(error, NoKeyring):  # nothing in a keyring; a session password moved
            self._moved(None, settings)
            return
        say(self.status, f"{SAVED} {error} {LEFT_BEHIND}")
        self._moved(old, settings)

    def _store_password(
        self, settings: MailboxSettings, password: str, *, forget: str | None
    ) -> None:
        """Stores it; ``forget``: the entry of the mailbox as it was before this save."""
        hold(self.save_button)
        say(self.status, f"{SAVED} Saving the password in your keyring…")
        key = settings.account.key
        self.password_hint.store(
            key,
            password,
            forget=forget,
            done=self._password_done,
            finished=lambda: release(self.save_button),
            servers=password_accounts(self.afterword.store, key),
        )

    def _password_done(self, problem: str | None) -> None:
        say(self.status, f"{SAVED} {problem or STORED_NOW}")

    def remove(self) -> None:
        if self.password_hint.busy:  # its password is still going to the keyring
            return
        previous = self.stored()
        if previous is None or not dialogs.ask(self, REMOVE_QUESTION, yes="Remove", no="Cancel"):
            return
        left_behind = self.password_hint.left_behind
        keys = {previous.account.key} if previous.own_password else set()
        keys |= {left_behind} if left_behind is not None else set()
        if not keys:
            self._remove()
            return
        credentials = self.afterword.credentials  # its password first: not left behind
        self.remove_button.setEnabled(False)
        self.runner.run(
            lambda: [problem for key in keys if (problem := forget_entry(credentials, key))],
            self._forgotten,
            self._not_forgotten,
        )

    def _forgotten(self, problems: list[str]) -> None:
        self.remove_button.setEnabled(True)
        if problems:  # the settings stay, so that Remove can be tried again
            say(self.status, f"The mailbox settings were not removed. {problems[0]}")
            return
        self.password_hint.left_behind = None
        self._remove()

    def _not_forgotten(self, error: BaseException) -> None:
        self.remove_button.setEnabled(True)
        raise error  # a bug: a keyring problem is among the problems

    def _remove(self) -> None:
        try:
            forget_mailbox(self.afterword.store)
        except AfterwordError as error:
            say(self.status, str(error))
            return
        self.load(None)
        say(self.test_status, "")
        say(self.check_status, "")
        say(self.status, "Mailbox settings removed.")
        self.changed.emit()

    def test_connection(self) -> None:
        settings, typed, afterword = self.settings(), self._typed_password(), self.afterword
        hold(self.test_button)
        say(self.test_status, "Connecting to your mailbox…")
        self.runner.run(
            lambda: connection_report(afterword, settings, typed),
            self._tested,
            self._not_tested,
        )

    def _tested(self, report: str) -> None:
        release(self.test_button)
        say(self.test_status, report)

    def _not_tested(self, error: BaseException) -> None:
        if isinstance(error, PasswordNotForThisServer):  # asked, naming the server on screen
            settings = self.settings()
            key = settings.password_key(self.afterword.outbox.account())
            servers = (settings.account, *password_accounts(self.afterword.store, key))
            request = PasswordRequest(key, settings.account.username, settings.account.host)
            PasswordAsker(self, self.afterword.credentials, self.runner).ask_then(
                replace(request, servers=servers),
                self._test_again,
                lambda: self._not_tested(PasswordMissing(str(error))),
            )
            return
        release(self.test_button)
        say(self.test_status, user_message(error))

    def _test_again(self) -> None:
        release(self.test_button)
        self.test_connection()


def _unless_a_bug(error: BaseException) -> None:
    """A keyring that cannot say where the password goes: the mailbox asks at its visit."""
    if not isinstance(error, CredentialError):
        raise error
