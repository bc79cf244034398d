"""Settings: who the user is (the profile), how their mail goes out (the SMTP account), the
mailbox where copies are filed and replies looked for (ui/mailbox_settings.py), and backing
up and restoring everything.

The password is typed here and handed to the system keyring off the GUI thread. It is
never read back into the field, a label or the records: the field only says whether one
is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from composer.account import DEFAULT_PORTS, Security, SmtpAccount
from composer.app import Afterword
from composer.backup import (
    BackupSummary,
    RestoreSummary,
    backup,
    default_backup_name,
    restore,
    safety_folder,
)
from composer.credentials import Credentials
from composer.errors import AfterwordError, CredentialError, NoKeyring, WouldReplace
from composer.mail import check_header_text, parse_address
from composer.mailbox import mailbox_settings
from composer.providers import Preset, preset_for_address, presets
from composer.records import Profile
from ui import dialogs
from ui.runner import Runner
from ui.sending_settings import SendingGroup
from ui.spelling_settings import SpellingGroup
from ui.widgets import combo, named, plain_text_edit, push_button, status_label

if TYPE_CHECKING:
    from ui.mailbox_settings import MailboxGroup

STORED = "Stored in your system keyring"
NOT_STORED = "Enter your password"
SESSION_ONLY = "Kept in memory until you quit"
STORED_NOW = "Password saved in your system keyring."
LEFT_BEHIND = (
    "The password of the account as it was is still in your keyring: unlock it, then save "
    "again to remove it."
)
SECURITY_CHOICES = (
    (Security.STARTTLS, "STARTTLS (recommended)"),
    (Security.TLS, "TLS"),
    (Security.NONE, "None: only for a server on this computer"),
)
CHOOSE_PROVIDER = "Choose a provider…"
OTHER_PROVIDER = "Other"
CA_FILTERS = "Certificates (*.pem *.crt *.cer);;All files (*)"
BACKUP_FILTERS = "Afterword backups (*.zip);;All files (*)"
SENDING_NOW = "A message is being sent. Wait until it is done, then restore."
BACKUP_NOTE = (
    "One zip file with your records, your own templates and every attachment. Passwords "
    "stay in your system keyring and are not in it."
)


def user_message(error: BaseException) -> str:
    """The message written for the user; anything else is a bug and stays loud."""
    if isinstance(error, AfterwordError):
        return str(error)
    raise error


def send_test_message(afterword: Afterword, account: SmtpAccount, typed: str) -> tuple[str, str]:
    """Blocking, for the worker: the outbox there has its own database connection."""
    with afterword.background() as outbox:
        return outbox.send_test_message(account, typed)


def forget_entry(credentials: Credentials, key: str) -> str | None:
    """Blocking, for the worker: the keyring's message if it kept the entry (locked).
    Without a keyring there is no entry to keep."""
    try:
        credentials.forget(key)
    except NoKeyring:
        return None
    except CredentialError as error:
        return str(error)
    return None


def say(label: QLabel, text: str) -> None:
    """Sets a status line; an empty one takes no room in its form."""
    label.setText(text)
    parent = label.parentWidget()
    form = parent.layout() if parent is not None else None
    if isinstance(form, QFormLayout):
        form.setRowVisible(label, bool(text))


class CaFileRow(QHBoxLayout):
    """An extra CA certificate to trust (a company's, Proton Bridge's): its file, Choose…
    and Clear. ``what`` ends each control's accessible name ("" or " for the mailbox")."""

    def __init__(self, owner: QWidget, what: str = "", *, choose: str, clear: str) -> None:
        super().__init__()
        self.owner = owner
        self.field = named(QLineEdit(), f"Extra CA certificate file{what}")
        self.field.setPlaceholderText("None: the system's trusted certificates only")
        self.choose_button = push_button(choose, f"Choose a CA certificate file{what}", self.choose)
        self.clear_button = push_button(
            clear, f"Clear the CA certificate file{what}", self.field.clear
        )
        self.addWidget(self.field, 1)
        self.addWidget(self.choose_button)
        self.addWidget(self.clear_button)

    def choose(self) -> None:
        path = dialogs.choose_file(self.owner, "Choose a CA certificate", CA_FILTERS)
        if path:
            self.field.setText(path)


class PasswordHint:
    """A password field's dealings with the keyring, off the GUI thread: it says whether a
    password is stored (the password itself is never fetched here; only the latest answer
    counts), and stores a typed one, else keeps it for this session."""

    def __init__(
        self,
        field: QLineEdit,
        runner: Runner,
        credentials: Credentials,
        unanswered: Callable[[str], None],
    ) -> None:
        """``unanswered(message)``: the keyring did not say whether a password is stored
        (locked): the hint alone would make a stored one look missing."""
        self.field = field
        self.runner = runner
        self.credentials = credentials
        self.unanswered = unanswered
        self.busy = False  # a password is on its way to the keyring
        self.left_behind: str | None = None  # an old entry a locked keyring kept: saving retries
        self._request = 0

    def drop_pending(self) -> None:
        """An answer still on its way is about an old password: it is not shown."""
        self._request += 1

    def refresh(self, key: str) -> None:
        self.drop_pending()
        if self.credentials.in_session(key):  # also after it moved with its account
            self.field.setPlaceholderText(SESSION_ONLY)
            return
        request, credentials = self._request, self.credentials
        self.runner.run(
            lambda: credentials.password(key) is not None,
            lambda stored: self._show(request, STORED if stored else NOT_STORED),
            lambda error: self._show(request, NOT_STORED, error),
        )

    def _show(self, request: int, hint: str, error: BaseException | None = None) -> None:
        if error is not None and not isinstance(error, CredentialError):
            raise error  # a bug
        if request != self._request:
            return
        self.field.setPlaceholderText(hint)
        if error is not None:
            self.unanswered(str(error))

    def store(
        self,
        key: str,
        password: str,
        *,
        forget: str | None,
        done: Callable[[str | None], None],
        finished: Callable[[], None],
    ) -> None:
        """Stores it under ``key`` (and removes the ``forget`` entry). ``finished()`` comes
        after, whatever happened (so Save can be used again); then ``done(problem)``, with
        what to tell the user if the password is kept for this session only, or the
        ``forget`` entry is kept (then ``left_behind``). The field says which, and is
        cleared if it still holds that password."""
        self.drop_pending()
        self.busy = True
        credentials = self.credentials

        def work() -> str | None:
            credentials.store(key, password)
            return None if forget is None else forget_entry(credentials, forget)

        def stored(problem: str | None) -> None:
            self.left_behind = forget if problem else None
            self._stored(password, STORED)
            finished()
            done(f"{STORED_NOW} {problem} {LEFT_BEHIND}" if problem else None)

        def not_stored(error: BaseException) -> None:
            self.busy = False
            if not isinstance(error, CredentialError):
                finished()
                raise error  # a bug stays loud
            credentials.use_for_session(key, password)
            if not isinstance(error, NoKeyring):  # a keyring that would not forget either
                self.left_behind = forget
            self._stored(password, SESSION_ONLY)
            finished()
            left = f" {LEFT_BEHIND}" if self.left_behind is not None else ""
            done(f"{error} Using it for this session only.{left}")

        self.runner.run(work, stored, not_stored)

    def old_entry(self, previous: str | None, key: str) -> str | None:
        """The entry this save moves or removes: the account's as it was, or one a locked
        keyring kept at an earlier save."""
        old = self.left_behind if self.left_behind is not None else previous
        if old == key:  # back where the password is
            self.left_behind = None
        return old if old != key else None

    def _stored(self, password: str, hint: str) -> None:
        self.busy = False
        if self.field.text() == password:  # not what was typed since
            self.field.clear()
        self.field.setPlaceholderText(hint)


class SettingsPage(QWidget):
    account_changed = Signal()
    profile_changed = Signal()
    mailbox_changed = Signal()  # its settings were saved or removed: the reply timer restarts
    records_replaced = Signal()  # a restore replaced every record: pages reload
    dates_changed = Signal()  # another date format: messages and lists are written again
    restoring = Signal(bool)  # True from the start of a restore until it has ended

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.runner = runner
        self._timeout: float | None = None  # a loaded account keeps its own
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self._profile_group())
        layout.addWidget(SpellingGroup(afterword))
        layout.addWidget(self._dates_group())
        layout.addWidget(SendingGroup(afterword.store))  # the Undo send delay
        layout.addWidget(self._account_group())
        layout.addWidget(self._mailbox_group())
        layout.addWidget(self._backup_group())
        layout.addStretch(1)
        self._scroll(content)
        for label in self._status_labels():
            say(label, "")  # hidden until they have something to say
        self._load_profile(afterword.store.profile())
        self._load_account(afterword.outbox.account())
        self._check_keyring()

    # --- building ---------------------------------------------------------------------------

    def _profile_group(self) -> QGroupBox:
        group = QGroupBox("My profile")
        form = QFormLayout(group)
        self.name = QLineEdit()
        self.email = QLineEdit()
        self.email_error = status_label("Email problem")
        self.phone = QLineEdit()
        self.signature = plain_text_edit("Signature")
        self.save_profile_button = push_button("&Save profile", "Save profile", self.save_profile)
        self.profile_status = status_label("Profile status")
        form.addRow("&Name:", named(self.name, "Your name"))
        form.addRow("E&mail:", named(self.email, "Your email address"))
        form.addRow("", self.email_error)
        form.addRow("&Phone:", named(self.phone, "Your phone number"))
        form.addRow("Si&gnature:", self.signature)
        form.addRow("", self.save_profile_button)
        form.addRow("", self.profile_status)
        return group

    def _scroll(self, content: QWidget) -> None:
        """The page is taller than a small window: it scrolls rather than set its height."""
        area = QScrollArea()
        area.setWidget(content)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, scrolling to them
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(area)

    def _account_group(self) -> QGroupBox:
        group = QGroupBox("Mail account (SMTP)")
        form = QFormLayout(group)
        self._add_provider_rows(form)
        self._add_server_rows(form)
        self._add_identity_rows(form)
        self._add_action_rows(form)
        return group

    def _add_provider_rows(self, form: QFormLayout) -> None:
        """A provider fills in both servers; what to sign in with stays the user's."""
        choices: list[tuple[str, object]] = [(CHOOSE_PROVIDER, None)]
        choices += [(preset.name, preset.name) for preset in presets()]
        self.provider = combo("Mail provider", [*choices, (OTHER_PROVIDER, OTHER_PROVIDER)])
        self.provider.activated.connect(lambda: self._use_provider(chosen=True))
        self.provider_note = status_label("Provider sign-in note", selectable=True)
        form.addRow("Provi&der:", self.provider)
        form.addRow("", self.provider_note)

    def _add_server_rows(self, form: QFormLayout) -> None:
        self.host = QLineEdit()
        self.host.setPlaceholderText("smtp.example.org")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORTS[Security.STARTTLS])
        self.security = combo(
            "Connection security", [(label, security.value) for security, label in SECURITY_CHOICES]
        )
        self.security.currentIndexChanged.connect(self._suggest_port)
        form.addRow("Ser&ver:", named(self.host, "Mail server name"))
        form.addRow("P&ort:", named(self.port, "Mail server port"))
        form.addRow("S&ecurity:", self.security)

    def _add_identity_rows(self, form: QFormLayout) -> None:
        self.username = QLineEdit()
        self.from_address = QLineEdit()
        self.from_address.setPlaceholderText("you@example.org")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(NOT_STORED)
        form.addRow("&Username:", named(self.username, "Mail account username"))
        form.addRow("&From address:", named(self.from_address, "From address"))
        self.from_address.editingFinished.connect(self._suggest_provider)
        ca_label = QLabel("Extra &CA certificate (optional):")
        form.addRow(ca_label, self._ca_row())
        ca_label.setBuddy(self.ca_file)
        form.addRow("Pass&word:", named(self.password, "Mail account password"))
        self.password_hint = PasswordHint(
            self.password,
            self.runner,
            self.afterword.credentials,
            lambda problem: say(self.keyring_status, problem),
        )

    def _ca_row(self) -> QHBoxLayout:
        row = CaFileRow(self, choose="C&hoose…", clear="Clea&r")
        self.ca_file, self.choose_ca_button = row.field, row.choose_button
        self.clear_ca_button = row.clear_button
        return row

    def _add_action_rows(self, form: QFormLayout) -> None:
        self.save_account_button = push_button("Save &account", "Save account", self.save_account)
        self.account_status = status_label("Account status")
        self.keyring_status = status_label("Keyring status")
        self.test_button = push_button(
            "Send a &test message to myself",
            "Send a test message to myself",
            self.send_test_message,
        )
        self.test_status = status_label("Test message status")
        form.addRow("", self.save_account_button)
        form.addRow("", self.account_status)
        form.addRow("", self.keyring_status)
        form.addRow("", self.test_button)
        form.addRow("", self.test_status)

    def _dates_group(self) -> QGroupBox:
        from ui.date_settings import DatesGroup

        self.dates = DatesGroup(self.afterword.store)
        self.dates.changed.connect(self.dates_changed)
        return self.dates

    def _mailbox_group(self) -> MailboxGroup:
        from ui.mailbox_settings import MailboxGroup  # here: it builds on this module

        self.mailbox = MailboxGroup(self.afterword, self.runner)
        self.mailbox.changed.connect(self.mailbox_changed)
        return self.mailbox

    def _backup_group(self) -> QGroupBox:
        """One row: the page is the tallest."""
        group = QGroupBox("Backup and restore")
        self.backup_button = push_button("Bac&k up…", "Back up to a file", self.back_up)
        self.backup_button.setToolTip(BACKUP_NOTE)
        self.backup_button.setAccessibleDescription(BACKUP_NOTE)
        self.restore_button = push_button(
            "Restore…", "Restore from a backup file", self.restore_backup
        )
        self.backup_status = named(QLabel(), "Backup status")
        row = QHBoxLayout(group)
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addWidget(self.backup_status, 1)
        return group

    def _status_labels(self) -> tuple[QLabel, ...]:
        return (
            self.provider_note,
            self.email_error,
            self.profile_status,
            self.account_status,
            self.keyring_status,
            self.test_status,
        )

    # --- loading ----------------------------------------------------------------------------

    def _load_profile(self, profile: Profile) -> None:
        self.name.setText(profile.name)
        self.email.setText(profile.email)
        self.phone.setText(profile.phone)
        self.signature.setPlainText(profile.signature)

    def _load_account(self, account: SmtpAccount | None) -> None:
        if account is None:
            return
        self.host.setText(account.host)
        self.security.setCurrentIndex(self.security.findData(account.security.value))
        self.port.setValue(account.port)  # after security, which may suggest a port
        self.username.setText(account.username)
        self.from_address.setText(account.from_address)
        self.ca_file.setText(account.ca_file)
        self._timeout = account.timeout
        self._refresh_password_hint(account)
        preset = next((p for p in presets() if p.smtp.host == account.host), None)
        if preset is not None:  # the provider it was set up with, and its sign-in note
            self.provider.setCurrentIndex(self.provider.findData(preset.name))
            say(self.provider_note, preset.sign_in_note)

    # --- the keyring ------------------------------------------------------------------------

    def _check_keyring(self) -> None:
        self.runner.run(
            self.afterword.credentials.check,
            None,  # the password hint may have said the keyring did not answer
            lambda error: say(self.keyring_status, user_message(error)),
        )

    def _refresh_password_hint(self, account: SmtpAccount) -> None:
        self.password_hint.refresh(account.key)

    # --- actions ----------------------------------------------------------------------------

    def _profile(self) -> Profile:
        return Profile(
            name=self.name.text().strip(),
            email=self.email.text().strip(),
            phone=self.phone.text().strip(),
            signature=self.signature.toPlainText(),
        )

    def has_unsaved_changes(self) -> bool:
        """Typed but not saved: the profile, the account, the mailbox, or a password."""
        return (
            self._profile() != self.afterword.store.profile()
            or self._account_unsaved()
            or self.mailbox.has_unsaved_changes()
        )

    def _account_unsaved(self) -> bool:
        if self.password.text() or self.password_hint.left_behind is not None:
            return True
        stored = self.afterword.outbox.account()
        if stored is None:
            return bool(self.host.text().strip() or self.username.text().strip())
        return self._account() != stored

    def save(self) -> None:
        """Ctrl+S: whatever was changed here."""
        if self._profile() != self.afterword.store.profile():
            self.save_profile()
        if self._account_unsaved():
            self.save_account()
        if self.mailbox.has_unsaved_changes():
            self.mailbox.save()

    def show_mailbox_status(self, text: str) -> None:
        """The last background visit of the mailbox, as the window tells it."""
        self.mailbox.show_check_status(text)

    def _use_provider(self, *, chosen: bool) -> None:
        """``chosen``: by the user, so both servers follow; else suggested by the From
        address, which leaves a mailbox already set alone."""
        preset = self._chosen_preset()
        say(self.provider_note, preset.sign_in_note if preset is not None else "")
        if preset is None:
            return
        smtp = preset.smtp
        self.host.setText(smtp.host)
        self.security.setCurrentIndex(self.security.findData(smtp.security.value))
        self.port.setValue(smtp.port)  # after security, which may suggest a port
        if chosen or not self.mailbox.host.text().strip():  # a saved mailbox stays as it is
            self.mailbox.use_server(preset.imap, preset.files_sent_itself)

    def _chosen_preset(self) -> Preset | None:
        name = self.provider.currentData()
        return next((preset for preset in presets() if preset.name == name), None)

    def _suggest_provider(self) -> None:
        """A known address with no server yet: its provider, as if chosen."""
        preset = preset_for_address(self.from_address.text())
        if preset is not None and not self.host.text().strip():
            self.provider.setCurrentIndex(self.provider.findData(preset.name))
            self._use_provider(chosen=False)

    def save_profile(self) -> None:
        profile = self._profile()
        try:
            if profile.email:
                parse_address(profile.email, "email")
        except AfterwordError as error:
            say(self.email_error, str(error))
            say(self.profile_status, "")
            return
        say(self.email_error, "")
        try:  # the name goes into every From: header
            check_header_text(profile.name, "name", label="In Settings › My profile, your name")
        except AfterwordError as error:
            say(self.profile_status, str(error))
            return
        self._store_profile(profile)

    def _store_profile(self, profile: Profile) -> None:
        try:
            self.afterword.store.save_profile(profile)
        except AfterwordError as error:
            say(self.profile_status, str(error))
            return
        say(self.profile_status, "Profile saved.")
        self.profile_changed.emit()

    def save_account(self) -> None:
        if self.password_hint.busy:  # a password is still going to the keyring (Ctrl+S)
            return
        account, previous = self._account(), self.afterword.outbox.account()
        try:
            self.afterword.outbox.save_account(account)
        except AfterwordError as error:
            say(self.account_status, str(error))
            return
        self.account_changed.emit()
        moved = self.password_hint.old_entry(previous.key if previous else None, account.key)
        password = self.password.text()
        if password:
            self._store_password(account.key, password, forget=moved)
        elif moved is not None:
            self._move_password(moved, account)
        else:
            say(self.account_status, "Account saved.")
            self._refresh_password_hint(account)

    def _move_password(self, old_key: str, account: SmtpAccount) -> None:
        """The server or user changed: the saved password goes with the account."""
        say(self.account_status, "Account saved.")
        credentials = self.afterword.credentials
        self.runner.run(
            lambda: credentials.move(old_key, account.key),
            lambda _: self._moved(None, account),
            lambda error: self._not_moved(error, old_key, account),
        )

    def _moved(self, left_behind: str | None, account: SmtpAccount) -> None:
        self.password_hint.left_behind = left_behind
        self._refresh_password_hint(account)  # it says whether a password is needed

    def _not_moved(self, error: BaseException, old_key: str, account: SmtpAccount) -> None:
        if not isinstance(error, CredentialError):
            raise error
        if isinstance(error, NoKeyring):  # nothing in a keyring; a session password moved
            self._moved(None, account)
            return
        say(self.account_status, f"Account saved. {error} {LEFT_BEHIND}")
        self._moved(old_key, account)

    def _account(self) -> SmtpAccount:
        account = SmtpAccount(
            host=self.host.text().strip(),
            port=self.port.value(),
            security=self._security(),
            username=self.username.text().strip(),
            from_address=self.from_address.text().strip(),
            ca_file=self.ca_file.text().strip(),
        )
        return account if self._timeout is None else replace(account, timeout=self._timeout)

    def _security(self) -> Security:
        return Security(self.security.currentData())

    def _suggest_port(self) -> None:
        """A port still at one security's default follows the newly chosen one."""
        security = self._security()
        if security is not Security.NONE and self.port.value() in DEFAULT_PORTS.values():
            self.port.setValue(DEFAULT_PORTS[security])

    def _store_password(self, key: str, password: str, *, forget: str | None = None) -> None:
        """Stores it; ``forget``: the entry of the account as it was before this save."""
        self.save_account_button.setEnabled(False)
        say(self.account_status, "Account saved. Saving the password in your keyring…")
        self.password_hint.store(
            key,
            password,
            forget=forget,
            done=self._password_done,
            finished=lambda: self.save_account_button.setEnabled(True),
        )

    def _password_done(self, problem: str | None) -> None:
        say(self.account_status, f"Account saved. {problem or STORED_NOW}")

    def send_test_message(self) -> None:
        """Over the account as it is on screen, saved or not, with a password just typed."""
        self.test_button.setEnabled(False)
        say(self.test_status, "Sending a test message…")
        afterword, account, typed = self.afterword, self._account(), self.password.text()
        self.runner.run(
            lambda: send_test_message(afterword, account, typed),
            self._test_message_done,
            self._test_message_failed,
            sending=True,
        )

    def _test_message_done(self, outcome: tuple[str, str]) -> None:
        address, reply = outcome
        say(self.test_status, f"Test message sent to {address}: {reply}")
        self.test_button.setEnabled(True)

    def _test_message_failed(self, error: BaseException) -> None:
        self.test_button.setEnabled(True)
        say(self.test_status, f"The test message was not sent: {user_message(error)}")

    # --- backup and restore ---------------------------------------------------------------

    def back_up(self) -> None:
        chosen = dialogs.choose_save_file(
            self,
            "Back up Afterword",
            BACKUP_FILTERS,
            default_backup_name(self.afterword.clock().astimezone().date()),
        )
        if not chosen:
            return
        target = dialogs.save_target(self, chosen, BACKUP_FILTERS)  # "week.2" is week.2.zip
        if target is None:
            return
        afterword = self.afterword
        self._backup_busy("Backing up…")
        self.runner.run(lambda: backup(afterword, target), self._backed_up, self._backup_failed)

    def _backed_up(self, summary: BackupSummary) -> None:
        self._backup_idle()
        dialogs.tell(self, summary.describe())

    def _backup_failed(self, error: BaseException) -> None:
        self._backup_idle()
        dialogs.tell(self, user_message(error), error=True)

    def restore_backup(self) -> None:
        """Never under a send: the message being sent would lose its record."""
        if self.runner.sends > 0:
            dialogs.tell(self, SENDING_NOW, error=True)
            return
        chosen = dialogs.choose_file(self, "Restore from a backup", BACKUP_FILTERS)
        if chosen:
            self._restore(Path(chosen), replace=False)

    def _restore(self, source: Path, *, replace: bool) -> None:
        if self.runner.sends > 0:  # one may have started while the file was being chosen
            dialogs.tell(self, SENDING_NOW, error=True)
            return
        afterword = self.afterword
        self._backup_busy("Restoring…")
        self.restoring.emit(True)  # the window takes no edits until the records are back
        self.runner.run(
            lambda: restore(afterword, source, replace=replace),
            self._restored,
            lambda error: self._restore_failed(source, error),
        )

    def _restore_failed(self, source: Path, error: BaseException) -> None:
        self._backup_idle()
        self.restoring.emit(False)
        if not isinstance(error, WouldReplace):
            dialogs.tell(self, user_message(error), error=True)
        elif dialogs.ask(self, self._replace_question(error), yes="Replace", no="Cancel"):
            self._restore(source, replace=True)

    def _replace_question(self, error: WouldReplace) -> str:
        folder = safety_folder(self.afterword.paths)
        return (
            f"{error}\n\nReplace it all with the backup? A safety copy of what is here now "
            f"is saved first, in {folder}."
        )

    def _restored(self, summary: RestoreSummary) -> None:
        self._backup_idle()
        self.restoring.emit(False)
        self._load_profile(self.afterword.store.profile())
        self._reload_account()
        self.mailbox.load(mailbox_settings(self.afterword.store))
        self.mailbox_changed.emit()
        self.records_replaced.emit()
        dialogs.tell(self, summary.describe())

    def _reload_account(self) -> None:
        """The restored account, or empty fields if the backup had none."""
        account = self.afterword.outbox.account()
        self.provider.setCurrentIndex(0)
        say(self.provider_note, "")
        if account is None:
            for field in (self.host, self.username, self.from_address, self.ca_file):
                field.clear()
            self.security.setCurrentIndex(0)
            self.port.setValue(DEFAULT_PORTS[self._security()])
            self._timeout = None
        self._load_account(account)

    def _backup_busy(self, status: str) -> None:
        self.backup_button.setEnabled(False)
        self.restore_button.setEnabled(False)
        self.backup_status.setText(status)

    def _backup_idle(self) -> None:
        self.backup_button.setEnabled(True)
        self.restore_button.setEnabled(True)
        self.backup_status.clear()
